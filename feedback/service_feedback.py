"""Service-user feedback after each review: asking, and taking the answers (web, app, or a texted link)."""

import secrets
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from backend.signed_links import token_hash, token_make, token_read
from feedback.models import Channel, Rating, Respondent, ServiceFeedback, ServiceFeedbackRequest
from reviews.models import Review
from sms.selectors import texts_stopped_for

LINK_KIND = "review-feedback"
# How long after the review people may still say how it went.
ANSWER_WITHIN_DAYS = 28
BETTER_MAX_LENGTH = 1000


class FeedbackLinkProblem(Exception):
    """The link cannot be used: `reason` is "invalid", "expired" or "used"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _link(token: str) -> str:
    return f"{settings.PUBLIC_BASE_URL}{reverse('feedback:service_feedback_by_link', args=[token])}"


def _send(request: ServiceFeedbackRequest, token: str) -> None:
    from sms.models import Purpose
    from sms.outbound import sms_queue

    contact = request.contact
    child_user = request.review.child.user
    phone = contact.phone if contact else (child_user.phone if child_user else "")
    text = f"Heard: how did the meeting go? Tell us in 3 quick questions: {_link(token)}"
    if phone and (contact is None or contact.channel == "sms") and not texts_stopped_for(phone):
        sms_queue(to=phone, body=text, purpose=Purpose.INVITATION, key=f"review-feedback:{request.pk}", user=None)
    elif contact is not None and contact.email:
        email = contact.email

        def send() -> None:
            send_mail(
                subject="How did the review go?",
                message=f"Please tell the IRO service how the review went, in three questions:\n\n{_link(token)}\n",
                from_email=None,
                recipient_list=[email],
            )

        transaction.on_commit(send, robust=True)


@transaction.atomic
def feedback_requests_create(*, review: Review) -> list[ServiceFeedbackRequest]:
    """Ask the child (aged 4 and over) and each adult around them how the held review went."""
    from consultations.models import ChildContact

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
            token_hash=secrets.token_hex(32),  # replaced below, once the id is known
            expires_at=expires,
        )
        token = token_make(LINK_KIND, request.pk)
        request.token_hash = token_hash(token)
        request.save(update_fields=["token_hash"])
        _send(request, token)
        made.append(request)
    return made


def feedback_request_open(token: str) -> ServiceFeedbackRequest:
    """Return the request a link opens, or raise FeedbackLinkProblem saying why not."""
    from django.utils import timezone

    request_id = token_read(LINK_KIND, token)
    request = (
        ServiceFeedbackRequest.objects.select_related("review__child")
        .filter(pk=request_id, token_hash=token_hash(token))
        .first()
        if request_id is not None
        else None
    )
    if request is None:
        raise FeedbackLinkProblem("invalid")
    if hasattr(request, "answer"):
        raise FeedbackLinkProblem("used")
    if request.expires_at <= timezone.now():
        raise FeedbackLinkProblem("expired")
    return request


def child_feedback_request(user: User, review_id: int) -> ServiceFeedbackRequest | None:
    """Return the signed-in child's open request for one of their reviews, if there is one."""
    from django.utils import timezone

    return (
        ServiceFeedbackRequest.objects.filter(
            review_id=review_id, review__child__user=user, contact__isnull=True, expires_at__gt=timezone.now()
        )
        .exclude(answer__isnull=False)
        .first()
    )


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
    return answer, True
