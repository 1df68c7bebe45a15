"""While an IRO is away their cover gets new items; after re-allocation nothing stays behind."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from feedback.models import Category, SafeguardingAlert, Statement
from feedback.services import alerts_follow_cover, statement_submit
from reviews.selectors import children_visible_to, responsible_iro
from reviews.services import iro_absence_record, iro_allocate
from tests.conftest import client_for


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
