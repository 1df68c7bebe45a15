"""In a real Chromium: a manager opens the reports, follows one, changes the period, moves on, downloads CSV."""

import json
from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from accounts.models import Role
from reviews.models import Review
from reviews.services import iro_allocate
from tests.conftest import make_child, make_user

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(WCAG)}}}}})")
    return [{"id": v["id"], "nodes": [n["html"] for n in v["nodes"]]} for v in result["violations"]]


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}])
def test_a_manager_walks_the_reports(browser, live_asgi_server, manager, viewport):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make install runs npm ci)")
    iro = make_user("amara", Role.IRO)
    for number, code in enumerate(["PN1", "PN6", "PN7"]):
        child = make_child(f"HRD{number + 70:04d}")
        iro_allocate(child=child, iro=iro, allocated_on=date(2025, 9, 2))
        Review.objects.filter(child=child).update(held_on=date(2025, 9, 20), participation_code=code)
    staff = Client()
    staff.force_login(manager, backend="django.contrib.auth.backends.ModelBackend")
    # axe-core goes in as an inline script: the test lifts the page's CSP for itself alone.
    context = browser.new_context(viewport=viewport, bypass_csp=True, accept_downloads=True)
    context.add_cookies([{"name": "sessionid", "value": staff.cookies["sessionid"].value, "url": live_asgi_server}])
    page = context.new_page()

    page.goto(f"{live_asgi_server}/reports/")
    assert page.get_by_role("heading", name="Participation of children in their reviews").is_visible()
    assert _axe(page) == []
    page.get_by_role("link", name="How children took part in their reviews").click()
    page.wait_for_load_state()
    assert page.url.endswith("/reports/participation/")
    assert page.get_by_role("heading", level=1).inner_text() == "How children took part in their reviews"

    # The picker: the reporting year 2025-26, where the three reviews were held.
    page.fill("#from", "2025-04-01")
    page.fill("#to", "2026-03-31")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert "from=2025-04-01" in page.url and "to=2026-03-31" in page.url
    # By hand: three reviews of children aged 4 and over; one PN1 of three is 33.3%.
    first = page.locator(".report-table tbody tr").first
    assert first.locator("th").inner_text().startswith("PN1: came to the review")
    assert [cell.inner_text() for cell in first.locator("td").all()][:3] == ["1", "3", "33.3"]
    assert page.locator("svg.report-chart").count() == 1
    assert _axe(page) == []

    # The CSV for the same period.
    link = page.get_by_role("link", name="Download these figures (CSV, for a spreadsheet)")
    with page.expect_download() as download:
        link.click()
    saved = Path(download.value.path()).read_text()
    assert download.value.suggested_filename == "participation-2025-04-01-2026-03-31.csv"
    assert saved.splitlines()[0].startswith("Group,What is counted,Number,Out of,%")
    assert any(line.startswith(",PN1: came to the review") and ",1,3,33.3," in line for line in saved.splitlines())

    # On to the next report, the period kept.
    page.get_by_role("link", name="Next: How children took part, by age").click()
    page.wait_for_load_state()
    assert "/reports/participation-by-age/" in page.url and "from=2025-04-01" in page.url
    assert _axe(page) == []
    page.get_by_role("link", name="All reports").last.click()
    page.wait_for_load_state()
    assert page.url.split("?")[0].endswith("/reports/")
    context.close()
