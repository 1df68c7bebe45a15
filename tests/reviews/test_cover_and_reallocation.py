"""While an IRO is away their cover gets new items; after re-allocation nothing stays behind."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from backend.jobs import escalate_due_alerts
from feedback.alerts import alert_acknowledge, alert_close, alerts_follow_cover
from feedback.models import Category, SafeguardingAlert, Statement
from feedback.services import statement_submit
from reviews.selectors import children_visible_to, responsible_iro
from reviews.services import iro_absence_record, iro_allocate
from tests.conftest import app_token, client_for


def _send(child_user, child, body="hello", category=Category.SCHOOL):
    return statement_submit(author=child_user, child=child, category=category, body=body, channel="web")[0]


@time_machine.travel(date(2026, 11, 23))
def test_new_statements_go_to_the_cover_while_the_iro_is_away_and_back_after(child, child_user, iro, other_iro):
    iro_absence_record(iro=iro, starts_on=date(2026, 11, 23), ends_on=date(2026, 11, 27), cover_iro=other_iro)

    during = _send(child_user, child, "while Amara is away")
    assert during.routed_to == other_iro
    assert child in children_visible_to(other_iro)
    assert child in children_visible_to(iro)  # still their child: they see it on return
    assert client_for(other_iro).get(reverse("feedback:statement_detail", args=[during.pk])).status_code == 200
    during.refresh_from_db()
    assert during.read_by == other_iro  # the cover's read counts for the child

    with time_machine.travel(date(2026, 11, 30)):
        after = _send(child_user, child, "Amara is back")
        assert after.routed_to == iro
        assert child not in children_visible_to(other_iro)
        assert client_for(other_iro).get(reverse("feedback:statement_detail", args=[after.pk])).status_code == 404


@time_machine.travel(date(2026, 11, 23))
def test_open_alerts_move_to_the_cover_when_the_absence_starts(child, child_user, iro, other_iro):
    _send(child_user, child, "I don't feel safe")
    iro_absence_record(iro=iro, starts_on=date(2026, 11, 24), ends_on=date(2026, 11, 27), cover_iro=other_iro)
    alert = SafeguardingAlert.objects.get()
    assert alert.assigned_to == iro  # the absence has not started yet

    with time_machine.travel(date(2026, 11, 24)):
        assert alerts_follow_cover() == 1
    alert.refresh_from_db()
    assert alert.assigned_to == other_iro
    assert alert.events.filter(kind="reassigned", recipient=other_iro).exists()


@time_machine.travel(date(2026, 11, 23))
def test_an_absence_starting_today_moves_open_alerts_at_once(child, child_user, iro, other_iro):
    _send(child_user, child, "I don't feel safe")
    iro_absence_record(iro=iro, starts_on=date(2026, 11, 23), ends_on=date(2026, 11, 23), cover_iro=other_iro)
    assert SafeguardingAlert.objects.get().assigned_to == other_iro


@pytest.mark.parametrize(
    ("starts", "ends", "field"),
    [
        (date(2026, 11, 27), date(2026, 11, 23), "ends_on"),
        (date(2026, 11, 25), date(2026, 11, 26), "starts_on"),  # overlaps the first absence
    ],
)
def test_impossible_absences_are_refused(iro, other_iro, starts, ends, field):
    iro_absence_record(iro=iro, starts_on=date(2026, 11, 23), ends_on=date(2026, 11, 27), cover_iro=other_iro)
    with pytest.raises(ValidationError) as error:
        iro_absence_record(iro=iro, starts_on=starts, ends_on=ends, cover_iro=other_iro)
    assert field in error.value.message_dict


def test_an_iro_cannot_cover_themselves(iro):
    with pytest.raises(ValidationError):
        iro_absence_record(iro=iro, starts_on=date(2026, 11, 23), ends_on=date(2026, 11, 27), cover_iro=iro)


def test_after_reallocation_nothing_is_left_with_the_departed_iro(child, child_user, iro, other_iro):
    unread = _send(child_user, child, "please read me")
    _send(child_user, child, "I want to hurt myself")
    iro_allocate(child=child, iro=other_iro, allocated_on=date(2026, 1, 5))

    alert = SafeguardingAlert.objects.get()
    assert alert.assigned_to == other_iro
    assert responsible_iro(child) == other_iro
    old_inbox = client_for(iro).get(reverse("feedback:inbox")).content.decode()
    assert child.case_reference not in old_inbox
    new_inbox = client_for(other_iro).get(reverse("feedback:inbox")).content.decode()
    assert reverse("feedback:statement_detail", args=[unread.pk]) in new_inbox
    assert reverse("feedback:alert_detail", args=[alert.pk]) in new_inbox
    assert Statement.objects.filter(child=child, read_at__isnull=True).count() == 2


def test_the_manager_records_an_absence_on_the_page(manager, iro, other_iro):
    response = client_for(manager).post(
        reverse("reviews:absences"),
        {"iro": iro.pk, "starts_on": "2026-12-01", "ends_on": "2026-12-05", "cover_iro": other_iro.pk},
    )
    assert response.status_code == 302
    assert iro.absences.get().cover_iro == other_iro
    bad = client_for(manager).post(
        reverse("reviews:absences"),
        {"iro": iro.pk, "starts_on": "2026-12-09", "ends_on": "2026-12-08", "cover_iro": other_iro.pk},
    )
    assert bad.status_code == 200
    assert "must end on or after" in bad.content.decode()


# --- Alerts follow the child: nobody keeps an alert for a child they no longer have ----------------

LONDON = ZoneInfo("Europe/London")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def _alert(child_user, child, words="he hits me") -> SafeguardingAlert:
    return _send(child_user, child, words).alert


def _shut_out(user, *alerts: SafeguardingAlert) -> None:
    """This user can neither see nor act on these alerts, by page, API or service."""
    client = client_for(user)
    api = Client(headers={"X-Session-Token": app_token(user.username)})
    inbox = client.get(reverse("feedback:inbox")).content.decode()
    api_inbox = [listed["id"] for listed in api.get("/api/v1/inbox/").json()["alerts"]]
    for alert in alerts:
        before = SafeguardingAlert.objects.values().get(pk=alert.pk)
        page = reverse("feedback:alert_detail", args=[alert.pk])
        assert client.get(page).status_code == 404
        assert client.post(reverse("feedback:alert_acknowledge", args=[alert.pk])).status_code == 404
        assert client.post(reverse("feedback:alert_close", args=[alert.pk]), {"action_taken": "x"}).status_code == 404
        assert page not in inbox and alert.pk not in api_inbox
        assert api.get(f"/api/v1/alerts/{alert.pk}/").status_code == 404
        assert api.post(f"/api/v1/alerts/{alert.pk}/acknowledge/").status_code == 404
        with pytest.raises(PermissionDenied):
            alert_acknowledge(alert=alert, user=user)
        assert SafeguardingAlert.objects.values().get(pk=alert.pk) == before


def test_reallocation_moves_every_alert_open_or_closed_and_the_former_iro_is_shut_out(
    child, child_user, iro, other_iro, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False):
        closed = _alert(child_user, child, "he hits me")
        alert_close(alert=closed, user=iro, action_taken="Visited; safe with carer.")
        still_open = _alert(child_user, child, "I don't feel safe at home")
        alert_acknowledge(alert=still_open, user=iro)
    with time_machine.travel(at(2026, 11, 24, 10, 0), tick=False), django_capture_on_commit_callbacks(execute=True):
        iro_allocate(child=child, iro=other_iro, allocated_on=date(2026, 11, 24))

    _shut_out(iro, closed, still_open)
    for alert in (closed, still_open):
        alert.refresh_from_db()
        assert alert.assigned_to == other_iro
        assert alert.events.filter(kind="reassigned", recipient=other_iro).exists()
        assert client_for(other_iro).get(reverse("feedback:alert_detail", args=[alert.pk])).status_code == 200
    # The open one must be taken up afresh by the new IRO, who is told: its clock starts again.
    assert (still_open.acknowledged_at, still_open.escalate_at) == (None, at(2026, 11, 24, 12, 0))
    assert still_open.events.filter(kind="notified", recipient=other_iro).exists()
    assert closed.closed_by == iro and closed.acknowledged_by == iro  # history is kept


def test_the_end_of_cover_moves_alerts_back_and_the_former_cover_is_shut_out(
    child, child_user, iro, other_iro, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(2026, 11, 20, 10, 0), tick=False):
        iro_absence_record(iro=iro, starts_on=date(2026, 11, 23), ends_on=date(2026, 11, 27), cover_iro=other_iro)
    with time_machine.travel(at(2026, 11, 24, 10, 0), tick=False):
        closed = _alert(child_user, child, "he hits me")
        alert_close(alert=closed, user=other_iro, action_taken="Rang the carer.")
        still_open = _alert(child_user, child, "I don't feel safe at home")
        assert still_open.assigned_to == other_iro
        assert escalate_due_alerts() == 0  # the scheduler leaves them with the cover meanwhile
        assert still_open.events.filter(kind="reassigned").count() == 0

    with time_machine.travel(at(2026, 11, 30, 9, 1), tick=False), django_capture_on_commit_callbacks(execute=True):
        escalate_due_alerts()  # the minute's run, as the scheduler calls it
        _shut_out(other_iro, closed, still_open)
        for alert in (closed, still_open):
            alert.refresh_from_db()
            assert alert.assigned_to == iro
            assert alert.events.filter(
                kind="reassigned", recipient=iro, detail="Cover ended: back with the child's IRO"
            ).exists()
            assert client_for(iro).get(reverse("feedback:alert_detail", args=[alert.pk])).status_code == 200


def test_an_alert_escalated_to_a_manager_stays_with_them_but_only_the_new_iro_sees_it(
    child, child_user, iro, other_iro, manager
):
    manager.escalation_rank = 1
    manager.save()
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False) as clock:
        alert = _alert(child_user, child)
        clock.move_to(at(2026, 11, 23, 12, 0))
        assert escalate_due_alerts() == 1
        iro_allocate(child=child, iro=other_iro, allocated_on=date(2026, 11, 23))
        alert.refresh_from_db()
        assert alert.assigned_to == manager
        _shut_out(iro, alert)
        assert client_for(other_iro).get(reverse("feedback:alert_detail", args=[alert.pk])).status_code == 200
