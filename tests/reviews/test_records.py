"""Care records: one current IRO per child, re-allocation, and reviews held on the statutory clock."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reviews.models import IROAllocation, Review
from reviews.selectors import children_visible_to, current_iro_allocation, iro_allocated_on_time
from reviews.services import iro_allocate, review_record_held
from tests.conftest import make_child


def test_the_database_allows_only_one_current_iro_per_child(child, other_iro):
    with pytest.raises(IntegrityError), transaction.atomic():
        IROAllocation.objects.create(child=child, iro=other_iro, allocated_on=date(2025, 10, 1))


def test_reallocation_ends_the_old_allocation_and_moves_the_child(child, iro, other_iro):
    iro_allocate(child=child, iro=other_iro, allocated_on=date(2026, 1, 5))

    old, new = IROAllocation.objects.filter(child=child).order_by("allocated_on")
    assert (old.iro, old.ended_on) == (iro, date(2026, 1, 5))
    assert (new.iro, new.ended_on) == (other_iro, None)
    assert current_iro_allocation(child).iro == other_iro
    assert child not in children_visible_to(iro)
    assert child in children_visible_to(other_iro)


def test_allocating_the_same_iro_again_changes_nothing(child, iro):
    iro_allocate(child=child, iro=iro, allocated_on=date(2026, 2, 1))
    assert IROAllocation.objects.filter(child=child).count() == 1


def test_only_an_iro_can_be_allocated(child, advocate):
    with pytest.raises(ValidationError) as error:
        iro_allocate(child=child, iro=advocate, allocated_on=date(2026, 1, 5))
    assert "iro" in error.value.message_dict


def test_a_new_allocation_cannot_predate_the_current_one(child, other_iro):
    with pytest.raises(ValidationError):
        iro_allocate(child=child, iro=other_iro, allocated_on=date(2025, 9, 1))


def test_admitting_a_child_schedules_the_first_review_twenty_working_days_on(db):
    child = make_child("HRD0100", looked_after=date(2025, 12, 15))
    review = Review.objects.get(child=child)
    assert (review.sequence, review.due_by, review.held_on) == (1, date(2026, 1, 15), None)


@time_machine.travel(date(2026, 11, 23))
def test_holding_reviews_schedules_the_next_by_the_statute(db):
    child = make_child("HRD0101", looked_after=date(2025, 12, 15))
    first = Review.objects.get(child=child)

    review_record_held(review=first, held_on=date(2026, 1, 14))
    second = Review.objects.get(child=child, held_on__isnull=True)
    assert (second.sequence, second.due_by) == (2, date(2026, 4, 14))

    review_record_held(review=second, held_on=date(2026, 4, 10))
    third = Review.objects.get(child=child, held_on__isnull=True)
    assert (third.sequence, third.due_by) == (3, date(2026, 10, 10))
    assert first.__class__.objects.get(pk=first.pk).on_time is True


@time_machine.travel(date(2026, 11, 23))
def test_a_late_review_needs_a_reason_and_is_recorded_as_late(db):
    child = make_child("HRD0102", looked_after=date(2025, 12, 15))
    first = Review.objects.get(child=child)

    with pytest.raises(ValidationError) as error:
        review_record_held(review=first, held_on=date(2026, 1, 20))
    assert "late_reason" in error.value.message_dict
    assert Review.objects.get(pk=first.pk).held_on is None

    review_record_held(review=first, held_on=date(2026, 1, 20), late_reason="Child in hospital")
    first.refresh_from_db()
    assert first.on_time is False
    assert first.late_reason == "Child in hospital"


@time_machine.travel(date(2026, 1, 10))
def test_a_review_cannot_be_recorded_in_the_future_or_twice(db):
    child = make_child("HRD0103", looked_after=date(2025, 12, 15))
    first = Review.objects.get(child=child)
    with pytest.raises(ValidationError):
        review_record_held(review=first, held_on=date(2026, 1, 12))
    review_record_held(review=first, held_on=date(2026, 1, 9))
    with pytest.raises(ValidationError):
        review_record_held(review=first, held_on=date(2026, 1, 9))


@pytest.mark.parametrize(
    ("allocated_on", "on_time"),
    [
        (date(2026, 4, 10), True),  # the fifth working day after Wed 1 Apr, across Easter
        (date(2026, 4, 13), False),  # the sixth
    ],
)
def test_iro_allocation_is_measured_against_five_working_days(iro, allocated_on, on_time):
    child = make_child("HRD0104", looked_after=date(2026, 4, 1))
    assert iro_allocated_on_time(child) is None
    iro_allocate(child=child, iro=iro, allocated_on=allocated_on)
    assert iro_allocated_on_time(child) is on_time
