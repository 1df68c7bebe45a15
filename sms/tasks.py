"""SMS tasks: thin, taking ids; retried with backoff on temporary failures."""

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from sms.services import RateLimited, sms_deliver, sms_give_up
from sms.transport import TemporarySmsError

MAX_RETRIES = 6


@shared_task(bind=True, max_retries=MAX_RETRIES)
def deliver_sms(self, message_id: int) -> None:
    """Send one queued text; on a temporary failure try again later, then give up and record it."""
    try:
        sms_deliver(message_id=message_id)
    except (TemporarySmsError, RateLimited) as exc:
        if self.request.retries >= MAX_RETRIES:
            sms_give_up(message_id=message_id, error_code=getattr(exc, "code", "") or "")
            return
        countdown = get_exponential_backoff_interval(
            factor=15, retries=self.request.retries, maximum=900, full_jitter=True
        )
        raise self.retry(exc=exc, countdown=countdown) from exc
