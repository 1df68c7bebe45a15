"""Writes for statements: a child (or their advocate) submits, the IRO reads."""

import hashlib
import json
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from feedback.escalation import add_working_hours, is_out_of_hours
from feedback.models import (
    ALERT_NOTE_MAX_LENGTH,
    URGENT_CATEGORIES,
    AlertEvent,
    AlertEventKind,
    AlertLevel,
    Category,
    Channel,
    SafeguardingAlert,
    Statement,
)
from feedback.safeguarding import assess_urgency
from feedback.selectors import alerts_visible_to
from reviews.models import AdvocateAssignment, Child, IROAbsence, IROAllocation
from reviews.selectors import (
    current_iro_expression,
    managers_in_escalation_order,
    responsible_iro,
    responsible_iro_expression,
    upcoming_review,
)
from reviews.statutory import is_working_day

# Control characters other than tab and newline are dropped: PostgreSQL refuses NUL in text,
# and the others only ever arrive by accident.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


REPLY_MAX_LENGTH = 1000


class IdempotencyConflict(Exception):
    """The same Idempotency-Key was used before for a different submission."""


def statement_clean_body(body: str) -> str:
    """Return the statement text tidied and checked, or raise a ValidationError for the child."""
    body = _CONTROL_CHARACTERS.sub("", body.replace("\r\n", "\n")).strip()
    if not body:
        raise ValidationError({"body": _("Please write something before you send it.")})
    limit = settings.HEARD_STATEMENT_MAX_LENGTH
    if len(body) > limit:
        raise ValidationError(
            {
                "body": _("That's a lot to say! Please keep it under %(limit)s characters, or send it in parts.")
                % {"limit": limit}
            }
        )
    return body


