"""The safeguarding alert lifecycle: raise, act, close, escalate, pass to the duty team, follow the child."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Role, User
from feedback.escalation import add_working_hours, is_out_of_hours
from feedback.models import (
    ALERT_NOTE_MAX_LENGTH,
    CONTROL_CHARACTERS,
    AlertEvent,
    AlertEventKind,
    AlertLevel,
    Reply,
    SafeguardingAlert,
    Statement,
)
from feedback.receipts import is_responsible_iro, statement_acknowledge
from feedback.selectors import alerts_visible_to
from feedback.tasks import notify_alert
from integrations import services as webhooks
from integrations.models import EventType
from reviews.models import Child, IROAbsence, IROAllocation
from reviews.selectors import (
    current_iro_expression,
    managers_in_escalation_order,
    responsible_iro,
    responsible_iro_expression,
)
from reviews.statutory import is_working_day

# Who may see and act on an alert is one rule (feedback.selectors.alerts_visible_to): the child's
# responsible IRO now (their own, or the cover while that IRO is away), managers, and out of hours
# the emergency duty team. Who *holds* an alert (assigned_to) is who is told and chased: at IRO
# level that is always the child's responsible IRO, so alerts follow the child.


def _alert_event(alert: SafeguardingAlert, kind: str, *, actor=None, recipient=None, detail: str = "") -> None:
    AlertEvent.objects.create(
        alert=alert,
        at=timezone.now(),
        kind=kind,
        actor=actor,
        recipient=recipient,
        detail=detail[:ALERT_NOTE_MAX_LENGTH],
    )


def _notify_alert_on_commit(alert: SafeguardingAlert, reason: str) -> None:
    def send_alert_notifications() -> None:
        notify_alert.delay(alert.pk, reason)

    transaction.on_commit(send_alert_notifications, robust=True)


def _escalation_deadline(start: datetime) -> datetime:
    return add_working_hours(start, settings.HEARD_ALERT_ESCALATE_AFTER_HOURS)


def _out_of_hours_because(moment: datetime) -> str:
    local = timezone.localtime(moment)
    if local.weekday() >= 5:
        return "Raised at the weekend"
    if not is_working_day(local.date()):
        return "Raised on a bank holiday"
    return "Raised out of working hours"


# Part of storing the statement (no savepoint of its own): the words are not kept without their alert.
@transaction.atomic(savepoint=False)
def alert_raise(*, statement: Statement) -> SafeguardingAlert:
    """Open a safeguarding alert for an urgent statement and tell everyone who must know.

    Out of hours the council's emergency duty team is told at once too; the child's IRO and the duty
    manager are told as ever, and the escalation clock waits for their working hours.
    """
    now = timezone.now()
    assignee_id = statement.routed_to_id
    if assignee_id is None:  # no IRO to route to: the duty manager takes it
        managers = managers_in_escalation_order()
        assignee_id = managers[0].pk if managers else None
    out_of_hours = is_out_of_hours(now)
    alert = SafeguardingAlert.objects.create(
        statement=statement,
        child=statement.child,
        level=AlertLevel.IRO if statement.routed_to_id else AlertLevel.DUTY_MANAGER,
        assigned_to_id=assignee_id,
        raised_at=now,
        escalate_at=_escalation_deadline(now),
        passed_to_edt_at=now if out_of_hours else None,
    )
    AlertEvent.objects.create(
        alert=alert,
        at=now,
        kind=AlertEventKind.RAISED,
        recipient_id=assignee_id,
        detail="; ".join(statement.urgent_reasons)[:ALERT_NOTE_MAX_LENGTH],
    )
    if out_of_hours:
        _alert_event(alert, AlertEventKind.PASSED_TO_EDT, detail=_out_of_hours_because(now))
    _notify_alert_on_commit(alert, "raised")
    webhooks.alert_changed(alert, EventType.ALERT_RAISED)
    return alert


def _may_act_on_alert(alert: SafeguardingAlert, user: User) -> bool:
    # The same gate as every page and API answer: acting follows seeing.
    return alerts_visible_to(user).filter(pk=alert.pk).exists()


def _locked_alert_for(alert: SafeguardingAlert, user: User, doing: str) -> SafeguardingAlert:
    alert = SafeguardingAlert.objects.select_for_update().get(pk=alert.pk)
    if not _may_act_on_alert(alert, user):
        raise PermissionDenied(
            f"Only the child's IRO or social worker, a manager or, out of hours, the emergency duty team "
            f"can {doing} this alert."
        )
    return alert


def _alert_note(note: str, field: str, missing: str) -> str:
    note = CONTROL_CHARACTERS.sub("", note).strip()
    if not note:
        raise ValidationError({field: missing})
    if len(note) > ALERT_NOTE_MAX_LENGTH:
        raise ValidationError({field: f"Keep it under {ALERT_NOTE_MAX_LENGTH} characters."})
    return note


@transaction.atomic
def alert_acknowledge(*, alert: SafeguardingAlert, user: User) -> SafeguardingAlert:
    """Record that someone has taken charge of the alert; it stops escalating.

    The emergency duty team taking charge out of hours is recorded too, but the clock keeps running
    for the IRO service, which still takes the alert up on its next working morning.
    """
    alert = _locked_alert_for(alert, user, "acknowledge")
    now = timezone.now()
    if user.role == Role.EDT:
        if alert.edt_acknowledged_at is None:
            alert.edt_acknowledged_at, alert.edt_acknowledged_by = now, user
            alert.save(update_fields=["edt_acknowledged_at", "edt_acknowledged_by"])
            _alert_event(alert, AlertEventKind.ACKNOWLEDGED, actor=user)
        return alert
    if alert.acknowledged_at is None:
        alert.acknowledged_at = now
        alert.acknowledged_by = user
        alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
        _alert_event(alert, AlertEventKind.ACKNOWLEDGED, actor=user)
        webhooks.alert_changed(alert, EventType.ALERT_ACKNOWLEDGED)
    if is_responsible_iro(alert.statement, user):
        statement_acknowledge(statement=alert.statement, iro=user)
    return alert


@transaction.atomic
def alert_record_action(*, alert: SafeguardingAlert, user: User, note: str) -> SafeguardingAlert:
    """Put an action taken on the alert's timeline (a call made, a visit, the police told), leaving it open."""
    alert = _locked_alert_for(alert, user, "record an action on")
    if alert.closed_at is not None:
        raise ValidationError({"note": "This alert is already closed."})
    note = _alert_note(note, "note", "Say what was done.")
    _alert_event(alert, AlertEventKind.ACTION, actor=user, detail=note)
    return alert


