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
from accounts.services import user_set_profile
from complaints.services import complaint_make
from consultations.models import FormTemplateVersion, Invitation
from consultations.services import forms_sync_from_files, invitations_create_for_review
from feedback.alerts import alerts_follow_cover
from feedback.models import Category
from feedback.services import statement_submit
from reporting.models import Theme
from reporting.services import you_said_we_did_publish
from reviews.activities import activity_record
from reviews.models import Review, WorkerAllocation, WorkerKind
from reviews.services import (
    advocacy_request_make,
    advocate_assign,
    iro_absence_record,
    iro_allocate,
    practice_alert_raise,
    review_record_held,
    worker_allocate,
)
from tests.accounts.photo_files import small_png
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
    "former_cover_iro",  # an IRO who covered Alice's IRO for a week, now over
    "manager",
    "cicc",
    "edt",  # the emergency duty team: Alice's alert was raised out of hours and is open
    "former_advocate",  # wrote for Alice while assigned; the assignment has ended
    "admin",  # configures Heard; never a reader of children's words
    "social_worker",  # Alice's social worker: her alert reaches them, her messages to her IRO do not
    "personal_adviser",  # allocated to Alice, chosen for nothing here: sees none of her words
]
OUR_APPS = {
    "accounts",
    "backend",
    "complaints",
    "consultations",
    "feedback",
    "reporting",
    "reviews",
    "sms",
    "mobile_api",
}
ALICE_WORDS = "Alice worried: only she, her IRO and managers may read this."
BOB_WORDS = "Bob's words: only he, his IRO and managers may read this."
MAY_SEE_ALICE = {"child_user", "iro", "manager"}
MAY_SEE_BOB = {"other_child_user", "other_iro", "manager"}
ALERT_STEPS = [
    "feedback:alert_acknowledge",
    "feedback:alert_record_action",
    "feedback:alert_hand_over",
    "feedback:alert_close",
]
# Besides those, who may see Alice's words on one page: the duty team, on her out-of-hours alert (and
# from its steps, which show the page again when what was posted is refused).
MAY_SEE_ALICE_ON = {page: {"edt", "social_worker"} for page in ["feedback:alert_detail", *ALERT_STEPS]}
# Her social worker reads the urgent message the alert is about (and its page, shown again on a refused post).
MAY_SEE_ALICE_ON |= {
    page: {"social_worker"} for page in ["feedback:statement_detail", "feedback:statement_reply", "feedback:inbox"]
}


def only(*roles: str, ok: int = 200, other: int = 404, anonymous: int = 302) -> dict[str, int]:
    """These roles get `ok`, every other signed-in role `other`; anonymous is sent to sign in."""
    return {role: (ok if role in roles else other) for role in ROLES} | {"anonymous": anonymous}


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


CHILDREN = ("child_user", "other_child_user")
WORKERS = ("social_worker", "personal_adviser")
IROS = ("iro", "other_iro", "former_iro", "former_cover_iro")

