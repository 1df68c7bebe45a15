"""In a real Chromium: an IRO narrows a long inbox, moves through the unread messages by keyboard, axe-clean."""

import json
from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from accounts.models import Role
from feedback.models import Category
from feedback.services import statement_submit
from reviews.services import iro_allocate
from tests.conftest import make_child, make_user

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MESSAGES = [
    (Category.SCHOOL, "Can I change my maths set?"),
    (Category.WHERE_I_LIVE, "My room is cold and the heater is broken"),
    (Category.FAMILY_TIME, "I want to see my nan more often"),
]


def _axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(WCAG)}}}}})")
    return [{"id": v["id"], "nodes": [n["html"] for n in v["nodes"]]} for v in result["violations"]]


def test_an_iro_filters_searches_and_walks_the_unread_by_keyboard(browser, live_asgi_server, iro):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make install runs npm ci)")
    for number, (category, words) in enumerate(MESSAGES):
        user = make_user(f"kid{number}", Role.CHILD)
        child = make_child(f"HRD{number + 50:04d}", user=user)
        iro_allocate(child=child, iro=iro, allocated_on=date(2025, 9, 2))
        statement_submit(author=user, child=child, category=category, body=words, channel="web")
    staff = Client()
    staff.force_login(iro, backend="django.contrib.auth.backends.ModelBackend")
    # axe-core goes in as an inline script: the test lifts the page's CSP for itself alone.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.add_cookies([{"name": "sessionid", "value": staff.cookies["sessionid"].value, "url": live_asgi_server}])
    page = context.new_page()
    page.goto(f"{live_asgi_server}/inbox/")
    assert page.locator("li.message-row").count() == 3
    assert page.get_by_text(
        "My room is cold and the heater is broken"
    ).is_visible()  # the words' start, not just a topic
    assert _axe(page) == []

    # n walks the unread messages in order (and round again); / jumps to the search box.
    page.locator("body").press("n")
    assert page.evaluate("document.activeElement.textContent") == "School"
    page.keyboard.press("n")
    assert page.evaluate("document.activeElement.textContent") == "Where I live"
    page.keyboard.press("p")
    assert page.evaluate("document.activeElement.textContent") == "School"
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "inbox-q"
    page.keyboard.type("heater")
    page.keyboard.press("n")  # typing in the box is not a shortcut
    assert page.input_value("#inbox-q") == "heatern"
    page.fill("#inbox-q", "heater")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert "q=heater" in page.url
    assert page.locator("li.message-row").count() == 1
    assert page.locator("li.message-row .inbox-message").inner_text() == "Where I live"

    # A topic and "unread" together; then Clear brings everything back.
    page.fill("#inbox-q", "")
    page.select_option("#inbox-category", "family_time")
    page.check("input[name=unread]")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert page.locator("li.message-row .preview").inner_text() == "I want to see my nan more often"
    assert _axe(page) == []
    page.get_by_role("link", name="Clear").click()
    page.wait_for_load_state()
    assert page.locator("li.message-row").count() == 3

    # A filter Heard cannot use is said on the page, with the whole inbox under it.
    page.goto(f"{live_asgi_server}/inbox/?review_within=soon")
    assert page.get_by_text("Heard could not use that filter").is_visible()
    assert page.locator("li.message-row").count() == 3
    assert _axe(page) == []
    context.close()
