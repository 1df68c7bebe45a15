"""Writes for statements: a child (or their advocate) submits, the IRO reads."""

import hashlib
import json
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Role, User
from feedback.models import Category, Channel, Statement
from reviews.models import AdvocateAssignment, Child
from reviews.selectors import current_iro_allocation, upcoming_review

# Control characters other than tab and newline are dropped: PostgreSQL refuses NUL in text,
# and the others only ever arrive by accident.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class IdempotencyConflict(Exception):
    """The same Idempotency-Key was used before for a different submission."""


def statement_clean_body(body: str) -> str:
    """Return the statement text tidied and checked, or raise a ValidationError for the child."""
    body = _CONTROL_CHARACTERS.sub("", body.replace("\r\n", "\n")).strip()
    if not body:
        raise ValidationError({"body": "Please write something before you send it."})
    limit = settings.HEARD_STATEMENT_MAX_LENGTH
    if len(body) > limit:
        raise ValidationError(
            {"body": f"That's a lot to say! Please keep it under {limit} characters, or send it in parts."}
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
) -> tuple[Statement, bool]:
    """Store a statement and route it to the child's IRO and next review.

    Returns the statement and whether it was created now (False for a retried submission).
    """
    if category not in Category.values:
        raise ValidationError({"category": "Choose what your message is about."})
    if channel not in Channel.values:
        raise ValidationError({"channel": "Unknown channel."})
    body = statement_clean_body(body)
    idempotency_key = idempotency_key.strip()
    if len(idempotency_key) > 255:
        raise ValidationError({"idempotency_key": "An Idempotency-Key can be at most 255 characters."})
    on_behalf = _check_author(author=author, child=child, consent_given=consent_given)
    fingerprint = _fingerprint(child=child, category=category, body=body, consent_given=consent_given)

    if idempotency_key:
        existing = _statement_for_key(author=author, key=idempotency_key, fingerprint=fingerprint)
        if existing is not None:
            return existing, False

    allocation = current_iro_allocation(child)
    statement = Statement(
        child=child,
        category=category,
        body=body,
        channel=channel,
        author=author,
        on_behalf=on_behalf,
        consent_given=consent_given if on_behalf else False,
        routed_to=allocation.iro if allocation else None,
        review=upcoming_review(child),
        idempotency_key=idempotency_key,
        request_fingerprint=fingerprint if idempotency_key else "",
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

    from feedback.tasks import notify_iro_of_statement

    def notify_iro() -> None:
        notify_iro_of_statement.delay(statement.pk)

    # The statement is stored whatever happens next: a failing notifier must not lose it.
    # (A named function, not a partial: Django logs a robust callback's failure by its name.)
    transaction.on_commit(notify_iro, robust=True)
    return statement, True


def _statement_for_key(*, author: User, key: str, fingerprint: str) -> Statement | None:
    existing = Statement.objects.filter(author=author, idempotency_key=key).first()
    if existing is not None and existing.request_fingerprint != fingerprint:
        raise IdempotencyConflict("This Idempotency-Key was already used for a different message.")
    return existing


@transaction.atomic
def statement_mark_read(*, statement: Statement, reader: User) -> Statement:
    """Record the first read by the child's current IRO, which the child then sees."""
    allocation = current_iro_allocation(statement.child)
    if allocation is None or allocation.iro_id != reader.pk:
        # Managers may look, but only the child's own IRO's read counts for the child.
        return statement
    updated = Statement.objects.filter(pk=statement.pk, read_at__isnull=True).update(
        read_at=timezone.now(), read_by=reader
    )
    if updated:
        statement.refresh_from_db(fields=["read_at", "read_by"])
    return statement
