"""Screenshots of Heard's main pages, for the README: `make screenshots` writes docs/screenshots/*.png.

It serves the demo council (SQLite, embedded defaults) from a throwaway folder with the Procfile's web command, signs in
as the demo child and the demo IRO in Debian's Chromium, and photographs each page: children's
pages at phone size, staff pages at desktop size. Nothing here reaches the network.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.servers import free_port, production_command, wait_for_port

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("HEARD_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CHILD = ("child07", "heard-demo-child")  # aged 8, with an IRO, a review and messages in the demo
STAFF = ("amara@heard.example", "heard-demo-staff")
MANAGER = ("manager@heard.example", "heard-demo-staff")


def _serve(folder: Path) -> tuple[subprocess.Popen, str, dict]:
    """Migrate and seed the demo council in this folder and serve it; return the server and its address."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        HEARD_DEBUG="1",
        HEARD_VAR_DIR=str(folder),
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        DJANGO_SETTINGS_MODULE="backend.settings",
    )
    for command in (["migrate", "--noinput", "--verbosity", "0"], ["consultation_forms_sync"], ["seed_demo"]):
        _manage(env, *command)
    log = (folder / "web.log").open("w")
    server = subprocess.Popen(
        production_command(port),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port)
    except RuntimeError:
        server.kill()
        raise SystemExit("The web server did not start: " + (folder / "web.log").read_text()) from None
    return server, f"http://127.0.0.1:{port}", env


