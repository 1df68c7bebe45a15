"""Saying "yes, I'd like an advocate" in a consultation form asks for one, once, exactly as /my/advocate/ does."""

import json
from datetime import date

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from consultations.models import Invitation
from consultations.services import forms_sync_from_files, invitations_create_for_review, response_submit
from reviews.models import AdvocacyRequest, Review
from tests.conftest import app_token, client_for

pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture
def invitation(child, iro, manager):
    forms_sync_from_files()
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = date(2026, 12, 9)
    review.save()
    invitations_create_for_review(review=review)
    return Invitation.objects.get(review=review, contact__isnull=True)  # the child's own: aged 14, the 12-15 form


def _send_on_the_web(client, invitation, advocate: str, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("consultations:mine_detail_send", args=[invitation.pk]),
            {"q_home_feeling": "ok", "q_advocate": advocate},
        )


def test_yes_in_the_form_asks_for_an_advocate_and_the_iro_and_managers_are_told(
    invitation, child, child_user, iro, manager, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    sent = _send_on_the_web(client_for(child_user), invitation, "yes", django_capture_on_commit_callbacks)
    assert sent.status_code == 200
    request = AdvocacyRequest.objects.get()
    assert (request.child, request.requested_by, request.channel) == (child, child_user, "form")
    assert request.resolved_at is None and "consultation form" in request.note
    told = {address for message in mail.outbox for address in message.to if "advocate" in message.subject}
    assert {iro.email, manager.email} <= told
    # The child sees it in hand, as if they had asked on the page; the IRO sees it in their list.
    assert "Someone will be in touch" in client_for(child_user).get(reverse("reviews:my_advocate")).content.decode()
    assert child.case_reference in client_for(iro).get(reverse("reviews:advocacy_requests")).content.decode()


@pytest.mark.parametrize("answer", ["no", "not_sure", ""])
def test_no_or_not_sure_or_no_answer_asks_for_nothing(
    invitation, child_user, answer, django_capture_on_commit_callbacks
):
    _send_on_the_web(client_for(child_user), invitation, answer, django_capture_on_commit_callbacks)
    assert not AdvocacyRequest.objects.exists()


def test_a_request_already_waiting_is_not_made_twice(invitation, child_user, django_capture_on_commit_callbacks):
    client = client_for(child_user)
    client.post(reverse("reviews:my_advocate"), {"note": "help with family time"})
    _send_on_the_web(client, invitation, "yes", django_capture_on_commit_callbacks)
    assert AdvocacyRequest.objects.get().note == "help with family time"


def test_through_the_app_too(invitation, child_user):
    token = app_token(child_user.username)
    submitted = Client().post(
        f"/api/v1/consultations/{invitation.pk}/submit/",
        json.dumps({"answers": {"home_feeling": "ok", "advocate": "yes"}}),
        content_type="application/json",
        headers={"X-Session-Token": token},
    )
    assert submitted.status_code == 201, submitted.content
    assert AdvocacyRequest.objects.get().channel == "form"


def test_a_child_without_an_account_asks_through_the_form_by_link(child, invitation):
    child.user = None
    child.save(update_fields=["user"])
    response_submit(invitation=invitation, answers={"home_feeling": "ok", "advocate": "yes"})
    request = AdvocacyRequest.objects.get()
    assert (request.child, request.requested_by) == (child, None)


def test_an_advocate_filling_the_form_with_the_child_records_the_childs_wish(invitation, child, child_user, advocate):
    response_submit(
        invitation=invitation,
        answers={"home_feeling": "ok", "advocate": "yes"},
        entered_by=advocate,
        entry_mode="helped",
        consent_given=True,
    )
    assert AdvocacyRequest.objects.get().requested_by == child_user  # the child asked, the advocate typed
