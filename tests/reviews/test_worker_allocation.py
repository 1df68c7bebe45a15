"""Allocating a social worker or personal adviser: one current of each kind per child, history kept."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from reviews.models import WorkerAllocation
from reviews.services import worker_allocate
from tests.conftest import make_child, make_user

# Allocations are dated; the children's ages and "no date in the future" are measured from a fixed day.
pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture
def sam(db):
    return make_user("sam", Role.SOCIAL_WORKER, email="sam@heard.example")


@pytest.fixture
def alex(db):
    return make_user("alex", Role.SOCIAL_WORKER, email="alex@heard.example")


def test_a_new_social_worker_ends_the_one_before_on_their_first_day_and_history_is_kept(child, sam, alex):
    first = worker_allocate(child=child, worker=sam, kind="social_worker", on=date(2025, 9, 1))
    again = worker_allocate(child=child, worker=sam, kind="social_worker", on=date(2026, 1, 5))
    assert again.pk == first.pk and again.allocated_on == date(2025, 9, 1)  # the same worker: nothing changes

    worker_allocate(child=child, worker=alex, kind="social_worker", on=date(2026, 11, 20))

    old, new = WorkerAllocation.objects.filter(child=child).order_by("allocated_on")
    assert (old.worker, old.ended_on) == (sam, date(2026, 11, 20))
    assert (new.worker, new.kind, new.ended_on) == (alex, "social_worker", None)


def test_a_personal_adviser_is_allocated_beside_the_social_worker_from_16(child, sam):
    adviser = make_user("pat", Role.PERSONAL_ADVISER, email="pat@heard.example")
    worker_allocate(child=child, worker=sam, kind="social_worker", on=date(2025, 9, 1))
    seventeen = make_child("K017", born=date(2009, 6, 1), looked_after=date(2024, 3, 1))
    with pytest.raises(ValidationError) as refused:
        worker_allocate(child=child, worker=adviser, kind="personal_adviser", on=date(2026, 11, 20))  # she is 14
    assert "allocated_on" in refused.value.message_dict

    worker_allocate(child=seventeen, worker=adviser, kind="personal_adviser", on=date(2026, 11, 20))
    assert WorkerAllocation.objects.get(child=seventeen).kind == "personal_adviser"
    assert WorkerAllocation.objects.get(child=child).worker == sam


def test_only_an_active_worker_of_that_kind_and_never_before_the_current_one(child, sam, alex, iro):
    with pytest.raises(ValidationError) as refused:
        worker_allocate(child=child, worker=iro, kind="social_worker", on=date(2026, 1, 5))
    assert "worker" in refused.value.message_dict
    with pytest.raises(ValidationError):
        worker_allocate(child=child, worker=sam, kind="personal_adviser", on=date(2026, 1, 5))
    with pytest.raises(ValidationError):
        worker_allocate(child=child, worker=sam, kind="carer", on=date(2026, 1, 5))
    alex.is_active = False
    alex.save()
    with pytest.raises(ValidationError):
        worker_allocate(child=child, worker=alex, kind="social_worker", on=date(2026, 1, 5))

    worker_allocate(child=child, worker=sam, kind="social_worker", on=date(2026, 1, 5))
    alex.is_active = True
    alex.save()
    with pytest.raises(ValidationError) as refused:
        worker_allocate(child=child, worker=alex, kind="social_worker", on=date(2026, 1, 4))
    assert "allocated_on" in refused.value.message_dict
    assert WorkerAllocation.objects.get(child=child).ended_on is None
