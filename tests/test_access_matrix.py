"""What a user may not see looks like what does not exist; ids that are not numbers get a clear answer.

The full walk of every route and API operation as every role is tests/test_access_walk.py and
tests/api/test_api_matrix.py.
"""

from datetime import date

import pytest
from django.urls import reverse

from feedback.models import Category
from feedback.services import statement_submit
from reviews.models import Review
from reviews.services import practice_alert_raise
from tests.conftest import client_for

ROLES = [
    "anonymous",
    "child_user",
    "other_child_user",
    "advocate",
    "other_advocate",
    "iro",
    "other_iro",
    "manager",
    "cicc",
]

SECRET_WORDS = "Only Alice's IRO may read this sentence."


@pytest.fixture
def world(
    request, child, other_child, child_user, other_child_user, advocate, other_advocate, iro, other_iro, manager, cicc
):
    statement, _ = statement_submit(
        author=child_user, child=child, category=Category.WORRIED, body=SECRET_WORDS, channel="web"
    )
    practice_alert = practice_alert_raise(
        child=child, user=iro, category="drift", description="Plan review overdue", raised_on=date(2026, 11, 1)
    )
    users = {
        "anonymous": None,
        "child_user": child_user,
        "other_child_user": other_child_user,
        "advocate": advocate,
        "other_advocate": other_advocate,
        "iro": iro,
        "other_iro": other_iro,
        "manager": manager,
        "cicc": cicc,
    }
    return {
        "users": users,
        "child": child,
        "statement": statement,
        "practice_alert": practice_alert,
        "review": Review.objects.get(child=child),
    }


@pytest.mark.parametrize("role", ["child_user", "iro", "manager"])
def test_a_missing_record_and_another_users_record_look_the_same(world, role):
    missing = client_for(world["users"][role]).get(reverse("feedback:statement_detail", args=[999999]))
    assert missing.status_code == 404


def test_form_ids_that_are_not_numbers_get_a_clear_answer_not_a_500(world):
    manager, cicc, iro = world["users"]["manager"], world["users"]["cicc"], world["users"]["iro"]
    quotes = client_for(manager).post(reverse("reporting:quotes"), {"quote": "abc", "action": "approve"})
    assert quotes.status_code == 404
    themes = client_for(cicc).post(reverse("reporting:cicc"), {"theme": "abc", "you_said": "x", "we_did": "y"})
    assert themes.status_code == 400
    form = client_for(iro).post(reverse("consultations:form_choice", args=[world["child"].pk]), {"template": "1; DROP"})
    assert form.status_code == 200
    assert "Choose one of the forms." in form.content.decode()
