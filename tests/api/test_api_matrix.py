"""Every API operation in the schema, as every role: the expected status, and no one else's words."""

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
import yaml
from django.test import Client
from django.utils import timezone

from accounts.models import IROContract, Role
from accounts.services import user_set_profile
from complaints.services import complaint_make
from consultations.models import Invitation
from consultations.services import forms_sync_from_files, invitations_create_for_review
from feedback.alerts import alerts_follow_cover
from feedback.services import statement_submit
from reviews.models import Review, WorkerAllocation, WorkerKind
from reviews.services import (
    advocate_assign,
    iro_absence_record,
    iro_allocate,
    review_record_held,
    worker_allocate,
)
from tests.accounts.photo_files import small_png
from tests.conftest import app_token, make_user

# Alice's first review is held on a fixed day; her feedback link lasts four weeks from it.
pytestmark = pytest.mark.usefixtures("pinned_clock")

SCHEMA = yaml.safe_load((Path(__file__).resolve().parents[2] / "mobile_api" / "openapi.yaml").read_text())
OPERATIONS = sorted(f"{method.upper()} {path}" for path, ops in SCHEMA["paths"].items() for method in ops)
ROLES = ["anonymous", "child_user", "other_child_user", "advocate", "other_advocate", "iro", "other_iro", "manager"]
ROLES += ["cicc", "former_iro"]  # former_iro: a sessional IRO whose allocation to Alice has ended
ROLES += ["former_cover_iro"]  # covered Alice's IRO for a week, now over
ROLES += ["edt"]  # the emergency duty team: Alice's alert was raised out of hours and is open
ROLES += ["former_advocate"]  # wrote for Alice while assigned; the assignment has ended
ROLES += ["admin"]  # configures Heard; never a reader of children's words
ROLES += ["social_worker"]  # Alice's social worker: her alert reaches them; her message to her IRO does not
ROLES += ["personal_adviser"]  # allocated to Alice, chosen for nothing here: sees none of her words
ROLES += ["case_system"]  # the council's case system: reads what webhooks name, as a manager would; writes nothing
ALICE_WORDS = "Only Alice, her IRO and managers may read this."
BOB_WORDS = "Only Bob, his IRO and managers may read this."

ALL = dict.fromkeys(ROLES, 200) | {"anonymous": 401}
ONLY_ALICE_FILLS = {**dict.fromkeys(ROLES, 404), "anonymous": 401, "child_user": 200, "advocate": 200, "iro": 200}
STAFF_404 = {**dict.fromkeys(ROLES, 404), "anonymous": 401}

