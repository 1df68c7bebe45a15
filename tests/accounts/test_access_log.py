"""Every staff read of a child's words is logged once, with why; the log only grows."""

import json
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from accounts.models import AccessLogEntry, AccessPurpose, Role
from accounts.services import access_log_record
from consultations.models import Invitation
from consultations.services import forms_sync_from_files, invitations_create_for_review
from feedback.alerts import alerts_escalate_due
from feedback.models import AlertEvent, AlertEventKind, Category, SafeguardingAlert
from feedback.services import statement_submit
from reporting.models import Quote, Theme
from reviews.models import Review
from reviews.services import advocacy_request_make
from tests.conftest import client_for, make_user

LONDON = ZoneInfo("Europe/London")
MONDAY_MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
VIEW, EXPORT = AccessLogEntry.Action.VIEW, AccessLogEntry.Action.EXPORT


@pytest.fixture(autouse=True)
def _monday_morning():
    with time_machine.travel(MONDAY_MORNING, tick=False):
        yield


@pytest.fixture
def statement(child, child_user):
    return statement_submit(author=child_user, child=child, category=Category.SCHOOL, body="hello", channel="web")[0]


@pytest.fixture
def alert(child, child_user) -> SafeguardingAlert:
    # The child's choice raises it, whatever phrases the council keeps (some tests empty that table).
    statement_submit(author=child_user, child=child, category=Category.UNSAFE, body="call me", channel="web")
    return SafeguardingAlert.objects.get()


@pytest.fixture
def advocate_statement(child, advocate):
    return statement_submit(
        author=advocate, child=child, category=Category.SCHOOL, body="for her", channel="web", consent_given=True
    )[0]


@pytest.fixture
def review(child) -> Review:
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = MONDAY_MORNING.date() + timedelta(days=14)
    review.save()
    return review


@pytest.fixture
def invitation(review) -> Invitation:
    forms_sync_from_files()
    invitations_create_for_review(review=review)
    return Invitation.objects.get(review=review, contact__isnull=True)


@pytest.fixture
def quote(statement) -> Quote:
    theme, _ = Theme.objects.get_or_create(slug="school-test", name="School")
    return Quote.objects.create(statement=statement, theme=theme, text="hello")


@pytest.fixture
def advocacy(child, child_user):
    return advocacy_request_make(child=child, requested_by=child_user, note="help me at my review")[0]


def _entries() -> list[tuple[str, str, str, str]]:
    return list(AccessLogEntry.objects.values_list("user__username", "what", "purpose", "action"))


def _read(name, reader, method, url, record, what, purpose, action=VIEW):
    return pytest.param(reader, method, url, record, (what, purpose, action), id=name)


# Each kind of read: who reads, the request, the record it needs, and the one entry it leaves.
READS = [
    _read("statement page", "iro", "get", lambda o: reverse("feedback:statement_detail", args=[o.pk]), "statement",
          "statement", AccessPurpose.STATEMENT),
    _read("alert page", "iro", "get", lambda o: reverse("feedback:alert_detail", args=[o.pk]), "alert",
          "safeguarding alert", AccessPurpose.ALERT),
    _read("pack page", "iro", "get", lambda o: reverse("consultations:pack", args=[o.pk]), "review",
          "pre-review pack", AccessPurpose.PACK),
    _read("form with the child", "advocate", "get", lambda o: reverse("consultations:on_behalf", args=[o.pk]),
          "invitation", "consultation form", AccessPurpose.CONSULTATION),
    _read("SSDA903 export", "manager", "get", lambda o: reverse("reporting:ssda903_reviews") + "?year=2026", "child",
          "SSDA903 reviews file", AccessPurpose.EXPORT, EXPORT),
    _read("advocate's messages page", "advocate", "get", lambda o: reverse("feedback:advocacy"),
          "advocate_statement", "statement", AccessPurpose.MESSAGES),
    _read("advocacy requests page", "iro", "get", lambda o: reverse("reviews:advocacy_requests"), "advocacy",
          "advocacy request", AccessPurpose.ADVOCACY_REQUEST),
    _read("practice alert from a message", "iro", "get",
          lambda o: reverse("reviews:practice_alert_new", args=[o.child_id]) + f"?statement={o.pk}", "statement",
          "statement", AccessPurpose.PRACTICE_ALERT),
    _read("quotes page", "manager", "get", lambda o: reverse("reporting:quotes"), "quote",
          "quote", AccessPurpose.QUOTE_CHECK),
    _read("API statements", "manager", "get", lambda o: "/api/v1/statements/", "statement",
          "statement", AccessPurpose.MESSAGES),
    _read("API statement", "iro", "get", lambda o: f"/api/v1/statements/{o.pk}/", "statement",
          "statement", AccessPurpose.STATEMENT),
    _read("API inbox", "iro", "get", lambda o: "/api/v1/inbox/", "statement",
          "statement", AccessPurpose.INBOX),
    _read("API pack", "iro", "get", lambda o: f"/api/v1/reviews/{o.pk}/pack/", "review",
          "pre-review pack", AccessPurpose.PACK),
    _read("API form", "advocate", "get", lambda o: f"/api/v1/consultations/{o.pk}/", "invitation",
          "consultation form", AccessPurpose.CONSULTATION),
    _read("API children", "advocate", "get", lambda o: "/api/v1/children/", "child",
          "child record", AccessPurpose.CHILD_RECORD),
    _read("API advocacy requests", "iro", "get", lambda o: "/api/v1/advocacy-requests/", "advocacy",
          "advocacy request", AccessPurpose.ADVOCACY_REQUEST),
    _read("API mark read", "iro", "post", lambda o: f"/api/v1/statements/{o.pk}/read/", "statement",
          "statement", AccessPurpose.MARK_READ),
    _read("API reply", "iro", "post", lambda o: f"/api/v1/statements/{o.pk}/reply/", "statement",
          "statement", AccessPurpose.REPLY),
]  # fmt: skip


