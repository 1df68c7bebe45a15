"""The child's complaints page on a phone and the managers' register on a desktop, in Chromium, axe-checked."""

import os
from datetime import date
from pathlib import Path

import pytest

from complaints.services import complaint_acknowledge, complaint_make, stage1_extend, stage1_respond
from tests.browser.phone import AXE, ORIGIN, axe_violations, phone
from tests.complaints.conftest import on

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("pinned_clock")]

# Where to keep the pictures to look at (HEARD_SCREENSHOTS=dir); otherwise the test's own folder.
SHOTS = os.environ.get("HEARD_SCREENSHOTS", "")


@pytest.fixture
def complaints(child, other_child, manager):
    with on(date(2026, 11, 12)):
        late, _ = complaint_make(
            child=child, by=child.user, words="They moved me to a new school without asking me.", channel="web"
        )
    answered, _ = complaint_make(
        child=other_child, by=other_child.user, words="I want more time with my sister.", kind="representation",
        channel="app",
    )  # fmt: skip
    complaint_acknowledge(complaint=answered, by=manager)
    stage1_extend(complaint=late, by=manager)
    # One of Alice's was answered last week: she may still ask for someone else to look at it.
    with on(date(2026, 11, 2)):
        earlier, _ = complaint_make(child=child, by=child.user, words="My phone was taken away.", channel="sms")
    with on(date(2026, 11, 16)):
        complaint_acknowledge(complaint=earlier, by=manager, on=date(2026, 11, 3))
        stage1_respond(complaint=earlier, by=manager, outcome="partly_upheld")
    return late, answered


def _shot(page, name: str, tmp_path: Path) -> None:
    page.screenshot(path=str(Path(SHOTS or tmp_path) / f"{name}.png"), full_page=True)


def test_the_childs_complaints_page_works_on_a_phone(browser, complaints, child_user, tmp_path):
    context, page = phone(browser, child_user)
    page.goto(f"{ORIGIN}/my/complaints/")
    assert page.get_by_text("We need a bit longer to look into it.").is_visible()
    assert page.get_by_role("button", name="Ask for someone else to look at it").is_visible()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _shot(page, "my-complaints-390", tmp_path)
    if AXE.exists():
        assert axe_violations(page) == []
    context.close()


def test_the_register_shows_overdue_flags_on_a_desktop(browser, complaints, manager, tmp_path):
    context, page = phone(browser, manager)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{ORIGIN}/manage/complaints/")
    assert page.get_by_text("overdue by 5 working days").is_visible()
    _shot(page, "manage-complaints-1280", tmp_path)
    page.get_by_role("link", name="HRD0001").click()
    assert page.get_by_text("They moved me to a new school without asking me.").is_visible()
    _shot(page, "manage-complaint-1280", tmp_path)
    if AXE.exists():
        assert axe_violations(page) == []
    context.close()
