"""How I feel through the API: an optional face 1 to 5 on a statement, in every statement's output and the pack."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.renderers import JSONRenderer

from feedback.models import Category, Feeling, Statement
from feedback.services import statement_submit
from mobile_api.apis.statements import StatementOutput, statement_data
from reviews.models import Review
from tests.conftest import app_token, client_for, problem_fields

URL = "/api/v1/statements/"
LONDON = ZoneInfo("Europe/London")


def _post(client, body, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(URL, json.dumps(body), content_type="application/json", headers=headers)


@pytest.mark.parametrize("feeling", [1, 3, 5])
def test_a_child_sends_a_face_through_the_api(child, child_user, feeling):
    response = _post(client_for(child_user), {"category": Category.SCHOOL, "body": "hi", "feeling": feeling})

    assert response.status_code == 201, response.content
    assert Statement.objects.get().feeling == feeling
    body = response.json()
    assert (body["feeling"], body["feeling_label"]) == (feeling, Feeling(feeling).label)


@pytest.mark.parametrize("extra", [{}, {"feeling": None}])
def test_no_face_is_null(child, child_user, extra):
    response = _post(client_for(child_user), {"category": Category.SCHOOL, "body": "hi", **extra})

    assert response.status_code == 201, response.content
    assert (response.json()["feeling"], response.json()["feeling_label"]) == (None, None)
    assert Statement.objects.get().feeling is None


@pytest.mark.parametrize("feeling", [0, 6, -1, "happy", "3", True, False, 3.5, [3], {"value": 3}])
def test_anything_else_is_a_400_naming_feeling_and_nothing_is_stored(child, child_user, feeling):
    response = _post(client_for(child_user), {"category": Category.SCHOOL, "body": "hi", "feeling": feeling})

    assert response.status_code == 400, response.content
    assert list(problem_fields(response)) == ["feeling"]
    assert [error["pointer"] for error in response.json()["errors"]] == ["#/feeling"]
    assert not Statement.objects.exists()


def test_out_of_range_is_told_in_words_for_a_child(child, child_user):
    response = _post(client_for(child_user), {"category": Category.SCHOOL, "body": "hi", "feeling": 6})

    assert problem_fields(response) == {"feeling": "Choose one of the five faces, or none if you'd rather not say."}


def test_an_advocate_gives_the_childs_face_through_the_api(child, advocate):
    response = _post(
        client_for(advocate),
        {"child": child.pk, "category": Category.SCHOOL, "body": "for her", "consent_given": True, "feeling": 2},
    )

    assert response.status_code == 201, response.content
    assert Statement.objects.values_list("on_behalf", "feeling").get() == (True, 2)


def test_the_same_key_with_another_face_is_a_conflict(child, child_user):
    client = client_for(child_user)
    assert _post(client, {"category": Category.SCHOOL, "body": "hi", "feeling": 2}, key="k").status_code == 201

    assert _post(client, {"category": Category.SCHOOL, "body": "hi", "feeling": 4}, key="k").status_code == 409
    assert Statement.objects.get().feeling == 2


def test_statement_data_and_the_serializer_say_the_same_about_feelings(child, child_user):
    for feeling in (None, *Feeling.values):
        statement_submit(author=child_user, child=child, category="school", body="x", channel="app", feeling=feeling)

    statements = list(Statement.objects.select_related("child", "review").order_by("pk"))

    assert [s.feeling for s in statements] == [None, 1, 2, 3, 4, 5]
    for statement in statements:
        assert statement_data(statement) == json.loads(JSONRenderer().render(StatementOutput(statement).data))
    assert statement_data(statements[3])["feeling_label"] == "OK"


def test_the_inbox_api_carries_the_face_of_the_iros_children_only(child, child_user, other_child, other_child_user):
    statement_submit(author=child_user, child=child, category="school", body="mine", channel="app", feeling=4)
    statement_submit(author=other_child_user, child=other_child, category="school", body="no", channel="app", feeling=1)
    app = client_for(None)
    app.defaults["HTTP_X_SESSION_TOKEN"] = app_token("amara")

    body = app.get("/api/v1/inbox/").json()

    statements = [s for group in body["groups"] for s in group["statements"]]
    assert [(s["body"], s["feeling"], s["feeling_label"]) for s in statements] == [("mine", 4, "Good")]


def test_the_pack_api_lists_the_childs_feelings_oldest_first(child, child_user, other_child, other_child_user, iro):
    for day, feeling in ((4, 5), (2, 2), (3, None)):
        with time_machine.travel(datetime(2026, 11, day, 9, 30, tzinfo=LONDON), tick=False):
            statement_submit(
                author=child_user, child=child, category="school", body=f"d{day}", channel="app", feeling=feeling
            )
    statement_submit(author=other_child_user, child=other_child, category="school", body="x", channel="app", feeling=1)
    review = Review.objects.get(child=child, held_on__isnull=True)

    body = client_for(iro).get(f"/api/v1/reviews/{review.pk}/pack/").json()

    assert body["feelings"] == [
        {"at": "2026-11-02T09:30:00Z", "feeling": 2},
        {"at": "2026-11-04T09:30:00Z", "feeling": 5},
    ]
    assert [s["feeling"] for s in body["statements"]] == [2, None, 5]
