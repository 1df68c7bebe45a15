"""Safeguarding alerts: raised at once, everyone told, escalated on the working-hours clock."""

from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import Role
from consultations.models import ChildContact
from feedback.alerts import alert_acknowledge, alert_close, alerts_escalate_due
from feedback.escalation import add_working_hours
from feedback.models import AlertEvent, AlertEventKind, Category, SafeguardingAlert, Statement
from feedback.services import statement_submit
from reviews.models import PlacementType
from sms.transport import ConsoleTransport
from tests.conftest import client_for, make_child, make_user

LONDON = ZoneInfo("Europe/London")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture
def duty_manager(db):
    return make_user("duty", Role.MANAGER, email="duty@heard.example", escalation_rank=1, phone="+447700900501")


@pytest.fixture
def next_manager(db):
    return make_user("deputy", Role.MANAGER, email="deputy@heard.example", escalation_rank=2)


@pytest.mark.parametrize(
    ("raised", "escalates"),
    [
        (at(2026, 11, 23, 10, 0), at(2026, 11, 23, 12, 0)),  # a Monday morning
        (at(2026, 11, 20, 16, 30), at(2026, 11, 23, 10, 30)),  # Friday evening: over the weekend
        (at(2026, 11, 21, 14, 0), at(2026, 11, 23, 11, 0)),  # raised on a Saturday
        (at(2026, 11, 23, 7, 15), at(2026, 11, 23, 11, 0)),  # before the working day starts
        (at(2026, 12, 24, 16, 0), at(2026, 12, 29, 10, 0)),  # Christmas, and Boxing Day's substitute Monday
        (at(2026, 4, 2, 16, 0), at(2026, 4, 7, 10, 0)),  # Good Friday and Easter Monday
    ],
)
def test_the_escalation_clock_counts_only_working_hours(raised, escalates):
    assert add_working_hours(raised, 2) == escalates


def _worried(child_user, child, body="I don't feel safe at home"):
    statement, _ = statement_submit(
        author=child_user, child=child, category=Category.WHERE_I_LIVE, body=body, channel="web"
    )
    return statement


@time_machine.travel(at(2026, 11, 20, 16, 30), tick=False)
def test_an_urgent_statement_alerts_the_iro_and_duty_manager_at_once_and_the_child_is_told_what_to_do(
    child, child_user, iro, duty_manager, django_capture_on_commit_callbacks
):
    iro.phone = "+447700900500"
    iro.save()
    with django_capture_on_commit_callbacks(execute=True):
        statement = _worried(child_user, child)

    alert = SafeguardingAlert.objects.get()
    assert statement.is_urgent
    assert statement.urgent_reasons == ["phrase: don't feel safe"]
    assert (alert.assigned_to, alert.level, alert.escalate_at) == (iro, 0, at(2026, 11, 23, 10, 30))
    # IRO and duty manager by email; both by SMS where they have a phone; the child texted advice.
    urgent_emails = {m.to[0] for m in mail.outbox if m.subject.startswith("URGENT")}
    assert urgent_emails == {iro.email, duty_manager.email}
    texts = dict(ConsoleTransport.sent)
    assert "URGENT" in texts["+447700900500"]
    assert "URGENT" in texts["+447700900501"]
    assert "0800 1111" in texts[child_user.phone] and "999" in texts[child_user.phone]
    # Nothing about the child in any text or email.
    for body in [*texts.values(), *(m.body for m in mail.outbox)]:
        assert "feel safe" not in body and child.case_reference not in body
    kinds = list(alert.events.values_list("kind", "recipient__username"))
    assert ("raised", "amara") in kinds
    assert ("notified", "amara") in kinds and ("notified", "duty") in kinds


def test_the_child_sees_what_to_do_now_and_who_will_be_in_touch(child, child_user, iro):
    iro.first_name = "Amara"
    iro.save()
    response = client_for(child_user).post(
        reverse("feedback:statement_new"),
        {"category": Category.UNSAFE, "body": "can someone call me", "idempotency_key": "u1"},
        follow=True,
    )
    page = response.content.decode()
    assert "Amara will be in touch with you soon" in page
    assert "call 999" in page and "0800 1111" in page
    assert Statement.objects.get().is_urgent


def test_a_statement_that_is_not_urgent_raises_no_alert(child, child_user):
    _worried(child_user, child, body="I'm not worried, school is fine")
    assert not SafeguardingAlert.objects.exists()


