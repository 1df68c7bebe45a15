"""Writes for statements: a child (or their advocate) submits, the IRO reads."""

import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from consultations.pictures import PICTURES, SYMBOLS
from feedback.alerts import alert_raise, alert_reply_words, alert_words_added
from feedback.live import push_inbox_event
from feedback.models import (
    CONTROL_CHARACTERS,
    URGENT_CATEGORIES,
    AssistedHow,
    Category,
    Channel,
    Feeling,
    FoundIn,
    Reply,
    ReplyFrom,
    Statement,
)
from feedback.receipts import is_chosen_reader, statement_mark_read
from feedback.recipients import recipients_clean
from feedback.safeguarding import assess_urgency
from feedback.tasks import notify_child_about_reply, notify_iro_of_reply, notify_iro_of_statement
from integrations import services as webhooks
from reporting.services import themes_assign
from reviews.models import AdvocateAssignment, Child, WorkerKind
from reviews.selectors import advocates_assigned_to, current_workers, responsible_iro, routing_for

REPLY_MAX_LENGTH = 1000
# What a child is told when the face sent is not one of the five (the API says the same).
FEELING_REFUSED = gettext_lazy("Choose one of the five faces, or none if you'd rather not say.")


class IdempotencyConflict(Exception):
    """The same Idempotency-Key was used before for a different submission (a statement or a reply)."""


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


def _fingerprint(
    *,
    child: Child,
    category: str,
    body: str,
    consent_given: bool,
    feeling: int | None,
    extra: list[object] | None = None,
) -> str:
    fields: list = [child.pk, category, body, consent_given]
    if feeling is not None:  # without a face, the same fingerprint as before faces were asked for
        fields.append(feeling)
    if extra:  # readers chosen, or an assisted session's details: likewise only when there are some
        fields.append(extra)
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


ASSISTED_NOTE_MAX_LENGTH = 2000


@dataclass
class AssistedSession:
    """How a child gave their views in a session with a worker: the way, a note, and any pictures chosen."""

    how: str
    note: str = ""
    pictures: list[str] = field(default_factory=list)


def _assisted_check(assisted: AssistedSession, *, author: User, child: Child, consent_given: bool) -> AssistedSession:
    """Return the session's details tidied; refuse a worker who does not work with the child, or no consent."""
    if not worker_sits_with(author, child):
        raise PermissionDenied("Only the child's IRO, social worker or advocate can record a session with them.")
    if assisted.how not in AssistedHow.values:
        raise ValidationError({"assisted_how": "Choose how the child gave their views."})
    if not consent_given:
        raise ValidationError({"consent_given": "Record that the child agreed to their views being sent."})
    note = CONTROL_CHARACTERS.sub("", assisted.note.replace("\r\n", "\n")).strip()
    if len(note) > ASSISTED_NOTE_MAX_LENGTH:
        raise ValidationError({"assisted_note": f"Keep the note under {ASSISTED_NOTE_MAX_LENGTH} characters."})
    if assisted.how == AssistedHow.OTHER and not note:
        raise ValidationError({"assisted_note": "Say in the note how the child gave their views."})
    pictures = list(dict.fromkeys(assisted.pictures))  # each once, in the order chosen
    if not all(isinstance(slug, str) and (slug in PICTURES or slug in SYMBOLS) for slug in pictures):
        raise ValidationError({"pictures": "Choose pictures from Heard's own set."})
    return AssistedSession(how=assisted.how, note=note, pictures=pictures)