# The expected status of each operation for each role. A new operation fails the test until it is here.
EXPECTED = {
    "GET /api/v1/advocacy-requests/": ALL,
    "POST /api/v1/advocacy-requests/": {
        **dict.fromkeys(ROLES, 403),
        "anonymous": 401,
        "child_user": 201,
        "other_child_user": 201,
    },
    "GET /api/v1/children/": ALL,
    # Visits and activity between reviews: Alice's IRO records them; managers (and the case system) read them.
    "GET /api/v1/children/{child_id}/activities/": STAFF_404 | {"iro": 200, "manager": 200},
    "POST /api/v1/children/{child_id}/activities/": STAFF_404 | {"iro": 201, "manager": 403},
    # Complaints (Children Act 1989 s.26): a child makes their own; Alice, her IRO and managers read hers.
    "GET /api/v1/complaints/": ALL,
    "POST /api/v1/complaints/": {
        **dict.fromkeys(ROLES, 403),
        "anonymous": 401,
        "child_user": 201,
        "other_child_user": 201,
    },
    "GET /api/v1/complaints/{complaint_id}/": STAFF_404 | {"child_user": 200, "iro": 200, "manager": 200},
    "GET /api/v1/consultations/": ALL,
    "GET /api/v1/consultations/{invitation_id}/": ONLY_ALICE_FILLS,
    "PUT /api/v1/consultations/{invitation_id}/draft/": ONLY_ALICE_FILLS,
    "POST /api/v1/consultations/{invitation_id}/submit/": ONLY_ALICE_FILLS
    | {"child_user": 201, "advocate": 201, "iro": 201},
    "GET /api/v1/inbox/": STAFF_404
    | {"iro": 200, "other_iro": 200, "manager": 200, "edt": 200, "social_worker": 200, "personal_adviser": 200},
    # Safeguarding alerts always reach the child's social worker, whoever the child wrote to.
    "GET /api/v1/alerts/{alert_id}/": STAFF_404 | {"iro": 200, "manager": 200, "edt": 200, "social_worker": 200},
    "POST /api/v1/alerts/{alert_id}/acknowledge/": STAFF_404
    | {"iro": 200, "manager": 200, "edt": 200, "social_worker": 200},
    "POST /api/v1/alerts/{alert_id}/close/": STAFF_404 | {"iro": 200, "manager": 200, "edt": 200, "social_worker": 200},
    "GET /api/v1/me/": ALL,
    "GET /api/v1/me/data/": STAFF_404 | {"child_user": 200, "other_child_user": 200},
    # Amara's photo: staff, and the child she is IRO to; never another child or the CiCC.
    "GET /api/v1/people/{person_id}/photo/": {**dict.fromkeys(ROLES, 200), "anonymous": 401}
    | {"other_child_user": 404, "cicc": 404},
    "PATCH /api/v1/me/": ALL,
    # An administrator sees the council's figures (counts, never words), as the reports page shows them.
    "GET /api/v1/reports/{name}/": STAFF_404 | {"iro": 200, "other_iro": 200, "manager": 200, "admin": 200},
    "GET /api/v1/reviews/": ALL,
    "POST /api/v1/reviews/{review_id}/feedback/": STAFF_404 | {"child_user": 201},
    "GET /api/v1/reviews/{review_id}/pack/": STAFF_404 | {"iro": 200, "manager": 200},
    # No answer is sent in this world: nothing to download (tests/casefile/ download a sent one).
    "GET /api/v1/reviews/{review_id}/pack/answers/{invitation_id}/pdf/": STAFF_404,
    "GET /api/v1/reviews/{review_id}/summary/pdf/": STAFF_404 | {"child_user": 200, "iro": 200},
    "GET /api/v1/statements/": ALL,
    "POST /api/v1/statements/": {
        "anonymous": 401,
        "child_user": 201,
        "other_child_user": 404,  # naming Alice: not a child Bob may see
        "advocate": 201,
        "other_advocate": 404,
        "iro": 403,
        "other_iro": 404,
        "manager": 403,
        "admin": 403,
        "cicc": 404,
        # Workers record a child's views only in an assisted session (tests/feedback/test_assisted_sessions.py).
        "social_worker": 403,
        "personal_adviser": 403,
    },
    "GET /api/v1/statements/{statement_id}/": STAFF_404 | {"child_user": 200, "iro": 200, "manager": 200},
    "GET /api/v1/statements/{statement_id}/pdf/": STAFF_404 | {"child_user": 200, "iro": 200, "manager": 200},
    "DELETE /api/v1/statements/{statement_id}/": STAFF_404 | {"child_user": 204, "iro": 403, "manager": 403},
    "POST /api/v1/statements/{statement_id}/read/": STAFF_404 | {"child_user": 403, "iro": 200, "manager": 403},
    "POST /api/v1/statements/{statement_id}/reply/": STAFF_404 | {"child_user": 403, "iro": 200, "manager": 403},
    # The conversation: Alice, her IRO and managers read it; Alice and her IRO write in it (a manager may not).
    "GET /api/v1/statements/{statement_id}/replies/": STAFF_404 | {"child_user": 200, "iro": 200, "manager": 200},
    "POST /api/v1/statements/{statement_id}/replies/": STAFF_404 | {"child_user": 201, "iro": 201, "manager": 403},
    "GET /api/v1/you-said-we-did/": ALL,
}

# A former sessional IRO of Alice's, and a former cover, are to the API any IRO who is not hers; the duty
# team, like a CiCC member, sees no child's records (its lists are empty) but the alerts passed to it.
for expected in EXPECTED.values():
    expected["former_iro"] = expected["other_iro"]
    expected["former_cover_iro"] = expected["other_iro"]
    expected.setdefault("edt", expected["cicc"])
    expected.setdefault("former_advocate", expected["other_advocate"])
    expected.setdefault("admin", expected["cicc"])

# The case system reads every child's records a manager may read, and nothing else; every write is refused.
for operation, expected in list(EXPECTED.items()):
    reads = expected["manager"] if expected["manager"] in (200, 304) else 404
    # A copy: several operations share one expectation (ALL), and the case system's differ by method.
    EXPECTED[operation] = expected | {"case_system": reads if operation.startswith("GET ") else 403}