@transaction.atomic
def alert_hand_over(*, alert: SafeguardingAlert, user: User, note: str) -> SafeguardingAlert:
    """The emergency duty team hands an open alert over to the child's IRO (and the duty manager) for the morning.

    The alert stays open with whoever holds it, its working-hours clock running, and they are told.
    """
    alert = _locked_alert_for(alert, user, "hand over")
    if user.role != Role.EDT:
        raise PermissionDenied("Only the emergency duty team hands an alert over.")
    if alert.closed_at is not None:
        raise ValidationError({"note": "This alert is already closed."})
    note = _alert_note(note, "note", "Write what the IRO and social worker need to know and do.")
    if alert.edt_acknowledged_at is None:
        alert.edt_acknowledged_at, alert.edt_acknowledged_by = timezone.now(), user
        alert.save(update_fields=["edt_acknowledged_at", "edt_acknowledged_by"])
        _alert_event(alert, AlertEventKind.ACKNOWLEDGED, actor=user)
    _alert_event(alert, AlertEventKind.HANDED_OVER, actor=user, recipient=alert.assigned_to, detail=note)
    _notify_alert_on_commit(alert, "handed_over")
    return alert


@transaction.atomic
def alert_close(*, alert: SafeguardingAlert, user: User, action_taken: str) -> SafeguardingAlert:
    """Close the alert with the action taken; an alert is never closed without one."""
    alert = _locked_alert_for(alert, user, "close")
    if alert.closed_at is not None:
        raise ValidationError({"action_taken": "This alert is already closed."})
    action_taken = CONTROL_CHARACTERS.sub("", action_taken).strip()
    if not action_taken:
        raise ValidationError({"action_taken": "Record the action taken before closing the alert."})
    now = timezone.now()
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by = now, user
        _alert_event(alert, AlertEventKind.ACKNOWLEDGED, actor=user)
    alert.action_taken = action_taken
    alert.closed_at, alert.closed_by = now, user
    alert.save(update_fields=["acknowledged_at", "acknowledged_by", "action_taken", "closed_at", "closed_by"])
    _alert_event(alert, AlertEventKind.CLOSED, actor=user, detail=action_taken)
    webhooks.alert_changed(alert, EventType.ALERT_CLOSED)
    if user.role == Role.EDT:
        # The IRO service learns in the morning what was done in the night.
        _notify_alert_on_commit(alert, "closed_by_edt")
    return alert


def alerts_escalate_due(*, now: datetime | None = None) -> int:
    """Escalate every unacknowledged alert whose time has run out; return how many moved."""
    now = now or timezone.now()
    due = SafeguardingAlert.objects.filter(
        acknowledged_at__isnull=True, closed_at__isnull=True, escalate_at__lte=now
    ).values_list("pk", flat=True)
    return sum(1 for alert_id in list(due) if _alert_escalate(alert_id, now))


