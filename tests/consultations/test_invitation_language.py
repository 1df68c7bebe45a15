"""Invitations, reminders and the after-review feedback request reach a child in the language on their record.

No language is recorded for the adults around the child: their texts and emails stay English.
"""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client

from consultations.models import ChildContact, Invitation
from consultations.services import invitation_remind, invitations_create_for_review
from reviews.models import Child, Review
from reviews.services import review_record_held
from sms.models import OutboundMessage, Purpose
from tests.conftest import make_child, make_user

pytestmark = pytest.mark.usefixtures("pinned_clock")

LONDON = ZoneInfo("Europe/London")
PARENT_PHONE = "+447700900301"
ENGLISH_INVITATION = "Heard: we'd like your views. Open: "
# The start of each text as the child should read it ("" is a child who chose no language: English).
INVITED = {
    "cy": "Heard: hoffen ni glywed dy farn. Agora: ",
    "ar": "Heard: نودّ أن نعرف رأيك. افتح: ",
    "": ENGLISH_INVITATION,
}
REMINDED = {
    "cy": "Heard: Nodyn atgoffa: hoffen ni glywed dy farn. Agora: ",
    "ar": "Heard: تذكير: نودّ أن نعرف رأيك. افتح: ",
    "": "Heard: Reminder: we'd like your views. Open: ",
}
BY_TEXT = {"cy": " neu ateba FORM", "ar": " أو أرسل FORM", "": " or reply FORM"}
ASKED_AFTER = {
    "cy": "Heard: sut aeth y cyfarfod? Dweda wrthon ni mewn 3 chwestiwn cyflym: ",
    "ar": "Heard: كيف كان الاجتماع؟ أخبرنا في 3 أسئلة سريعة: ",
    "": "Heard: how did the meeting go? Tell us in 3 quick questions: ",
}
LANGUAGES = pytest.mark.parametrize("language", ["cy", "ar", ""], ids=lambda code: code or "none chosen")
LINK = r"(https?://\S+/(?:c|f)/\S+/)"


def _speaks(child: Child, language: str) -> None:
    Child.objects.filter(pk=child.pk).update(preferred_language=language)


def _book(child: Child) -> Review:
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = date(2027, 1, 6)
    review.save()
    return review


def _text_to(phone: str, purpose: str) -> str:
    return OutboundMessage.objects.get(to=phone, purpose=purpose).body


@pytest.fixture
def adults(child):
    ChildContact.objects.create(child=child, role="carer", name="Pat Carer", email="pat@example.org")
    ChildContact.objects.create(child=child, role="parent", name="Sam Parent", phone=PARENT_PHONE, channel="sms")