def test_an_unacknowledged_alert_escalates_to_the_duty_manager_then_the_next(
    child, child_user, iro, duty_manager, next_manager, django_capture_on_commit_callbacks
):
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False) as clock:
        _worried(child_user, child)
        alert = SafeguardingAlert.objects.get()

        clock.move_to(at(2026, 11, 23, 11, 59))
        assert alerts_escalate_due() == 0

        clock.move_to(at(2026, 11, 23, 12, 0))
        with django_capture_on_commit_callbacks(execute=True):
            assert alerts_escalate_due() == 1
        alert.refresh_from_db()
        assert (alert.level, alert.assigned_to, alert.escalate_at) == (1, duty_manager, at(2026, 11, 23, 14, 0))
        assert any(m.to == [duty_manager.email] and m.subject.startswith("URGENT") for m in mail.outbox)

        clock.move_to(at(2026, 11, 23, 14, 0))
        assert alerts_escalate_due() == 1
        alert.refresh_from_db()
        assert (alert.level, alert.assigned_to) == (2, next_manager)

        # Nobody further up: the holder is reminded, and the clock keeps running.
        clock.move_to(at(2026, 11, 23, 16, 0))
        assert alerts_escalate_due() == 0
        alert.refresh_from_db()
        assert alert.escalate_at == at(2026, 11, 24, 10, 0)

    steps = list(alert.events.filter(kind=AlertEventKind.ESCALATED).values_list("recipient__username", "at"))
    assert steps == [("duty", at(2026, 11, 23, 12, 0)), ("deputy", at(2026, 11, 23, 14, 0))]


def test_acknowledging_stops_the_escalation(child, child_user, iro, duty_manager):
    with time_machine.travel(at(2026, 11, 23, 10, 0), tick=False) as clock:
        _worried(child_user, child)
        alert = SafeguardingAlert.objects.get()
        clock.move_to(at(2026, 11, 23, 10, 20))
        alert_acknowledge(alert=alert, user=iro)
        clock.move_to(at(2026, 11, 24, 10, 0))
        assert alerts_escalate_due() == 0
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.acknowledged_at, alert.assigned_to) == (iro, at(2026, 11, 23, 10, 20), iro)
    # Acknowledging an alert also reads and acknowledges the child's statement.
    assert alert.statement.read_by == iro


def test_an_alert_cannot_be_closed_without_a_recorded_action(child, child_user, iro):
    _worried(child_user, child)
    alert = SafeguardingAlert.objects.get()
    with pytest.raises(ValidationError):
        alert_close(alert=alert, user=iro, action_taken="   ")
    alert.refresh_from_db()
    assert alert.closed_at is None
    # Nor by going round the service: the database refuses it.
    with pytest.raises(IntegrityError), transaction.atomic():
        SafeguardingAlert.objects.filter(pk=alert.pk).update(closed_at=alert.raised_at, acknowledged_at=alert.raised_at)

    alert_close(alert=alert, user=iro, action_taken="Visited the child at home; strategy discussion booked.")
    alert.refresh_from_db()
    assert alert.closed_by == iro
    assert list(alert.events.values_list("kind", flat=True))[-2:] == ["acknowledged", "closed"]


def test_the_iro_acknowledges_and_closes_from_the_alert_page(child, child_user, iro):
    _worried(child_user, child)
    alert = SafeguardingAlert.objects.get()
    client = client_for(iro)
    url = reverse("feedback:alert_detail", args=[alert.pk])

    inbox = client.get(reverse("feedback:inbox")).content.decode()
    assert url in inbox and "not yet acknowledged" in inbox

    # The page only shows; each of its forms posts to its own step.
    page = client.get(url).content.decode()
    for step in ("alert_acknowledge", "alert_record_action", "alert_close"):
        assert f'action="{reverse(f"feedback:{step}", args=[alert.pk])}"' in page
    assert 'name="action"' not in page
    assert client.post(url, {"action": "acknowledge"}).status_code == 405
    acknowledged = client.post(reverse("feedback:alert_acknowledge", args=[alert.pk]))
    assert acknowledged.status_code == 302 and acknowledged["Location"] == url
    close = reverse("feedback:alert_close", args=[alert.pk])
    refused = client.post(close, {"action_taken": ""})
    assert refused.status_code == 400
    assert "Record the action taken" in refused.content.decode()
    done = client.post(close, {"action_taken": "Phoned the child; safe with carer.", "safe_to_close": "on"})
    assert done.status_code == 302 and done["Location"] == reverse("feedback:inbox")
    alert.refresh_from_db()
    assert alert.action_taken == "Phoned the child; safe with carer."
    assert url not in client.get(reverse("feedback:inbox")).content.decode()


@pytest.mark.parametrize("who", ["other_iro", "advocate", "child_user", "cicc"])
def test_people_who_may_not_see_an_alert_get_404(request, who, child, child_user):
    _worried(child_user, child)
    alert = SafeguardingAlert.objects.get()
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert client.get(reverse("feedback:alert_detail", args=[alert.pk])).status_code == 404
    assert client.post(reverse("feedback:alert_acknowledge", args=[alert.pk])).status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_a_child_with_no_iro_goes_straight_to_the_duty_manager(db, duty_manager):
    user = make_user("newchild", Role.CHILD)
    child = make_child("HRD0900", user=user)
    _worried(user, child)
    alert = SafeguardingAlert.objects.get()
    assert (alert.level, alert.assigned_to) == (1, duty_manager)
    assert AlertEvent.objects.filter(alert=alert, kind=AlertEventKind.RAISED, recipient=duty_manager).exists()


