"""Telling people that something arrived; runs after commit, outside any transaction.

Texts and emails never carry a child's name or words: they say there is something to read
and where, and the page shows it through the usual access checks.
"""

import logging
import time
from contextlib import suppress
from datetime import datetime, timedelta
from typing import cast
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import DatabaseError, connection
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import NotifyBy, Role, User
from feedback.crisis import crisis_help_sms_text
from feedback.escalation import is_out_of_hours
from feedback.live import push_inbox_event
from feedback.models import AlertEvent, AlertEventKind, Reply, ReplyFrom, SafeguardingAlert, Statement
from feedback.recipients import readers_to_tell
from reviews.models import AdvocacyRequest, WorkerKind
from reviews.selectors import current_worker, language_for, managers_in_escalation_order, responsible_iro
from sms.models import Purpose
from sms.outbound import sms_queue

logger = logging.getLogger("heard.feedback")


# How long a worker's claim on a notice holds before another may take it over (the first died).
NOTICE_LEASE = timedelta(seconds=60)


def statement_arrived(*, statement_id: int) -> bool:
    """Push a live event to each chosen reader's inbox and email them a link (no child's words).

    The routed IRO first (when the child chose them, or the words were urgent), then the social
    worker, personal adviser or advocate the child chose (feedback.recipients.readers_to_tell).
    A run first claims the notice for a minute, so two runs at once send it once; it is marked
    sent only after the emails have gone, so a worker killed half-way leaves it for the catch-up
    rather than losing it. Returns whether this run sent it.
    """
    now = timezone.now()
    claimed = (
        Statement.objects.filter(pk=statement_id, notified_at__isnull=True)
        .filter(SOMEONE_TO_TELL)
        .filter(Q(notice_claimed_at__isnull=True) | Q(notice_claimed_at__lt=now - NOTICE_LEASE))
        .update(notice_claimed_at=now)
    )
    if not claimed:
        return False
    statement = Statement.objects.select_related("routed_to", "child").get(pk=statement_id)
    readers = [cast(User, statement.routed_to)] if statement.routed_to_id else []
    readers += readers_to_tell(statement)  # no query unless the child chose someone besides their IRO
    try:
        for reader in readers:
            push_inbox_event(reader.pk, "statement", statement.pk)
            if reader.email:
                EmailMessage(
                    subject="New message in Heard",
                    body=(
                        "A child on your caseload has sent a new message in Heard.\n\n"
                        f"Read it in your inbox: {settings.PUBLIC_BASE_URL}{reverse('feedback:inbox')}\n"
                    ),
                    to=[reader.email],
                    headers={"Message-ID": notice_message_id(statement_id, reader.pk, statement.routed_to_id)},
                ).send()
    except Exception:
        with suppress(DatabaseError):  # if the database is down too, the lease runs out instead
            Statement.objects.filter(pk=statement_id).update(notice_claimed_at=None)
        raise
    _mark_notified(statement_id)
    return True


# A statement someone is told about: routed to an IRO, or sent by the child's choice to others.
SOMEONE_TO_TELL = Q(routed_to__isnull=False) | Q(for_iro=False)


def notice_message_id(statement_id: int, reader_id: int | None = None, routed_to_id: int | None = None) -> str:
    """The one Message-ID of a statement's notice to a reader, so a resend shows as the same email, not a second.

    A worker killed after the email left but before it was marked sent makes the catch-up send it
    again (twice, not never); mail systems that see the same Message-ID keep one copy. The routed
    IRO's keeps the form it always had; each other reader has their own.
    """
    if reader_id is None or reader_id == routed_to_id:
        return _notice_id("statement", statement_id)
    return _notice_id(f"statement-{statement_id}-to", reader_id)


def _notice_id(what: str, object_id: int | str) -> str:
    domain = urlsplit(settings.PUBLIC_BASE_URL).hostname or "heard.invalid"
    return f"<{what}-{object_id}.notice@{domain}>"


def _mark_notified(statement_id: int, attempts: int = 30) -> None:
    """Record that the email went. Keep trying through a database restart rather than send it again."""
    for attempt in range(attempts):
        try:
            Statement.objects.filter(pk=statement_id).update(notified_at=timezone.now())
            return
        except DatabaseError:
            if attempt == attempts - 1:
                raise  # the lease runs out and the catch-up sends it again: twice, not never
            connection.close()
            time.sleep(1)


