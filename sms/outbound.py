"""Outbound texts, low in the stack: queue a text once, honour opt-outs, queue waiting texts again."""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from sms.delivery import text_to_send
from sms.models import OptOut, OutboundMessage, Status
from sms.segments import encoding, segment_count
from sms.selectors import texts_stopped_for
from sms.tasks import deliver_sms, deliver_sms_with_code

logger = logging.getLogger("heard.sms")


@transaction.atomic
def sms_queue(
    *, to: str, body: str, purpose: str, key: str, user: User | None = None, code: str = ""
) -> OutboundMessage:
    """Queue one text for sending after commit; the same key never sends twice.

    A sign-in code is never stored: `body` holds CODE_MASK where it goes, and the code travels only
    with the task that sends the text (and that task's retries), which puts it in its place.
    """
    sent_text = text_to_send(body, code)
    message, created = OutboundMessage.objects.get_or_create(
        idempotency_key=key[:200],
        defaults={
            "purpose": purpose,
            "to": to,
            "body": body,
            # Counted on the text the provider is given, which is what the council pays for.
            "encoding": encoding(sent_text),
            "segments": segment_count(sent_text),
            "user": user,
        },
    )
    if not created:
        return message
    if texts_stopped_for(to):
        message.status = Status.SUPPRESSED
        message.save(update_fields=["status", "updated_at"])
        return message

    def deliver() -> None:
        if code:
            deliver_sms_with_code(message.pk, code)
        else:
            deliver_sms.delay(message.pk)

    transaction.on_commit(deliver, robust=True)
    return message


def sms_pending_requeue(*, older_than: timedelta = timedelta(minutes=15)) -> int:
    """Queue again texts still waiting long after they were queued (a broker that was down).

    Claim-then-send (sms_deliver) means a text queued twice is still sent once.
    """
    waiting = OutboundMessage.objects.filter(status=Status.PENDING, created_at__lt=timezone.now() - older_than)
    count = 0
    for message_id in list(waiting.values_list("pk", flat=True)[:500]):
        try:
            deliver_sms.delay(message_id)
        except Exception:  # the broker is still down: the next run tries again
            logger.warning("Could not queue text %s again; will retry", message_id)
            break
        count += 1
    return count


def sms_opt_out(*, phone: str) -> None:
    """Stop every text to this number until it texts START."""
    OptOut.objects.get_or_create(phone=phone, defaults={"opted_out_at": timezone.now()})


def sms_opt_in(*, phone: str) -> None:
    """Send texts to this number again."""
    OptOut.objects.filter(phone=phone).delete()
