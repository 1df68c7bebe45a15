"""What an IRO did for a child between reviews: recorded by the child's IRO, read by them and managers."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Role, User
from reviews.models import (
    ACTIVITY_NOTE_MAX_LENGTH,
    REVIEW_KINDS,
    SEEING_KINDS,
    Child,
    IroActivity,
    IroActivityKind,
    Review,
)
from reviews.selectors import children_visible_to

# Who reads a child's IRO activity: their IRO (or the cover), managers and the council's case system.
READER_ROLES = frozenset({Role.IRO, Role.MANAGER, Role.CASE_SYSTEM})


def activity_child_get_for_user(user: User, child_id: int) -> Child:
    """Return the child whose IRO activity this user may read; 404 whether missing or not theirs."""
    if not user.is_authenticated or user.role not in READER_ROLES:
        raise Http404("No such child.")
    try:
        return children_visible_to(user).get(pk=child_id)
    except (Child.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such child.") from exc


def activities_for_child(user: User, child: Child) -> QuerySet[IroActivity]:
    """Return the child's recorded IRO activity, latest first, if this user may read it (else none)."""
    activities = IroActivity.objects.filter(child=child).select_related("review", "recorded_by")
    if user.role not in READER_ROLES or not children_visible_to(user).filter(pk=child.pk).exists():
        return activities.none()
    return activities


def activity_get_for_user(user: User, activity_id: int | str) -> IroActivity:
    """Return one recorded activity if this user may read its child's; 404 otherwise."""
    if user.role not in READER_ROLES:
        raise Http404("No such activity.")
    try:
        return IroActivity.objects.select_related("review", "recorded_by").get(
            pk=activity_id, child__in=children_visible_to(user)
        )
    except (IroActivity.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such activity.") from exc


def _next_review_on_or_after(child: Child, on: date) -> Review | None:
    """The review a visit or a midway review leads up to: the first not held before that day."""
    reviews = Review.objects.filter(child=child).filter(Q(held_on__isnull=True) | Q(held_on__gte=on))
    return reviews.order_by("sequence").first()


def _check_review(*, kind: str, on: date, review: Review) -> None:
    if kind == IroActivityKind.CARE_PLAN_UPDATED:
        if review.held_on is None:
            raise ValidationError({"review": "The care plan is updated after a review: choose one that was held."})
        if on < review.held_on:
            raise ValidationError({"on": "The care plan was updated after the review: give a date on or after it."})
    elif kind in (IroActivityKind.SEEN_BEFORE_REVIEW, IroActivityKind.REPORT_SHARED) and (
        review.held_on is not None and on > review.held_on
    ):
        raise ValidationError({"on": "This is before the review: give a date on or before the day it was held."})


@transaction.atomic
def activity_record(
    *,
    iro: User,
    child: Child,
    review: Review | None,
    kind: str,
    on: date,
    seen_alone: bool = False,
    note: str = "",
) -> IroActivity:
    """Record something the child's IRO did between reviews (only their IRO now, or the cover, records it)."""
    if iro.role != Role.IRO or not children_visible_to(iro).filter(pk=child.pk).exists():
        raise PermissionDenied("Only the child's IRO records their visits and activity.")
    if kind not in IroActivityKind.values:
        raise ValidationError({"kind": "Choose what you did."})
    if on > timezone.localdate():
        raise ValidationError({"on": "This cannot be recorded for a future date."})
    if on < child.became_looked_after:
        raise ValidationError({"on": "This date is before the child came into care."})
    if seen_alone and kind not in SEEING_KINDS:
        raise ValidationError({"seen_alone": "Seen alone is only for a visit or seeing the child before a review."})
    note = note.strip()
    if len(note) > ACTIVITY_NOTE_MAX_LENGTH:
        raise ValidationError({"note": f"Keep the note to {ACTIVITY_NOTE_MAX_LENGTH} characters."})
    if review is not None and review.child_id != child.pk:
        raise ValidationError({"review": "Choose one of this child's reviews."})
    if review is None:
        if kind in REVIEW_KINDS:
            raise ValidationError({"review": "Choose the review this is about."})
        review = _next_review_on_or_after(child, on)
    else:
        _check_review(kind=kind, on=on, review=review)
    return IroActivity.objects.create(
        child=child, review=review, kind=kind, on=on, seen_alone=seen_alone, note=note, recorded_by=iro
    )


@transaction.atomic
def activity_delete(*, activity: IroActivity, by: User) -> None:
    """Take back an activity recorded by mistake: only whoever recorded it, on the day they recorded it."""
    recorded_today = timezone.localdate(activity.recorded_at) == timezone.localdate()
    if activity.recorded_by_id != by.pk or not recorded_today:
        raise PermissionDenied("Only whoever recorded it can take it back, on the same day.")
    activity.delete()
