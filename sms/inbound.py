"""Texts coming in: keywords, the menu conversation and follow-ups; statements and forms go through their services."""

import re
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import get_language_bidi, gettext_noop
from django.utils.translation import gettext as _

from accounts.models import Role, User, normalise_uk_phone
from feedback.crisis import crisis_help_lead, crisis_help_sms_text
from feedback.models import EVERYONE, URGENT_CATEGORIES, Category, Channel, Recipient, Statement
from feedback.services import statement_max_length, statement_submit
from reviews.models import Child
from reviews.selectors import language_for
from sms import consultation, limits
from sms.complaint import complaint_by_text
from sms.models import Conversation, ConversationStep, InboundMessage
from sms.outbound import sms_opt_in, sms_opt_out
from sms.selectors import texts_stopped_expression, texts_stopped_for

# Twilio's standard opt-out, opt-in and help keywords.
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"})
START_WORDS = frozenset({"START", "YES", "UNSTOP", "OPTIN"})
HELP_WORDS = frozenset({"HELP", "INFO"})

# The numbered menu.
MENU = [
    Category.NEXT_REVIEW,
    Category.WORRIED,
    Category.UNSAFE,
    Category.GOOD_NEWS,
    Category.WHERE_I_LIVE,
    Category.FAMILY_TIME,
    Category.SCHOOL,
    Category.HEALTH,
    Category.SOMETHING_ELSE,
]
# Every reply is composed in the language on the child's record (sms_inbound_receive): these are marked
# for translation here and translated where they are sent.
# The menu is one GSM-7 segment in English; in a language written outside the GSM alphabet, two UCS-2 ones.
# Translators: the numbers are what the child texts back; keep them in this order.
MENU_TEXT = gettext_noop(
    "Heard: what's it about? Reply with a number: 1 my review 2 worried 3 not safe 4 good news "
    "5 where I live 6 family 7 school 8 health 9 other"
)
ASK_WORDS = gettext_noop("Thanks. Now text what you want your IRO to know.")
# After "not safe" or "worried", or words that raised an alert: one short text that asks.
ASK_WHAT_IS_HAPPENING = gettext_noop(
    "Heard: we've told someone who can help. What is happening? Are you safe right now? Text back here."
)
FOLLOW_UP_THANKS = gettext_noop("Heard: thank you, we've added that to your message. Someone will be in touch soon.")
NOT_LINKED = gettext_noop(
    "This number isn't linked to Heard. If you are in care, ask your IRO or social worker to add it."
)
# Translators: SW, PA, ADV and ALL are what the child types at the start of a text: keep them as they are.
CHOOSE_READERS = gettext_noop(
    "To choose who reads a text, start it with SW: for your social worker, PA: your personal adviser, "
    "ADV: your advocate or ALL: everyone."
)
SENT_TO_CHOSEN = gettext_noop("Heard: thanks, the people you chose will read this. Text again any time.")
# Translators: the child chose someone (e.g. with SW:) who does not work with them in Heard yet.
SENT_TO_IRO_INSTEAD = gettext_noop("You don't have everyone you chose in Heard yet, so your IRO will read it.")
# What a child may start a text with to choose who reads it (feedback.models.Recipient, and "everyone").
READER_CODES = {
    "IRO": Recipient.IRO,
    "SW": Recipient.SOCIAL_WORKER,
    "PA": Recipient.PERSONAL_ADVISER,
    "ADV": Recipient.ADVOCATE,
    "ADVOCATE": Recipient.ADVOCATE,
    "ALL": EVERYONE,
    "EVERYONE": EVERYONE,
}
# A code, then a colon (or a dash): "SW: ..." or "sw - ...". Without the colon "All my stuff..." is just words.
READERS_PREFIX = re.compile(r"\s*([A-Za-z]{2,8})\s*[:\-]\s*", re.DOTALL)
# Translators: START, HELP and STOP are the words the child texts: keep them in English capitals.
TEXTS_AGAIN = gettext_noop("Heard: you'll get our texts again. Text HELP for help, STOP to stop.")


def _unknown_number_reply() -> str:
    """What a number Heard does not know is told: how to be linked, and the crisis help's first words."""
    return f"{_(NOT_LINKED)} {crisis_help_lead()}"


def _phone_or_none(raw: str) -> str | None:
    try:
        return normalise_uk_phone(raw)
    except ValidationError:
        return None


def _help_text() -> str:
    """What HELP is answered with: who we are, and how to reach the IRO service."""
    who = settings.HEARD_IRO_SERVICE_PHONE or _("your social worker")
    if settings.HEARD_IRO_SERVICE_PHONE and get_language_bidi():
        who = f"\u2066{who}\u2069"  # the council's number, kept in order in a right-to-left text
    # Translators: STOP is the word the child texts: keep it in English capitals.
    return (
        _(
            "Heard helps children in care tell their IRO what they think. To reach your IRO, text here "
            "or ask %(who)s. Text STOP to stop."
        )
        % {"who": who}
        + " "
        + _(CHOOSE_READERS)
    )


