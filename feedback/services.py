"""Writes for statements: a child (or their advocate) submits, the IRO reads."""

import hashlib
import json

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from feedback.alerts import alert_raise, alert_words_added
from feedback.live import push_inbox_event
from feedback.models import (
    CONTROL_CHARACTERS,
    URGENT_CATEGORIES,
    Category,
    Channel,
    Feeling,
    Statement,
)
from feedback.receipts import is_responsible_iro, statement_mark_read, tell_child_on_commit
from feedback.safeguarding import assess_urgency
from feedback.tasks import notify_iro_of_statement
from integrations import services as webhooks
from reporting.services import themes_assign
from reviews.models import AdvocateAssignment, Child
from reviews.selectors import routing_for

REPLY_MAX_LENGTH = 1000
# What a child is told when the face sent is not one of the five (the API says the same).
FEELING_REFUSED = gettext_lazy("Choose one of the five faces, or none if you'd rather not say.")


class IdempotencyConflict(Exception):
    """The same Idempotency-Key was used before for a different submission."""


def statement_max_length() -> int:
    """Return the most characters one statement holds, on every channel (the council's HEARD_STATEMENT_MAX_LENGTH)."""
    return settings.HEARD_STATEMENT_MAX_LENGTH


def statement_too_long_message() -> str:
    """Return what a child is told when their words pass the limit, in their language."""
    return _("That's a lot to say! Please keep it under %(limit)s characters, or send it in parts.") % {
        "limit": statement_max_length()
    }


def statement_clean_body(body: str) -> str:
    """Return the statement text tidied and checked, or raise a ValidationError for the child."""
    body = CONTROL_CHARACTERS.sub("", body.replace("\r\n", "\n")).strip()
    if not body:
        raise ValidationError({"body": _("Please write something before you send it.")})
    if len(body) > statement_max_length():
        raise ValidationError({"body": statement_too_long_message()})
    return body


def statement_check_feeling(feeling: object) -> int | None:
    """Return the face a child chose (1 to 5), or None for none; refuse anything else in words for a child."""
    # bool is an int in Python: true is not a face.
    if feeling is None or (isinstance(feeling, int) and not isinstance(feeling, bool) and feeling in Feeling.values):
        return feeling
    raise ValidationError({"feeling": str(FEELING_REFUSED)})


def _fingerprint(*, child: Child, category: str, body: str, consent_given: bool, feeling: int | None) -> str:
    fields: list = [child.pk, category, body, consent_given]
    if feeling is not None:  # without a face, the same fingerprint as before faces were asked for
        fields.append(feeling)
    payload = json.dumps(fields, ensure_ascii=False)
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


def statement_submit(
    *,
    author: User,
    child: Child,
    category: str,
    body: str,
    channel: str,
    consent_given: bool = False,
    idempotency_key: str = "",
    quote_consent: bool = False,
    feeling: int | None = None,
    follows: Statement | None = None,
    words_optional: bool = False,
    retry_answered_by_caller: bool = False,
) -> tuple[Statement, bool]:
    """Store a statement and route it to the child's IRO and next review.

    `feeling` is the face the child chose for how they feel (Feeling, 1 to 5), or None.
    `follows` is an earlier statement of the same child and author that these words add to (by
    text, after an urgent message); an open alert on it then carries them. `words_optional` lets a
    child who chose "not safe" by text raise the alert before typing anything.
    Returns the statement and whether it was created now (False for a retried submission).

    A retry (the same author and Idempotency-Key) is found by the database's unique key when the
    statement is stored, not looked for first, and answered with the statement stored the first
    time. With `retry_answered_by_caller` (the API, which records the key in its own transaction
    and answers retries from that record) the IntegrityError is left to the caller, and no
    savepoint is spent on it.
    """
    if category not in Category.values:
        raise ValidationError({"category": "Choose what your message is about."})
    if channel not in Channel.values:
        raise ValidationError({"channel": "Unknown channel."})
    if follows is not None and (follows.child_id != child.pk or follows.author_id != author.pk):
        raise ValidationError({"follows": "Words can only be added to the same child's own message."})
    feeling = statement_check_feeling(feeling)
    body = "" if words_optional and category in URGENT_CATEGORIES and not body.strip() else statement_clean_body(body)
    key = idempotency_key.strip()
    if len(key) > 255:
        raise ValidationError({"idempotency_key": "An Idempotency-Key can be at most 255 characters."})
    on_behalf = _check_author(author=author, child=child, consent_given=consent_given)
    fingerprint = _fingerprint(child=child, category=category, body=body, consent_given=consent_given, feeling=feeling)
    urgent_reasons = assess_urgency(category=category, body=body)
    routed_to_id, review = routing_for(child)
    statement = Statement(
        child=child,
        category=category,
        body=body,
        channel=channel,
        author=author,
        on_behalf=on_behalf,
        consent_given=consent_given if on_behalf else False,
        routed_to_id=routed_to_id,
        review=review,
        is_urgent=bool(urgent_reasons),
        quote_consent=quote_consent and not on_behalf,
        feeling=feeling,
        urgent_reasons=urgent_reasons,
        idempotency_key=key,
        request_fingerprint=fingerprint if key else "",
        follows=follows,
    )
    if retry_answered_by_caller:
        _statement_store(statement)
        return statement, True
    try:
        with transaction.atomic():  # a savepoint inside a caller's transaction, so a retry undoes only this
            _statement_store(statement)
    except IntegrityError:
        existing = _statement_for_key(author=author, key=key, fingerprint=fingerprint) if key else None
        if existing is None:
            raise
        return existing, False
    return statement, True


