"""SMS backends: a console one for the embedded default, and Twilio for real texts."""

import logging
from typing import Protocol

from django.conf import settings

logger = logging.getLogger("heard.sms")


class SmsBackend(Protocol):
    def send(self, *, to: str, body: str) -> str:
        """Send one text and return the provider's message id."""


class ConsoleBackend:
    """Print texts to the log instead of sending them (the embedded default and demos)."""

    sent: list[tuple[str, str]] = []

    def send(self, *, to: str, body: str) -> str:
        logger.info("SMS to %s: %s", to, body)
        ConsoleBackend.sent.append((to, body))
        return f"console-{len(ConsoleBackend.sent)}"


class TwilioBackend:
    """Send texts through Twilio's REST API with the twilio library."""

    def __init__(self, http_client=None) -> None:
        from twilio.rest import Client

        self.client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http_client)

    def send(self, *, to: str, body: str) -> str:
        sender = settings.TWILIO_FROM
        # A Messaging Service SID starts "MG"; anything else is a sending number.
        if sender.startswith("MG"):
            message = self.client.messages.create(to=to, body=body, messaging_service_sid=sender)
        else:
            message = self.client.messages.create(to=to, body=body, from_=sender)
        return message.sid
