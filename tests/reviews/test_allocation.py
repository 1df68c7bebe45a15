"""Allocation: caseloads against 50-70 per FTE, suggestions with reasons, and the manager's page."""

from datetime import date
from decimal import Decimal

from django.urls import reverse

from accounts.models import Role
from reviews.models import Child, IROAllocation
from reviews.selectors import iro_caseload_figures, iro_caseloads, iro_suggestions
from reviews.services import iro_allocate
from tests.conftest import client_for, make_child, make_user


def _fill(iro, count, start):
    for number in range(start, start + count):
        iro_allocate(child=make_child(f"L{number:05d}"), iro=iro, allocated_on=date(2025, 9, 2))


def test_caseloads_are_measured_per_full_time_equivalent(db):
    full = make_user("full", Role.IRO)
    half = make_user("half", Role.IRO, fte=Decimal("0.50"))
    _fill(full, 3, 1)
    _fill(half, 36, 100)
    loads = {c.iro.username: c for c in iro_caseloads()}
    assert (loads["full"].children, loads["full"].per_fte, loads["full"].band) == (3, 3.0, "under")
    assert (loads["half"].children, loads["half"].per_fte, loads["half"].band) == (36, 72.0, "over")
    assert loads["half"].headroom == -1


def test_caseload_figures_within_a_scope_count_only_its_children_and_only_the_iros_who_had_them(db):
    amara, ben, cleo = (make_user(name, Role.IRO) for name in ("amara", "ben", "cleo"))
    _fill(amara, 3, 1)  # L00001-L00003, from 2 September 2025
    _fill(ben, 2, 10)  # L00010-L00011
    _fill(cleo, 4, 20)  # L00020-L00023: none in the scope
    # L00003 moves from Amara to Ben on 1 March 2026.
    iro_allocate(child=Child.objects.get(case_reference="L00003"), iro=ben, allocated_on=date(2026, 3, 1))
    scope = Child.objects.filter(case_reference__in=["L00001", "L00002", "L00003", "L00010"])

    def figures(on):
        return {name: children for name, _, children in iro_caseload_figures(on, scope)}

    assert figures(date(2026, 2, 28)) == {"amara": 3, "ben": 1}
    assert figures(date(2026, 3, 1)) == {"amara": 2, "ben": 2}
    assert figures(date(2025, 9, 1)) == {}  # before anyone was allocated
    assert figures(None) == {"amara": 2, "ben": 2}
    # Without a scope: every IRO, each with all their children.
    assert {name: n for name, _, n in iro_caseload_figures(date(2026, 3, 1))} == {"amara": 2, "ben": 3, "cleo": 4}


def test_suggestions_weigh_language_preference_travel_and_headroom(db):
    busy = make_user("busy", Role.IRO, gender="female", languages="Polish", regions="NW")
    free = make_user("free", Role.IRO, gender="male")
    _fill(busy, 10, 1)
    child = make_child("HRD0500")

    # With nothing else to go on, the IRO with more room comes first.
    assert [s.caseload.iro for s in iro_suggestions(child)] == [free, busy]

    child.first_language = "Polish"
    child.preferred_iro_gender = "female"
    child.placed_out_of_area, child.placement_region = True, "NW"
    child.save()
    ranked = iro_suggestions(child)
    assert ranked[0].caseload.iro == busy
    reasons = " ".join(ranked[0].reasons)
    assert "speaks Polish" in reasons and "gender the child asked for" in reasons and "North West" in reasons


def test_the_manager_allocates_from_the_page_and_sees_the_five_day_measure(manager, iro, other_iro):
    child = make_child("HRD0600", looked_after=date(2026, 4, 1))
    page = client_for(manager).get(reverse("reviews:allocation")).content.decode()
    assert "HRD0600" in page

    url = reverse("reviews:child_allocate", args=[child.pk])
    response = client_for(manager).post(url, {"iro": iro.pk, "allocated_on": "2026-04-13"})
    assert response.status_code == 302
    assert IROAllocation.objects.get(child=child).iro == iro
    detail = client_for(manager).get(url).content.decode()
    assert '<strong class="over">no</strong>' in detail  # 13 April is the sixth working day after 1 April

    client_for(manager).post(url, {"iro": other_iro.pk, "allocated_on": "2026-05-01"})
    assert "changes of IRO: 1" in client_for(manager).get(url).content.decode()
    assert (
        "HRD0600"
        not in client_for(manager).get(reverse("reviews:allocation")).content.decode().split("Children waiting")[1]
    )


def test_a_bad_allocation_gets_a_clear_message(manager, iro):
    child = make_child("HRD0601")
    url = reverse("reviews:child_allocate", args=[child.pk])
    response = client_for(manager).post(url, {"iro": "999999", "allocated_on": "not a date"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not IROAllocation.objects.filter(child=child).exists()


def test_manager_pages_are_404_to_everyone_else(child, child_user, iro, advocate, cicc):
    for user in (child_user, iro, advocate, cicc):
        client = client_for(user)
        for url in (
            reverse("reviews:allocation"),
            reverse("reviews:child_allocate", args=[child.pk]),
            reverse("reviews:absences"),
            reverse("reviews:response_times"),
        ):
            assert client.get(url).status_code == 404, (user, url)