@transaction.atomic
def _alert_escalate(alert_id: int, now: datetime) -> bool:
    # skip_locked: two schedulers running at once never escalate the same alert twice.
    alert = (
        SafeguardingAlert.objects.select_for_update(skip_locked=True)
        .filter(pk=alert_id, acknowledged_at__isnull=True, escalate_at__lte=now)
        .first()
    )
    if alert is None:
        return False
    # Step 0 is the child's IRO; step n is the n-th manager in escalation order (1: duty manager).
    managers = managers_in_escalation_order()
    next_level = alert.level + 1
    if next_level > len(managers):
        # Nobody further up: remind whoever holds it now, and keep the clock running.
        alert.escalate_at = _escalation_deadline(now)
        alert.save(update_fields=["escalate_at"])
        _alert_event(alert, AlertEventKind.NOTIFIED, recipient=alert.assigned_to, detail="Reminder: still open")
        _notify_alert_on_commit(alert, "reminder")
        return False
    target = managers[next_level - 1]
    previous = alert.assigned_to
    alert.level = next_level
    alert.assigned_to = target
    alert.escalate_at = _escalation_deadline(now)
    alert.save(update_fields=["level", "assigned_to", "escalate_at"])
    _alert_event(
        alert,
        AlertEventKind.ESCALATED,
        recipient=target,
        detail=f"Not acknowledged in time by {previous.display_name if previous else 'nobody'}",
    )
    _notify_alert_on_commit(alert, "escalated")
    return True


def alerts_pass_to_edt(*, now: datetime | None = None) -> int:
    """Out of hours, pass to the emergency duty team every open alert nobody has taken charge of.

    An alert raised at 16:45 on a Friday and not yet acknowledged when the working day ends would
    otherwise wait for Monday. Runs every minute with the escalation; returns how many it passed.
    """
    now = now or timezone.now()
    if not is_out_of_hours(now):
        return 0
    waiting = SafeguardingAlert.objects.filter(
        closed_at__isnull=True, acknowledged_at__isnull=True, passed_to_edt_at__isnull=True
    ).values_list("pk", flat=True)
    return sum(1 for alert_id in list(waiting) if _alert_pass_to_edt(alert_id, now))


@transaction.atomic
def _alert_pass_to_edt(alert_id: int, now: datetime) -> bool:
    alert = (
        SafeguardingAlert.objects.select_for_update(skip_locked=True)
        .filter(pk=alert_id, closed_at__isnull=True, acknowledged_at__isnull=True, passed_to_edt_at__isnull=True)
        .first()
    )
    if alert is None:
        return False
    alert.passed_to_edt_at = now
    alert.save(update_fields=["passed_to_edt_at"])
    _alert_event(alert, AlertEventKind.PASSED_TO_EDT, detail="Nobody had taken charge when the working day ended")
    _notify_alert_on_commit(alert, "passed_to_edt")
    return True


@transaction.atomic
def alerts_reassign_for_child(*, child: Child, to_user: User, reason: str) -> int:
    """Move every alert of the child's held by their IRO, open or closed, to the IRO now responsible.

    An open alert that moves must be taken up afresh: the new IRO is told, and its clock restarts
    (an acknowledgement by someone who can no longer act on it holds nothing). Alerts escalated to
    a manager stay with the manager. Returns how many moved.
    """
    moved = 0
    now = timezone.now()
    alerts = SafeguardingAlert.objects.select_for_update().filter(child=child, level=AlertLevel.IRO)
    for alert in alerts.exclude(assigned_to=to_user):
        alert.assigned_to = to_user
        fields = ["assigned_to"]
        if alert.is_open:
            alert.acknowledged_at, alert.acknowledged_by = None, None
            alert.escalate_at = _escalation_deadline(now)
            fields += ["acknowledged_at", "acknowledged_by", "escalate_at"]
        alert.save(update_fields=fields)
        _alert_event(alert, AlertEventKind.REASSIGNED, recipient=to_user, detail=reason)
        if alert.is_open:
            _notify_alert_on_commit(alert, "reassigned")
        moved += 1
    return moved


# How far back an absence that has ended still brings its alerts home: the minute's job normally does it
# the morning after, this only covers a scheduler that was down for a while.
COVER_LOOKBACK_DAYS = 30