def notifications_catch_up(*, now: datetime | None = None) -> int:
    """Tell IROs about statements whose notice never went (the broker was down), and alerts likewise.

    Runs every minute from the scheduler or Celery beat, reading the database, so nothing waits on
    a task that was never queued. Returns how many notices it sent.
    """
    now = now or timezone.now()
    # Work older than this that was never picked up (a broker that was down) is done here.
    due = now - timedelta(seconds=settings.HEARD_CATCH_UP_AFTER_SECONDS)
    sent = 0
    waiting = Statement.objects.filter(
        SOMEONE_TO_TELL,
        notified_at__isnull=True,
        created_at__lt=due,
        created_at__gte=now - timedelta(days=1),  # older than that, the IRO has long since seen it
    ).values_list("pk", flat=True)
    for statement_id in list(waiting[:500]):
        sent += statement_arrived(statement_id=statement_id)
    unnotified = SafeguardingAlert.objects.filter(
        closed_at__isnull=True, raised_at__lt=due, raised_at__gte=now - timedelta(days=1)
    ).exclude(events__kind=AlertEventKind.NOTIFIED)
    for alert_id in list(unnotified.values_list("pk", flat=True)[:100]):
        alert_notify(alert_id=alert_id, reason="raised")
        sent += 1
    # Passed to the emergency duty team, which was never told (its notice has no one recipient).
    edt_told = AlertEvent.objects.filter(alert=OuterRef("pk"), kind=AlertEventKind.NOTIFIED, recipient__isnull=True)
    edt_untold = SafeguardingAlert.objects.filter(
        closed_at__isnull=True, passed_to_edt_at__lt=due, passed_to_edt_at__gte=now - timedelta(days=1)
    ).exclude(Exists(edt_told))
    for alert_id in list(edt_untold.values_list("pk", flat=True)[:100]):
        alert_notify(alert_id=alert_id, reason="passed_to_edt")
        sent += 1
    return sent


def advocacy_requested(*, request_id: int) -> None:
    """Tell the child's IRO (live and by email) and the managers who assign advocates; no names or words."""
    request = AdvocacyRequest.objects.select_related("child").filter(pk=request_id).first()
    if request is None:
        return
    iro = responsible_iro(request.child)
    if iro is not None:
        push_inbox_event(iro.pk, "advocacy", request.pk)
    recipients = [user.email for user in [iro, *managers_in_escalation_order()] if user is not None and user.email]
    if recipients:
        send_mail(
            subject="A child has asked for an advocate",
            message=(
                "A child has asked for an advocate in Heard.\n\n"
                f"See the request: {settings.PUBLIC_BASE_URL}{reverse('reviews:advocacy_requests')}\n"
            ),
            from_email=None,
            recipient_list=sorted(set(recipients)),
        )


def _alert_link(alert: SafeguardingAlert) -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('feedback:alert_detail', args=[alert.pk])}"


def _alert_staff(alert: SafeguardingAlert, user: User, reason: str) -> list[str]:
    link = _alert_link(alert)
    sent = []
    push_inbox_event(user.pk, "alert", alert.pk)
    sent.append("live")
    if user.email:
        send_mail(
            subject="URGENT: safeguarding alert in Heard",
            message=(
                f"A child's message needs action now ({reason}).\n\nOpen the alert: {link}\n\n"
                "Acknowledge it as soon as you have taken charge, so it does not escalate."
            ),
            from_email=None,
            recipient_list=[user.email],
        )
        sent.append("email")
    if user.phone:
        sms_queue(
            to=user.phone,
            body=f"Heard: URGENT safeguarding alert needs action. Open: {link}",
            purpose=Purpose.STAFF_ALERT,
            key=f"alert:{alert.pk}:{reason}:{alert.level}:{user.pk}:{alert.escalate_at.timestamp():.0f}",
            user=user,
        )
        sent.append("sms")
    return sent


def _alert_edt_added(alert: SafeguardingAlert, statement_id: str) -> None:
    """Tell the duty team the child has said more on an alert it holds: still only a link."""
    link = _alert_link(alert)
    if settings.HEARD_EDT_EMAIL:
        send_mail(
            subject="URGENT: a child added to an out-of-hours safeguarding alert in Heard",
            message=f"The child has said more on an alert you hold. Sign in to Heard to read it: {link}",
            from_email=None,
            recipient_list=[settings.HEARD_EDT_EMAIL],
        )
    if settings.HEARD_EDT_PHONE:
        sms_queue(
            to=settings.HEARD_EDT_PHONE,
            body=f"Heard: URGENT, the child added to an out-of-hours alert. Sign in to read it: {link}",
            purpose=Purpose.STAFF_ALERT,
            key=f"alert:{alert.pk}:edt-added:{statement_id}",
        )


