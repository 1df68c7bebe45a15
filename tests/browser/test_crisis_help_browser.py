"""In a real Chromium at phone size: choosing "I don't feel safe" shows numbers to tap before anything is sent."""

import pytest

from feedback.models import SafeguardingAlert, Statement
from tests.browser.phone import AXE, ORIGIN, PHONE, WORDS_QUESTION, axe_violations, phone

pytestmark = pytest.mark.browser

TEL_LINKS = ["tel:999", "tel:08001111", "tel:03069990123"]


@pytest.fixture(autouse=True)
def _council_number(settings):
    settings.HEARD_CRISIS_OUT_OF_HOURS_PHONE = "0306 999 0123"


def _tel_links(area) -> list[str]:
    return [link.get_attribute("href") for link in area.locator("a.crisis-call").all()]


def test_choosing_i_dont_feel_safe_shows_numbers_to_tap_at_once_before_sending(browser, child, child_user):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make install runs npm ci)")
    context, page = phone(browser, child_user)
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
    assert axe_violations(page) == []

    # Another choice hides it; "I'm worried about something" shows it too.
    page.get_by_label("School").check()
    assert crisis.is_hidden()
    page.get_by_label("I'm worried about something").check()
    assert crisis.is_visible()

    # Sent: the confirmation keeps the same numbers to tap.
    page.get_by_label("I don't feel safe").check()
    page.get_by_label(WORDS_QUESTION).fill("Please can someone call me tonight")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(f"{ORIGIN}/my/messages/")
    assert SafeguardingAlert.objects.get().statement.body == "Please can someone call me tonight"
    assert _tel_links(page.locator(".crisis-help")) == TEL_LINKS
    assert page.locator(".crisis-help").is_visible()
    assert axe_violations(page) == []
    assert errors == []  # no script or policy error on the way
    context.close()


def test_without_javascript_the_stylesheet_alone_shows_the_help_on_choosing(browser, child, child_user):
    context, page = phone(browser, child_user, javascript=False)
    page.goto(f"{ORIGIN}/my/messages/new/")
    crisis = page.locator("#crisis-when-chosen")
    assert crisis.is_hidden()
    page.get_by_label("I don't feel safe").check()
    assert crisis.is_visible()
    assert _tel_links(crisis) == TEL_LINKS
    context.close()


def test_with_no_signal_a_message_about_not_being_safe_keeps_the_numbers_on_screen(browser, child, child_user):
    context, page = phone(browser, child_user)
    page.goto(f"{ORIGIN}/my/messages/new/")
    context.set_offline(True)
    page.get_by_label("I don't feel safe").check()
    page.get_by_label(WORDS_QUESTION).fill("Please can someone call me tonight")
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
