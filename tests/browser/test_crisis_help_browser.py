"""In a real Chromium at phone size: choosing "I don't feel safe" shows numbers to tap before anything is sent.

The pages come from Heard through Django's test client, handed to Chromium by Playwright's request
routing: Chromium runs the page's own script, stylesheet and Content Security Policy, and the test
needs no live server, so it runs on SQLite as well as PostgreSQL.
"""

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.db import connections

from feedback.models import SafeguardingAlert, Statement
from tests.conftest import client_for

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# A loopback address (a trustworthy origin), on a port nothing listens on: every request is answered by the route.
ORIGIN = "http://127.0.0.1:9"
PHONE = {"width": 390, "height": 844}
TEL_LINKS = ["tel:999", "tel:08001111", "tel:03069990123"]


@pytest.fixture(autouse=True)
def _council_number(settings):
    settings.HEARD_CRISIS_OUT_OF_HOURS_PHONE = "0306 999 0123"


def _phone(browser, user, *, javascript: bool = True):
    """A phone-sized page signed in as this user, whose every request Heard answers through the test client."""
    client = client_for(user)
    # Playwright calls back in a greenlet of its own, which Django would give a connection of its own,
    # outside the test's transaction: hand it the test's connection (same thread, one at a time).
    database = connections["default"]

    def answer(route, request) -> None:
        connections["default"] = database
        url = urlsplit(request.url)
        if url.path == "/__axe.js":
            route.fulfill(path=AXE)
            return
        if url.path.startswith("/static/"):
            found = finders.find(url.path.removeprefix("/static/"))
            route.fulfill(path=found) if found else route.fulfill(status=404)
            return
        headers = {k: v for k, v in request.headers.items() if k.lower() in {"x-requested-with", "accept-language"}}
        response = client.generic(
            request.method,
            url.path + (f"?{url.query}" if url.query else ""),
            data=request.post_data_buffer or b"",
            content_type=request.headers.get("content-type", ""),
            headers=headers,
        )
        passed_on = {k: v for k, v in response.items() if k.lower() not in {"set-cookie", "content-length"}}
        route.fulfill(status=response.status_code, headers=passed_on, body=response.content)

    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=javascript, service_workers="block"
    )
    context.route(f"{ORIGIN}/**", answer)
    return context, context.new_page()


def _axe_violations(page) -> list[dict]:
    # Loaded from the site itself, as the page's policy allows only its own scripts.
    page.add_script_tag(url=f"{ORIGIN}/__axe.js")
    result = page.evaluate(f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(WCAG)}}}}})")
    return [{"id": v["id"], "nodes": [n["html"] for n in v["nodes"]]} for v in result["violations"]]


def _tel_links(area) -> list[str]:
    return [link.get_attribute("href") for link in area.locator("a.crisis-call").all()]


def test_choosing_i_dont_feel_safe_shows_numbers_to_tap_at_once_before_sending(browser, child, child_user):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make install runs npm ci)")
    context, page = _phone(browser, child_user)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{ORIGIN}/my/messages/new/")
    crisis = page.locator("#crisis-when-chosen")
    assert crisis.is_hidden()

    page.get_by_label("I don't feel safe").check()
    assert crisis.is_visible()
    assert _tel_links(crisis) == TEL_LINKS
    call_999 = page.get_by_role("link", name="Call 999 Police or ambulance")
    assert call_999.get_attribute("href") == "tel:999"
    for link in crisis.locator("a.crisis-call").all():
        box = link.bounding_box()
        assert box is not None and box["width"] >= 44 and box["height"] >= 44, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]  # on the screen, not off its side
    assert not Statement.objects.exists()  # nothing was sent: the help came first
    assert _axe_violations(page) == []

    # Another choice hides it; "I'm worried about something" shows it too.
    page.get_by_label("School").check()
    assert crisis.is_hidden()
    page.get_by_label("I'm worried about something").check()
    assert crisis.is_visible()

    # Sent: the confirmation keeps the same numbers to tap.
    page.get_by_label("I don't feel safe").check()
    page.get_by_label("What do you want your IRO to know?").fill("Please can someone call me tonight")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(f"{ORIGIN}/my/messages/")
    assert SafeguardingAlert.objects.get().statement.body == "Please can someone call me tonight"
    assert _tel_links(page.locator(".crisis-help")) == TEL_LINKS
    assert page.locator(".crisis-help").is_visible()
    assert _axe_violations(page) == []
    assert errors == []  # no script or policy error on the way
    context.close()


def test_without_javascript_the_stylesheet_alone_shows_the_help_on_choosing(browser, child, child_user):
    context, page = _phone(browser, child_user, javascript=False)
    page.goto(f"{ORIGIN}/my/messages/new/")
    crisis = page.locator("#crisis-when-chosen")
    assert crisis.is_hidden()
    page.get_by_label("I don't feel safe").check()
    assert crisis.is_visible()
    assert _tel_links(crisis) == TEL_LINKS
    context.close()


def test_with_no_signal_a_message_about_not_being_safe_keeps_the_numbers_on_screen(browser, child, child_user):
    context, page = _phone(browser, child_user)
    page.goto(f"{ORIGIN}/my/messages/new/")
    context.set_offline(True)
    page.get_by_label("I don't feel safe").check()
    page.get_by_label("What do you want your IRO to know?").fill("Please can someone call me tonight")
    page.get_by_role("button", name="Send").click()

    page.wait_for_selector("#outbox-status:not([hidden])")
    assert "call one of the numbers below" in page.inner_text("#outbox-status")
    assert page.input_value("textarea") == ""  # kept on the phone, and the form is ready for another
    assert not page.get_by_label("I don't feel safe").is_checked()
    crisis = page.locator("#crisis-when-chosen")
    assert crisis.is_visible()  # still there: the child can call while the message waits
    assert _tel_links(crisis) == TEL_LINKS
    assert not Statement.objects.exists()
    context.close()