def _alert_edt(alert: SafeguardingAlert) -> None:
    """Tell the emergency duty team: its shared inbox and phone (or, if the council set none, each member's).

    Only a link to sign in: no name, no words, nothing about the child's care.
    """
    link = _alert_link(alert)
    members = list(User.objects.filter(role=Role.EDT, is_active=True))
    emails = [settings.HEARD_EDT_EMAIL] if settings.HEARD_EDT_EMAIL else sorted({m.email for m in members if m.email})
    phones = [settings.HEARD_EDT_PHONE] if settings.HEARD_EDT_PHONE else sorted({m.phone for m in members if m.phone})
    sent = []
    if emails:
        send_mail(
            subject="URGENT: out-of-hours safeguarding alert in Heard",
            message=(
                "A child may not be safe, and the IRO service is closed until the next working day.\n\n"
                f"Sign in to Heard to see the alert and act on it: {link}\n\n"
                "Record what you do on the alert, then close it or hand it over to the child's IRO."
            ),
            from_email=None,
            recipient_list=emails,
        )
        sent.append("email")
    for phone in phones:
        sms_queue(
            to=phone,
            body=f"Heard: URGENT out-of-hours safeguarding alert. Sign in to act: {link}",
            purpose=Purpose.STAFF_ALERT,
            key=f"alert:{alert.pk}:edt:{phone}",
        )
    if phones:
        sent.append("sms")
    if not sent:
        logger.error(
            "Safeguarding alert %s is out of hours and there is no emergency duty team to tell: "
            "set HEARD_EDT_EMAIL and HEARD_EDT_PHONE.",
            alert.pk,
        )
    AlertEvent.objects.create(
        alert=alert,
        at=timezone.now(),
        kind=AlertEventKind.NOTIFIED,
        detail=f"Emergency duty team: {', '.join(sent) or 'nobody to tell (set HEARD_EDT_EMAIL)'}",
    )


def _alert_for_the_morning(alert: SafeguardingAlert, subject: str, what: str) -> None:
    """Email whoever holds the alert and the duty manager (and show it live): no text, it is for the morning."""
    recipients = [alert.assigned_to] if alert.assigned_to else []
    recipients += [m for m in managers_in_escalation_order()[:1] if m not in recipients]
    for user in recipients:
        push_inbox_event(user.pk, "alert", alert.pk)
        if user.email:
            send_mail(
                subject=subject,
                message=f"{what}\n\nRead what they did on the alert: {_alert_link(alert)}\n",
                from_email=None,
                recipient_list=[user.email],
            )
        AlertEvent.objects.create(
            alert=alert,
            at=timezone.now(),
            kind=AlertEventKind.NOTIFIED,
            recipient=user,
            detail="live, email" if user.email else "live",
        )


def alert_notify(*, alert_id: int, reason: str) -> None:
    """Tell whoever holds the alert (and, when raised, the duty manager, the child and out of hours the EDT)."""
    alert = (
        SafeguardingAlert.objects.select_related("assigned_to", "child__user", "statement").filter(pk=alert_id).first()
    )
    if alert is None:
        return
    if reason == "closed_by_edt":
        _alert_for_the_morning(
            alert,
            "Safeguarding alert dealt with out of hours",
            "The emergency duty team dealt with a safeguarding alert for a child you are responsible for, "
            "out of hours, and closed it.",
        )
        return
    if alert.closed_at is not None:
        return
    if reason == "handed_over":
        _alert_for_the_morning(
            alert,
            "URGENT: safeguarding alert handed over by the emergency duty team",
            "The emergency duty team has handed over a safeguarding alert to you, out of hours. "
            "Take it up as soon as you are back: acknowledge it, so it does not escalate.",
        )
        return
    if reason == "passed_to_edt":
        _alert_edt(alert)
        return
    if reason.startswith("added:"):
        if is_out_of_hours(timezone.now()):
            _alert_edt_added(alert, reason.removeprefix("added:"))
        return
    if reason == "raised" and alert.passed_to_edt_at is not None:
        # Out of hours the duty team is the one on duty: it is told first.
        _alert_edt(alert)
    recipients = [alert.assigned_to] if alert.assigned_to else []
    if reason == "raised":
        recipients += [m for m in managers_in_escalation_order()[:1] if m not in recipients]
        # The child's social worker is always told too, whoever the child wrote to (issue #18).
        social_worker = current_worker(alert.child, WorkerKind.SOCIAL_WORKER)
        recipients += [social_worker] if social_worker is not None and social_worker not in recipients else []
    elif not recipients:
        recipients = managers_in_escalation_order()
    for user in recipients:
        channels = _alert_staff(alert, user, reason)
        AlertEvent.objects.create(
            alert=alert, at=timezone.now(), kind=AlertEventKind.NOTIFIED, recipient=user, detail=", ".join(channels)
        )
    child_user = alert.child.user
    # A child who texted already has this advice in the reply to their text.
    if reason == "raised" and child_user is not None and child_user.phone and alert.statement.channel != "sms":
        with translation.override(language_for(alert.child)):
            thanks = _("Heard: thank you for telling us. Someone will be in touch soon.")
            body = f"{thanks} {crisis_help_sms_text()}"
        sms_queue(
            to=child_user.phone,
            body=body,
            purpose=Purpose.CHILD_CRISIS,
            key=f"alert:{alert.pk}:child",
            user=child_user,
        )