def _fingerprint(*, child: Child, category: str, body: str, consent_given: bool) -> str:
    payload = json.dumps([child.pk, category, body, consent_given], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _check_author(*, author: User, child: Child, consent_given: bool) -> bool:
    """Return whether the author writes on the child's behalf; refuse anyone who may not write."""
    if author.role == Role.CHILD:
        if child.user_id != author.pk:
            raise PermissionDenied("A child can only send their own messages.")
        return False
    if author.role == Role.ADVOCATE:
        assigned = AdvocateAssignment.objects.filter(child=child, advocate=author, ended_on__isnull=True).exists()
        if not assigned:
            raise PermissionDenied("Only an advocate assigned to this child can write for them.")
        if not consent_given:
            raise ValidationError({"consent_given": "Record that the child agreed to this being sent for them."})
        return True
    raise PermissionDenied("Only a child or their advocate can send a statement.")


@transaction.atomic
def statement_submit(
    *,
    author: User,
    child: Child,
    category: str,
    body: str,
    channel: str,
    consent_given: bool = False,
    idempotency_key: str = "",
    quote_consent: bool = False,
    follows: Statement | None = None,
    words_optional: bool = False,
) -> tuple[Statement, bool]:
    """Store a statement and route it to the child's IRO and next review.

    `follows` is an earlier statement of the same child and author that these words add to (by
    text, after an urgent message); an open alert on it then carries them. `words_optional` lets a
    child who chose "not safe" by text raise the alert before typing anything.
    Returns the statement and whether it was created now (False for a retried submission).
    """
    if category not in Category.values:
        raise ValidationError({"category": "Choose what your message is about."})
    if channel not in Channel.values:
        raise ValidationError({"channel": "Unknown channel."})
    if follows is not None and (follows.child_id != child.pk or follows.author_id != author.pk):
        raise ValidationError({"follows": "Words can only be added to the same child's own message."})
    body = "" if words_optional and category in URGENT_CATEGORIES and not body.strip() else statement_clean_body(body)
    idempotency_key = idempotency_key.strip()
    if len(idempotency_key) > 255:
        raise ValidationError({"idempotency_key": "An Idempotency-Key can be at most 255 characters."})
    on_behalf = _check_author(author=author, child=child, consent_given=consent_given)
    fingerprint = _fingerprint(child=child, category=category, body=body, consent_given=consent_given)

    if idempotency_key:
        existing = _statement_for_key(author=author, key=idempotency_key, fingerprint=fingerprint)
        if existing is not None:
            return existing, False

    urgent_reasons = assess_urgency(category=category, body=body)
    statement = Statement(
        child=child,
        category=category,
        body=body,
        channel=channel,
        author=author,
        on_behalf=on_behalf,
        consent_given=consent_given if on_behalf else False,
        routed_to=responsible_iro(child),
        review=upcoming_review(child),
        is_urgent=bool(urgent_reasons),
        quote_consent=quote_consent and not on_behalf,
        urgent_reasons=urgent_reasons,
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint if idempotency_key else "",
        follows=follows,
    )
    try:
        with transaction.atomic():
            statement.save()
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer with its statement.
        existing = _statement_for_key(author=author, key=idempotency_key, fingerprint=fingerprint)
        if existing is None:
            raise
        return existing, False

    from reporting.services import themes_assign

    themes_assign(statement=statement)

    from feedback.tasks import notify_iro_of_statement

    def notify_iro() -> None:
        notify_iro_of_statement.delay(statement.pk)

    # The statement is stored whatever happens next: a failing notifier must not lose it.
    # (A named function, not a partial: Django logs a robust callback's failure by its name.)
    transaction.on_commit(notify_iro, robust=True)
    open_alert = _open_alert_on(follows)
    if open_alert is not None:
        # The alert already open on the first message carries these words: no second alert.
        _alert_event(
            open_alert, AlertEventKind.ADDED, recipient=open_alert.assigned_to, detail=f"message {statement.pk}"
        )
        # The IRO hears of the new words as of any message; out of hours the duty team must too.
        if open_alert.passed_to_edt_at is not None:
            _notify_alert_on_commit(open_alert, f"added:{statement.pk}")
    elif statement.is_urgent:
        alert_raise(statement=statement)
    return statement, True


def _open_alert_on(statement: Statement | None) -> SafeguardingAlert | None:
    if statement is None:
        return None
    return SafeguardingAlert.objects.filter(statement=statement, closed_at__isnull=True).first()


def _statement_for_key(*, author: User, key: str, fingerprint: str) -> Statement | None:
    existing = Statement.objects.filter(author=author, idempotency_key=key).first()
    if existing is not None and existing.request_fingerprint != fingerprint:
        raise IdempotencyConflict("This Idempotency-Key was already used for a different message.")
    return existing


def _is_responsible_iro(statement: Statement, user: User) -> bool:
    iro = responsible_iro(statement.child)
    return iro is not None and iro.pk == user.pk


def statement_withdraw(*, statement: Statement, child_user: User) -> None:
    """A child takes back a message their IRO has not read yet: it is deleted, words and all.

    The safeguarding exception: a message that raised an alert stays, so someone checks the
    child is safe (ICO Children's code, standard 1; Working Together to Safeguard Children 2023).
    """
    with transaction.atomic():
        locked = Statement.objects.select_for_update().filter(pk=statement.pk, child__user=child_user).first()
        if locked is None or child_user.role != Role.CHILD:
            raise PermissionDenied("Only the child who sent a message can take it back.")
        if locked.on_behalf:
            raise PermissionDenied("Ask your advocate: they sent this one for you.")
        if hasattr(locked, "alert"):
            raise ValidationError(
                {
                    "statement": _(
                        "Because you told us you might not be safe, someone needs to check on you, "
                        "so this message stays."
                    )
                }
            )
        if locked.read_at is not None:
            raise ValidationError(
                {"statement": _("Your IRO has already read this message, so it can't be taken back.")}
            )
        routed_to, statement_id = locked.routed_to_id, locked.pk
        locked.delete()
        if routed_to is not None:
            transaction.on_commit(lambda: _statement_withdrawn(routed_to, statement_id), robust=True)


def _statement_withdrawn(iro_id: int, statement_id: int) -> None:
    from feedback.notifications import push_inbox_event

    push_inbox_event(iro_id, "withdrawn", statement_id)


@transaction.atomic
def statement_mark_read(*, statement: Statement, reader: User) -> Statement:
    """Record the first read by the child's IRO (or their cover), which the child then sees."""
    if not _is_responsible_iro(statement, reader):
        # Managers may look, but only the child's own IRO's read counts for the child.
        return statement
    updated = Statement.objects.filter(pk=statement.pk, read_at__isnull=True).update(
        read_at=timezone.now(), read_by=reader
    )
    if updated:
        statement.refresh_from_db(fields=["read_at", "read_by"])
        _tell_child_on_commit(statement, "read")
    return statement


@transaction.atomic
def statement_reply(*, statement: Statement, iro: User, text: str) -> Statement:
    """The IRO acknowledges a statement with a short reply, which the child sees."""
    if not _is_responsible_iro(statement, iro):
        raise PermissionDenied("Only the child's IRO can reply to them.")
    text = _CONTROL_CHARACTERS.sub("", text).strip()
    if not text:
        raise ValidationError({"reply": "Write a short reply for the child."})
    if len(text) > REPLY_MAX_LENGTH:
        raise ValidationError({"reply": f"Keep a reply under {REPLY_MAX_LENGTH} characters."})
    statement = statement_mark_read(statement=statement, reader=iro)
    now = timezone.now()
    statement.reply = text
    statement.replied_at = now
    statement.replied_by = iro
    statement.acknowledged_at = statement.acknowledged_at or now
    statement.save(update_fields=["reply", "replied_at", "replied_by", "acknowledged_at"])
    _tell_child_on_commit(statement, "replied")
    return statement


@transaction.atomic
def statement_acknowledge(*, statement: Statement, iro: User) -> Statement:
    """The IRO records that they have taken the statement in (and so read it)."""
    if not _is_responsible_iro(statement, iro):
        raise PermissionDenied("Only the child's IRO can acknowledge a statement.")
    statement = statement_mark_read(statement=statement, reader=iro)
    if statement.acknowledged_at is None:
        statement.acknowledged_at = timezone.now()
        statement.save(update_fields=["acknowledged_at"])
    return statement


def _tell_child_on_commit(statement: Statement, what: str) -> None:
    from feedback.tasks import notify_child_about_statement

    def tell_child() -> None:
        notify_child_about_statement.delay(statement.pk, what)

    transaction.on_commit(tell_child, robust=True)


# --- Safeguarding alerts -------------------------------------------------------------------
#
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
    from feedback.tasks import notify_alert

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


@transaction.atomic
def alert_raise(*, statement: Statement) -> SafeguardingAlert:
    """Open a safeguarding alert for an urgent statement and tell everyone who must know.

    Out of hours the council's emergency duty team is told at once too; the child's IRO and the duty
    manager are told as ever, and the escalation clock waits for their working hours.
    """
    now = timezone.now()
    managers = managers_in_escalation_order()
    assignee = statement.routed_to or (managers[0] if managers else None)
    out_of_hours = is_out_of_hours(now)
    alert = SafeguardingAlert.objects.create(
        statement=statement,
        child=statement.child,
        level=AlertLevel.IRO if statement.routed_to else AlertLevel.DUTY_MANAGER,
        assigned_to=assignee,
        raised_at=now,
        escalate_at=_escalation_deadline(now),
        passed_to_edt_at=now if out_of_hours else None,
    )
    _alert_event(alert, AlertEventKind.RAISED, recipient=assignee, detail="; ".join(statement.urgent_reasons))
    if out_of_hours:
        _alert_event(alert, AlertEventKind.PASSED_TO_EDT, detail=_out_of_hours_because(now))
    _notify_alert_on_commit(alert, "raised")
    return alert


def _may_act_on_alert(alert: SafeguardingAlert, user: User) -> bool:
    # The same gate as every page and API answer: acting follows seeing.
    return alerts_visible_to(user).filter(pk=alert.pk).exists()


def _locked_alert_for(alert: SafeguardingAlert, user: User, doing: str) -> SafeguardingAlert:
    alert = SafeguardingAlert.objects.select_for_update().get(pk=alert.pk)
    if not _may_act_on_alert(alert, user):
        raise PermissionDenied(
            f"Only the child's IRO, a manager or, out of hours, the emergency duty team can {doing} this alert."
        )
    return alert


def _alert_note(note: str, field: str, missing: str) -> str:
    note = _CONTROL_CHARACTERS.sub("", note).strip()
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
    if _is_responsible_iro(alert.statement, user):
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
    action_taken = _CONTROL_CHARACTERS.sub("", action_taken).strip()
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
