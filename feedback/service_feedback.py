"""Service-user feedback after each review: asking, and taking the answers (web, app, or a texted link)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.signed_links import LinkProblem, link_issue, link_open, unused_token_hash
from consultations.contacts import link_channel, link_send
from consultations.models import ChildContact
from feedback.models import Channel, FoundIn, Rating, Respondent, ServiceFeedback, ServiceFeedbackRequest
from feedback.services import statement_for_words_elsewhere
from reviews.models import Review
from reviews.selectors import language_for
from sms.models import Purpose

LINK_KIND = "review-feedback"
# How long after the review people may still say how it went.
ANSWER_WITHIN_DAYS = 28
BETTER_MAX_LENGTH = 1000


def _link(token: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('feedback:service_feedback_by_link', args=[token])}"


def _send(request: ServiceFeedbackRequest, token: str) -> None:
    child = request.review.child
    child_user = child.user
    # The child's text is in the language on their record; no language is recorded for the adults
    # around them, who are written to in English.
    with translation.override(language_for(child) if request.contact is None else settings.LANGUAGE_CODE):
        # Translators: keep %(link)s last, as it is: a mark touching it breaks the link.
        text = _("Heard: how did the meeting go? Tell us in 3 quick questions: %(link)s") % {"link": _link(token)}
    link_send(
        by=link_channel(request.contact, child_user) or "",
        contact=request.contact,
        child_user=child_user,
        text=text,
        subject="How did the review go?",
        message=f"Please tell the IRO service how the review went, in three questions:\n\n{_link(token)}\n",
        purpose=Purpose.INVITATION,
        key=f"review-feedback:{request.pk}",
    )


@transaction.atomic
def feedback_requests_create(*, review: Review) -> list[ServiceFeedbackRequest]:
    """Ask the child (aged 4 and over) and each adult around them how the held review went."""
    if review.held_on is None or ServiceFeedbackRequest.objects.filter(review=review).exists():
        return []
    expires = datetime.combine(
        review.held_on + timedelta(days=ANSWER_WITHIN_DAYS), time(23, 59), tzinfo=ZoneInfo(settings.TIME_ZONE)
    )
    wanted: list[tuple[str, ChildContact | None]] = []
    if review.child.age_on(review.held_on) >= 4:
        wanted.append((Respondent.CHILD, None))
    for adult in ChildContact.objects.filter(child=review.child, active=True):
        wanted.append((adult.role, adult))
    made = []
    for respondent, contact in wanted:
        request = ServiceFeedbackRequest.objects.create(
            review=review,
            respondent=respondent,
            contact=contact,
            token_hash=unused_token_hash(),  # replaced below, once the id is known
            expires_at=expires,
        )
        token = link_issue(LINK_KIND, request)
        request.save(update_fields=["token_hash"])
        _send(request, token)
        made.append(request)
    return made


def feedback_request_open(token: str) -> ServiceFeedbackRequest:
    """Return the request a link opens, or raise LinkProblem saying why not."""
    request = link_open(LINK_KIND, token, ServiceFeedbackRequest.objects.select_related("review__child"))
    if hasattr(request, "answer"):
        raise LinkProblem("used")
    if request.expires_at <= timezone.now():
        raise LinkProblem("expired")
    return request


@transaction.atomic
def feedback_give(
    *, request: ServiceFeedbackRequest, listened: str, made_difference: str, better: str, channel: str
) -> tuple[ServiceFeedback, bool]:
    """Store the answers once; a second go returns the first. Return (answers, stored now)."""
    request = ServiceFeedbackRequest.objects.select_for_update().get(pk=request.pk)
    existing = ServiceFeedback.objects.filter(request=request).first()
    if existing is not None:
        return existing, False
    errors = {}
    if listened not in Rating.values:
        errors["listened"] = "Choose yes, a bit or no."
    if made_difference not in Rating.values:
        errors["made_difference"] = "Choose yes, a bit or no."
    better = better.replace("\x00", "").strip()
    if len(better) > BETTER_MAX_LENGTH:
        errors["better"] = f"Please keep this under {BETTER_MAX_LENGTH} characters."
    if channel not in Channel.values:
        errors["channel"] = "Unknown channel."
    if errors:
        raise ValidationError(errors)
    answer = ServiceFeedback.objects.create(
        request=request, listened=listened, made_difference=made_difference, better=better, channel=channel
    )
    if better:
        child = request.review.child
        statement_for_words_elsewhere(
            child=child,
            words=better,
            found_in=FoundIn.SERVICE_FEEDBACK,
            found_in_pk=answer.pk,
            author=child.user if request.respondent == Respondent.CHILD else None,
            channel=channel,
        )
    return answer, True