@pytest.mark.parametrize(("reader", "method", "url", "record", "expected"), READS)
def test_one_visit_leaves_exactly_one_entry_saying_why(request, reader, method, url, record, expected):
    user = request.getfixturevalue(reader)
    target = url(request.getfixturevalue(record))
    if method == "post":
        response = client_for(user).post(target, json.dumps({"reply": "Thank you"}), content_type="application/json")
    else:
        response = client_for(user).get(target)
    assert response.status_code == 200, response.content
    what, purpose, action = expected
    assert _entries() == [(user.username, what, purpose, action)]


def test_an_app_checking_its_copy_is_not_logged_again_when_nothing_changed(statement, iro):
    client = client_for(iro)
    first = client.get("/api/v1/inbox/")
    again = client.get("/api/v1/inbox/", headers={"If-None-Match": first["ETag"]})
    assert (first.status_code, again.status_code) == (200, 304)
    assert _entries() == [("amara", "statement", AccessPurpose.INBOX, VIEW)]


def test_a_page_of_many_records_is_logged_in_one_insert(child, child_user, manager):
    for n in range(5):
        statement_submit(author=child_user, child=child, category=Category.SCHOOL, body=f"{n}", channel="web")
    with CaptureQueriesContext(connection) as queries:
        client_for(manager).get("/api/v1/statements/")
    inserts = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "accounts_accesslogentry"')
    ]
    assert len(inserts) == 1
    assert AccessLogEntry.objects.filter(purpose=AccessPurpose.MESSAGES).count() == 5


@pytest.mark.parametrize(
    ("operation", "posted"),
    [
        ("feedback:statement_acknowledge", {}),
        ("feedback:statement_reply", {"reply": "Thank you for telling me."}),
        ("feedback:statement_tag", {"themes": []}),
    ],
    ids=["acknowledge", "reply", "tag themes"],
)
def test_acting_on_a_statement_then_landing_on_it_is_one_read(statement, iro, operation, posted):
    url = reverse("feedback:statement_detail", args=[statement.pk])
    landed = client_for(iro).post(reverse(operation, args=[statement.pk]), posted, follow=True)
    assert landed.redirect_chain == [(url, 302)]
    assert _entries() == [("amara", "statement", AccessPurpose.STATEMENT, VIEW)]


def test_a_whole_visit_to_a_statement_is_one_entry_per_page_shown(statement, iro):
    url = reverse("feedback:statement_detail", args=[statement.pk])
    client = client_for(iro)
    client.get(url)
    client.post(reverse("feedback:statement_acknowledge", args=[statement.pk]), follow=True)
    client.post(reverse("feedback:statement_reply", args=[statement.pk]), {"reply": "Thank you."}, follow=True)
    assert _entries() == [("amara", "statement", AccessPurpose.STATEMENT, VIEW)] * 3


def test_acknowledging_an_alert_then_landing_on_it_is_one_read_and_closing_it_none(alert, iro):
    url = reverse("feedback:alert_detail", args=[alert.pk])
    client = client_for(iro)
    acknowledged = client.post(reverse("feedback:alert_acknowledge", args=[alert.pk]), follow=True)
    assert acknowledged.redirect_chain == [(url, 302)]
    assert _entries() == [("amara", "safeguarding alert", AccessPurpose.ALERT, VIEW)]
    closed = client.post(
        reverse("feedback:alert_close", args=[alert.pk]),
        {"action_taken": "Spoke to her social worker.", "safe_to_close": "on"},
        follow=True,
    )
    assert closed.redirect_chain == [(reverse("feedback:inbox"), 302)]
    # Closing reads nothing; landing on the inbox is the inbox's own read of the words it shows.
    assert sorted(_entries()) == sorted(
        [("amara", "safeguarding alert", AccessPurpose.ALERT, VIEW), ("amara", "statement", AccessPurpose.INBOX, VIEW)]
    )


