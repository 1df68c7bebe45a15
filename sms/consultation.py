"""Answering a consultation by text, one question at a time, for young people aged 12 and over.

Texts carry no pictures, so each question costs as little as it can. Every question and prompt
is in the language on the young person's record (sms.inbound composes every reply in it), with
the form's words from its file's translations, as the web form shows them. Every answer is
saved as a draft through the consultations service as it comes, so a young person who stops
half-way carries on where they left off the next time they text FORM.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from accounts.models import User
from consultations.models import Invitation
from consultations.schema import MULTI_CHOICE_TYPES, choices_for, localise
from consultations.selectors import consultation_by_text_for, consultation_open_for_child_get
from consultations.services import response_save_draft, response_submit
from consultations.wellbeing import SCALE_TYPE
from feedback.crisis import crisis_help_sms_text
from feedback.models import Channel, FoundIn
from feedback.selectors import words_found_raised_alert
from sms.models import Conversation, ConversationStep

# The words a young person texts stay English in every language (the prompts say them in capitals).
FORM_WORD = "FORM"
SKIP_WORDS = frozenset({"SKIP", "PASS", "NEXT"})
NOTHING_OPEN = gettext_noop(
    "Heard: there's no form to fill in right now. Text anything else to send your IRO a message."
)


def _answered(invitation: Invitation) -> dict:
    response = getattr(invitation, "response", None)
    return dict(response.answers) if response else {}


def _asked(invitation: Invitation) -> list[dict]:
    """The questions asked at the young person's age on the review date (a question's from_age)."""
    return invitation.asked_schema["questions"]


def _shown(invitation: Invitation) -> dict:
    """The form as asked, in the active language where its file has the words (as the web form shows it)."""
    return localise(invitation.asked_schema, get_language())


def _prompt(invitation: Invitation, index: int) -> str:
    questions = _shown(invitation)["questions"]
    question = questions[index]
    # Translators: "Q" is short for question: "Q2/12" is the second of twelve.
    text = _("Q%(position)s/%(total)s: %(question)s") % {
        "position": index + 1,
        "total": len(questions),
        "question": question["text"],
    }
    choices = choices_for(question)
    if question["type"] == SCALE_TYPE:
        # The number is the answer (numbering its eleven choices from 1 would shift every one).
        reply = _("Reply with a number from 0 (not at all) to 10 (completely)")
    elif choices:
        options = " ".join(f"{n} {c['label']}" for n, c in enumerate(choices, start=1))
        if question["type"] in MULTI_CHOICE_TYPES:
            reply = _("Reply (one or more, e.g. 1 3): %(choices)s") % {"choices": options}
        else:
            reply = _("Reply: %(choices)s") % {"choices": options}
    else:
        reply = _("Reply with your answer")
    text += f" {reply}"
    if not question.get("required"):
        # Translators: SKIP is the word the young person texts: keep it in English capitals.
        text += " " + _("or SKIP")
    return text


def _next_unanswered(invitation: Invitation, start: int) -> int | None:
    answered = _answered(invitation)
    questions = _asked(invitation)
    for index in range(start, len(questions)):
        if questions[index]["id"] not in answered:
            return index
    return None


def consultation_start(*, user: User) -> str:
    """Begin (or pick up) the young person's open form, asking the first unanswered question."""
    invitation = consultation_by_text_for(user)
    if invitation is None:
        return _(NOTHING_OPEN)
    index = _next_unanswered(invitation, 0)
    Conversation.objects.filter(user=user).delete()
    if index is None:
        return _finish(user=user, invitation=invitation)
    Conversation.objects.create(
        user=user,
        step=ConversationStep.CONSULTATION,
        invitation=invitation,
        question_index=index,
        expires_at=timezone.now() + timedelta(minutes=settings.SMS_CONVERSATION_IDLE_MINUTES),
    )
    title = _shown(invitation).get("title") or _("Your form")
    return f"Heard: {title}. {_prompt(invitation, index)}"


def _parse(question: dict, text: str):
    choices = choices_for(question)
    if not choices:
        return text.strip()
    if question["type"] == SCALE_TYPE:
        number = text.strip()
        return str(int(number)) if number.isdigit() and 0 <= int(number) <= 10 else None
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    picked = [choices[n - 1]["value"] for n in numbers if 1 <= n <= len(choices)]
    if not picked or len(picked) != len(numbers):
        return None
    return picked if question["type"] in MULTI_CHOICE_TYPES else (picked[0] if len(picked) == 1 else None)


def consultation_answer(*, user: User, conversation: Conversation, text: str) -> str:
    """Take the answer to the question being asked, save it, and ask the next one."""
    # Read with its review, child, form and draft in one query, and only while it is still open.
    invitation = consultation_open_for_child_get(user, conversation.invitation_id)
    if invitation is None:
        conversation.delete()
        return _(NOTHING_OPEN)
    questions = _asked(invitation)
    if conversation.question_index >= len(questions):
        # The review moved to before a birthday, so fewer questions are asked: pick up at the first unanswered one.
        conversation.delete()
        return consultation_start(user=user)
    question = questions[conversation.question_index]
    skipped = text.strip().upper() in SKIP_WORDS and not question.get("required")
    if not skipped:
        value = _parse(question, text)
        if value is None or value == "":
            sorry = _("Heard: sorry, I didn't get that.")
            return f"{sorry} {_prompt(invitation, conversation.question_index)}"
        try:
            response_save_draft(invitation=invitation, answers={question["id"]: value}, entered_by=user)
        except ValidationError as exc:
            return f"Heard: {' '.join(exc.messages)} {_prompt(invitation, conversation.question_index)}"
    next_index = _next_unanswered(invitation, conversation.question_index + 1)
    if next_index is None:
        conversation.delete()
        return _finish(user=user, invitation=invitation)
    conversation.question_index = next_index
    conversation.expires_at = timezone.now() + timedelta(minutes=settings.SMS_CONVERSATION_IDLE_MINUTES)
    conversation.save(update_fields=["question_index", "expires_at"])
    return _prompt(invitation, next_index)


def _finish(*, user: User, invitation: Invitation) -> str:
    try:
        response, _sent = response_submit(invitation=invitation, answers={}, entered_by=user, channel=Channel.SMS)
    except ValidationError as exc:
        # A required question was skipped on an earlier visit: ask it again.
        missing = next(iter(exc.message_dict))
        index = next((i for i, q in enumerate(_asked(invitation)) if q["id"] == missing), 0)
        Conversation.objects.create(
            user=user,
            step=ConversationStep.CONSULTATION,
            invitation=invitation,
            question_index=index,
            expires_at=timezone.now() + timedelta(minutes=settings.SMS_CONVERSATION_IDLE_MINUTES),
        )
        return _prompt(invitation, index)
    thanks = _("Heard: thank you, your answers have gone to your IRO. They'll read them before your review.")
    if invitation.contact is None and words_found_raised_alert(FoundIn.CONSULTATION, response.pk):
        return f"{thanks} {crisis_help_sms_text()}"
    return thanks
