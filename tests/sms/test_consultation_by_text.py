"""A young person answers their consultation by text, one question at a time, resuming where they left off."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from consultations.models import Invitation, Response
from consultations.services import forms_sync_from_files, invitations_create_for_review
from reviews.models import Review
from sms.models import OutboundMessage
from tests.conftest import make_child, make_user
from tests.sms.test_inbound import text


@pytest.fixture
def invitation(child, django_capture_on_commit_callbacks):
    forms_sync_from_files()
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = timezone.localdate() + timedelta(days=10)
    review.save()
    with django_capture_on_commit_callbacks(execute=True):
        invitations_create_for_review(review=review)
    return Invitation.objects.get(review=review, contact__isnull=True)


def _message(twiml: str) -> str:
    return twiml.split("<Message>")[1].split("</Message>")[0] if "<Message>" in twiml else ""


def test_the_invitation_text_offers_answering_by_text(invitation, child_user):
    body = OutboundMessage.objects.get(to=child_user.phone).body
    assert body.endswith("or reply FORM")


def test_a_young_person_answers_every_question_by_text(client, invitation, child_user):
    questions = invitation.version.questions
    reply = _message(text(client, "form")[1])
    assert reply.startswith(
        "Heard: Your review: have your say. Q1/21: How are things where you live? Reply: 1 Very happy"
    )
    answers = {
        "home_feeling": "2", "home_comment": "More space for my stuff", "school_feeling": "SKIP", "family_time": "1",
        "worries": "skip", "plan_listened": "1", "people": "1 2 8", "where_when": "At home after school",
        "chairing": "2", "advocate": "3", "see_iro_alone": "1", "not_shared": "Don't tell dad about school",
        "trusted_adult": "1", "know_why_in_care": "skip", "good_friend": "1", "enjoy_activities": "2",
        "life_better": "1", "ons_life_satisfaction": "7", "ons_worthwhile": "10", "ons_happy": "0", "ons_anxious": "3",
    }  # fmt: skip
    for question in questions[:-1]:
        reply = _message(text(client, answers[question["id"]])[1])
        assert reply.startswith("Q")
    reply = _message(text(client, answers["not_shared"])[1])
    assert "your answers have gone to your IRO" in reply

    response = Response.objects.get(invitation=invitation)
    assert response.submitted_at is not None
    assert response.entered_by == child_user
    assert response.answers["home_feeling"] == "happy"
    assert response.answers["people"] == ["me", "carer", "advocate"]
    assert response.answers["chairing"] == "co_chair"
    assert "school_feeling" not in response.answers
    # The ONS 0-10 questions take the number itself, 0 and 10 included.
    assert [response.answers[q] for q in ("ons_life_satisfaction", "ons_worthwhile", "ons_happy")] == ["7", "10", "0"]


def test_a_scale_question_by_text_takes_the_number_and_asks_again_for_anything_else(client, invitation):
    questions = invitation.version.questions
    scale = next(index for index, question in enumerate(questions) if question["type"] == "scale_0_10")
    text(client, "FORM")
    for question in questions[:scale]:
        text(client, "1" if question.get("required") else "SKIP")
    for wrong in ("11", "seven", "-1", "5 6"):
        reply = _message(text(client, wrong)[1])
        assert reply.startswith("Heard: sorry") and "a number from 0 (not at all) to 10 (completely)" in reply, wrong
    text(client, "\u0667")  # an Arabic-Indic seven is a seven
    assert Response.objects.get().answers["ons_life_satisfaction"] == "7"


def test_a_reply_that_is_not_an_answer_asks_the_same_question_again(client, invitation):
    text(client, "FORM")
    reply = _message(text(client, "banana")[1])
    assert reply.startswith("Heard: sorry, I didn't get that. Q1/21")
    assert _message(text(client, "9")[1]).startswith("Heard: sorry")  # no 9th feeling
    assert not Response.objects.exists()


def test_stopping_half_way_keeps_the_answers_and_form_picks_up_where_it_left_off(client, invitation):
    text(client, "FORM")
    text(client, "1")
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        reply = _message(text(client, "FORM")[1])
    assert "Q2/21" in reply
    assert Response.objects.get().answers == {"home_feeling": "very_happy"}


def test_a_required_question_cannot_be_skipped(client, invitation):
    text(client, "FORM")
    reply = _message(text(client, "SKIP")[1])
    assert "sorry" in reply and "Q1/21" in reply


def test_younger_children_are_not_asked_by_text(client, db):
    forms_sync_from_files()
    user = make_user("younger", "child", phone="+447700900888")
    child = make_child("HRD0950", user=user, born=timezone.localdate() - timedelta(days=365 * 9))
    review = Review.objects.get(child=child)
    review.scheduled_for = timezone.localdate() + timedelta(days=10)
    review.save()
    invitations_create_for_review(review=review)
    reply = _message(text(client, "FORM", sender="+447700900888")[1])
    assert "there's no form to fill in right now" in reply
