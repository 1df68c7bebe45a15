"""In Chromium at phone size (390x844): a five-year-old answers by tapping pictures, one question a screen."""

from datetime import date

import pytest
from playwright.sync_api import expect

from consultations.models import Invitation, Response
from consultations.services import forms_sync_from_files, invitations_create_for_review
from reviews.models import Review
from tests.browser.phone import AXE, ORIGIN, axe_violations, phone

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("pinned_clock")]


def _invite(child, *, born: date, symbols: bool = False) -> Invitation:
    forms_sync_from_files()
    child.date_of_birth = born
    child.uses_symbols = symbols
    child.save()
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = date(2027, 1, 6)
    review.save()
    invitations_create_for_review(review=review)
    return Invitation.objects.get(review=review, contact__isnull=True)


def _screen(page):
    """The question on screen now."""
    return page.locator(".little-step:visible")


def _tap(page, word: str) -> None:
    picture = _screen(page).locator("label.little-pick").filter(has=page.get_by_text(word, exact=True))
    box = picture.bounding_box()
    assert box is not None and box["width"] >= 88 and box["height"] >= 88, (word, box)
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # on the screen, not off its side
    picture.tap()


def test_a_young_child_taps_pictures_one_question_a_screen_and_sends_them(browser, child, child_user):
    invitation = _invite(child, born=date(2021, 3, 1))
    context, page = phone(browser, child_user)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{ORIGIN}/my/consultations/{invitation.pk}/")

    dots = page.locator(".little-dots li")
    # A dot for each of the ten questions (the wellbeing check's among them) and the finish.
    assert dots.count() == 11 and page.locator(".little-dots").is_visible()
    assert _screen(page).count() == 1
    assert "How do you feel at home?" in _screen(page).inner_text()
    assert page.get_by_role("button", name="Back").is_hidden()  # nowhere to go back to yet
    if AXE.exists():
        assert axe_violations(page) == []

    _tap(page, "Happy")
    assert "done" in (dots.nth(0).get_attribute("class") or "")
    # Saved as the child goes: the answer is in Heard before anything is sent.
    expect(page.locator(".save-status")).to_have_text("Saved")
    assert Response.objects.get(invitation=invitation).answers == {"home_feeling": "happy"}

    page.get_by_role("button", name="Next").tap()
    assert "How do you feel at school?" in _screen(page).inner_text()
    assert "current" in (dots.nth(1).get_attribute("class") or "")
    _tap(page, "Very happy")
    page.get_by_role("button", name="Next").tap()
    _tap(page, "OK")
    page.get_by_role("button", name="Back").tap()  # changes their mind about school
    _tap(page, "Sad")
    page.get_by_role("button", name="Next").tap()
    page.get_by_role("button", name="Next").tap()

    # The wellbeing check: how they feel most days, a grown-up to talk to, whether grown-ups listen.
    assert "How do you feel most days?" in _screen(page).inner_text()
    _tap(page, "Happy")
    page.get_by_role("button", name="Next").tap()
    _tap(page, "Yes")
    page.get_by_role("button", name="Next").tap()
    _tap(page, "Not sure")
    page.get_by_role("button", name="Next").tap()

    assert "What makes you happy?" in _screen(page).inner_text()
    _tap(page, "Pets")
    _tap(page, "Going outside")
    page.get_by_role("button", name="Next").tap()
    _tap(page, "Me")
    _tap(page, "My carer")
    page.get_by_role("button", name="Next").tap()
    _tap(page, "Not sure")
    page.get_by_role("button", name="Next").tap()
    _screen(page).locator("textarea").fill("Can I see my nan")
    page.get_by_role("button", name="Next").tap()

    assert "All done. Well done!" in _screen(page).inner_text()
    assert page.get_by_role("button", name="Next").is_hidden()
    if AXE.exists():
        assert axe_violations(page) == []
    page.get_by_role("button", name="Send to my IRO").tap()
    page.wait_for_selector("text=Thank you")

    response = Response.objects.get(invitation=invitation)
    assert response.submitted_at is not None
    assert response.answers == {
        "home_feeling": "happy",
        "school_feeling": "sad",
        "family_feeling": "ok",
        "feel_most_days": "happy",
        "grown_up_to_talk_to": "yes",
        "grown_ups_listen": "not_sure",
        "like_best": ["pets", "outside"],
        "people": ["me", "carer"],
        "see_iro_alone": "not_sure",
        "tell_iro": "Can I see my nan",
    }
    assert errors == []
    context.close()


def test_without_javascript_every_question_is_on_one_page_and_sends_the_same(browser, child, child_user):
    invitation = _invite(child, born=date(2021, 3, 1))
    context, page = phone(browser, child_user, javascript=False)
    page.goto(f"{ORIGIN}/my/consultations/{invitation.pk}/")
    assert page.locator(".little-step:visible").count() == 11
    assert page.locator(".little-nav").is_hidden()
    page.locator("#step-1 label.little-pick", has_text="Very happy").click()
    page.locator("#step-7 label.little-pick", has_text="Friends").click()
    page.get_by_role("button", name="Send to my IRO").click()
    page.wait_for_selector("text=Thank you")
    response = Response.objects.get(invitation=invitation)
    assert (response.answers, response.submitted_at is not None) == (
        {"home_feeling": "very_happy", "like_best": ["friends"]},
        True,
    )
    context.close()


def test_a_missing_answer_opens_on_its_screen_and_the_symbols_form_steps_the_same(browser, child, child_user):
    invitation = _invite(child, born=date(2016, 3, 1), symbols=True)
    context, page = phone(browser, child_user)
    page.goto(f"{ORIGIN}/my/consultations/{invitation.pk}/")
    assert page.locator(".little-symbols").count() == 1
    page.get_by_role("button", name="Next").tap()
    assert "School?" in _screen(page).inner_text()
    # Straight on to the end and send, with the one needed answer left out.
    while page.get_by_role("button", name="Next").is_visible():
        page.get_by_role("button", name="Next").tap()
    page.get_by_role("button", name="Send to my IRO").tap()
    page.wait_for_selector("#error-summary")
    assert "Home?" in _screen(page).inner_text()  # back on the question that needs an answer
    assert _screen(page).locator(".error").inner_text() == "Please answer this question."
    _tap(page, "Happy")
    if AXE.exists():
        assert axe_violations(page) == []
    while page.get_by_role("button", name="Next").is_visible():
        page.get_by_role("button", name="Next").tap()
    page.get_by_role("button", name="Send to my IRO").tap()
    page.wait_for_selector("text=Thank you")
    assert Response.objects.get(invitation=invitation).answers == {"home_feeling": "happy"}
    context.close()
