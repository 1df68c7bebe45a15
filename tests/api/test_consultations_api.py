"""The consultations API: the app fetches a child's open forms with their schema and sends answers."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from consultations.models import Invitation, Response
from consultations.services import forms_sync_from_files, invitations_create_for_review
from reviews.models import Review
from tests.conftest import client_for, problem_fields


@pytest.fixture
def invitation(child):
    forms_sync_from_files()
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = timezone.localdate() + timedelta(days=14)
    review.save()
    invitations_create_for_review(review=review)
    return Invitation.objects.get(review__child=child, contact__isnull=True)


def _send(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_the_app_lists_open_forms_with_their_schema(invitation, child_user):
    [form] = client_for(child_user).get("/api/v1/consultations/").json()["results"]
    assert form["id"] == invitation.pk
    assert form["schema"]["questions"][0]["id"] == "home_feeling"
    assert (form["draft_answers"], form["submitted_at"]) == ({}, None)


def test_draft_then_submit_and_a_second_submit_changes_nothing(invitation, child_user):
    client = client_for(child_user)
    base = f"/api/v1/consultations/{invitation.pk}"
    draft = _send(client, "put", f"{base}/draft/", {"answers": {"chairing": "chair"}})
    assert draft.status_code == 200 and draft.json()["draft_answers"] == {"chairing": "chair"}

    missing = _send(client, "post", f"{base}/submit/", {"answers": {}})
    assert missing.status_code == 400 and "home_feeling" in problem_fields(missing)
    sent = _send(client, "post", f"{base}/submit/", {"answers": {"home_feeling": "ok"}})
    assert sent.status_code == 201
    again = _send(client, "post", f"{base}/submit/", {"answers": {"home_feeling": "very_sad"}})
    assert again.status_code == 200
    assert Response.objects.get().answers == {"home_feeling": "ok", "chairing": "chair"}
    assert client.get("/api/v1/consultations/").json()["results"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"answers": {"home_feeling": "ecstatic"}}, "home_feeling"),
        ({"answers": {"home_feeling": "ok", "people": ["the queen"]}}, "people"),
        ({"answers": {"home_feeling": "ok", "not_shared": "x" * 3001}}, "not_shared"),
        ({"answers": "not an object"}, "answers"),
        ({}, "answers"),
    ],
)
def test_bad_answers_get_a_400_naming_the_question_and_nothing_is_half_saved(invitation, child_user, body, field):
    response = _send(client_for(child_user), "post", f"/api/v1/consultations/{invitation.pk}/submit/", body)
    assert response.status_code == 400
    assert field in problem_fields(response)
    assert not Response.objects.filter(submitted_at__isnull=False).exists()


def test_another_child_cannot_open_or_answer_the_form(invitation, other_child_user, cicc):
    for user in (other_child_user, cicc):
        response = _send(client_for(user), "post", f"/api/v1/consultations/{invitation.pk}/submit/", {"answers": {}})
        assert response.status_code == 404
    assert client_for(other_child_user).get("/api/v1/consultations/").json()["results"] == []


def test_an_advocate_submits_with_the_child_recording_how_and_consent(invitation, advocate):
    url = f"/api/v1/consultations/{invitation.pk}/submit/"
    body = {"answers": {"home_feeling": "happy"}, "entry_mode": "adult_account"}
    assert _send(client_for(advocate), "post", url, body).status_code == 400
    assert _send(client_for(advocate), "post", url, {**body, "consent_given": True}).status_code == 201
    saved = Response.objects.get()
    assert (saved.entered_by, saved.entry_mode, saved.consent_given) == (advocate, "adult_account", True)


def test_a_form_closes_when_the_review_takes_place(invitation, child_user):
    Review.objects.filter(pk=invitation.review_id).update(held_on=timezone.localdate(), participation_code="PN7")
    response = _send(client_for(child_user), "post", f"/api/v1/consultations/{invitation.pk}/submit/", {"answers": {}})
    assert response.status_code == 400
    assert "closed when the review took place" in problem_fields(response)["invitation"]
