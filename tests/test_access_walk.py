"""Every page route in Heard, walked as every role: the expected status, and no one else's words.

The routes come from the URL resolver, so a new page fails here until its expectations are written
down. API operations are walked the same way from the OpenAPI schema (tests/api/test_api_matrix.py).
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.models import IROContract, Role
from consultations.models import FormTemplateVersion, Invitation
from consultations.services import forms_sync_from_files, invitations_create_for_review
from feedback.models import Category
from feedback.services import statement_submit
from reviews.models import Review
from reviews.services import iro_allocate, practice_alert_raise, review_record_held
from tests.conftest import client_for, make_user

# Alice's first review is held on a fixed day; her feedback link lasts four weeks from it.
pytestmark = pytest.mark.usefixtures("pinned_clock")

ROLES = [
    "anonymous",
    "child_user",
    "other_child_user",
    "advocate",
    "other_advocate",
    "iro",
    "other_iro",
    "former_iro",  # a sessional IRO whose allocation to Alice has ended
    "manager",
    "cicc",
]
OUR_APPS = {"accounts", "backend", "consultations", "feedback", "reporting", "reviews", "sms", "mobile_api"}
ALICE_WORDS = "Alice worried: only she, her IRO and managers may read this."
BOB_WORDS = "Bob's words: only he, his IRO and managers may read this."
MAY_SEE_ALICE = {"child_user", "iro", "manager"}
MAY_SEE_BOB = {"other_child_user", "other_iro", "manager"}


def only(*roles: str, ok: int = 200, other: int = 404, anonymous: int = 302) -> dict[str, int]:
    """These roles get `ok`, every other signed-in role `other`; anonymous is sent to sign in."""
    return {role: (ok if role in roles else other) for role in ROLES} | {"anonymous": anonymous}


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


CHILDREN = ("child_user", "other_child_user")
IROS = ("iro", "other_iro", "former_iro")

EXPECTED = {
    "home": everyone(302),
    "healthz": everyone(200),
    "pwa_manifest": everyone(200),
    "pwa_service_worker": everyone(200),
    "set_language": everyone(302),  # a GET changes nothing and goes back
    "api-schema": everyone(200),
    "api-docs": everyone(200),
    "sms:inbound": everyone(405),
    "sms:status": everyone(405),
    "accounts:my_data": only(*CHILDREN),
    "accounts:my_data_download": only(*CHILDREN),
    "accounts:privacy": everyone(200),
    "feedback:my_statements": only(*CHILDREN),
    "feedback:statement_new": only(*CHILDREN),
    "feedback:statement_withdraw": only("child_user", ok=302),
    "feedback:advocacy": only("advocate", "other_advocate"),
    "feedback:statement_new_on_behalf": only("advocate"),
    "feedback:inbox": only(*IROS, "manager"),
    "feedback:statement_detail": only("iro", "manager"),
    "feedback:alert_detail": only("iro", "manager"),
    "feedback:my_preferences": only(*CHILDREN),
    "feedback:my_review_feedback": only("child_user"),
    "feedback:service_feedback_by_link": everyone(404),
    "reviews:allocation": only("manager"),
    "reviews:child_allocate": only("manager"),
    "reviews:absences": only("manager"),
    "reviews:response_times": only("manager"),
    "reviews:my_advocate": only(*CHILDREN),
    "reviews:advocacy_requests": only(*IROS, "manager"),
    "reviews:my_reviews": only(*CHILDREN),
    "reviews:review_summary": only("iro"),
    "reviews:review_record": only("iro"),
    "reviews:practice_alerts": only(*IROS, "manager"),
    "reviews:practice_alert_new": only("iro", "manager"),
    "reviews:practice_alert_detail": only("iro", "manager"),
    "consultations:by_link": everyone(404),
    "consultations:mine": only(*CHILDREN),
    "consultations:mine_detail": only("child_user"),
    "consultations:on_behalf": only("advocate", "iro"),
    "consultations:pack": only("iro", "manager"),
    "consultations:form_choice": only("iro", "manager"),
    "consultations:preview": only("manager"),
    "reporting:reports": only(*IROS, "manager"),
    "reporting:report_csv": only(*IROS, "manager"),
    "reporting:ssda903_reviews": only("manager"),
    "reporting:annual": only("manager"),
    "reporting:annual_pdf": only("manager"),
    "reporting:cicc": only("cicc"),
    "reporting:you_said_we_did": only(*CHILDREN),
    "reporting:quotes": only("manager"),
    "reporting:access_log": only("manager"),
}
# Walked elsewhere, with the reason.
ELSEWHERE = {
    "": "the /api/ catch-all answers a 404 problem for any unknown path (tests/api/test_api_contract.py)",
}
POSTED = {"feedback:statement_withdraw"}
QUERY = {"reporting:ssda903_reviews": "?year=2027"}


def _routes(resolver=None, prefix: str = "", namespace: str = ""):
    """Every route of Heard's own apps: (name, pattern, parameter names)."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from _routes(pattern, prefix + str(pattern.pattern), inner or namespace)
        elif isinstance(pattern, URLPattern):
            module = getattr(pattern.callback, "__module__", "").split(".")[0]
            if prefix.startswith("api/v1") or str(pattern.pattern).startswith("v1/"):
                continue  # the API: walked from its schema
            if module in OUR_APPS or (pattern.name or "").startswith(("api-", "set_language")):
                name = f"{namespace}:{pattern.name}" if namespace and pattern.name else (pattern.name or "")
                yield name, prefix + str(pattern.pattern), list(pattern.pattern.converters)