# Not records a webhook names: a child's own data and forms, an inbox, staff photos, the council's figures,
# a complaint (the complaints register is the IRO managers').
for operation in [
    "GET /api/v1/complaints/{complaint_id}/",
    "GET /api/v1/me/data/",
    "GET /api/v1/consultations/{invitation_id}/",
    "GET /api/v1/inbox/",
    "GET /api/v1/people/{person_id}/photo/",
    "GET /api/v1/reports/{name}/",
]:
    EXPECTED[operation]["case_system"] = 404

# Besides those, who may see Alice's words in one operation: the duty team, on her out-of-hours alert.
MAY_SEE_ALICE_IN = {operation: {"edt", "social_worker"} for operation in EXPECTED if "/alerts/" in operation}
# Her social worker reads the urgent message that raised it, in their inbox and list (not her other messages).
MAY_SEE_ALICE_IN |= {operation: {"social_worker"} for operation in ["GET /api/v1/inbox/", "GET /api/v1/statements/"]}

# Who may see Alice's words, and Bob's, anywhere at all.
MAY_SEE_ALICE = {"child_user", "iro", "manager", "case_system"}
MAY_SEE_BOB = {"other_child_user", "other_iro", "manager", "case_system"}


@pytest.fixture
def world(request, child, other_child, child_user, other_child_user, iro, django_capture_on_commit_callbacks):
    former = make_user("casey", Role.IRO, iro_contract=IROContract.SESSIONAL)
    former_cover = make_user("dee", Role.IRO)
    edt = make_user("sam", Role.EDT)
    former_advocate = make_user("fay", Role.ADVOCATE)
    admin = make_user("ada", Role.ADMIN, is_staff=True, is_superuser=True)
    case_system = make_user("mosaic", Role.CASE_SYSTEM)
    social_worker = make_user("sian", Role.SOCIAL_WORKER)
    worker_allocate(child=child, worker=social_worker, kind=WorkerKind.SOCIAL_WORKER, on=date(2025, 9, 8))
    # A personal adviser is for young people from 16; Alice is 14, so Heard's service would refuse this:
    # the allocation is made directly, as an imported record might hold one, to walk the gate itself.
    personal_adviser = make_user("pax", Role.PERSONAL_ADVISER)
    WorkerAllocation.objects.create(
        child=child, worker=personal_adviser, kind=WorkerKind.PERSONAL_ADVISER, allocated_on=date(2025, 9, 8)
    )
    assignment = advocate_assign(child=child, advocate=former_advocate, started_on=date(2025, 9, 10))
    statement_submit(
        author=former_advocate, child=child, category="school", body=ALICE_WORDS, channel="app", consent_given=True
    )
    # Fay's assignment ends as the council records it, in the admin (tests/api/test_trust_access.py).
    assignment.ended_on = date(2025, 12, 1)
    assignment.save(update_fields=["ended_on"])
    iro_allocate(child=child, iro=former, allocated_on=date(2025, 10, 1))
    user_set_profile(user=iro, first_name="Amara", about_me="I chair reviews.", photo=small_png())
    # Alice's worry reaches Casey on a Friday evening (and the duty team), follows her to Amara, to Dee
    # while Dee covers Amara, and back.
    with time_machine.travel(datetime(2025, 10, 24, 19, tzinfo=ZoneInfo("Europe/London"))):
        worried, _ = statement_submit(
            author=child_user, child=child, category="worried", body=ALICE_WORDS, channel="app"
        )
    iro_allocate(child=child, iro=iro, allocated_on=date(2025, 11, 3))
    iro_absence_record(iro=iro, starts_on=date(2026, 11, 9), ends_on=date(2026, 11, 13), cover_iro=former_cover)
    with time_machine.travel(datetime(2026, 11, 10, 10, tzinfo=ZoneInfo("Europe/London"))):
        assert alerts_follow_cover() == 1
    assert alerts_follow_cover() == 1
    # Alice's first review is held (so she is asked for feedback); her next one has its forms out.
    held = Review.objects.get(child=child, held_on__isnull=True)
    with (
        time_machine.travel(datetime(2026, 11, 20, 15, tzinfo=ZoneInfo("Europe/London"))),
        django_capture_on_commit_callbacks(execute=True),
    ):
        review_record_held(review=held, held_on=date(2026, 11, 20), late_reason="late", attended=True, views="spoke")
    held.refresh_from_db()
    held.child_summary = "We agreed more time with your brother."
    held.summary_published_at = timezone.now()  # published: the child and their IRO may download it
    held.save()
    forms_sync_from_files()
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = timezone.localdate() + timedelta(days=14)
    review.save()
    invitations_create_for_review(review=review)
    alice_words, _ = statement_submit(
        author=child_user, child=child, category="school", body=ALICE_WORDS, channel="app"
    )
    statement_submit(author=other_child_user, child=other_child, category="school", body=BOB_WORDS, channel="app")
    complaint, _ = complaint_make(child=child, by=child_user, words=ALICE_WORDS, channel="app")
    complaint_make(child=other_child, by=other_child_user, words=BOB_WORDS, channel="app")
    return {
        "users": {
            role: {
                "anonymous": None,
                "former_iro": former,
                "former_cover_iro": former_cover,
                "edt": edt,
                "former_advocate": former_advocate,
                "admin": admin,
                "social_worker": social_worker,
                "personal_adviser": personal_adviser,
                "case_system": case_system,
            }.get(role)
            or request.getfixturevalue(role)
            for role in ROLES
            if role != "anonymous"
        }
        | {"anonymous": None},
        "child": child,
        "statement": alice_words,
        "alert": worried.alert,
        "invitation": Invitation.objects.get(review=review, contact__isnull=True),
        "review": review,
        "held": held,
        "complaint": complaint,
    }


