"""Delivering queued texts: claim, send through the transport, give up, apply status callbacks."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from sms import limits
from sms.models import CODE_MASK, FAILED_STATES, STATUS_RANK, OutboundMessage, Purpose, Status
from sms.selectors import texts_stopped_for
from sms.transport import PermanentSmsError, TemporarySmsError, get_transport


class RateLimited(Exception):
    """Too many texts for now; try again later."""


def text_to_send(body: str, code: str) -> str:
    """Return the text the provider is given: the stored body, with the sign-in code in its place."""
    return body.replace(CODE_MASK, code) if code else body


def _claim(message_id: int, *, code: str = "") -> OutboundMessage | None:
    """Mark a pending message as being sent, or return None if it is not ours to send."""
    with transaction.atomic():
        message = OutboundMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != Status.PENDING:
            return None
        if texts_stopped_for(message.to):
            message.status = Status.SUPPRESSED
            message.save(update_fields=["status", "updated_at"])
            return None
        if message.purpose == Purpose.LOGIN_CODE and not code:
            # The code was never stored and has long expired (a text queued again after the broker
            # was down): a text without it is worth nothing, so it is not sent.
            message.status, message.error_code = Status.FAILED, "code-expired"
            message.save(update_fields=["status", "error_code", "updated_at"])
            return None
        if not limits.take(f"out:{limits.number_key(message.to)}", settings.SMS_OUTBOUND_PER_NUMBER_PER_HOUR):
            raise RateLimited(f"too many texts to one number ({message.pk})")
        if not limits.take("out:all", settings.SMS_OUTBOUND_PER_HOUR):
            raise RateLimited(f"too many texts overall ({message.pk})")
        message.status = Status.SENDING
        message.attempts += 1
        message.save(update_fields=["status", "attempts", "updated_at"])
        return message


def sms_deliver(*, message_id: int, code: str = "") -> None:
    """Send one queued text. Temporary failures are raised for the task to retry later.

    The message is claimed (SENDING) before the provider is called, so a second worker, or a
    retry after a crash, never sends it again: never twice is preferred to at least once.
    A sign-in code comes with the task, never from the row, and goes where CODE_MASK stands.
    """
    message = _claim(message_id, code=code)
    if message is None:
        return
    callback = ""
    if settings.TWILIO_AUTH_TOKEN:
        callback = f"{settings.PUBLIC_BASE_URL}{reverse('sms:status')}"
    text = text_to_send(message.body, code)
    try:
        sent = get_transport().send(to=message.to, body=text, status_callback=callback)
    except TemporarySmsError as exc:
        # The provider did not take it: it is safe to try again.
        OutboundMessage.objects.filter(pk=message.pk).update(status=Status.PENDING, error_code=exc.code[:32])
        raise
    except PermanentSmsError as exc:
        OutboundMessage.objects.filter(pk=message.pk).update(status=Status.FAILED, error_code=exc.code[:32])
        return
    status = Status.SENT if sent.status == "sent" else Status.QUEUED
    OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=status, provider_sid=sent.sid, updated_at=timezone.now()
    )


def sms_give_up(*, message_id: int, error_code: str = "") -> None:
    """Record that a text could not be sent after every retry."""
    OutboundMessage.objects.filter(pk=message_id, status=Status.PENDING).update(
        status=Status.FAILED, error_code=error_code or "retries-exhausted"
    )


_TWILIO_STATUS = {
    "accepted": Status.QUEUED,
    "scheduled": Status.QUEUED,
    "queued": Status.QUEUED,
    "sending": Status.QUEUED,
    "sent": Status.SENT,
    "delivered": Status.DELIVERED,
    "read": Status.DELIVERED,
    "undelivered": Status.UNDELIVERED,
    "failed": Status.FAILED,
    "canceled": Status.FAILED,
}


@transaction.atomic
def sms_status_update(*, provider_sid: str, provider_status: str, error_code: str = "") -> bool:
    """Apply a delivery status callback; states only move forward. Return whether it applied."""
    status = _TWILIO_STATUS.get(provider_status.strip().lower())
    if status is None:
        raise ValidationError({"MessageStatus": f"Unknown message status {provider_status[:30]!r}."})
    message = OutboundMessage.objects.select_for_update().filter(provider_sid=provider_sid).first()
    if message is None or STATUS_RANK[status] <= STATUS_RANK[Status(message.status)]:
        return False
    message.status = status
    if status in FAILED_STATES:
        message.error_code = error_code[:32]
    message.save(update_fields=["status", "error_code", "updated_at"])
    return True
