"""The IRO records visits and activity between reviews: on the quick form, in the API, only for their own children."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts.models import AccessLogEntry
from reviews.activities import activities_for_child, activity_delete, activity_record
from reviews.models import IroActivity, IroActivityKind, Review
from reviews.services import iro_allocate, review_record_held
from tests.conftest import app_token, client_for, problem_fields

# Today is Monday 23 November 2026 (tests/conftest.py); Alice came into care on 1 September 2025.
pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture
def held(child) -> Review:
    """Alice's first review, held on 25 September 2025; her second is now the one to come."""
    first = Review.objects.get(child=child, sequence=1)
    return review_record_held(review=first, held_on=date(2025, 9, 25), attended=True, views="spoke", met_alone=True)


@pytest.fixture
def upcoming(child, held) -> Review:
    return Review.objects.get(child=child, held_on__isnull=True)


def _page(child) -> str:
    return reverse("reviews:child_activity", args=[child.pk])


def _api(child) -> str:
    return f"/api/v1/children/{child.pk}/activities/"


def _app(user) -> Client:
    return Client(headers={"X-Session-Token": app_token(user.username)})


def _post(client: Client, url: str, body: dict, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


# The web form


def test_the_iro_records_a_visit_on_the_quick_form_and_sees_it_listed(child, iro, upcoming):
    client = client_for(iro)
    form = client.get(_page(child))
    assert form.status_code == 200
    assert "Record a visit or activity" in form.content.decode()
    response = client.post(
        _page(child), {"kind": "visit", "on": "2026-11-20", "seen_alone": "on", "note": "Saw her at school."}
    )
    assert response.status_code == 302
    assert response["Location"] == _page(child)
    visit = IroActivity.objects.get(child=child)
    assert (visit.kind, visit.on, visit.seen_alone, visit.note) == (
        "visit",
        date(2026, 11, 20),
        True,
        "Saw her at school.",
    )
    assert visit.review == upcoming  # a visit goes with the next review
    assert visit.recorded_by == iro
    page = client.get(_page(child)).content.decode()
    assert "Saw her at school." in page and "Recorded." in page
    assert AccessLogEntry.objects.filter(user=iro, what="IRO activity", object_id=str(visit.pk)).exists()


def test_the_iro_records_seeing_the_child_before_a_held_review_naming_it(child, iro, held):
    response = client_for(iro).post(
        _page(child), {"kind": "seen_before_review", "on": "2025-09-24", "review": held.pk, "seen_alone": "on"}
    )
    assert response.status_code == 302
    seen = IroActivity.objects.get(child=child)
    assert (seen.kind, seen.review, seen.seen_alone) == ("seen_before_review", held, True)


def test_the_pack_links_to_the_quick_form(child, iro, upcoming):
    pack = client_for(iro).get(reverse("consultations:pack", args=[upcoming.pk])).content.decode()
    assert f'href="{_page(child)}">Record a visit or activity' in pack


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"kind": "visit", "on": "2026-11-24"}, "This cannot be recorded for a future date."),
        ({"kind": "visit", "on": "2025-08-31"}, "This date is before the child came into care."),
        (
            {"kind": "midway_review", "on": "2026-11-02", "seen_alone": "on"},
            "Seen alone is only for a visit or seeing the child before a review.",
        ),
        ({"kind": "visit", "on": "2026-11-02", "note": "x" * 1001}, "at most 1000 characters"),
        ({"kind": "tea_party", "on": "2026-11-02"}, "Select a valid choice."),
        ({"kind": "visit", "on": "yesterday"}, "Enter a valid date."),
        ({"kind": "report_shared", "on": "2026-11-02"}, "Choose the review this is about."),
        ({"kind": "care_plan_updated", "on": "2025-09-20", "review": "HELD"}, "give a date on or after it"),
    ],
)
def test_each_bad_input_on_the_form_is_refused_with_why_and_nothing_is_recorded(child, iro, held, posted, message):
    posted = {key: (held.pk if value == "HELD" else value) for key, value in posted.items()}
    response = client_for(iro).post(_page(child), posted)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not IroActivity.objects.exists()


def test_another_childs_review_is_not_a_choice_on_the_form(child, other_child, iro, held):
    bobs = Review.objects.get(child=other_child)
    response = client_for(iro).post(_page(child), {"kind": "report_shared", "on": "2026-11-02", "review": bobs.pk})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert not IroActivity.objects.exists()


def test_nobody_but_the_childs_iro_and_managers_sees_the_page(child, other_iro, child_user, advocate, cicc, held):
    for user in (other_iro, child_user, advocate, cicc):
        assert client_for(user).get(_page(child)).status_code == 404
        assert client_for(user).post(_page(child), {"kind": "visit", "on": "2026-11-20"}).status_code == 404
    assert not IroActivity.objects.exists()


