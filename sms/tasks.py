"""SMS tasks: thin, taking ids; retried with backoff on temporary failures."""

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from sms.delivery import RateLimited, sms_deliver, sms_give_up
from sms.models import CODE_MASK
from sms.transport import TemporarySmsError

MAX_RETRIES = 6
# How a sign-in code shows in Celery's logs, events and monitoring: masked, as in the database.
_CODE_SHOWN = repr({"code": CODE_MASK})


@shared_task(bind=True, max_retries=MAX_RETRIES)
def deliver_sms(self, message_id: int, code: str = "") -> None:
    """Send one queued text; on a temporary failure try again later, then give up and record it.

    A sign-in code text is the one exception to "tasks take ids": its code is never stored, so it
    travels in the task (and in each retry) to be put into the text as it is sent.
    """
    try:
        sms_deliver(message_id=message_id, code=code)
    except (TemporarySmsError, RateLimited) as exc:
        if self.request.retries >= MAX_RETRIES:
            sms_give_up(message_id=message_id, error_code=getattr(exc, "code", "") or "")
            return
        countdown = get_exponential_backoff_interval(
            factor=15, retries=self.request.retries, maximum=900, full_jitter=True
        )
        shown = {"kwargsrepr": _CODE_SHOWN} if code else {}
        raise self.retry(exc=exc, countdown=countdown, **shown) from exc


def deliver_sms_with_code(message_id: int, code: str) -> None:
    """Queue the sending of a sign-in code text, with the code shown masked outside the task itself."""
    deliver_sms.apply_async((message_id,), {"code": code}, kwargsrepr=_CODE_SHOWN)
