"""The only code in Heard that knows Twilio: sending, webhook signatures and TwiML.

A console transport stands in when Twilio is not configured (the embedded default, demos).
"""

import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from twilio.twiml.messaging_response import MessagingResponse

logger = logging.getLogger("heard.sms")


class SmsError(Exception):
    """Sending failed; `code` is the provider's error code, if it gave one."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class TemporarySmsError(SmsError):
    """Worth trying again later: the provider or the network had a moment."""


class PermanentSmsError(SmsError):
    """Never worth retrying: a bad number, a blocked destination, a refused message."""


@dataclass
class Sent:
    sid: str
    status: str


class ConsoleTransport:
    """Print texts to the log instead of sending them; keep them in a list for tests and demos."""

    sent: list[tuple[str, str]] = []

    def send(self, *, to: str, body: str, status_callback: str = "") -> Sent:
        logger.info("SMS to %s: %s", to, body)
        ConsoleTransport.sent.append((to, body))
        # Unique across processes: the web server, the scheduler and seed_demo all send, and the
        # sid is unique in the outbound table (a per-process counter collided).
        return Sent(sid=f"console-{uuid.uuid4().hex}", status="sent")


class TwilioTransport:
    """Send texts through Twilio's REST API with the twilio library."""

    def __init__(self, http_client=None) -> None:
        self.client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http_client)

    def send(self, *, to: str, body: str, status_callback: str = "") -> Sent:
        sender = settings.TWILIO_FROM
        # A Messaging Service SID starts "MG"; anything else is a sending number.
        origin = {"messaging_service_sid": sender} if sender.startswith("MG") else {"from_": sender}
        extra = {"status_callback": status_callback} if status_callback else {}
        try:
            message = self.client.messages.create(to=to, body=body, **origin, **extra)
        except TwilioRestException as exc:
            code = str(exc.code or "")
            # 429 (too many requests) and 5xx are Twilio's own trouble: try again later.
            if exc.status == 429 or exc.status >= 500:
                raise TemporarySmsError(exc.msg, code) from exc
            raise PermanentSmsError(exc.msg, code) from exc
        except (TwilioException, OSError) as exc:
            raise TemporarySmsError(str(exc)) from exc
        return Sent(sid=message.sid or "", status=message.status or "queued")


def get_transport():
    """Return an instance of the configured transport."""
    return import_string(settings.SMS_BACKEND)()


def signature_is_valid(*, url: str, params: dict[str, str], signature: str) -> bool:
    """Check X-Twilio-Signature against our public URL; always False when Twilio is not configured."""
    if not settings.TWILIO_AUTH_TOKEN or not signature:
        return False

    return RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(url, params, signature)


def twiml_reply(text: str = "") -> str:
    """Return a TwiML document that replies with the text (or says nothing)."""
    response = MessagingResponse()
    if text:
        response.message(text)
    return str(response)
