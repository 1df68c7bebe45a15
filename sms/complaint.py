"""Complaining by text: COMPLAIN, then the child's next text is the complaint (Children Act 1989 s.26).

Kept to this one function and its one line in sms.inbound._converse. The conversation waits in the
"words" step with COMPLAINT_CATEGORY, which is not a statement category, so no new step is needed.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from complaints.models import WORDS_MAX_LENGTH, ComplaintChannel
from complaints.services import complaint_make
from feedback.crisis import crisis_help_sms_text
from feedback.models import FoundIn
from feedback.selectors import words_found_raised_alert
from reviews.selectors import child_of_user
from sms.models import Conversation, ConversationStep

# The word a child texts stays English in every language (the pages say it in capitals).
COMPLAIN_WORDS = frozenset({"COMPLAIN", "COMPLAINT"})
COMPLAINT_CATEGORY = "complaint"
ASK_COMPLAINT = gettext_noop(
    "Heard: sorry something is wrong. Text back what happened and what you would like to happen. "
    "Only the people who look after complaints will read it."
)
# Said before they write, as the page says it: harm told in a complaint is passed on (complaints.services).
NOT_SAFE_PASSED_ON = gettext_noop("If you tell us you might not be safe, we will pass it on so someone can help you.")
COMPLAINT_RECEIVED = gettext_noop(
    "Heard: we got your complaint. We will tell you we have it within 2 working days. "
    "Sign in to Heard to see when we will answer."
)


def complaint_by_text(*, user: User, conversation: Conversation | None, word: str, text: str, key: str) -> str | None:
    """COMPLAIN asks for the words; the next text makes the complaint. None when the text is not about one."""
    if word in COMPLAIN_WORDS:
        Conversation.objects.update_or_create(
            user=user,
            defaults={
                "step": ConversationStep.WORDS,
                "category": COMPLAINT_CATEGORY,
                "draft": "",
                "statement": None,
                "invitation": None,
                "expires_at": timezone.now() + timedelta(minutes=settings.SMS_CONVERSATION_IDLE_MINUTES),
            },
        )
        return f"{_(ASK_COMPLAINT)} {_(NOT_SAFE_PASSED_ON)}"
    if conversation is None or conversation.category != COMPLAINT_CATEGORY:
        return None
    child = child_of_user(user)
    if child is None:
        return None  # the menu's own path answers a number with no care record
    conversation.delete()
    try:
        complaint, _made = complaint_make(
            child=child,
            by=user,
            # A child's words are never dropped: a very long text is kept up to the limit.
            words=text.strip()[:WORDS_MAX_LENGTH],
            channel=ComplaintChannel.SMS,
            idempotency_key=f"sms:{key}",
        )
    except (ValidationError, PermissionDenied) as exc:
        return f"Heard: {' '.join(getattr(exc, 'messages', [str(exc)]))}"
    if words_found_raised_alert(FoundIn.COMPLAINT, complaint.pk):
        return f"{_(COMPLAINT_RECEIVED)} {crisis_help_sms_text()}"
    return _(COMPLAINT_RECEIVED)
