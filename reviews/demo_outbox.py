"""The demo seed's outbox: every email and text the seed sends is written to one file instead.

`make run` would otherwise print hundreds of lines of mail before the server starts, and a demo
seed must never reach a real inbox or phone, whatever the settings say.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.test.utils import override_settings
from django.utils import timezone

# sms/transport.py's console transport logs each text here.
SMS_LOGGER = "heard.sms"
# Noise while seeding: one line per task run in process, and kombu's note about the memory broker.
QUIET_LOGGERS = ("celery.app.trace", "kombu.connection")
EMAIL_MARK = "EMAIL "
TEXT_MARK = "TEXT "


class OutboxEmailBackend(BaseEmailBackend):
    """Append each email, headers trimmed to who and what, to the file in HEARD_DEMO_OUTBOX."""

    def send_messages(self, email_messages: list[EmailMessage]) -> int:  # type: ignore[override]
        # HEARD_DEMO_OUTBOX exists only inside demo_outbox(), which sets it with this backend.
        with Path(getattr(settings, "HEARD_DEMO_OUTBOX")).open("a", encoding="utf-8") as outbox:  # noqa: B009
            for message in email_messages:
                body = "".join(f"    {line}\n" if line else "\n" for line in str(message.body).strip().splitlines())
                outbox.write(
                    f"{EMAIL_MARK}to {', '.join(message.recipients())}\n    Subject: {message.subject}\n\n{body}\n"
                )
        return len(email_messages)


@dataclass
class Outbox:
    path: Path
    emails: int = 0
    texts: int = 0


@contextmanager
def demo_outbox(path: Path) -> Iterator[Outbox]:
    """Send the block's emails and texts to a fresh file; count them when the block ends.

    Texts go through the console transport (never Twilio) and its log lines go to the file;
    emails go through OutboxEmailBackend. Callbacks run on commit must finish inside the block.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"Emails and texts sent by seed_demo on {timezone.localtime():%Y-%m-%d at %H:%M}.\n\n")
    texts = logging.FileHandler(path, encoding="utf-8")
    texts.setFormatter(logging.Formatter(f"{TEXT_MARK}%(message)s\n"))
    sms_logger = logging.getLogger(SMS_LOGGER)
    quiet = [logging.getLogger(name) for name in QUIET_LOGGERS]
    levels = {logger: logger.level for logger in [sms_logger, *quiet]}
    propagate = sms_logger.propagate
    sms_logger.addHandler(texts)
    sms_logger.propagate = False
    sms_logger.setLevel(logging.INFO)
    for logger in quiet:
        logger.setLevel(logging.ERROR)
    outbox = Outbox(path)
    try:
        with override_settings(
            EMAIL_BACKEND="reviews.demo_outbox.OutboxEmailBackend",
            HEARD_DEMO_OUTBOX=str(path),
            SMS_BACKEND="sms.transport.ConsoleTransport",
        ):
            yield outbox
    finally:
        sms_logger.removeHandler(texts)
        texts.close()
        sms_logger.propagate = propagate
        for logger, level in levels.items():
            logger.setLevel(level)
        lines = path.read_text(encoding="utf-8").splitlines()
        outbox.emails = sum(line.startswith(EMAIL_MARK) for line in lines)
        outbox.texts = sum(line.startswith(TEXT_MARK) for line in lines)
