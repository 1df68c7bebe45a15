"""Worker-assisted sessions (issue #18): a worker sits with the child and records the child's own views."""

import json
from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role
from feedback.models import AssistedHow, Statement
from reviews.models import WorkerKind
from reviews.services import worker_allocate
from tests.conftest import client_for, make_user, problem_fields

pytestmark = pytest.mark.usefixtures("pinned_clock")

URL = reverse("feedback:assisted_session", args=[0]).replace("/0/", "/{}/")


@pytest.fixture
def social_worker(child):
    worker = make_user("sam", Role.SOCIAL_WORKER, email="sam@council.example", first_name="Sam")
    worker_allocate(child=child, worker=worker, kind=WorkerKind.SOCIAL_WORKER, on=date(2026, 1, 5))
    return worker


def _session(user, child, **fields):
    form = {
        "category": "family_time",
        "body": "",
        "pictures": ["mum", "brothers_sisters"],
        "feeling": "2",
        "assisted_how": AssistedHow.PICTURES,
        "assisted_note": "At her foster home, with the picture cards; she pointed twice to her mum.",
        "consent_given": "on",
        "recipients": ["iro", "social_worker"],
        "recipients_offered": "1",
        **fields,
    }
    return client_for(user).post(URL.format(child.pk), form)


def test_a_social_worker_records_a_session_in_pictures_as_the_childs_own_message(child, child_user, iro, social_worker):
    page = client_for(social_worker).get(URL.format(child.pk))
    assert page.status_code == 200 and "Record a session with" in page.content.decode()

    response = _session(social_worker, child)

    statement = Statement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:statement_detail", args=[statement.pk])
    assert (statement.author, statement.assisted, statement.on_behalf, statement.consent_given) == (
        social_worker,
        True,
        False,
        True,
    )
    assert (statement.assisted_how, statement.pictures, statement.feeling, statement.body) == (
        "pictures",
        ["mum", "brothers_sisters"],
        2,
        "",
    )
    assert statement.recipients == ["iro", "social_worker"]
    # Her IRO reads it with where it came from, and the pictures she chose.
    shown = client_for(iro).get(reverse("feedback:statement_detail", args=[statement.pk])).content.decode()
    assert "written down with Sam" in shown and "Chose pictures or symbols" in shown
    assert "heard/pictures/mum.svg" in shown and "brothers sisters" in shown
    assert "she pointed twice to her mum" in shown
    # The social worker who wrote it down reads it too, even when the child chose only her IRO.
    _session(social_worker, child, recipients=["iro"], pictures=["pets"])
    only_iro = Statement.objects.get(pictures=["pets"])
    assert client_for(social_worker).get(reverse("feedback:statement_detail", args=[only_iro.pk])).status_code == 200
    # And the child sees it among her own messages.
    assert client_for(child_user).get(reverse("feedback:my_statement", args=[statement.pk])).status_code == 200


def test_the_iro_and_the_advocate_may_record_one_too(child, iro, advocate):
    assert _session(iro, child, recipients=["iro"]).status_code == 302
    advocate_answer = _session(advocate, child, recipients=["iro", "advocate"])
    assert advocate_answer.status_code == 302 and advocate_answer["Location"] == reverse("feedback:advocacy")
    assert Statement.objects.filter(assisted=True).count() == 2


def test_people_who_do_not_sit_with_the_child_get_404(child, other_iro, manager, cicc, other_child_user):
    adviser = make_user("pat", Role.PERSONAL_ADVISER)
    stranger = make_user("sol", Role.SOCIAL_WORKER)
    for user in (other_iro, manager, cicc, other_child_user, adviser, stranger):
        assert client_for(user).get(URL.format(child.pk)).status_code == 404, user
        assert _session(user, child).status_code == 404, user
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"consent_given": ""}, "Record that the child agreed to their views being sent."),
        ({"assisted_how": ""}, "Choose how the child gave their views."),
        ({"assisted_how": "telepathy"}, "Select a valid choice."),
        ({"assisted_how": "other", "assisted_note": ""}, "Say in the note how the child gave their views."),
        ({"pictures": ["not_a_picture"]}, "Select a valid choice."),
        ({"pictures": [], "feeling": "", "body": "  "}, "Please write something before you send it."),
        ({"assisted_note": "x" * 2001}, "Keep the note under 2000 characters."),
        ({"recipients": []}, "Choose who should read your message."),
    ],
)
def test_bad_input_shows_the_form_again_with_why_and_stores_nothing(child, social_worker, change, error):
    response = _session(social_worker, child, **change)

    assert response.status_code == 200
    assert error.replace("'", "&#x27;") in response.content.decode()
    assert not Statement.objects.exists()


def test_the_api_records_a_session_and_refuses_a_worker_who_does_not_work_with_the_child(
    child, social_worker, other_iro
):
    body = {
        "child": child.pk,
        "category": "school",
        "body": "I like Mr Khan. I don't like lunchtime.",
        "consent_given": True,
        "assisted": {"how": "spoke", "note": "In school, with her teaching assistant."},
        "recipients": ["social_worker"],
    }
    made = client_for(social_worker).post("/api/v1/statements/", json.dumps(body), content_type="application/json")
    assert made.status_code == 201, made.content
    assert (made.json()["assisted"], made.json()["assisted_how"], made.json()["recipients"]) == (
        True,
        "spoke",
        ["social_worker"],
    )

    refused = client_for(other_iro).post("/api/v1/statements/", json.dumps(body), content_type="application/json")
    assert refused.status_code == 404  # not a child this IRO may see
    bad = client_for(social_worker).post(
        "/api/v1/statements/",
        json.dumps({**body, "assisted": {"how": "spoke", "pictures": ["unicorn"]}}),
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert any(name.startswith("assisted") for name in problem_fields(bad))
    no_consent = client_for(social_worker).post(
        "/api/v1/statements/", json.dumps({**body, "consent_given": False}), content_type="application/json"
    )
    assert no_consent.status_code == 400
    assert Statement.objects.count() == 1


def test_a_child_cannot_mark_their_own_words_as_assisted(child, child_user):
    body = {"category": "school", "body": "hi", "consent_given": True, "assisted": {"how": "spoke"}}
    response = client_for(child_user).post("/api/v1/statements/", json.dumps(body), content_type="application/json")
    assert response.status_code == 403
    assert not Statement.objects.exists()