def _readers_chosen(words: str) -> tuple[list[str] | None, str]:
    """Return who the child chose by starting their text with a code ("SW: ..."), and the words without it."""
    match = READERS_PREFIX.match(words)
    if match is None or match.group(1).upper() not in READER_CODES:
        return None, words
    return [READER_CODES[match.group(1).upper()]], words[match.end() :]


def _child_account(phone: str | None) -> tuple[User | None, bool]:
    """Return the active child account with this number and whether the number texted STOP (texts_stopped_for).

    One query: the care record and the number's opt-out are read with the account (without an
    account, the opt-out is not read: False).
    """
    if phone is None:
        return None, False
    accounts = User.objects.filter(phone=phone, is_active=True, role=Role.CHILD).select_related("child_record")
    found = accounts.annotate(texts_stopped=texts_stopped_expression(phone)).first()
    return found, bool(found is not None and found.texts_stopped)


def _care_record(user: User) -> Child | None:
    """The child's care record, read with their account by _child_account (None for an account without one)."""
    try:
        return user.child_record
    except Child.DoesNotExist:
        return None


def _keyword(body: str) -> str:
    return re.sub(r"[^A-Z]", "", body.strip().upper()) if len(body.strip()) <= 12 else ""


def _menu_choice(text: str) -> str | None:
    match = re.fullmatch(r"\s*(\d{1,2})\s*[.)]?\s*", text)
    if match and 1 <= int(match.group(1)) <= len(MENU):
        return MENU[int(match.group(1)) - 1]
    return None


def sms_inbound_receive(*, message_sid: str, from_number: str, body: str) -> str:
    """Take in one text and return the reply to send back (empty for none).

    The text is stored before anything else happens, so a failure later loses nothing, and a
    retried MessageSid gets the same reply without doing anything twice.
    """
    phone = _phone_or_none(from_number)
    word = _keyword(body)
    if phone and word in STOP_WORDS:
        sms_opt_out(phone=phone)
        return ""  # nothing more is sent, not even a confirmation beyond the carrier's own
    user, stopped = _child_account(phone)
    # The webhook has no browser language: every reply is in the language on the child's record, and
    # a number Heard does not know is answered in the site's own.
    with translation.override(language_for(_care_record(user) if user else None)):
        return _receive(
            phone=phone,
            user=user,
            opted_out=stopped,
            word=word,
            message_sid=message_sid,
            from_number=from_number,
            body=body,
        )


def _receive(
    *, phone: str | None, user: User | None, opted_out: bool, word: str, message_sid: str, from_number: str, body: str
) -> str:
    if phone and word in START_WORDS:
        sms_opt_in(phone=phone)
        return _(TEXTS_AGAIN)
    if word in HELP_WORDS:
        if phone and texts_stopped_for(phone):
            return ""
        return _help_text()

    if phone is None or user is None:
        # Nothing about an unknown number is stored: only a hashed counter, for abuse control.
        answered = limits.take(f"unknown:{limits.number_key(phone or from_number)}", 1, window_seconds=86400)
        return _unknown_number_reply() if answered else ""

    existing = InboundMessage.objects.filter(message_sid=message_sid).first()
    if existing is not None:
        return existing.reply
    inbound = InboundMessage.objects.create(message_sid=message_sid, from_number=phone, user=user, body=body)
    if not limits.take(f"in:{limits.number_key(phone)}", settings.SMS_INBOUND_PER_NUMBER_PER_HOUR):
        return ""  # kept, but no reply and no statement: a loop must not flood the IRO
    # A child who texted STOP is sent nothing until START, replies included; what they text is
    # still a message to their IRO, so it is taken without asking for a topic.
    reply, statement = _converse(user=user, text=body, message_sid=message_sid, word=word, quiet=opted_out)
    if opted_out:
        reply = ""
    InboundMessage.objects.filter(pk=inbound.pk).update(reply=reply, processed_at=timezone.now(), statement=statement)
    return reply