def test_a_manager_reads_the_page_but_records_nothing(child, iro, manager, held):
    activity_record(iro=iro, child=child, review=None, kind="visit", on=date(2026, 11, 20), note="Went well.")
    page = client_for(manager).get(_page(child))
    assert page.status_code == 200
    assert "Went well." in page.content.decode()
    assert "Record a visit or activity" not in page.content.decode()
    assert client_for(manager).post(_page(child), {"kind": "visit", "on": "2026-11-20"}).status_code == 403
    assert IroActivity.objects.count() == 1


def test_a_former_iro_after_reallocation_gets_404_on_the_page_and_in_the_api(child, iro, other_iro, held):
    iro_allocate(child=child, iro=other_iro, allocated_on=date(2026, 11, 16))
    assert client_for(iro).get(_page(child)).status_code == 404
    assert client_for(iro).post(_page(child), {"kind": "visit", "on": "2026-11-10"}).status_code == 404
    assert _post(_app(iro), _api(child), {"kind": "visit", "on": "2026-11-10"}).status_code == 404
    with pytest.raises(PermissionDenied):
        activity_record(iro=iro, child=child, review=None, kind="visit", on=date(2026, 11, 10))
    assert not IroActivity.objects.exists()
    # The new IRO records.
    assert client_for(other_iro).post(_page(child), {"kind": "visit", "on": "2026-11-20"}).status_code == 302


# The service's rules about reviews


def test_the_review_must_be_the_childs_own(child, other_child, iro, held):
    bobs = Review.objects.get(child=other_child)
    with pytest.raises(ValidationError) as refused:
        activity_record(iro=iro, child=child, review=bobs, kind="report_shared", on=date(2026, 11, 2))
    assert refused.value.message_dict == {"review": ["Choose one of this child's reviews."]}


@pytest.mark.parametrize(
    ("kind", "note", "field"), [("visit", "x" * 1001, "note"), ("tea_party", "", "kind"), ("", "", "kind")]
)
def test_the_service_itself_refuses_a_long_note_and_an_unknown_kind(child, iro, held, kind, note, field):
    with pytest.raises(ValidationError) as refused:
        activity_record(iro=iro, child=child, review=None, kind=kind, on=date(2026, 11, 2), note=note)
    assert set(refused.value.message_dict) == {field}
    assert not IroActivity.objects.exists()


def test_a_care_plan_is_updated_after_a_held_review_and_seeing_the_child_is_before_it(child, iro, held, upcoming):
    with pytest.raises(ValidationError, match="choose one that was held"):
        activity_record(iro=iro, child=child, review=upcoming, kind="care_plan_updated", on=date(2026, 11, 2))
    with pytest.raises(ValidationError, match="on or before the day it was held"):
        activity_record(iro=iro, child=child, review=held, kind="seen_before_review", on=date(2025, 9, 26))
    updated = activity_record(iro=iro, child=child, review=held, kind="care_plan_updated", on=date(2025, 10, 6))
    assert updated.review == held