def child_told_about_statement(*, statement_id: int, what: str) -> None:
    """Text the child that their IRO read or replied, if that is how they asked to be told."""
    statement = Statement.objects.select_related("child__user").filter(pk=statement_id).first()
    if statement is None or statement.child.user is None:
        return
    user = statement.child.user
    if user.notify_by != NotifyBy.SMS or not user.phone:
        return
    with translation.override(language_for(statement.child)):
        if what == "replied":
            body = _("Heard: your IRO has replied to your message. Sign in to Heard to read it.")
            purpose = Purpose.CHILD_REPLY
        else:
            body, purpose = _("Heard: your IRO has read your message."), Purpose.CHILD_READ
    sms_queue(to=user.phone, body=body, purpose=purpose, key=f"statement:{statement.pk}:{what}", user=user)


def reply_arrived(*, reply_id: int) -> None:
    """Tell the child's IRO now that the child's side replied: live in their inbox and by email (no words)."""
    reply = Reply.objects.select_related("statement__child").filter(pk=reply_id).first()
    if reply is None or reply.sender == ReplyFrom.IRO:
        return
    statement = reply.statement
    iro = responsible_iro(statement.child) if statement.for_iro or statement.is_urgent else None
    others = readers_to_tell(statement)
    for reader in [*([iro] if iro is not None else []), *others]:
        push_inbox_event(reader.pk, "reply", reply.statement_id)
        if reader.email:
            EmailMessage(
                subject="New reply in Heard",
                body=(
                    "A child on your caseload has replied to you in Heard.\n\n"
                    f"Read it in your inbox: {settings.PUBLIC_BASE_URL}{reverse('feedback:inbox')}\n"
                ),
                to=[reader.email],
                # A retried task sends the same email, which mail systems keep once.
                headers={
                    "Message-ID": _notice_id("reply", reply.pk if reader is iro else f"{reply.pk}-to-{reader.pk}")
                },
            ).send()


def child_told_about_reply(*, reply_id: int) -> None:
    """Tell the child their IRO replied, as they chose: in the app (nothing sent), a text or an email with no words."""
    reply = Reply.objects.select_related("statement__child__user").filter(pk=reply_id, sender=ReplyFrom.IRO).first()
    if reply is None or reply.statement.child.user is None:
        return
    user = reply.statement.child.user
    with translation.override(language_for(reply.statement.child)):
        if user.notify_by == NotifyBy.SMS and user.phone:
            body = _("Heard: your IRO has replied to your message. Sign in to Heard to read it.")
            sms_queue(to=user.phone, body=body, purpose=Purpose.CHILD_REPLY, key=f"reply:{reply.pk}", user=user)
        elif user.notify_by == NotifyBy.EMAIL and user.email:
            EmailMessage(
                subject=_("You have a reply in Heard"),
                body=_("Your IRO has replied to your message in Heard.\n\nSign in to Heard to read it: %(link)s\n")
                % {"link": f"{settings.PUBLIC_BASE_URL}{reverse('account_login')}"},
                to=[user.email],
                headers={"Message-ID": _notice_id("reply", reply.pk)},
            ).send()
