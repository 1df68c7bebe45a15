"""Retention: what Heard keeps, for how long, and the job that removes what is past it.

Heard is not the child's case record. The IRO writes the child's views into the review record,
which the council keeps until the child's 75th birthday (Care Planning, Placement and Case Review
(England) Regulations 2010, reg 50). Heard keeps a child's own words only for the council's set
period, then removes the words and keeps the rest of the row (dates, categories, codes) for the
counts in the annual report and the SSDA903 return, which hold no words.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import AccessLogEntry
from complaints.models import Complaint
from consultations.models import Response
from feedback.models import Reply, ServiceFeedback, Statement
from mobile_api.models import IdempotentRequest
from reporting.models import Quote
from reviews.models import AdvocacyRequest, Review
from sms.models import Conversation, InboundMessage, OutboundMessage


@dataclass
class RetentionRun:
    """What one run removed, by record type."""

    removed: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, count: int) -> None:
        self.removed[what] = self.removed.get(what, 0) + count


def _days(name: str) -> timedelta:
    return timedelta(days=settings.HEARD_RETENTION_DAYS[name])


@transaction.atomic
def _childrens_words(now: datetime, run: RetentionRun) -> None:
    # A child's words go after `childrens_words` at the latest, and sooner once they have left care.
    oldest = now - _days("childrens_words")
    left_before = (now - _days("words_after_leaving_care")).date()

    def past(created: str, child: str) -> Q:
        return Q(**{f"{created}__lt": oldest}) | Q(**{f"{child}left_care__lt": left_before})

    statements = Statement.objects.filter(past("created_at", "child__")).exclude(body="", reply="", urgent_reasons=[])
    run.add("quotes", Quote.objects.filter(statement__in=statements).delete()[0])
    run.add("statement words", statements.update(body="", reply="", urgent_reasons=[]))
    # Each reply in a conversation by its own age: the child's and their IRO's words alike.
    replies = Reply.objects.filter(past("created_at", "statement__child__")).exclude(body="", urgent_reasons=[])
    run.add("reply words", replies.update(body="", urgent_reasons=[]))
    responses = Response.objects.filter(past("updated_at", "invitation__review__child__")).exclude(answers={})
    run.add("consultation answers", responses.update(answers={}))
    feedback = ServiceFeedback.objects.filter(past("submitted_at", "request__review__child__")).exclude(better="")
    run.add("review feedback comments", feedback.update(better=""))
    notes = AdvocacyRequest.objects.filter(past("created_at", "child__")).exclude(note="")
    run.add("advocacy request notes", notes.update(note=""))
    # A complaint's words go with the rest once it is closed; an open one keeps them until it is answered.
    complaints = Complaint.objects.filter(past("created_at", "child__"), closed_at__isnull=False).exclude(words="")
    run.add("complaint words", complaints.update(words=""))
    summaries = Review.objects.filter(past("summary_published_at", "child__")).exclude(child_summary="")
    run.add("review summaries for children", summaries.update(child_summary=""))


def _texts(now: datetime, run: RetentionRun) -> None:
    cutoff = now - _days("text_messages")
    run.add(
        "text message bodies", OutboundMessage.objects.filter(created_at__lt=cutoff).exclude(body="").update(body="")
    )
    inbound = InboundMessage.objects.filter(received_at__lt=cutoff).exclude(body="", reply="")
    run.add("text message bodies", inbound.update(body="", reply=""))
    run.add("text conversations", Conversation.objects.filter(expires_at__lt=cutoff).delete()[0])


def _idempotency(now: datetime, run: RetentionRun) -> None:
    cutoff = now - _days("idempotency_keys")
    run.add("idempotency records", IdempotentRequest.objects.filter(created_at__lt=cutoff).delete()[0])


def _access_log(now: datetime, run: RetentionRun) -> None:
    run.add("access log entries", AccessLogEntry.objects.expire_before(now - _days("access_log")))


def _exports(now: datetime, run: RetentionRun) -> None:
    folder = Path(settings.HEARD_EXPORTS_DIR)
    if not folder.is_dir():
        return
    cutoff = (now - _days("exports")).timestamp()
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink()
            run.add("export files", 1)


def _sessions(now: datetime, run: RetentionRun) -> None:
    run.add("expired sessions", Session.objects.filter(expire_date__lt=now).delete()[0])


def retention_apply(*, now: datetime | None = None) -> RetentionRun:
    """Remove everything past its retention period. Safe to run as often as wanted."""
    now = now or timezone.now()
    run = RetentionRun()
    for step in (_childrens_words, _texts, _idempotency, _access_log, _exports, _sessions):
        step(now, run)
    return run
