"""Out of hours: the council's emergency duty team is told at once, sees the alert and acts on it.

The IRO service is still told, for its next working morning, and its escalation clock keeps
working hours. Everything goes through the real entry points: the child's page, the scheduler's
task, the staff pages and the API.
"""

import json
import os
import subprocess
import sys
from datetime import datetime
from html import unescape

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import AccessLogEntry, Role, User
from backend.jobs import escalate_due_alerts
from feedback.models import AlertEventKind, Category, SafeguardingAlert
from sms.inbound import sms_inbound_receive
from sms.transport import ConsoleTransport
from tests.conftest import app_token, client_for, make_user
from tests.feedback.test_alerts import LONDON

EDT_EMAIL = "edt@council.example"
EDT_PHONE = "+447700900900"
WORDS = "my carers boyfriend hits me when they drink"

FRIDAY_EVENING = datetime(2026, 11, 20, 19, 0, tzinfo=LONDON)
MONDAY_MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _duty_team(settings):
    settings.HEARD_EDT_EMAIL = EDT_EMAIL
    settings.HEARD_EDT_PHONE = EDT_PHONE


@pytest.fixture
def duty_manager(db):
    return make_user("duty", Role.MANAGER, email="duty@heard.example", escalation_rank=1, phone="+447700900501")


@pytest.fixture
def edt(db):
    return make_user(
        "sam", Role.EDT, first_name="Sam", email="sam@council.example", phone="+447700900902", phone_verified=True
    )


@pytest.fixture
def alice(child):
    child.known_as = "Alice"
    child.save()
    return child


def app_client(user) -> Client:
    """A client signed in to the API as the app does (with the second step for staff)."""
    return Client(headers={"X-Session-Token": app_token(user.username)})


def _child_says(client, words=WORDS, category=Category.WHERE_I_LIVE):
    """The child sends a message from the web page, as she would."""
    response = client.post(
        reverse("feedback:statement_new"), {"category": category, "body": words, "idempotency_key": words[:40]}
    )
    assert response.status_code == 302
    return SafeguardingAlert.objects.latest("pk")


def _raise_at(moment, child_user, capture, words=WORDS, category=Category.WHERE_I_LIVE) -> SafeguardingAlert:
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return _child_says(client_for(child_user), words, category)


def _edt_notices():
    emails = [m for m in mail.outbox if m.to == [EDT_EMAIL]]
    texts = [body for to, body in ConsoleTransport.sent if to == EDT_PHONE]
    return emails, texts


def test_an_alert_on_friday_evening_reaches_the_duty_team_at_once_with_only_a_link(
    alice, child_user, iro, duty_manager, edt, django_capture_on_commit_callbacks
):
    alert = _raise_at(FRIDAY_EVENING, child_user, django_capture_on_commit_callbacks)

    assert alert.passed_to_edt_at == FRIDAY_EVENING
    emails, texts = _edt_notices()
    link = f"/inbox/alerts/{alert.pk}/"
    assert len(emails) == 1 and emails[0].subject.startswith("URGENT")
    assert len(texts) == 1 and "URGENT" in texts[0]
    for notice in [emails[0].subject, emails[0].body, *texts]:
        for secret in ("Alice", alice.case_reference, "hits me", "boyfriend", iro.email):
            assert secret not in notice
    assert link in emails[0].body and link in texts[0]
    # The IRO service is told too, for the morning, and its clock keeps working hours.
    urgent = {m.to[0] for m in mail.outbox if m.subject.startswith("URGENT")}
    assert urgent == {EDT_EMAIL, iro.email, duty_manager.email}
    assert (alert.assigned_to, alert.escalate_at) == (iro, at(2026, 11, 23, 11, 0))
    steps = list(alert.events.values_list("kind", "recipient__username", "detail"))
    assert (AlertEventKind.PASSED_TO_EDT, None, "Raised out of working hours") in steps
    assert any(kind == "notified" and who is None and "Emergency duty team" in detail for kind, who, detail in steps)