@LANGUAGES
def test_a_young_persons_invitation_and_reminder_are_in_their_language_and_the_link_works(
    child, child_user, adults, django_capture_on_commit_callbacks, language
):
    _speaks(child, language)
    with django_capture_on_commit_callbacks(execute=True):
        invitations_create_for_review(review=_book(child))
    invited = _text_to(child_user.phone, Purpose.INVITATION)
    assert invited.startswith(INVITED[language])
    assert invited.endswith(BY_TEXT[language])

    invitation = Invitation.objects.get(review__child=child, contact__isnull=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert invitation_remind(invitation=invitation)
    reminded = _text_to(child_user.phone, Purpose.REMINDER)
    assert reminded.startswith(REMINDED[language])
    assert reminded.endswith(BY_TEXT[language])
    # The link, whatever the words around it, opens the form.
    link = re.search(LINK, reminded).group(1).split("127.0.0.1:8000")[-1]
    assert Client().get(link).status_code == 200


@LANGUAGES
def test_a_younger_childs_invitation_is_in_their_language_without_the_form_by_text(
    db, iro, django_capture_on_commit_callbacks, language
):
    user = make_user("cai", "child", phone="+447700900150", phone_verified=True)
    younger = make_child("HRD0150", user=user, born=date(2017, 3, 1))  # 9 on the review day: the 8-11 form
    _speaks(younger, language)
    with django_capture_on_commit_callbacks(execute=True):
        invitations_create_for_review(review=_book(younger))
    invited = _text_to(user.phone, Purpose.INVITATION)
    assert invited.startswith(INVITED[language])
    assert re.fullmatch(re.escape(INVITED[language]) + LINK, invited)  # the link last: no FORM offered


@pytest.mark.parametrize("language", ["cy", "ar"])
def test_the_adults_around_a_child_are_still_written_to_in_english(
    child, adults, django_capture_on_commit_callbacks, language
):
    _speaks(child, language)
    with django_capture_on_commit_callbacks(execute=True):
        invitations_create_for_review(review=_book(child))
    assert re.fullmatch(re.escape(ENGLISH_INVITATION) + LINK, _text_to(PARENT_PHONE, Purpose.INVITATION))
    email = next(m for m in mail.outbox if m.to == ["pat@example.org"])
    assert email.subject == "Your views before a looked-after review"
    assert "The Independent Reviewing Officer would like your views" in email.body


@LANGUAGES
def test_the_request_for_feedback_after_the_review_is_in_the_childs_language(
    child, child_user, adults, django_capture_on_commit_callbacks, language
):
    _speaks(child, language)
    review = Review.objects.get(child=child, held_on__isnull=True)
    with (
        time_machine.travel(datetime(2026, 11, 20, 15, tzinfo=LONDON)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        review_record_held(review=review, held_on=date(2026, 11, 20), late_reason="late", attended=True, views="spoke")
    asked = OutboundMessage.objects.get(to=child_user.phone, purpose=Purpose.INVITATION).body
    assert re.fullmatch(re.escape(ASKED_AFTER[language]) + LINK, asked)
    # The link opens in the same language as the text that carried it, whatever the phone's browser says.
    link = re.search(LINK, asked).group(1).split("127.0.0.1:8000")[-1]
    page = Client(headers={"Accept-Language": "pl"}).get(link).content.decode()[:300]
    assert {"cy": 'lang="cy"', "ar": 'lang="ar" dir="rtl"', "": 'lang="pl"'}[language] in page
    # The parent, by text, is asked in English whatever the child's language.
    assert _text_to(PARENT_PHONE, Purpose.INVITATION).startswith(ASKED_AFTER[""])
    assert next(m for m in mail.outbox if m.to == ["pat@example.org"]).subject == "How did the review go?"


@pytest.mark.parametrize(
    ("record", "browser", "page_language"),
    [("cy", "pl", 'lang="cy"'), ("ar", "", 'lang="ar" dir="rtl"'), ("", "pl", 'lang="pl"'), ("", "", 'lang="en-gb"')],
    ids=["the record over the browser", "arabic", "none chosen: the browser", "none chosen: english"],
)
def test_the_childs_own_link_opens_in_the_language_of_their_text(
    child, child_user, adults, django_capture_on_commit_callbacks, record, browser, page_language
):
    _speaks(child, record)
    with django_capture_on_commit_callbacks(execute=True):
        invitations_create_for_review(review=_book(child))
    link = re.search(LINK, _text_to(child_user.phone, Purpose.INVITATION)).group(1).split("127.0.0.1:8000")[-1]
    browsing = Client(headers={"Accept-Language": browser}) if browser else Client()
    page = browsing.get(link)
    assert page.status_code == 200
    assert page_language in page.content.decode()[:300]


def test_an_adults_link_follows_their_browser_whatever_the_childs_language(
    child, adults, django_capture_on_commit_callbacks
):
    _speaks(child, "cy")
    with django_capture_on_commit_callbacks(execute=True):
        invitations_create_for_review(review=_book(child))
    link = re.search(LINK, _text_to(PARENT_PHONE, Purpose.INVITATION)).group(1).split("127.0.0.1:8000")[-1]
    assert 'lang="en-gb"' in Client().get(link).content.decode()[:300]
