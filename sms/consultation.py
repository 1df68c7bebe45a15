"""Answering a consultation by text, one question at a time, for young people aged 12 and over.

Texts stay in plain GSM-7 (no pictures), so each question costs as little as it can. Every
answer is saved as a draft through the consultations service as it comes, so a young person
who stops half-way carries on where they left off the next time they text FORM.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import User
from consultations.models import Invitation
from consultations.schema import MULTI_CHOICE_TYPES, choices_for
from consultations.selectors import consultation_by_text_for, consultation_is_open_for_child
from consultations.services import response_save_draft, response_submit
from sms.models import Conversation, ConversationStep

FORM_WORD = "FORM"
SKIP_WORDS = frozenset({"SKIP", "PASS", "NEXT"})
NOTHING_OPEN = "Heard: there's no form to fill in right now. Text anything else to send your IRO a message."


def _answered(invitation: Invitation) -> dict:
    response = getattr(invitation, "response", None)
    return dict(response.answers) if response else {}


def _prompt(invitation: Invitation, index: int) -> str:
    questions = invitation.version.questions
    question = questions[index]
    text = f"Q{index + 1}/{len(questions)}: {question['text']}"
    choices = choices_for(question)
    if choices:
        options = " ".join(f"{n} {c['label']}" for n, c in enumerate(choices, start=1))
        many = " (one or more, e.g. 1 3)" if question["type"] in MULTI_CHOICE_TYPES else ""
        text += f" Reply{many}: {options}"
    else:
        text += " Reply with your answer"
    if not question.get("required"):
        text += " or SKIP"
    return text


def _next_unanswered(invitation: Invitation, start: int) -> int | None:
    answered = _answered(invitation)
    questions = invitation.version.questions
    for index in range(start, len(questions)):
        if questions[index]["id"] not in answered:
            return index
    return None


def consultation_start(*, user: User) -> str:
    """Begin (or pick up) the young person's open form, asking the first unanswered question."""
    invitation = consultation_by_text_for(user)
    if invitation is None:
        return NOTHING_OPEN
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
    return f"Heard: {invitation.version.schema.get('title', 'Your form')}. {_prompt(invitation, index)}"


def _parse(question: dict, text: str):
    choices = choices_for(question)
    if not choices:
        return text.strip()
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    picked = [choices[n - 1]["value"] for n in numbers if 1 <= n <= len(choices)]
    if not picked or len(picked) != len(numbers):
        return None
    return picked if question["type"] in MULTI_CHOICE_TYPES else (picked[0] if len(picked) == 1 else None)


def consultation_answer(*, user: User, conversation: Conversation, text: str) -> str:
    """Take the answer to the question being asked, save it, and ask the next one."""
    invitation = conversation.invitation
    if invitation is None or not consultation_is_open_for_child(user, invitation):
        conversation.delete()
        return NOTHING_OPEN
    questions = invitation.version.questions
    question = questions[conversation.question_index]
    skipped = text.strip().upper() in SKIP_WORDS and not question.get("required")
    if not skipped:
        value = _parse(question, text)
        if value is None or value == "":
            return f"Heard: sorry, I didn't get that. {_prompt(invitation, conversation.question_index)}"
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
        response_submit(invitation=invitation, answers={}, entered_by=user)
    except ValidationError as exc:
        # A required question was skipped on an earlier visit: ask it again.
        missing = next(iter(exc.message_dict))
        index = next((i for i, q in enumerate(invitation.version.questions) if q["id"] == missing), 0)
        Conversation.objects.create(
            user=user,
            step=ConversationStep.CONSULTATION,
            invitation=invitation,
            question_index=index,
            expires_at=timezone.now() + timedelta(minutes=settings.SMS_CONVERSATION_IDLE_MINUTES),
        )
        return _prompt(invitation, index)
    return "Heard: thank you, your answers have gone to your IRO. They'll read them before your review."