@pytest.mark.parametrize(
    ("moment", "why"),
    [
        (at(2026, 4, 6, 11, 0), "Raised on a bank holiday"),  # Easter Monday, mid-morning
        (at(2026, 12, 25, 11, 0), "Raised on a bank holiday"),  # Christmas Day, a Friday
        (at(2026, 11, 21, 11, 0), "Raised at the weekend"),
        (at(2026, 11, 23, 8, 59), "Raised out of working hours"),
    ],
)
def test_on_a_bank_holiday_at_the_weekend_or_before_work_the_duty_team_is_told(
    moment, why, alice, child_user, iro, edt, django_capture_on_commit_callbacks
):
    alert = _raise_at(moment, child_user, django_capture_on_commit_callbacks)
    emails, texts = _edt_notices()
    assert (len(emails), len(texts)) == (1, 1)
    assert alert.events.filter(kind=AlertEventKind.PASSED_TO_EDT, detail=why).exists()


def test_in_working_hours_the_duty_team_is_not_told_and_cannot_see_it(
    alice, child_user, iro, edt, django_capture_on_commit_callbacks
):
    alert = _raise_at(MONDAY_MORNING, child_user, django_capture_on_commit_callbacks)
    assert alert.passed_to_edt_at is None
    assert _edt_notices() == ([], [])
    assert iro.email in {m.to[0] for m in mail.outbox}

    page = reverse("feedback:alert_detail", args=[alert.pk])
    client = client_for(edt)
    assert client.get(page).status_code == 404
    assert client.post(reverse("feedback:alert_acknowledge", args=[alert.pk])).status_code == 404
    assert page not in client.get(reverse("feedback:alert_list")).content.decode()
    api = app_client(edt)
    assert api.get(f"/api/v1/alerts/{alert.pk}/").status_code == 404
    assert api.post(f"/api/v1/alerts/{alert.pk}/acknowledge/").status_code == 404
    assert api.get("/api/v1/inbox/").json()["alerts"] == []
    alert.refresh_from_db()
    assert (alert.acknowledged_at, alert.edt_acknowledged_at) == (None, None)


def test_the_duty_team_takes_charge_records_what_it_did_and_hands_over_and_the_clock_runs_on(
    alice, child_user, iro, duty_manager, edt, django_capture_on_commit_callbacks
):
    alert = _raise_at(FRIDAY_EVENING, child_user, django_capture_on_commit_callbacks)
    page = reverse("feedback:alert_detail", args=[alert.pk])
    client = client_for(edt)
    mail.outbox.clear()
    with time_machine.travel(at(2026, 11, 20, 19, 12), tick=False):
        assert page in client.get(reverse("home"), follow=True).content.decode()  # the team's list
        shown = unescape(client.get(page).content.decode())
        assert WORDS in shown and "Alice" in shown
        assert client.post(reverse("feedback:alert_acknowledge", args=[alert.pk])).status_code == 302
    with time_machine.travel(at(2026, 11, 20, 19, 40), tick=False):
        note = "Rang the carer: boyfriend has left; police welfare check done, child safe tonight."
        recorded = client.post(reverse("feedback:alert_record_action", args=[alert.pk]), {"action-note": note})
        assert recorded.status_code == 302
    ConsoleTransport.sent.clear()
    with time_machine.travel(at(2026, 11, 20, 20, 5), tick=False), django_capture_on_commit_callbacks(execute=True):
        handed = client.post(
            reverse("feedback:alert_hand_over", args=[alert.pk]), {"handover-note": "IRO and SW to visit Monday."}
        )
        assert handed.status_code == 302 and handed["Location"] == reverse("feedback:alert_list")

    alert.refresh_from_db()
    assert (alert.edt_acknowledged_by, alert.edt_acknowledged_at) == (edt, at(2026, 11, 20, 19, 12))
    assert alert.acknowledged_at is None and alert.closed_at is None
    steps = list(alert.events.exclude(kind="notified").values_list("kind", "actor__username", "detail"))
    assert steps[-3:] == [
        ("acknowledged", "sam", ""),
        ("action", "sam", note),
        ("handed_over", "sam", "IRO and SW to visit Monday."),
    ]
    # The IRO and the duty manager hear of the hand-over by email for the morning; nobody is texted at night.
    assert {m.to[0] for m in mail.outbox} == {iro.email, duty_manager.email}
    assert ConsoleTransport.sent == []
    # The IRO sees every step on the alert's page.
    iro_page = unescape(client_for(iro).get(page).content.decode())
    assert note in iro_page and "Sam (emergency duty team)" in iro_page and "Handed over" in iro_page

    # The duty team taking charge did not stop the IRO service's clock: on Monday it escalates.
    with time_machine.travel(at(2026, 11, 23, 10, 59), tick=False):
        assert escalate_due_alerts() == 0
    with time_machine.travel(at(2026, 11, 23, 11, 0), tick=False):
        assert escalate_due_alerts() == 1
    alert.refresh_from_db()
    assert alert.assigned_to == duty_manager