def _manage(env: dict, *command: str) -> str:
    """Run a manage.py command on the demo council; return what it printed."""
    done = subprocess.run(
        [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def _totp_code(env: dict) -> str:
    """The demo staff's current authenticator code, from the demo's own command."""
    return _manage(env, "demo_totp")


# A fresh link to the youngest demo child's own form (4-7, or symbols), as their carer would open it.
LITTLE_LINK = """
from consultations.models import Invitation
from consultations.services import LINK_KIND, invitation_link
from backend.signed_links import link_issue
invitation = Invitation.objects.filter(audience=AUDIENCE, contact__isnull=True, review__held_on__isnull=True).first()
token = link_issue(LINK_KIND, invitation)
invitation.save(update_fields=["token_hash"])
print(invitation_link(token))
"""


def _little_link(env: dict, audience: str) -> str:
    return _manage(env, "shell", "-c", LITTLE_LINK.replace("AUDIENCE", repr(audience))).splitlines()[-1]


def _little_pages(browser, env: dict) -> None:
    """The 4-7 form one question a screen, a picture tapped; and the symbols form."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    for audience, name in (("child_4_7", "child-4-7-form"), ("symbols", "child-symbols-form")):
        link = _little_link(env, audience)
        page.goto(link)
        page.wait_for_load_state("networkidle")
        page.locator(".little-step:visible label.little-pick").first.click()
        page.screenshot(path=OUT / f"{name}.png")  # the screen as the child sees it, Next at the bottom
        # On to the first question answered with pictures (or symbols) rather than faces.
        for _ in range(8):
            if not page.locator(".little-step:visible .little-faces").count():
                break
            page.locator(".little-step:visible label.little-pick").first.click()
            page.locator(".little-next:visible").click()
        page.locator(".little-step:visible label.little-pick").first.click()
        page.screenshot(path=OUT / f"{name}-pictures.png")
        print(f"  {name}.png, {name}-pictures.png  (a fresh link, as a carer opens it)")
    context.close()


def _sign_in(page, base: str, username: str, password: str, totp: Callable[[], str] | None = None) -> None:
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=login]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    if totp is not None and page.locator("input[name=code]").count():
        page.locator("input[name=code]").fill(totp())
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state()


def _shoot(page, base: str, path: str, name: str, prepare: Callable | None = None) -> None:
    page.goto(base + path)
    page.wait_for_load_state("networkidle")
    if prepare is not None:
        prepare(page)
    page.screenshot(path=OUT / f"{name}.png", full_page=True)
    print(f"  {name}.png  {path}")


def _has_reply(page, url: str) -> bool:
    page.goto(url)
    return page.locator(".bubble.theirs").count() > 0


def _child_pages(browser, base: str, language: str = "") -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    _sign_in(page, base, *CHILD)
    suffix = f"-{language}" if language else ""
    if language:
        page.goto(f"{base}/my/settings/")
        page.locator(f"input[name=preferred_language][value={language}]").check()
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_load_state()

    def choose_a_feeling(page) -> None:
        faces = page.locator("label.feeling")
        if faces.count():
            faces.nth(3).click()

    _shoot(page, base, "/my/messages/new/", f"child-write{suffix}", choose_a_feeling)
    if not language:
        _shoot(page, base, "/my/messages/", "child-messages")
        threads = page.evaluate(
            "() => [...document.querySelectorAll('main a')].map(a => a.getAttribute('href'))"
            ".filter(h => /^\\/my\\/messages\\/\\d+\\/$/.test(h || ''))"
        )
        # A conversation where the IRO has answered, if the demo child has one.
        thread = next((t for t in threads if _has_reply(page, base + t)), threads[0] if threads else None)
        if thread:
            _shoot(page, base, thread, "child-conversation")
        _shoot(page, base, "/my/settings/", "child-settings")
        _shoot(page, base, "/my/consultations/", "child-forms")
        _shoot(page, base, "/my/reviews/", "child-reviews")
    context.close()


# The record of the demo IRO's child who wrote to her and answered the most forms: a trend worth showing.
RICHEST_RECORD = """
from django.db.models import Count, Exists, OuterRef, Q
from accounts.models import User
from feedback.models import Statement
from reviews.selectors import children_visible_to
answered = Q(reviews__invitations__contact__isnull=True, reviews__invitations__response__submitted_at__isnull=False)
children = children_visible_to(User.objects.get(email="amara@heard.example")).annotate(
    answered=Count("reviews__invitations__response", filter=answered),
    wrote=Exists(Statement.objects.filter(child=OuterRef("pk"), for_iro=True)),
)
print(children.order_by("-wrote", "-answered", "pk").first().pk)
"""


def _child_record_path(env: dict) -> str:
    return f"/inbox/children/{_manage(env, 'shell', '-c', RICHEST_RECORD).splitlines()[-1]}/"


def _staff_pages(browser, base: str, env: dict) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    _sign_in(page, base, *STAFF, totp=lambda: _totp_code(env))
    _shoot(page, base, "/inbox/", "staff-inbox")
    message = page.locator("a[href^='/inbox/messages/']").first
    if message.count():
        _shoot(page, base, message.get_attribute("href") or "/inbox/", "staff-message")
    pack = page.locator("a[href*='/pack/']").first
    if pack.count():
        _shoot(page, base, pack.get_attribute("href") or "/inbox/", "staff-pack")
    _shoot(page, base, _child_record_path(env), "child-record")
    _shoot(page, base, "/reports/", "staff-reports")
    context.close()


def _annual_report(browser, base: str, env: dict) -> None:
    """The manager's annual report page, and the first pages of its PDF side by side."""
    from PIL import Image  # noqa: PLC0415 (WeasyPrint's own dependency, only needed here)

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    _sign_in(page, base, *MANAGER, totp=lambda: _totp_code(env))
    year = date.today().year - (2 if date.today().month < 4 else 1)  # noqa: DTZ011 (the demo's last whole year)
    page.goto(f"{base}/reports/annual/?year={year}")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=OUT / "staff-annual-report.png")
    pdf = page.request.get(f"{base}/reports/annual.pdf?year={year}").body()
    context.close()
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "annual.pdf").write_bytes(pdf)
        subprocess.run(
            [shutil.which("pdftoppm") or "pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "4", "annual.pdf", "page"],
            cwd=folder,
            check=True,
        )
        pages = [Image.open(path) for path in sorted(Path(folder).glob("page-*.png"))]
        sheet = Image.new("RGB", (sum(p.width for p in pages) + 20 * (len(pages) + 1), pages[0].height + 40), "#d9d7d0")
        for number, picture in enumerate(pages):
            sheet.paste(picture, (20 + number * (picture.width + 20), 20))
        sheet.save(OUT / "annual-report-pdf.png")
    print(f"  staff-annual-report.png, annual-report-pdf.png  /reports/annual/?year={year}")


def _manager_pages(browser, base: str, env: dict) -> None:
    """The reports as the IRO service manager reads them: the contents, and one report."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    _sign_in(page, base, *MANAGER, totp=lambda: _totp_code(env))
    _shoot(page, base, "/reports/", "reports-contents")
    _shoot(page, base, "/reports/participation/", "report-participation")
    context.close()


def main() -> None:
    """Make the screenshots."""
    if not shutil.which(CHROMIUM):
        raise SystemExit(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="heard-screenshots-") as folder:
        server, base, env = _serve(Path(folder))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                print(f"Screenshots in {OUT.relative_to(ROOT)}/:")
                _child_pages(browser, base)
                _child_pages(browser, base, language="ar")
                _little_pages(browser, env)
                _staff_pages(browser, base, env)
                _annual_report(browser, base, env)
                _manager_pages(browser, base, env)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