# Each step on a complaint, walked as an empty post.
COMPLAINT_STEPS = [
    "acknowledge",
    "stage1_respond",
    "stage2_request",
    "stage2_extend",
    "stage2_respond",
    "stage3_request",
    "stage3_panel_held",
    "stage3_respond",
]
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
    "accounts:my_profile": only(*IROS, "manager", "edt", "advocate", "other_advocate", "former_advocate", *WORKERS),
    # Amara's photo: staff, and the child she is IRO to; never another child or the CiCC.
    "accounts:person_photo": only(
        "child_user", *IROS, "manager", "edt", "advocate", "other_advocate", "former_advocate", "admin", *WORKERS
    ),
    "feedback:my_statements": only(*CHILDREN),
    "feedback:statement_new": only(*CHILDREN),
    "feedback:my_statement": only("child_user"),  # the conversation on one of Alice's own messages
    "feedback:statement_withdraw": only("child_user", ok=302),
    "feedback:advocacy": only("advocate", "other_advocate", "former_advocate"),
    "feedback:statement_new_on_behalf": only("advocate"),
    "feedback:inbox": only(*IROS, "manager", *WORKERS),
    # A session with Alice is recorded by her IRO, social worker or advocate (an empty post shows the form again).
    "feedback:assisted_session": only("iro", "social_worker", "advocate"),
    "feedback:statement_detail": only("iro", "manager", "social_worker"),
    # A PDF for the case file: the statement's readers (its words are the child's, not the advocate's).
    "feedback:statement_pdf": only("iro", "manager", "social_worker"),
    "feedback:my_statement_pdf": only("child_user"),
    # Each step on a statement or an alert is walked as an empty post: refused input shows the page again.
    "feedback:statement_reply": only("iro", "manager", "social_worker", ok=400),
    # Only someone Alice wrote to (her urgent message reaches her social worker too).
    "feedback:statement_acknowledge": only("iro", "social_worker", ok=302) | {"manager": 403},
    "feedback:statement_tag": only("iro", ok=302) | {"manager": 403},
    "feedback:alert_list": only(*IROS, "manager", "edt", "social_worker"),
    "feedback:alert_detail": only("iro", "manager", "edt", "social_worker"),
    "feedback:alert_acknowledge": only("iro", "manager", "edt", "social_worker", ok=302),
    "feedback:alert_record_action": only("iro", "manager", "edt", "social_worker", ok=400),
    "feedback:alert_hand_over": only("iro", "manager", "edt", "social_worker", ok=400),
    "feedback:alert_close": only("iro", "manager", "edt", "social_worker", ok=400),
    "feedback:my_preferences": only(*CHILDREN),
    "feedback:my_review_feedback": only("child_user"),
    "feedback:service_feedback_by_link": everyone(404),
    "reviews:allocation": only("manager"),
    "reviews:child_allocate": only("manager"),
    "reviews:child_allocate_worker": only("manager", ok=400),  # an empty post: the page again, with why
    "reviews:absences": only("manager"),
    "reviews:response_times": only("manager"),
    "reviews:my_advocate": only(*CHILDREN),
    "reviews:advocacy_requests": only(*IROS, "manager"),
    # Alice's IRO sees her request but only a manager assigns: both are asked to choose an advocate.
    "reviews:advocacy_request_assign": only("iro", "manager", ok=400),
    "reviews:advocacy_request_not_wanted": only("iro", "manager", ok=302),
    "reviews:my_reviews": only(*CHILDREN),
    "reviews:review_summary": only("iro"),
    "reviews:review_summary_pdf": only("iro"),
    "reviews:my_review_summary_pdf": only("child_user"),
    "reviews:review_record": only("iro"),
    # Visits and activity between reviews: Alice's IRO records them; managers read them; nobody else sees the page.
    "reviews:child_activity": only("iro", "manager"),
    # Only whoever recorded it takes it back (Amara, the same day): then back to the page.
    "reviews:child_activity_take_back": only("iro", ok=302),
    "reviews:practice_alerts": only(*IROS, "manager"),
    "reviews:practice_alert_new": only("iro", "manager"),
    "reviews:practice_alert_detail": only("iro", "manager"),
    "consultations:by_link": everyone(404),
    "consultations:mine": only(*CHILDREN),
    "consultations:mine_detail": only("child_user"),
    "consultations:on_behalf": only("advocate", "iro"),
    # Saving and sending a form: each its own POST (an empty form sent is 400, saved is a redirect).
    "consultations:by_link_save": everyone(404),
    "consultations:by_link_send": everyone(404),
    "consultations:mine_detail_save": only("child_user", ok=302),
    "consultations:mine_detail_send": only("child_user", ok=400),
    "consultations:on_behalf_save": only("advocate", "iro", ok=400),
    "consultations:on_behalf_send": only("advocate", "iro", ok=400),
    "consultations:pack": only("iro", "manager"),
    # No answer is sent in this world, so there is nothing to download (tests/casefile walk a sent one).
    "consultations:pack_answer_pdf": only(ok=404),
    "consultations:form_choice": only("iro", "manager"),
    # The child's record (wellbeing across reviews, latest messages): the pack's readers, nobody else.
    "consultations:child_record": only("iro", "manager"),
    "consultations:preview": only("manager", "admin"),  # forms are configuration
    # Figures, never words: an administrator sees the council's, like a manager.
    "reporting:reports": only(*IROS, "manager", "admin"),
    "reporting:report_csv": only(*IROS, "manager", "admin"),
    "reporting:report": only(*IROS, "manager", "admin"),
    "reporting:ssda903_reviews": only("manager"),
    "reporting:annual": only("manager"),
    "reporting:annual_pdf": only("manager"),
    "reporting:annual_docx": only("manager"),
    # The manager's words under each heading: written and approved by managers only.
    "reporting:annual_words": only("manager"),
    "reporting:cicc": only("cicc"),
    "reporting:you_said_we_did": only(*CHILDREN),
    # What the CiCC published: only a CiCC member changes or withdraws it (each page asks first).
    "reporting:you_said_we_did_edit": only("cicc"),
    "reporting:you_said_we_did_withdraw": only("cicc"),
    "reporting:quotes": only("manager"),
    "reporting:quote_withdraw": only(ok=404),  # no quote waits in this world: 404 for the manager too
    "reporting:access_log": only("manager"),
    # Complaints (Children Act 1989 s.26): the child's own page; the register for managers and IROs (their
    # caseload's, read-only); only a manager records one or moves one on (an empty post: refused, 400).
    "complaints:mine": only(*CHILDREN),
    # Alice asks for the next stage of her own complaint (not yet answered: told so, and back to her page).
    "complaints:my_escalate": only("child_user", ok=302),
    "complaints:register": only(*IROS, "manager"),
    "complaints:record": only("manager"),
    "complaints:manage_detail": only("iro", "manager"),
    **{f"complaints:{step}": only("manager", ok=400) for step in COMPLAINT_STEPS},
    "complaints:stage1_extend": only("manager", ok=302),
    "complaints:withdraw": only("manager", ok=302),
}
# Walked elsewhere, with the reason.
ELSEWHERE = {
    "": "the /api/ catch-all answers a 404 problem for any unknown path (tests/api/test_api_contract.py)",
    **dict.fromkeys(
        [
            "admin:reviews_child_change",
            "admin:feedback_statement_change",
            "admin:consultations_childcontact_change",
            "admin:complaints_complaint_change",
        ],
        "Django's admin, for staff accounts only; each read is logged (tests/accounts/test_access_log.py)",
    ),
}
POSTED = {
    *(f"complaints:{step}" for step in [*COMPLAINT_STEPS, "stage1_extend", "withdraw", "my_escalate"]),
    "feedback:statement_withdraw",
    "feedback:statement_reply",
    "feedback:statement_acknowledge",
    "feedback:statement_tag",
    *ALERT_STEPS,
    "reviews:advocacy_request_assign",
    "reviews:advocacy_request_not_wanted",
    "reviews:child_allocate_worker",
    "reviews:child_activity_take_back",
    "consultations:by_link_save",
    "consultations:by_link_send",
    "consultations:mine_detail_save",
    "consultations:mine_detail_send",
    "consultations:on_behalf_save",
    "consultations:on_behalf_send",
    "reporting:quote_withdraw",
}
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
def world(
    request,
    child,
    other_child,
    child_user,
    other_child_user,
    iro,
    manager,
    cicc,
    django_capture_on_commit_callbacks,
    settings,
    tmp_path,
):
    settings.HEARD_PHOTOS_DIR = tmp_path
    user_set_profile(user=iro, first_name="Amara", about_me="I chair reviews.", photo=small_png())
    former = make_user("casey", Role.IRO, iro_contract=IROContract.SESSIONAL, email="casey@heard.example")
    former_cover = make_user("dee", Role.IRO, email="dee@heard.example")
    edt = make_user("sam", Role.EDT, email="sam@council.example")
    former_advocate = make_user("fay", Role.ADVOCATE, email="fay@heard.example")
    admin = make_user("ada", Role.ADMIN, email="ada@heard.example", is_staff=True, is_superuser=True)
    social_worker = make_user("sian", Role.SOCIAL_WORKER, email="sian@council.example")
    worker_allocate(child=child, worker=social_worker, kind=WorkerKind.SOCIAL_WORKER, on=date(2025, 9, 8))
    # A personal adviser is for young people from 16; Alice is 14, so Heard's service would refuse this:
    # the allocation is made directly, as an imported record might hold one, to walk the gate itself.
    personal_adviser = make_user("pax", Role.PERSONAL_ADVISER, email="pax@council.example")
    WorkerAllocation.objects.create(
        child=child, worker=personal_adviser, kind=WorkerKind.PERSONAL_ADVISER, allocated_on=date(2025, 9, 8)
    )
    assignment = advocate_assign(child=child, advocate=former_advocate, started_on=date(2025, 9, 10))
    statement_submit(
        author=former_advocate, child=child, category="school", body=ALICE_WORDS, channel="web", consent_given=True
    )
    # Fay's assignment ends as the council records it, in the admin (tests/api/test_trust_access.py).
    assignment.ended_on = date(2025, 12, 1)
    assignment.save(update_fields=["ended_on"])
    iro_allocate(child=child, iro=former, allocated_on=date(2025, 10, 1))
    # Alice's worry reaches Casey on a Friday evening (and the duty team), follows her to Amara, to Dee
    # while Dee covers Amara, and back: only Amara, managers and (while it is open) the team see it now.
    with time_machine.travel(datetime(2025, 10, 24, 19, tzinfo=ZoneInfo("Europe/London"))):
        worried, _ = statement_submit(
            author=child_user, child=child, category=Category.WORRIED, body=ALICE_WORDS, channel="web"
        )
    iro_allocate(child=child, iro=iro, allocated_on=date(2025, 11, 3))
    iro_absence_record(iro=iro, starts_on=date(2026, 11, 9), ends_on=date(2026, 11, 13), cover_iro=former_cover)
    with time_machine.travel(datetime(2026, 11, 10, 10, tzinfo=ZoneInfo("Europe/London"))):
        assert alerts_follow_cover() == 1
    assert alerts_follow_cover() == 1
    assert worried.alert.passed_to_edt_at is not None
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
    upcoming = Review.objects.get(child=child, held_on__isnull=True)
    upcoming.scheduled_for = timezone.localdate() + timedelta(days=14)
    upcoming.save()
    invitations_create_for_review(review=upcoming)
    plain, _ = statement_submit(author=child_user, child=child, category="school", body=ALICE_WORDS, channel="web")
    statement_submit(author=other_child_user, child=other_child, category="school", body=BOB_WORDS, channel="web")
    practice_alert = practice_alert_raise(
        child=child, user=iro, category="drift", description="Plan overdue", raised_on=date(2026, 11, 1)
    )
    advocacy, _ = advocacy_request_make(child=child, requested_by=child_user, note="Someone to come to my review")
    visit = activity_record(iro=iro, child=child, review=None, kind="visit", on=date(2026, 11, 21), note="At home.")
    complaint, _ = complaint_make(child=child, by=child_user, words=ALICE_WORDS, channel="web")
    complaint_make(child=other_child, by=other_child_user, words=BOB_WORDS, channel="web")
    item = you_said_we_did_publish(
        member=cicc, theme=Theme.objects.get(slug="education"), period_start=date(2026, 7, 1),
        period_end=date(2026, 9, 30), you_said="More help with homework", we_did="Homework clubs",
    )  # fmt: skip
    ours = {
        "anonymous": None,
        "former_iro": former,
        "former_cover_iro": former_cover,
        "edt": edt,
        "former_advocate": former_advocate,
        "admin": admin,
        "social_worker": social_worker,
        "personal_adviser": personal_adviser,
    }
    users = {role: request.getfixturevalue(role) for role in ROLES if role not in ours}
    return {
        "users": {**users, **ours},
        "args": {
            "statement_id": worried.pk,
            "alert_id": worried.alert.pk,
            "child_id": child.pk,
            "invitation_id": Invitation.objects.get(review=upcoming, contact__isnull=True).pk,
            "version_id": FormTemplateVersion.objects.first().pk,
            "token": "not-a-real-link",
            "name": "participation",
            "request_id": advocacy.pk,
            "person_id": iro.pk,
            "complaint_id": complaint.pk,
            "item_id": item.pk,
            "activity_id": visit.pk,
            "year": 2025,
            "section": "participation",
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
    upcoming = ("reviews:review_record", "consultations:pack", "consultations:pack_answer_pdf")
    args["review_id"] = world["upcoming"] if name in upcoming else world["held"]
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
    if role not in MAY_SEE_ALICE | MAY_SEE_ALICE_ON.get(name, set()):
        assert ALICE_WORDS not in text
    if role not in MAY_SEE_BOB:
        assert BOB_WORDS not in text