def test_saving_or_sending_a_form_with_the_child_is_not_a_read_but_landing_back_on_it_is(invitation, advocate):
    url = reverse("consultations:on_behalf", args=[invitation.pk])
    client = client_for(advocate)
    answers = {"q_home_feeling": "ok", "entry_mode": "helped", "consent_given": "on"}
    saved = client.post(reverse("consultations:on_behalf_save", args=[invitation.pk]), answers)
    assert (saved.status_code, saved["Location"]) == (302, url)
    assert _entries() == []
    refused = client.post(reverse("consultations:on_behalf_send", args=[invitation.pk]), {"entry_mode": "helped"})
    assert refused.status_code == 400
    assert _entries() == []
    client.get(url)
    assert _entries() == [("riley", "consultation form", AccessPurpose.CONSULTATION, VIEW)]


def test_the_why_column_says_the_purpose_in_plain_english(statement, child, iro, manager):
    client_for(iro).get(reverse("feedback:statement_detail", args=[statement.pk]))
    client_for(manager).get(reverse("reporting:ssda903_reviews") + "?year=2026")
    page = client_for(manager).get(reverse("reporting:access_log")).content.decode()
    assert f"<td>{escape(AccessPurpose.STATEMENT.label)}</td>" in page
    assert "<td>Statutory return to the DfE (SSDA903)</td>" in page


def test_staff_are_named_in_the_access_log_not_by_username(statement, child, iro, manager):
    iro.first_name = "Amara"
    iro.save()
    client_for(iro).get(reverse("feedback:statement_detail", args=[statement.pk]))
    page = client_for(manager).get(reverse("reporting:access_log") + f"?child={child.case_reference}").content.decode()
    assert "Amara (Independent Reviewing Officer)" in page and child.case_reference in page
    assert not re.search(r"\bamara\b", page)


def test_staff_are_named_on_the_response_times_page_not_by_username(statement, iro, other_iro, manager):
    iro.first_name = "Amara"
    iro.save()
    with time_machine.travel(MONDAY_MORNING + timedelta(hours=1), tick=False):
        page = client_for(manager).get(reverse("reviews:response_times")).content.decode()
    assert "<tr><td>Amara</td>" in page
    assert not re.search(r"\bamara\b", page)


def test_an_escalated_alert_names_who_did_not_acknowledge_it(alert, iro):
    iro.first_name = "Amara"
    iro.save()
    make_user("duty", Role.MANAGER, email="duty@heard.example", escalation_rank=1)
    assert alerts_escalate_due(now=alert.escalate_at) == 1
    event = AlertEvent.objects.get(alert=alert, kind=AlertEventKind.ESCALATED)
    assert event.detail == "Not acknowledged in time by Amara"


def test_a_refused_read_leaves_no_entry(statement, other_iro, manager):
    assert client_for(other_iro).get(reverse("feedback:statement_detail", args=[statement.pk])).status_code == 404
    assert client_for(other_iro).get(f"/api/v1/statements/{statement.pk}/").status_code == 404
    # A manager may see the message but only its IRO marks it read: refused, so not read either.
    assert client_for(manager).post(f"/api/v1/statements/{statement.pk}/read/").status_code == 403
    assert not AccessLogEntry.objects.exists()


def test_a_child_reading_their_own_words_is_not_logged(statement, child_user):
    client_for(child_user).get(reverse("feedback:my_statements"))
    client_for(child_user).get("/api/v1/statements/")
    client_for(child_user).get(f"/api/v1/statements/{statement.pk}/")
    assert not AccessLogEntry.objects.exists()


def test_every_entry_says_why(statement, child, iro):
    with pytest.raises(ValueError):
        access_log_record(user=iro, what="statement", purpose="curiosity", object_id=statement.pk, child=child)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        access_log_record(
            user=iro, what="statement", purpose=AccessPurpose.UNRECORDED, object_id=statement.pk, child=child
        )
    assert not AccessLogEntry.objects.exists()


def test_the_log_cannot_be_changed_or_deleted_through_the_application(statement, iro):
    client_for(iro).get(reverse("feedback:statement_detail", args=[statement.pk]))
    entry = AccessLogEntry.objects.get()
    entry.purpose = AccessPurpose.EXPORT
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().update(purpose=AccessPurpose.EXPORT)
    with pytest.raises(PermissionError):
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.get().purpose == AccessPurpose.STATEMENT


def test_managers_see_the_log_and_no_one_else_does(iro, other_iro, cicc, advocate, manager):
    assert client_for(manager).get(reverse("reporting:access_log")).status_code == 200
    for user in (iro, other_iro, cicc, advocate):
        assert client_for(user).get(reverse("reporting:access_log")).status_code == 404


def test_opening_a_childs_records_in_the_admin_is_logged_once(child, child_user):
    admin_user = make_user("ada", Role.ADMIN, is_staff=True, is_superuser=True)
    statement, _ = statement_submit(author=child_user, child=child, category="school", body="x", channel="web")
    client = client_for(admin_user)
    for page in (
        reverse("admin:reviews_child_change", args=[child.pk]),
        reverse("admin:feedback_statement_change", args=[statement.pk]),
    ):
        assert client.get(page).status_code == 200
    entries = list(AccessLogEntry.objects.filter(user=admin_user).values_list("what", "purpose", "child"))
    assert entries == [
        ("admin: statement", AccessPurpose.CHILD_RECORD, child.pk),
        ("admin: child", AccessPurpose.CHILD_RECORD, child.pk),
    ]