def test_the_duty_team_can_close_an_alert_and_the_iro_learns_what_was_done(
    alice, child_user, iro, duty_manager, edt, django_capture_on_commit_callbacks
):
    alert = _raise_at(FRIDAY_EVENING, child_user, django_capture_on_commit_callbacks)
    page = reverse("feedback:alert_detail", args=[alert.pk])
    mail.outbox.clear()
    with time_machine.travel(at(2026, 11, 20, 21, 0), tick=False), django_capture_on_commit_callbacks(execute=True):
        done = client_for(edt).post(
            reverse("feedback:alert_close", args=[alert.pk]),
            {"action_taken": "Visited with police; safe at gran's.", "safe_to_close": "on"},
        )
    assert done.status_code == 302 and done["Location"] == reverse("feedback:alert_list")
    alert.refresh_from_db()
    assert (alert.closed_by, alert.acknowledged_by) == (edt, edt)
    assert {m.to[0] for m in mail.outbox} == {iro.email, duty_manager.email}
    assert all("out of hours" in m.body and "Alice" not in m.body for m in mail.outbox)
    # Closed, it is no longer the team's to see; the IRO reads what was done.
    assert client_for(edt).get(page).status_code == 404
    assert "safe at gran" in unescape(client_for(iro).get(page).content.decode())


def test_an_alert_nobody_took_up_by_the_end_of_the_working_day_goes_to_the_duty_team(
    alice, child_user, iro, edt, other_child, other_child_user, other_iro, django_capture_on_commit_callbacks
):
    late = _raise_at(at(2026, 11, 20, 16, 30), child_user, django_capture_on_commit_callbacks)
    taken = _raise_at(at(2026, 11, 20, 16, 40), other_child_user, django_capture_on_commit_callbacks)
    with time_machine.travel(at(2026, 11, 20, 16, 45), tick=False):
        assert client_for(other_iro).post(reverse("feedback:alert_acknowledge", args=[taken.pk])).status_code == 302
    assert _edt_notices() == ([], [])

    with time_machine.travel(at(2026, 11, 20, 16, 59), tick=False), django_capture_on_commit_callbacks(execute=True):
        escalate_due_alerts()
    assert _edt_notices() == ([], [])
    with time_machine.travel(at(2026, 11, 20, 17, 0), tick=False), django_capture_on_commit_callbacks(execute=True):
        escalate_due_alerts()
        escalate_due_alerts()  # the next minute's run changes nothing
    emails, texts = _edt_notices()
    assert (len(emails), len(texts)) == (1, 1)
    late.refresh_from_db()
    taken.refresh_from_db()
    assert (late.passed_to_edt_at, taken.passed_to_edt_at) == (at(2026, 11, 20, 17, 0), None)
    listed = client_for(edt).get(reverse("feedback:alert_list")).content.decode()
    assert reverse("feedback:alert_detail", args=[late.pk]) in listed
    assert reverse("feedback:alert_detail", args=[taken.pk]) not in listed


