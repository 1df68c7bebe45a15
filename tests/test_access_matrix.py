"""Every role against every endpoint: what a user may not see answers 404, never someone else's data."""

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

# Expected status for each page and role; 302 for anonymous means "sent to sign in".
PAGES = {
    "home": {
        "anonymous": 302,
        "child_user": 302,
        "other_child_user": 302,
        "advocate": 302,
        "other_advocate": 302,
        "iro": 302,
        "other_iro": 302,
        "manager": 302,
        "cicc": 302,
    },
    "my_statements": {
        "anonymous": 302,
        "child_user": 200,
        "other_child_user": 200,
        "advocate": 404,
        "other_advocate": 404,
        "iro": 404,
        "other_iro": 404,
        "manager": 404,
        "cicc": 404,
    },
    "statement_new": {
        "anonymous": 302,
        "child_user": 200,
        "other_child_user": 200,
        "advocate": 404,
        "other_advocate": 404,
        "iro": 404,
        "other_iro": 404,
        "manager": 404,
        "cicc": 404,
    },
    "advocacy": {
        "anonymous": 302,
        "child_user": 404,
        "other_child_user": 404,
        "advocate": 200,
        "other_advocate": 200,
        "iro": 404,
        "other_iro": 404,
        "manager": 404,
        "cicc": 404,
    },
    "statement_new_on_behalf": {
        "anonymous": 302,
        "child_user": 404,
        "other_child_user": 404,
        "advocate": 200,
        "other_advocate": 404,
        "iro": 404,
        "other_iro": 404,
        "manager": 404,
        "cicc": 404,
    },
    "inbox": {
        "anonymous": 302,
        "child_user": 404,
        "other_child_user": 404,
        "advocate": 404,
        "other_advocate": 404,
        "iro": 200,
        "other_iro": 200,
        "manager": 200,
        "cicc": 404,
    },
    "statement_detail": {
        "anonymous": 302,
        "child_user": 404,
        "other_child_user": 404,
        "advocate": 404,
        "other_advocate": 404,
        "iro": 200,
        "other_iro": 404,
        "manager": 200,
        "cicc": 404,
    },
}

# Pages added with the IRO's working day.
ALL_404_BUT = dict.fromkeys(ROLES[1:], 404)  # every signed-in role; anonymous is sent to sign in
PAGES.update(
    {
        "alert_detail": {**ALL_404_BUT, "anonymous": 302, "iro": 200, "manager": 200},
        "my_preferences": {**ALL_404_BUT, "anonymous": 302, "child_user": 200, "other_child_user": 200},
        "my_reviews": {**ALL_404_BUT, "anonymous": 302, "child_user": 200, "other_child_user": 200},
        "review_summary": {**ALL_404_BUT, "anonymous": 302, "iro": 200},
        "practice_alerts": {**ALL_404_BUT, "anonymous": 302, "iro": 200, "other_iro": 200, "manager": 200},
        "practice_alert_new": {**ALL_404_BUT, "anonymous": 302, "iro": 200, "manager": 200},
        "practice_alert_detail": {**ALL_404_BUT, "anonymous": 302, "iro": 200, "manager": 200},
        "allocation": {**ALL_404_BUT, "anonymous": 302, "manager": 200},
        "child_allocate": {**ALL_404_BUT, "anonymous": 302, "manager": 200},
        "absences": {**ALL_404_BUT, "anonymous": 302, "manager": 200},
        "response_times": {**ALL_404_BUT, "anonymous": 302, "manager": 200},
        "reports": {**ALL_404_BUT, "anonymous": 302, "iro": 200, "other_iro": 200, "manager": 200},
        "cicc": {**ALL_404_BUT, "anonymous": 302, "cicc": 200},
        "quotes": {**ALL_404_BUT, "anonymous": 302, "manager": 200},
        "access_log": {**ALL_404_BUT, "anonymous": 302, "manager": 200},
        "you_said_we_did": {**ALL_404_BUT, "anonymous": 302, "child_user": 200, "other_child_user": 200},
    }
)

API = {
    "list": {
        "anonymous": 401,
        "child_user": 200,
        "other_child_user": 200,
        "advocate": 200,
        "other_advocate": 200,
        "iro": 200,
        "other_iro": 200,
        "manager": 200,
        "cicc": 200,
    },
    "read": {
        "anonymous": 401,
        "child_user": 403,
        "other_child_user": 404,
        "advocate": 404,
        "other_advocate": 404,
        "iro": 200,
        "other_iro": 404,
        "manager": 403,
        "cicc": 404,
    },
}

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


def _page_url(name, world):
    child, alert = world["child"], world["statement"].alert
    by_name = {
        "alert_detail": ("feedback:alert_detail", [alert.pk]),
        "my_preferences": ("feedback:my_preferences", []),
        "my_reviews": ("reviews:my_reviews", []),
        "review_summary": ("reviews:review_summary", [world["review"].pk]),
        "practice_alerts": ("reviews:practice_alerts", []),
        "practice_alert_new": ("reviews:practice_alert_new", [child.pk]),
        "practice_alert_detail": ("reviews:practice_alert_detail", [world["practice_alert"].pk]),
        "allocation": ("reviews:allocation", []),
        "child_allocate": ("reviews:child_allocate", [child.pk]),
        "absences": ("reviews:absences", []),
        "response_times": ("reviews:response_times", []),
        "reports": ("reporting:reports", []),
        "cicc": ("reporting:cicc", []),
        "quotes": ("reporting:quotes", []),
        "access_log": ("reporting:access_log", []),
        "you_said_we_did": ("reporting:you_said_we_did", []),
    }
    if name in by_name:
        view, args = by_name[name]
        return reverse(view, args=args)
    if name == "home":
        return reverse("home")
    if name == "statement_new_on_behalf":
        return reverse("feedback:statement_new_on_behalf", args=[world["child"].pk])
    if name == "statement_detail":
        return reverse("feedback:statement_detail", args=[world["statement"].pk])
    return reverse(f"feedback:{name}")


# Who may see Alice's words anywhere at all.
MAY_SEE_WORDS = {"child_user", "iro", "manager"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_pages_answer_each_role_as_expected_and_leak_nothing(world, page, role):
    response = client_for(world["users"][role]).get(_page_url(page, world))
    assert response.status_code == PAGES[page][role]
    if role not in MAY_SEE_WORDS:
        assert SECRET_WORDS not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_the_statement_list_api_answers_each_role_and_leaks_nothing(world, role):
    response = client_for(world["users"][role]).get("/api/v1/statements/")
    assert response.status_code == API["list"][role]
    if role not in MAY_SEE_WORDS:
        assert SECRET_WORDS not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_the_mark_read_api_answers_each_role(world, role):
    url = f"/api/v1/statements/{world['statement'].pk}/read/"
    response = client_for(world["users"][role]).post(url)
    assert response.status_code == API["read"][role]
    world["statement"].refresh_from_db()
    assert (world["statement"].read_at is not None) == (role == "iro")


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