def test_the_database_refuses_seen_alone_on_a_midway_review_and_a_missing_review(child, iro, held):
    with pytest.raises(IntegrityError), transaction.atomic():
        IroActivity.objects.create(
            child=child, kind=IroActivityKind.MIDWAY_REVIEW, on=date(2026, 1, 5), seen_alone=True, recorded_by=iro
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        IroActivity.objects.create(
            child=child, kind=IroActivityKind.REPORT_SHARED, on=date(2026, 1, 5), recorded_by=iro
        )


def test_whoever_recorded_it_takes_it_back_the_same_day_only(child, iro, other_iro, held):
    mistake = activity_record(iro=iro, child=child, review=None, kind="visit", on=date(2026, 11, 20))
    with pytest.raises(PermissionDenied):
        activity_delete(activity=mistake, by=other_iro)
    activity_delete(activity=mistake, by=iro)
    assert not IroActivity.objects.exists()
    kept = activity_record(iro=iro, child=child, review=None, kind="visit", on=date(2026, 11, 20))
    with (
        time_machine.travel(datetime(2026, 11, 24, 9, tzinfo=ZoneInfo("Europe/London"))),
        pytest.raises(PermissionDenied),
    ):
        activity_delete(activity=kept, by=iro)
    assert list(activities_for_child(iro, child)) == [kept]


def test_the_page_takes_back_a_mistake_the_same_day_and_only_for_whoever_recorded_it(child, iro, other_iro, held):
    mistake = activity_record(iro=iro, child=child, review=None, kind="visit", on=date(2026, 11, 20))
    take_back = reverse("reviews:child_activity_take_back", args=[mistake.pk])
    assert take_back in client_for(iro).get(_page(child)).content.decode()
    assert client_for(other_iro).post(take_back).status_code == 404
    response = client_for(iro).post(take_back)
    assert response.status_code == 302 and response["Location"] == _page(child)
    assert not IroActivity.objects.exists()
    kept = activity_record(iro=iro, child=child, review=None, kind="visit", on=date(2026, 11, 20))
    with time_machine.travel(datetime(2026, 11, 24, 9, tzinfo=ZoneInfo("Europe/London"))):
        page = client_for(iro).post(reverse("reviews:child_activity_take_back", args=[kept.pk]), follow=True)
    assert "on the same day" in page.content.decode()
    assert IroActivity.objects.filter(pk=kept.pk).exists()


# The API


def test_the_iro_records_in_the_api_and_reads_the_list(child, iro, manager, held, upcoming):
    app = _app(iro)
    made = _post(app, _api(child), {"kind": "visit", "on": "2026-11-20", "seen_alone": True, "note": "At home."})
    assert made.status_code == 201, made.content
    body = made.json()
    assert {key: body[key] for key in ("child", "review", "kind", "on", "seen_alone", "note", "recorded_by")} == {
        "child": child.pk,
        "review": upcoming.pk,
        "kind": "visit",
        "on": "2026-11-20",
        "seen_alone": True,
        "note": "At home.",
        "recorded_by": iro.pk,
    }
    _post(app, _api(child), {"kind": "report_shared", "on": "2025-09-22", "review": held.pk})
    reader = _app(manager)  # one sign-in: an authenticator code is good once
    listed = reader.get(_api(child) + "?page_size=1")
    assert listed.status_code == 200
    assert [row["kind"] for row in listed.json()["results"]] == ["visit"]  # latest first, one a page
    following = reader.get(listed.json()["next"])
    assert [row["kind"] for row in following.json()["results"]] == ["report_shared"]
    assert AccessLogEntry.objects.filter(user=manager, what="IRO activity").count() == 2


def test_a_retry_with_the_same_idempotency_key_gets_the_same_activity_and_another_body_gets_409(child, iro, held):
    app = _app(iro)
    body = {"kind": "midway_review", "on": "2026-02-10", "note": "Plan on track."}
    first = _post(app, _api(child), body, **{"Idempotency-Key": "visit-1"})
    again = _post(app, _api(child), body, **{"Idempotency-Key": "visit-1"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert IroActivity.objects.count() == 1
    other = _post(app, _api(child), {**body, "on": "2026-02-11"}, **{"Idempotency-Key": "visit-1"})
    assert other.status_code == 409
    assert IroActivity.objects.count() == 1


def test_a_retry_after_reallocation_gets_404(child, iro, other_iro, held):
    app = _app(iro)
    body = {"kind": "visit", "on": "2026-11-02"}
    assert _post(app, _api(child), body, **{"Idempotency-Key": "k"}).status_code == 201
    iro_allocate(child=child, iro=other_iro, allocated_on=date(2026, 11, 16))
    assert _post(app, _api(child), body, **{"Idempotency-Key": "k"}).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "visit", "on": "2026-11-24"}, "on"),
        ({"kind": "visit", "on": "2025-08-31"}, "on"),
        ({"kind": "midway_review", "on": "2026-11-02", "seen_alone": True}, "seen_alone"),
        ({"kind": "visit", "on": "2026-11-02", "note": "x" * 1001}, "note"),
        ({"kind": "tea_party", "on": "2026-11-02"}, "kind"),
        ({"kind": "visit"}, "on"),
        ({"kind": "report_shared", "on": "2026-11-02"}, "review"),
        ({"kind": "report_shared", "on": "2026-11-02", "review": "BOBS"}, "review"),
        ({"kind": "report_shared", "on": "2026-11-02", "review": 999999}, "review"),
        ({"kind": "visit", "on": "2026-11-02", "alone": True}, "alone"),
    ],
)
def test_each_bad_input_in_the_api_is_a_400_naming_the_field(child, other_child, iro, held, body, field):
    if body.get("review") == "BOBS":
        body = {**body, "review": Review.objects.get(child=other_child).pk}
    response = _post(_app(iro), _api(child), body)
    assert response.status_code == 400
    assert field in problem_fields(response)
    assert not IroActivity.objects.exists()


def test_in_the_api_another_iro_gets_404_and_a_manager_403(child, other_iro, manager, held):
    body = {"kind": "visit", "on": "2026-11-02"}
    stranger = _app(other_iro)
    assert stranger.get(_api(child)).status_code == 404
    assert _post(stranger, _api(child), body).status_code == 404
    assert _post(_app(manager), _api(child), body).status_code == 403
    assert not IroActivity.objects.exists()