# --- The alert page: what someone needs to act ---------------------------------------------------


@pytest.fixture
def care_record(child, iro):
    """Alice's care record as a council keeps it: her placement, her carer and her social worker."""
    child.known_as = "Alice"
    child.placement_type = PlacementType.FOSTER_AGENCY
    child.placement_address = "12 Acacia Avenue\nNewtown NT1 2AB"
    child.placement_phone = "+441632960123"
    ChildContact.objects.create(child=child, role="carer", name="Pat Jones", phone="07700 900601", channel="sms")
    child.social_worker = ChildContact.objects.create(
        child=child,
        role="professional",
        name="Jo Okafor",
        relationship="social worker",
        email="jo.okafor@council.example",
        phone="07700 900602",
    )
    child.full_clean()
    child.save()
    iro.first_name, iro.phone = "Amara", "+447700900603"
    iro.save()
    return child


def _page(user, alert) -> str:
    response = client_for(user).get(reverse("feedback:alert_detail", args=[alert.pk]))
    assert response.status_code == 200
    return unescape(response.content.decode())


@pytest.mark.usefixtures("pinned_clock")
def test_the_alert_page_has_the_child_where_they_live_and_whom_to_call(care_record, child_user, iro, manager):
    statement_submit(
        author=child_user, child=care_record, category=Category.UNSAFE, body="my uncle hits me", channel="web"
    )
    alert = SafeguardingAlert.objects.get()
    for user in (iro, manager):
        page = _page(user, alert)
        assert "Alice (HRD0001), aged 14" in page  # born 17 May 2012; it is 23 November 2026
        assert "Foster care through an agency" in page and "12 Acacia Avenue<br>Newtown NT1 2AB" in page
        assert 'href="tel:+447700900601">07700 900601</a>' in page  # the carer
        assert 'href="tel:+441632960123"' in page  # the home
        assert "Jo Okafor" in page and 'href="tel:+447700900602"' in page  # the social worker
        assert 'href="mailto:jo.okafor@council.example"' in page
        assert 'href="tel:+447700900603"' in page  # the IRO
        assert 'href="tel:+447700900123"' in page  # the child's own phone
        assert "my uncle hits me" in page and "No phone is recorded" not in page
        # Why it is urgent, in plain English; no reason codes.
        assert "Chose 'I don't feel safe'" in page and "Said words that match: 'hits me'" in page
        assert "child chose:" not in page and "phrase:" not in page


@pytest.mark.usefixtures("pinned_clock")
def test_the_alert_page_says_when_nothing_about_the_placement_is_recorded(child, child_user, iro):
    _worried(child_user, child)
    page = _page(iro, SafeguardingAlert.objects.get())
    assert "Type not recorded" in page and "No address recorded." in page
    assert "No phone is recorded for the carer or the home" in page


def test_words_added_by_text_are_shown_in_order_under_the_first_message(child, child_user, iro, pinned_clock):
    first, _ = statement_submit(
        author=child_user, child=child, category=Category.UNSAFE, body="", channel="sms", words_optional=True
    )
    for words in ("my carer shouts at me", "and he took my phone"):
        pinned_clock.shift(timedelta(minutes=4))
        statement_submit(
            author=child_user, child=child, category=Category.UNSAFE, body=words, channel="sms", follows=first
        )
    alert = SafeguardingAlert.objects.get()
    page = _page(iro, alert)
    nothing_yet = "(No words yet: they chose 'I don't feel safe' by text)"
    assert page.index(nothing_yet) < page.index("my carer shouts at me") < page.index("and he took my phone")
    assert page.count("by text") >= 3
    assert page.count("The child added to what they said") == 2  # on the timeline


@pytest.mark.usefixtures("pinned_clock")
def test_staff_record_actions_on_the_timeline_and_an_empty_one_is_refused(child, child_user, iro):
    _worried(child_user, child)
    alert = SafeguardingAlert.objects.get()
    url = reverse("feedback:alert_detail", args=[alert.pk])
    client = client_for(iro)
    record = reverse("feedback:alert_record_action", args=[alert.pk])
    refused = client.post(record, {"action-note": "  "})
    assert refused.status_code == 400 and "Say what was done." in refused.content.decode()
    recorded = client.post(record, {"action-note": "Rang the carer."})
    assert recorded.status_code == 302 and recorded["Location"] == url
    assert alert.events.filter(kind=AlertEventKind.ACTION, actor=iro, detail="Rang the carer.").exists()
    alert.refresh_from_db()
    assert alert.closed_at is None
    # Handing over is the duty team's step, not the IRO's.
    assert client.post(reverse("feedback:alert_hand_over", args=[alert.pk]), {"handover-note": "x"}).status_code == 403
