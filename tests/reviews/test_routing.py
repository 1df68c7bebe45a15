"""routing_for (hand-written SQL on the hot path) gives the same answers as the ORM's rule, case by case."""

from datetime import date, timedelta

from reviews.models import Child, Review
from reviews.selectors import responsible_iro, responsible_iro_expression, routing_for, upcoming_review
from reviews.services import iro_absence_record, iro_allocate
from tests.conftest import make_child, make_user

TODAY = date(2026, 11, 20)


def _agrees(child: Child, on: date = TODAY) -> tuple[int | None, Review | None]:
    iro_id, review = routing_for(child, on)
    by_expression = (
        Child.objects.filter(pk=child.pk)
        .annotate(iro=responsible_iro_expression("pk", on))
        .values_list("iro", flat=True)
        .get()
    )
    expected = responsible_iro(child, on)
    assert iro_id == by_expression == (expected.pk if expected else None)
    waiting = upcoming_review(child)
    assert (review.pk if review else None) == (waiting.pk if waiting else None)
    if review is not None:
        stored = Review.objects.get(pk=review.pk)
        assert [getattr(review, f.attname) for f in Review._meta.concrete_fields] == [
            getattr(stored, f.attname) for f in Review._meta.concrete_fields
        ]
    return iro_id, review


def test_routing_agrees_with_the_rule_through_allocation_cover_and_review(db, pinned_clock):
    amara, ben, chen = (make_user(name, "iro") for name in ("amara", "ben", "chen"))
    child = make_child("HRD0101")
    assert _agrees(child)[0] is None  # no IRO yet: the manager's queue
    iro_allocate(child=child, iro=amara, allocated_on=TODAY - timedelta(days=30))
    iro_id, review = _agrees(child)
    assert iro_id == amara.pk and review is not None and review.child is child
    iro_absence_record(iro=amara, starts_on=TODAY + timedelta(days=3), ends_on=TODAY + timedelta(days=9), cover_iro=ben)
    assert _agrees(child)[0] == amara.pk  # away later, not yet
    assert _agrees(child, TODAY + timedelta(days=3))[0] == ben.pk
    assert _agrees(child, TODAY + timedelta(days=10))[0] == amara.pk
    iro_allocate(child=child, iro=chen, allocated_on=TODAY)
    assert _agrees(child, TODAY + timedelta(days=4))[0] == chen.pk  # Amara's cover no longer applies
    Review.objects.filter(child=child).update(held_on=TODAY - timedelta(days=1), participation_code="PN1")
    assert _agrees(child)[1] is None  # waiting for no review