# No savepoint of its own (two round trips fewer): the checks are done before it, and statement_submit
# says who answers a duplicate key.
@transaction.atomic(savepoint=False)
def _statement_store(statement: Statement) -> None:
    """Write a checked statement with its themes and any alert; tell the IRO once it is committed."""
    statement.save(force_insert=True)
    themes_assign(statement=statement)

    def notify_iro() -> None:
        notify_iro_of_statement.delay(statement.pk)

    # The statement is stored whatever happens next: a failing notifier must not lose it.
    # (A named function, not a partial: Django logs a robust callback's failure by its name.)
    transaction.on_commit(notify_iro, robust=True)
    webhooks.statement_received(statement)
    if alert_words_added(statement=statement) is None and statement.is_urgent:
        alert_raise(statement=statement)


def _statement_for_key(*, author: User, key: str, fingerprint: str) -> Statement | None:
    existing = Statement.objects.filter(author=author, idempotency_key=key).first()
    if existing is not None and existing.request_fingerprint != fingerprint:
        raise IdempotencyConflict("This Idempotency-Key was already used for a different message.")
    return existing


def statement_withdraw(*, statement: Statement, child_user: User) -> None:
    """A child takes back a message their IRO has not read yet: it is deleted, words and all.

    The safeguarding exception: a message that raised an alert stays, so someone checks the
    child is safe (ICO Children's code, standard 1; Working Together to Safeguard Children 2023).
    """
    with transaction.atomic():
        locked = Statement.objects.select_for_update().filter(pk=statement.pk, child__user=child_user).first()
        if locked is None or child_user.role != Role.CHILD:
            raise PermissionDenied("Only the child who sent a message can take it back.")
        if locked.on_behalf:
            raise PermissionDenied("Ask your advocate: they sent this one for you.")
        if hasattr(locked, "alert"):
            raise ValidationError(
                {
                    "statement": _(
                        "Because you told us you might not be safe, someone needs to check on you, "
                        "so this message stays."
                    )
                }
            )
        if locked.read_at is not None:
            raise ValidationError(
                {"statement": _("Your IRO has already read this message, so it can't be taken back.")}
            )
        routed_to, statement_id = locked.routed_to_id, locked.pk
        locked.delete()
        if routed_to is not None:
            # The IRO's open inbox pages drop it once the deletion has committed.
            def take_it_off_the_inbox() -> None:
                push_inbox_event(routed_to, "withdrawn", statement_id)

            transaction.on_commit(take_it_off_the_inbox, robust=True)


@transaction.atomic
def statement_reply(*, statement: Statement, iro: User, text: str) -> Statement:
    """The IRO acknowledges a statement with a short reply, which the child sees."""
    if not is_responsible_iro(statement, iro):
        raise PermissionDenied("Only the child's IRO can reply to them.")
    text = CONTROL_CHARACTERS.sub("", text).strip()
    if not text:
        raise ValidationError({"reply": "Write a short reply for the child."})
    if len(text) > REPLY_MAX_LENGTH:
        raise ValidationError({"reply": f"Keep a reply under {REPLY_MAX_LENGTH} characters."})
    statement = statement_mark_read(statement=statement, reader=iro)
    now = timezone.now()
    statement.reply = text
    statement.replied_at = now
    statement.replied_by = iro
    statement.acknowledged_at = statement.acknowledged_at or now
    statement.save(update_fields=["reply", "replied_at", "replied_by", "acknowledged_at"])
    tell_child_on_commit(statement, "replied")
    return statement
