"""Writes to care records: admitting a child, allocating IROs and advocates, holding reviews."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from reviews import statutory
from reviews.models import AdvocateAssignment, Child, IROAllocation, Review


@transaction.atomic
def child_admit(
    *,
    case_reference: str,
    date_of_birth: date,
    sex: str,
    ethnicity: str,
    became_looked_after: date,
    known_as: str = "",
    first_language: str = "English",
    communication_needs: str = "",
    uses_symbols: bool = False,
    placed_out_of_area: bool = False,
    user: User | None = None,
) -> Child:
    """Record a child becoming looked after and schedule their first review."""
    child = Child(
        case_reference=case_reference,
        known_as=known_as,
        date_of_birth=date_of_birth,
        sex=sex,
        ethnicity=ethnicity,
        first_language=first_language,
        communication_needs=communication_needs,
        uses_symbols=uses_symbols,
        placed_out_of_area=placed_out_of_area,
        became_looked_after=became_looked_after,
        user=user,
    )
    child.full_clean()
    child.save()
    review_schedule_next(child=child)
    return child


@transaction.atomic
def iro_allocate(*, child: Child, iro: User, allocated_on: date) -> IROAllocation:
    """Make this IRO the child's current IRO, ending any earlier allocation that day."""
    if iro.role != Role.IRO or not iro.is_active:
        raise ValidationError({"iro": "Only an active IRO can be allocated to a child."})
    # Lock the child so two managers allocating at once cannot both succeed.
    Child.objects.select_for_update().get(pk=child.pk)
    current = IROAllocation.objects.filter(child=child, ended_on__isnull=True).first()
    if current is not None:
        if current.iro_id == iro.pk:
            return current
        if allocated_on < current.allocated_on:
            raise ValidationError({"allocated_on": "A new allocation cannot start before the current one."})
        current.ended_on = allocated_on
        current.save(update_fields=["ended_on"])
    return IROAllocation.objects.create(child=child, iro=iro, allocated_on=allocated_on)


@transaction.atomic
def advocate_assign(*, child: Child, advocate: User, started_on: date) -> AdvocateAssignment:
    """Assign an advocate to a child (keeping any assignment already current)."""
    if advocate.role != Role.ADVOCATE:
        raise ValidationError({"advocate": "Only an advocate can be assigned to a child."})
    assignment, _ = AdvocateAssignment.objects.get_or_create(
        child=child, advocate=advocate, ended_on=None, defaults={"started_on": started_on}
    )
    return assignment


@transaction.atomic
def advocate_unassign(*, child: Child, advocate: User, ended_on: date) -> None:
    """End an advocate's assignment to a child."""
    AdvocateAssignment.objects.filter(child=child, advocate=advocate, ended_on__isnull=True).update(ended_on=ended_on)


def review_schedule_next(*, child: Child) -> Review | None:
    """Return the child's upcoming review, creating it with its statutory due date if needed."""
    if child.left_care is not None:
        return None
    upcoming = Review.objects.filter(child=child, held_on__isnull=True).first()
    if upcoming is not None:
        return upcoming
    held = [day for day in Review.objects.filter(child=child).values_list("held_on", flat=True) if day is not None]
    due_by = statutory.next_review_due(became_looked_after=child.became_looked_after, reviews_held=held)
    return Review.objects.create(child=child, sequence=len(held) + 1, due_by=due_by)


@transaction.atomic
def review_record_held(*, review: Review, held_on: date, late_reason: str = "") -> Review:
    """Record that a review was held, with the reason if it was late, and schedule the next."""
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.held_on is not None:
        raise ValidationError({"held_on": "This review has already been recorded as held."})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "A review cannot be recorded as held on a future date."})
    if held_on < review.child.became_looked_after:
        raise ValidationError({"held_on": "A review cannot be held before the child became looked after."})
    late_reason = late_reason.strip()
    if held_on > review.due_by and not late_reason:
        raise ValidationError({"late_reason": "This review was late: say why."})
    review.held_on = held_on
    review.late_reason = late_reason
    review.save(update_fields=["held_on", "late_reason"])
    review_schedule_next(child=review.child)
    return review