def _request(operation: str, world: dict, role: str):
    method, path = operation.split(" ")
    url = (
        path.replace("{invitation_id}", str(world["invitation"].pk))
        .replace("{statement_id}", str(world["statement"].pk))
        .replace("{alert_id}", str(world["alert"].pk))
        .replace("{complaint_id}", str(world["complaint"].pk))
        .replace("{child_id}", str(world["child"].pk))
        .replace("{name}", "participation")
        .replace("{person_id}", str(world["users"]["iro"].pk))
        .replace("{review_id}", str(world["held" if "feedback" in path or "summary" in path else "review"].pk))
    )
    staff_fill = {"entry_mode": "helped", "consent_given": True} if role != "child_user" else {}
    bodies = {
        "POST /api/v1/advocacy-requests/": {"note": "please"},
        "POST /api/v1/complaints/": {"words": "Nobody asked me."},
        "POST /api/v1/children/{child_id}/activities/": {"kind": "visit", "on": "2026-11-21", "seen_alone": True},
        "PUT /api/v1/consultations/{invitation_id}/draft/": {"answers": {"home_comment": "x"}, **staff_fill},
        "POST /api/v1/consultations/{invitation_id}/submit/": {"answers": {"home_feeling": "ok"}, **staff_fill},
        "PATCH /api/v1/me/": {"notify_by": "app"},
        "POST /api/v1/reviews/{review_id}/feedback/": {"listened": "yes", "made_difference": "yes"},
        "POST /api/v1/statements/": {
            "category": "school",
            "body": "hello",
            "child": world["child"].pk,
            "consent_given": True,
        },
        "POST /api/v1/statements/{statement_id}/reply/": {"reply": "Thank you"},
        "POST /api/v1/statements/{statement_id}/replies/": {"body": "Thank you"},
        "POST /api/v1/alerts/{alert_id}/close/": {
            "action_taken": "Rang the carer; Alice is safe.",
            "safe_to_close": True,
        },
    }
    if operation == "POST /api/v1/statements/" and role == "child_user":
        bodies[operation].pop("child")
    return method.lower(), url, bodies.get(operation)


def test_every_operation_in_the_schema_has_expectations():
    assert set(OPERATIONS) == set(EXPECTED)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("operation", OPERATIONS)
def test_each_operation_answers_each_role_as_expected_and_leaks_nothing(world, operation, role):
    method, url, body = _request(operation, world, role)
    user = world["users"][role]
    headers = {"X-Session-Token": app_token(user.username)} if user else {}
    client = Client(headers=headers)
    response = (
        getattr(client, method)(url, json.dumps(body), content_type="application/json")
        if body is not None
        else getattr(client, method)(url)
    )
    assert response.status_code == EXPECTED[operation][role], response
    if response.streaming:  # a photo: nobody's words
        assert response["Content-Type"] == "image/jpeg"
        return
    if response.get("Content-Type") == "application/pdf":  # compressed: the gate is the status (tests/casefile/)
        return
    content = response.content.decode()
    if role not in MAY_SEE_ALICE | MAY_SEE_ALICE_IN.get(operation, set()):
        assert ALICE_WORDS not in content
    if role not in MAY_SEE_BOB:
        assert BOB_WORDS not in content