def worker_sits_with(user: User, child: Child) -> bool:
    """Whether this person may sit with the child and record their views: their IRO, social worker or advocate now."""
    if user.role == Role.IRO:
        iro = responsible_iro(child)
        return iro is not None and iro.pk == user.pk
    if user.role == Role.SOCIAL_WORKER:
        worker = current_workers(child).get(WorkerKind.SOCIAL_WORKER)
        return worker is not None and worker.pk == user.pk
    if user.role == Role.ADVOCATE:
        return any(advocate.pk == user.pk for advocate in advocates_assigned_to(child))
    return False


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
    recipients: object = None,
    assisted: AssistedSession | None = None,
) -> tuple[Statement, bool]:
    """Store a statement and route it to the readers the child chose (their IRO by default) and next review.

    `feeling` is the face the child chose for how they feel (Feeling, 1 to 5), or None.
    `recipients` is who the child chose to read it (feedback.recipients.recipients_clean), None for their IRO.
    `assisted` records a session in which a worker sat with the child and wrote down their views:
    the author is the worker, the words and pictures the child's.
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
    if assisted is not None:
        assisted = _assisted_check(assisted, author=author, child=child, consent_given=consent_given)
        words_optional = words_optional or bool(assisted.pictures) or feeling is not None
    optional = words_optional and (assisted is not None or category in URGENT_CATEGORIES)
    body = "" if optional and not body.strip() else statement_clean_body(body)
    key = idempotency_key.strip()
    if len(key) > 255:
        raise ValidationError({"idempotency_key": "An Idempotency-Key can be at most 255 characters."})
    on_behalf = (
        False if assisted is not None else _check_author(author=author, child=child, consent_given=consent_given)
    )
    readers = recipients_clean(recipients, child=child)
    extra: list[object] = [] if recipients is None else [sorted(field for field, on in readers.items() if on)]
    if assisted is not None:
        extra.append([assisted.how, assisted.note, assisted.pictures])
    fingerprint = _fingerprint(
        child=child, category=category, body=body, consent_given=consent_given, feeling=feeling, extra=extra
    )
    urgent_reasons = assess_urgency(category=category, body=body)
    routed_to_id, review = routing_for(child)
    if not (readers["for_iro"] or urgent_reasons):
        routed_to_id = None  # the IRO was not chosen; the notice goes to those who were (feedback.recipients)
    statement = Statement(
        child=child,
        category=category,
        body=body,
        channel=channel,
        author=author,
        on_behalf=on_behalf,
        consent_given=consent_given if on_behalf or assisted is not None else False,
        routed_to_id=routed_to_id,
        **readers,
        assisted=assisted is not None,
        assisted_how=assisted.how if assisted else "",
        assisted_note=assisted.note if assisted else "",
        pictures=assisted.pictures if assisted else [],
        review=review,
        is_urgent=bool(urgent_reasons),
        quote_consent=quote_consent and not on_behalf and assisted is None,
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


def statement_for_words_elsewhere(
    *, child: Child, words: str, found_in: str, found_in_pk: int, author: User | None, channel: str
) -> Statement | None:
    """Raise a safeguarding alert for words written outside a message that hold a disclosure; None when none do.

    A child (or a parent, carer or advocate) may disclose harm in a complaint, a consultation form,
    feedback after a review or a request for an advocate rather than in a message. Those words are
    kept as a statement to the child's IRO too, marked with where they were found, so the alert
    follows the one safeguarding path: the IRO, the social worker, the duty manager and, out of hours,
    the emergency duty team are told, and it escalates until someone takes charge (issue #14).
    The caller's transaction holds both: the words are not kept without their alert.
    """
    if found_in not in FoundIn.values or found_in == FoundIn.MESSAGE:
        raise ValueError(f"Unknown place words were found: {found_in!r}")
    if channel not in Channel.values:
        raise ValueError(f"Unknown channel: {channel!r}")
    body = CONTROL_CHARACTERS.sub("", words.replace("\r\n", "\n")).strip()
    urgent_reasons = assess_urgency(category="", body=body)
    if not urgent_reasons:
        return None
    routed_to_id, review = routing_for(child)
    statement = Statement(
        child=child,
        category=Category.SOMETHING_ELSE,
        body=body,
        channel=channel,
        author=author,
        routed_to_id=routed_to_id,
        **recipients_clean(None, child=child),
        review=review,
        is_urgent=True,
        urgent_reasons=urgent_reasons,
        found_in=found_in,
        found_in_pk=found_in_pk,
    )
    _statement_store(statement)
    return statement


# No savepoint of its own (two round trips fewer): the checks are done before it, and statement_submit
# says who answers a duplicate key.
@transaction.atomic(savepoint=False)
def _statement_store(statement: Statement) -> None:
    """Write a checked statement with its themes and any alert; tell the IRO once it is committed."""
    statement.save(force_insert=True)
    if not statement.found_in:  # words found in a complaint or a form are themed there, not counted twice
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


def statement_reply(*, statement: Statement, iro: User, text: str) -> Statement:
    """A reader the child chose replies on a statement (the web form's and the API's `reply` field): one more Reply."""
    if not is_chosen_reader(statement, iro):
        raise PermissionDenied("Only someone the child wrote to can reply to them.")
    _staff_reply_text(text, field="reply")  # refused under the field these callers post
    reply_post(statement=statement, author=iro, body=text)
    return statement


def _staff_reply_text(text: str, *, field: str = "body") -> str:
    text = CONTROL_CHARACTERS.sub("", text.replace("\r\n", "\n")).strip()
    if not text:
        raise ValidationError({field: "Write a short reply for the child."})
    if len(text) > REPLY_MAX_LENGTH:
        raise ValidationError({field: f"Keep a reply under {REPLY_MAX_LENGTH} characters."})
    return text


def _reply_sender(statement: Statement, author: User) -> str:
    """Which side the author writes for; refuse anyone who is not in this conversation."""
    if author.role == Role.CHILD:
        if statement.child.user_id != author.pk:
            raise PermissionDenied("A child can only reply on their own messages.")
        return ReplyFrom.CHILD
    if author.role == Role.ADVOCATE:
        assigned = AdvocateAssignment.objects.filter(
            child_id=statement.child_id, advocate=author, ended_on__isnull=True
        )
        if statement.author_id != author.pk or not assigned.exists():
            raise PermissionDenied("Only the advocate who sent this message, while assigned, can reply for the child.")
        return ReplyFrom.ADVOCATE
    if is_chosen_reader(statement, author):
        return ReplyFrom.IRO  # the staff side: their IRO, or the social worker or adviser they wrote to
    raise PermissionDenied("Only the child, their advocate or someone they wrote to can reply on this message.")


def _reply_fingerprint(statement: Statement, body: str) -> str:
    payload = json.dumps([statement.pk, body], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def reply_post(
    *,
    statement: Statement,
    author: User,
    body: str,
    idempotency_key: str = "",
    retry_answered_by_caller: bool = False,
) -> tuple[Reply, bool]:
    """Add a reply to the conversation on a statement, from the child's side or from their IRO.

    Callers read the statement through statement_get_for_user first (404 for anyone who may not
    read it); here anyone else in the conversation is refused. A child's (or their advocate's)
    words are matched for safeguarding phrases as a statement's are, and go live to their IRO's
    inbox; an IRO's reply reaches the child by the channel they chose. Nothing is sent before
    commit. Returns the reply and whether it was created now (False for a retry: the same author
    and Idempotency-Key answer with the reply stored the first time, as statement_submit does).
    """
    sender = _reply_sender(statement, author)
    body = _staff_reply_text(body) if sender == ReplyFrom.IRO else statement_clean_body(body)
    key = idempotency_key.strip()
    if len(key) > 255:
        raise ValidationError({"idempotency_key": "An Idempotency-Key can be at most 255 characters."})
    fingerprint = _reply_fingerprint(statement, body)
    # Only words from the child's side raise an alert; the category played its part on the statement.
    urgent_reasons = [] if sender == ReplyFrom.IRO else assess_urgency(category="", body=body)
    reply = Reply(
        statement=statement,
        author=author,
        sender=sender,
        body=body,
        is_urgent=bool(urgent_reasons),
        urgent_reasons=urgent_reasons,
        idempotency_key=key,
        request_fingerprint=fingerprint if key else "",
    )
    if retry_answered_by_caller:
        _reply_store(reply)
        return reply, True
    try:
        with transaction.atomic():  # a savepoint, so a retry undoes only this
            _reply_store(reply)
    except IntegrityError:
        existing = _reply_for_key(author=author, key=key, fingerprint=fingerprint) if key else None
        if existing is None:
            raise
        return existing, False
    return reply, True


@transaction.atomic(savepoint=False)
def _reply_store(reply: Reply) -> None:
    """Write a checked reply and what follows from it; tell the other side once it is committed."""
    statement = reply.statement
    reply.save(force_insert=True)
    if reply.sender == ReplyFrom.IRO:
        # Replying is reading; the statement keeps the latest reply for the lists that show it.
        statement_mark_read(statement=statement, reader=reply.author)
        statement.reply, statement.replied_at, statement.replied_by = reply.body, reply.created_at, reply.author
        statement.acknowledged_at = statement.acknowledged_at or reply.created_at
        statement.save(update_fields=["reply", "replied_at", "replied_by", "acknowledged_at"])

        def tell_child() -> None:
            notify_child_about_reply.delay(reply.pk)

        transaction.on_commit(tell_child, robust=True)
        return

    def tell_iro() -> None:
        notify_iro_of_reply.delay(reply.pk)

    transaction.on_commit(tell_iro, robust=True)
    if reply.is_urgent:
        alert_reply_words(reply=reply)


def _reply_for_key(*, author: User, key: str, fingerprint: str) -> Reply | None:
    existing = Reply.objects.filter(author=author, idempotency_key=key).first()
    if existing is not None and existing.request_fingerprint != fingerprint:
        raise IdempotencyConflict("This Idempotency-Key was already used for a different reply.")
    return existing
