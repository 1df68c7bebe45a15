"""A child's own copy of everything they have told Heard (UK GDPR art. 15; ICO Children's code)."""

from typing import Any

from django.utils import timezone

from accounts.models import Role, User
from complaints.selectors import complaints_visible_to
from consultations.models import Response
from consultations.selectors import answer_rows
from feedback.models import ServiceFeedback
from feedback.selectors import statements_visible_to
from reviews.selectors import advocacy_requests_visible_to, child_of_user, reviews_for_child_user


def _when(value) -> str | None:
    return value.isoformat() if value else None


def subject_access_for_child(user: User) -> dict[str, Any]:
    """Everything Heard holds that the child said or was told, in words they can read. Their own only."""
    if user.role != Role.CHILD:
        return {}
    child = child_of_user(user)
    statements = statements_visible_to(user).order_by("created_at").prefetch_related("replies__author")
    responses = (
        Response.objects.filter(invitation__review__child__user=user, invitation__contact__isnull=True)
        .select_related("invitation__review", "version")
        .order_by("updated_at")
    )
    feedback = ServiceFeedback.objects.filter(
        request__review__child__user=user, request__contact__isnull=True
    ).select_related("request__review")
    reviews = reviews_for_child_user(user).order_by("held_on")
    return {
        "about": "Everything you have told Heard, and what your IRO told you back.",
        "made_at": _when(timezone.now()),
        "you": {
            "username": user.username,
            "phone": user.phone,
            "name": child.known_as if child else "",
            "case_reference": child.case_reference if child else "",
            "date_of_birth": child.date_of_birth.isoformat() if child else None,
            "how_you_hear_about_replies": user.get_notify_by_display(),
        },
        "messages": [
            {
                "sent_at": _when(s.created_at),
                "about": s.get_category_display(),
                "words": s.body,
                "sent_by": "your advocate" if s.on_behalf else "you",
                "how": s.get_channel_display(),
                "may_be_quoted_without_your_name": s.quote_consent,
                "read_by_your_iro_at": _when(s.read_at),
                "reply": s.reply,
                "replied_at": _when(s.replied_at),
                "conversation": [
                    {
                        "from": {"child": "you", "advocate": "your advocate"}.get(r.sender, "your IRO"),
                        "name": r.author.first_name if r.sender != "child" else "",
                        "words": r.body,
                        "sent_at": _when(r.created_at),
                        "read_at": _when(r.read_at),
                    }
                    for r in s.replies.all()
                ],
            }
            for s in statements
        ],
        "forms": [
            {
                "for_review_on": r.invitation.review.date.isoformat(),
                "form": r.version.schema.get("title", ""),
                "sent_at": _when(r.submitted_at),
                "answers": [
                    {"question": row.question, "answer": row.answer} for row in answer_rows(r.version.schema, r.answers)
                ],
            }
            for r in responses
        ],
        "what_you_said_about_your_reviews": [
            {
                "review_on": f.request.review.date.isoformat(),
                "listened_to": f.get_listened_display(),
                "made_a_difference": f.get_made_difference_display(),
                "what_would_be_better": f.better,
            }
            for f in feedback
        ],
        "asked_for_an_advocate": [
            {"asked_at": _when(a.created_at), "note": a.note, "answered": a.get_outcome_display() or "not yet"}
            for a in advocacy_requests_visible_to(user).order_by("created_at")
        ],
        # Complaints the child made, or that were made for them (a parent's too: it is about the child).
        "complaints": [
            {
                "received_on": c.received_on.isoformat(),
                "kind": c.kind,
                "made_by": c.made_by_relationship,
                "words": c.words,
                "stage": c.stage,
                "answered_on": c.last_answered_on.isoformat() if c.last_answered_on else None,
                "outcome": c.final_outcome_label,
            }
            for c in complaints_visible_to(user).order_by("received_on", "pk")
        ],
        "what_your_iro_wrote_after_reviews": [
            {"review_on": r.held_on.isoformat() if r.held_on else None, "summary": r.child_summary} for r in reviews
        ],
    }