def test_the_duty_team_acts_through_the_api_and_its_reads_are_logged(
    alice, child_user, iro, edt, django_capture_on_commit_callbacks
):
    alert = _raise_at(FRIDAY_EVENING, child_user, django_capture_on_commit_callbacks)
    api = app_client(edt)
    with time_machine.travel(at(2026, 11, 20, 19, 5), tick=False):
        inbox = api.get("/api/v1/inbox/").json()
        assert [(a["id"], a["out_of_hours"]) for a in inbox["alerts"]] == [(alert.pk, True)]
        detail = api.get(f"/api/v1/alerts/{alert.pk}/").json()
        assert detail["words"][0]["body"] == WORDS
        assert detail["words"][0]["reasons"] == ["Said words that match: 'hits me'"]
        taken = api.post(f"/api/v1/alerts/{alert.pk}/acknowledge/")
    assert taken.status_code == 200
    assert taken.json()["edt_acknowledged_at"] is not None and taken.json()["acknowledged_at"] is None
    closed = api.post(
        f"/api/v1/alerts/{alert.pk}/close/",
        json.dumps({"action_taken": "Spoke to the carer.", "safe_to_close": True}),
        content_type="application/json",
        headers={"Idempotency-Key": "close-1"},
    )
    assert closed.status_code == 200 and closed.json()["closed_at"] is not None
    assert api.get(f"/api/v1/alerts/{alert.pk}/").status_code == 404
    logged = AccessLogEntry.objects.filter(user=edt, what="safeguarding alert", child=alice)
    assert logged.count() == 3


def test_without_a_shared_inbox_each_member_of_the_duty_team_is_told(
    settings, alice, child_user, iro, edt, django_capture_on_commit_callbacks
):
    settings.HEARD_EDT_EMAIL = ""
    settings.HEARD_EDT_PHONE = ""
    _raise_at(FRIDAY_EVENING, child_user, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox if "out-of-hours" in m.subject] == [[edt.email]]
    assert [to for to, body in ConsoleTransport.sent if "out-of-hours" in body] == [edt.phone]


def test_the_duty_team_must_sign_in_with_a_second_step(db):
    assert User(role=Role.EDT).needs_mfa


def _edt_phone_setting(tmp_path, phone: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("HEARD_", "DATABASE_URL", "REDIS_URL"))}
    environment |= {"HEARD_EDT_PHONE": phone, "HEARD_VAR_DIR": str(tmp_path)}
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.HEARD_EDT_PHONE)",
        ],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_duty_team_phone_is_read_as_a_uk_number_and_a_wrong_one_stops_heard_starting(tmp_path):
    assert _edt_phone_setting(tmp_path, "07700 900900").stdout.split()[-1] == EDT_PHONE
    wrong = _edt_phone_setting(tmp_path, "123")
    assert wrong.returncode != 0 and "HEARD_EDT_PHONE" in wrong.stderr


def test_words_a_child_adds_by_text_out_of_hours_reach_the_duty_team_too(
    alice, child_user, iro, duty_manager, edt, django_capture_on_commit_callbacks
):
    with time_machine.travel(FRIDAY_EVENING, tick=False), django_capture_on_commit_callbacks(execute=True):
        sms_inbound_receive(message_sid="SM1", from_number=child_user.phone, body="3")
    alert = SafeguardingAlert.objects.get()
    mail.outbox.clear()
    ConsoleTransport.sent.clear()
    with time_machine.travel(at(2026, 11, 20, 19, 5), tick=False), django_capture_on_commit_callbacks(execute=True):
        sms_inbound_receive(message_sid="SM2", from_number=child_user.phone, body="he is shouting again")
    emails, texts = _edt_notices()
    assert len(emails) == 1 and len(texts) == 1
    assert "added" in emails[0].subject and f"/inbox/alerts/{alert.pk}/" in texts[0]
    assert "shouting" not in emails[0].body + texts[0]
    assert iro.email in {m.to[0] for m in mail.outbox}  # the IRO hears of the new words as ever