def alerts_follow_cover() -> int:
    """Keep each child's alerts with the IRO responsible today: to the cover while their IRO is away, back after.

    Runs every minute (and when an absence starting today is recorded); returns how many alerts moved.
    """
    today = timezone.localdate()
    # Only children whose IRO is away today, or was lately (re-allocation moves alerts itself).
    lately_away = IROAbsence.objects.filter(
        starts_on__lte=today, ends_on__gte=today - timedelta(days=COVER_LOOKBACK_DAYS)
    ).values("iro")
    their_children = IROAllocation.objects.filter(ended_on__isnull=True, iro__in=lately_away).values("child")
    misplaced = (
        SafeguardingAlert.objects.filter(level=AlertLevel.IRO, child__in=their_children)
        .annotate(responsible=responsible_iro_expression(on=today), allocated=current_iro_expression())
        .filter(responsible__isnull=False)
        .exclude(assigned_to=F("responsible"))
        .values_list("child_id", "responsible", "allocated")
        .distinct()
    )
    moves = set(misplaced)
    users = User.objects.in_bulk({responsible for _, responsible, _ in moves})
    children = Child.objects.in_bulk({child_id for child_id, _, _ in moves})
    moved = 0
    for child_id, responsible, allocated in sorted(moves):
        reason = "Cover ended: back with the child's IRO" if responsible == allocated else "IRO away: moved to cover"
        moved += alerts_reassign_for_child(child=children[child_id], to_user=users[responsible], reason=reason)
    return moved


def alert_words_added(*, statement: Statement) -> SafeguardingAlert | None:
    """Put a follow-up statement on the open alert of the message it follows; return that alert, if any."""
    open_alert = _open_alert_on(statement.follows)
    if open_alert is None:
        return None
    # The alert already open on the first message carries these words: no second alert.
    _alert_event(open_alert, AlertEventKind.ADDED, recipient=open_alert.assigned_to, detail=f"message {statement.pk}")
    # The IRO hears of the new words as of any message; out of hours the duty team must too.
    if open_alert.passed_to_edt_at is not None:
        _notify_alert_on_commit(open_alert, f"added:{statement.pk}")
    return open_alert


def _open_alert_on(statement: Statement | None) -> SafeguardingAlert | None:
    if statement is None:
        return None
    return SafeguardingAlert.objects.filter(statement=statement, closed_at__isnull=True).first()


@transaction.atomic(savepoint=False)
def alert_reply_words(*, reply: Reply) -> SafeguardingAlert:
    """Raise the alert for a child's urgent reply, as for a statement's words; return the alert.

    An alert is one to a statement (its page shows the whole conversation's words), so a reply's
    words join one still open, as words added by text do; on a statement with none, one is raised;
    on a statement whose alert was closed, that alert is raised again, afresh: nobody in charge,
    the escalation clock restarted, everyone told as at first (the closed steps stay on its timeline).
    """
    statement = reply.statement
    reasons = "; ".join([f"reply {reply.pk}", *reply.urgent_reasons])[:ALERT_NOTE_MAX_LENGTH]
    alert = SafeguardingAlert.objects.select_for_update().filter(statement=statement).first()
    if alert is not None and alert.closed_at is None:
        _alert_event(alert, AlertEventKind.ADDED, recipient=alert.assigned_to, detail=f"reply {reply.pk}")
        if alert.passed_to_edt_at is not None:
            _notify_alert_on_commit(alert, f"added:reply {reply.pk}")
        return alert
    # Whoever is responsible for the child now, not whoever the statement reached when it arrived.
    iro = responsible_iro(statement.child)
    assignee_id = iro.pk if iro is not None else None
    if assignee_id is None:
        managers = managers_in_escalation_order()
        assignee_id = managers[0].pk if managers else None
    now = timezone.now()
    out_of_hours = is_out_of_hours(now)
    fresh = {
        "child_id": statement.child_id,
        "level": AlertLevel.IRO if iro is not None else AlertLevel.DUTY_MANAGER,
        "assigned_to_id": assignee_id,
        "raised_at": now,
        "escalate_at": _escalation_deadline(now),
        "passed_to_edt_at": now if out_of_hours else None,
        "acknowledged_at": None,
        "acknowledged_by": None,
        "edt_acknowledged_at": None,
        "edt_acknowledged_by": None,
        "closed_at": None,
        "closed_by": None,
    }
    if alert is None:
        alert = SafeguardingAlert.objects.create(statement=statement, **fresh)
    else:
        for name, value in fresh.items():
            setattr(alert, name, value)
        alert.save(update_fields=[name.removesuffix("_id") for name in fresh])
    AlertEvent.objects.create(alert=alert, at=now, kind=AlertEventKind.RAISED, recipient_id=assignee_id, detail=reasons)
    if out_of_hours:
        _alert_event(alert, AlertEventKind.PASSED_TO_EDT, detail=_out_of_hours_because(now))
    _notify_alert_on_commit(alert, "raised")
    return alert