ROUTES = {name: (route, params) for name, route, params in _routes()}


@pytest.fixture
def world(request, child, other_child, child_user, other_child_user, iro, manager, django_capture_on_commit_callbacks):
    former = make_user("casey", Role.IRO, iro_contract=IROContract.SESSIONAL, email="casey@heard.example")
    iro_allocate(child=child, iro=former, allocated_on=date(2025, 10, 1))
    iro_allocate(child=child, iro=iro, allocated_on=date(2025, 11, 3))
    held = Review.objects.get(child=child, held_on__isnull=True)
    with (
        time_machine.travel(datetime(2026, 11, 20, 15, tzinfo=ZoneInfo("Europe/London"))),
        django_capture_on_commit_callbacks(execute=True),
    ):
        review_record_held(review=held, held_on=date(2026, 11, 20), late_reason="late", attended=True, views="spoke")
    held.refresh_from_db()
    held.child_summary = "We agreed more time with your brother."
    held.save()
    forms_sync_from_files()
    upcoming = Review.objects.get(child=child, held_on__isnull=True)
    upcoming.scheduled_for = timezone.localdate() + timedelta(days=14)
    upcoming.save()
    invitations_create_for_review(review=upcoming)
    worried, _ = statement_submit(
        author=child_user, child=child, category=Category.WORRIED, body=ALICE_WORDS, channel="web"
    )
    plain, _ = statement_submit(author=child_user, child=child, category="school", body=ALICE_WORDS, channel="web")
    statement_submit(author=other_child_user, child=other_child, category="school", body=BOB_WORDS, channel="web")
    practice_alert = practice_alert_raise(
        child=child, user=iro, category="drift", description="Plan overdue", raised_on=date(2026, 11, 1)
    )
    users = {role: request.getfixturevalue(role) for role in ROLES if role not in ("anonymous", "former_iro")}
    return {
        "users": {**users, "anonymous": None, "former_iro": former},
        "args": {
            "statement_id": worried.pk,
            "alert_id": worried.alert.pk,
            "child_id": child.pk,
            "invitation_id": Invitation.objects.get(review=upcoming, contact__isnull=True).pk,
            "version_id": FormTemplateVersion.objects.first().pk,
            "token": "not-a-real-link",
            "name": "participation",
        },
        "withdrawable": plain.pk,
        "held": held.pk,
        "upcoming": upcoming.pk,
        "practice_alert": practice_alert.pk,
    }


def _url(name: str, world: dict) -> str:
    route, params = ROUTES[name]
    args = dict(world["args"])
    if name == "feedback:statement_withdraw":
        args["statement_id"] = world["withdrawable"]
    if name.startswith("reviews:practice_alert_detail"):
        args["alert_id"] = world["practice_alert"]
    args["review_id"] = world["upcoming"] if name in ("reviews:review_record", "consultations:pack") else world["held"]
    url = "/" + route
    for converter in ("id", "str", "slug", "int"):
        for param in params:
            url = url.replace(f"<{converter}:{param}>", str(args[param]))
    return url + QUERY.get(name, "")


def test_every_route_has_expectations_or_a_reason():
    assert set(ROUTES) == set(EXPECTED) | set(ELSEWHERE)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_route_answers_each_role_as_expected_and_leaks_nothing(world, name, role):
    client = client_for(world["users"][role])
    url = _url(name, world)
    response = client.post(url) if name in POSTED else client.get(url)
    assert response.status_code == EXPECTED[name][role], url
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode(errors="replace")
    if role not in MAY_SEE_ALICE:
        assert ALICE_WORDS not in text
    if role not in MAY_SEE_BOB:
        assert BOB_WORDS not in text