@transaction.atomic
def _converse(*, user: User, text: str, message_sid: str, word: str = "", quiet: bool = False):
    # Texts from one child are taken one at a time: two arriving together (Twilio does not
    # promise order) must not both start a conversation.
    User.objects.select_for_update().filter(pk=user.pk).first()
    now = timezone.now()
    conversation = Conversation.objects.select_for_update().filter(user=user).first()
    if conversation is not None and conversation.expires_at <= now:
        conversation.delete()
        conversation = None
    if complained := complaint_by_text(user=user, conversation=conversation, word=word, text=text, key=message_sid):
        return complained, None
    if word == consultation.FORM_WORD:
        return consultation.consultation_start(user=user), None
    if conversation is not None and conversation.step == ConversationStep.CONSULTATION:
        return consultation.consultation_answer(user=user, conversation=conversation, text=text), None
    expires = now + timedelta(minutes=settings.SMS_CONVERSATION_IDLE_MINUTES)
    if conversation is not None and conversation.step == ConversationStep.FOLLOW_UP and conversation.statement:
        # After an urgent message everything the child texts is added to it, for whoever acts on the alert.
        first = conversation.statement
        return _submit(
            user=user, conversation=conversation, category=first.category, words=text, key=message_sid, follows=first
        )
    choice = _menu_choice(text)

    if conversation is None:
        conversation = Conversation(user=user, step=ConversationStep.CATEGORY, expires_at=expires)
        if choice in URGENT_CATEGORIES:
            # Not safe, or worried: the alert opens now, before any words; the child is asked next.
            return _submit(user=user, conversation=conversation, category=choice, words="", key=message_sid)
        if choice:
            conversation.step, conversation.category = ConversationStep.WORDS, choice
            conversation.save()
            return _(ASK_WORDS), None
        conversation.draft = text.strip()
        conversation.save()
        if quiet:  # the menu cannot be sent, so the words go as they are
            return _submit(
                user=user, conversation=conversation, category=Category.SOMETHING_ELSE, words=text, key=message_sid
            )
        return _(MENU_TEXT), None

    if conversation.step == ConversationStep.CATEGORY:
        if not choice and quiet:
            words = f"{conversation.draft}\n{text.strip()}".strip()
            return _submit(
                user=user, conversation=conversation, category=Category.SOMETHING_ELSE, words=words, key=message_sid
            )
        if not choice:
            conversation.draft = f"{conversation.draft}\n{text.strip()}".strip()
            conversation.expires_at = expires
            conversation.save(update_fields=["draft", "expires_at"])
            return _(MENU_TEXT), None
        if not conversation.draft and choice not in URGENT_CATEGORIES:
            conversation.step, conversation.category, conversation.expires_at = ConversationStep.WORDS, choice, expires
            conversation.save(update_fields=["step", "category", "expires_at"])
            return _(ASK_WORDS), None
        return _submit(user=user, conversation=conversation, category=choice, words=conversation.draft, key=message_sid)

    return _submit(user=user, conversation=conversation, category=conversation.category, words=text, key=message_sid)


def _submit(
    *, user: User, conversation: Conversation, category: str, words: str, key: str, follows: Statement | None = None
):
    child = _care_record(user)
    if child is None:
        _end(conversation)
        return _unknown_number_reply(), None
    # A child's words are never dropped: what passes the length limit is cut there, and they are told.
    recipients, words = (None, words) if follows is not None else _readers_chosen(words)
    limit = statement_max_length()
    cut = len(words.strip()) > limit
    instead = ""
    submit = partial(
        statement_submit,
        author=user,
        child=child,
        category=category,
        body=words.strip()[:limit],
        channel=Channel.SMS,
        idempotency_key=f"sms:{key}",
        follows=follows,
        words_optional=follows is None,  # choosing "not safe" is enough to raise the alert
        # Each MessageSid is taken once (sms_inbound_receive answers a retried one from its record).
        retry_answered_by_caller=True,
    )
    try:
        try:
            statement, _created = submit(recipients=recipients)
        except ValidationError as exc:
            if recipients is None or "recipients" not in exc.message_dict:
                raise
            # Someone chosen does not work with the child yet: the words go to their IRO, not nowhere.
            statement, _created = submit(recipients=None)
            instead = " " + _(SENT_TO_IRO_INSTEAD)
    except ValidationError as exc:
        _end(conversation)  # start again rather than loop on words that cannot be sent
        return f"Heard: {' '.join(exc.messages)}", None
    except PermissionDenied:
        _end(conversation)
        return _unknown_number_reply(), None
    return _submitted_reply(conversation, statement, follows, limit, cut) + instead, statement


def _submitted_reply(
    conversation: Conversation, statement: Statement, follows: Statement | None, limit: int, cut: bool
) -> str:
    too_long = ""
    if cut:
        too_long = " " + _("It was long, so we kept the first %(limit)s characters: text again to add the rest.") % {
            "limit": limit
        }
    if follows is not None or statement.is_urgent:
        # Keep listening: what the child texts next is added to this message and its alert.
        conversation.step, conversation.category = ConversationStep.FOLLOW_UP, statement.category
        conversation.statement, conversation.draft = follows or statement, ""
        conversation.expires_at = timezone.now() + timedelta(minutes=settings.SMS_CONVERSATION_IDLE_MINUTES)
        conversation.save()
        if follows is not None:
            return f"{_(FOLLOW_UP_THANKS)}{too_long} {crisis_help_lead()}"
        return f"{_(ASK_WHAT_IS_HAPPENING)}{too_long} {crisis_help_sms_text()}"
    _end(conversation)
    if not statement.for_iro:
        return _(SENT_TO_CHOSEN) + too_long
    return _("Heard: thanks, your IRO will read this before your review. Text again any time.") + too_long


def _end(conversation: Conversation) -> None:
    if conversation.pk is not None:
        conversation.delete()
