"""routing_for and an IRO's children (hand-written SQL on the hot paths) give the ORM rule's answers, case by case."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.db.models import Q

from reviews.models import Child, IROAbsence, IROAllocation, Review
from reviews.selectors import (
    children_visible_to,
    responsible_iro,
    responsible_iro_expression,
    routing_for,
    upcoming_review,
)
from reviews.services import iro_absence_record, iro_allocate
from tests.conftest import make_child, make_user

TODAY = date(2026, 11, 20)
LONDON = ZoneInfo("Europe/London")


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


def _children_by_the_orm_rule(iro, on: date) -> set[int]:
    """An IRO's children as the rule reads in the ORM: allocated to them now, or to an IRO they cover on the day."""
    current = IROAllocation.objects.filter(ended_on__isnull=True)
    away = IROAbsence.objects.filter(cover_iro=iro, starts_on__lte=on, ends_on__gte=on).values("iro_id")
    return set(current.filter(Q(iro=iro) | Q(iro__in=away)).values_list("child_id", flat=True))


def _sees(iro, on: date = TODAY) -> set[int]:
    with time_machine.travel(datetime.combine(on, time(12), tzinfo=LONDON), tick=False):
        seen = set(children_visible_to(iro).values_list("pk", flat=True))
    assert seen == _children_by_the_orm_rule(iro, on)
    return seen


def test_an_iros_children_by_hand_written_sql_are_the_rules_through_allocation_cover_and_its_end(db, pinned_clock):
    amara, ben, chen = (make_user(name, "iro") for name in ("amara", "ben", "chen"))
    first, second, third = (make_child(f"HRD02{n:02d}") for n in range(3))
    assert _sees(amara) == set()
    iro_allocate(child=first, iro=amara, allocated_on=TODAY - timedelta(days=30))
    iro_allocate(child=second, iro=amara, allocated_on=TODAY - timedelta(days=30))
    iro_allocate(child=third, iro=ben, allocated_on=TODAY - timedelta(days=30))
    assert (_sees(amara), _sees(ben), _sees(chen)) == ({first.pk, second.pk}, {third.pk}, set())
    # Amara away from the day after tomorrow for a week, Ben covering; Chen covers Ben the same week.
    iro_absence_record(iro=amara, starts_on=TODAY + timedelta(days=2), ends_on=TODAY + timedelta(days=8), cover_iro=ben)
    iro_absence_record(iro=ben, starts_on=TODAY + timedelta(days=2), ends_on=TODAY + timedelta(days=8), cover_iro=chen)
    assert _sees(ben) == {third.pk}  # not yet
    for day in (2, 8):  # the first and the last day away
        on = TODAY + timedelta(days=day)
        assert (_sees(amara, on), _sees(ben, on), _sees(chen, on)) == (
            {first.pk, second.pk},  # still their children
            {first.pk, second.pk, third.pk},
            {third.pk},  # Ben's own child only: covering is not passed on to whoever covers the cover
        )
    assert _sees(ben, TODAY + timedelta(days=9)) == {third.pk}  # back
    iro_allocate(child=second, iro=chen, allocated_on=TODAY)  # re-allocated: Amara's allocation ends
    on = TODAY + timedelta(days=3)
    assert (_sees(amara, on), _sees(ben, on), _sees(chen, on)) == (
        {first.pk},
        {first.pk, third.pk},
        {second.pk, third.pk},
    )
    IROAllocation.objects.filter(child=first).update(ended_on=TODAY)
    assert _sees(amara) == set() and _sees(ben, on) == {third.pk}
