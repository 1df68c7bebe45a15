"""One-click choices on staff forms: Heard's suggested IROs and its proposed participation code."""

from datetime import date
from html import unescape

import pytest
from django.urls import reverse

from accounts.models import Role
from reviews.models import IROAllocation, Review
from reviews.services import iro_allocate
from tests.conftest import client_for, make_child, make_user

pytestmark = pytest.mark.usefixtures("pinned_clock")

TODAY = "2026-11-23"  # the pinned clock's date


def _one_click(page: str, child, iro) -> str:
    """Return the one-click form that allocates this IRO, as the page shows it."""
    action = f'action="{reverse("reviews:child_allocate", args=[child.pk])}"'
    forms = [chunk.split("</form>")[0] for chunk in page.split("<form")[1:]]
    return next(f for f in forms if action in f and f'name="iro" value="{iro.pk}"' in f)


@pytest.mark.parametrize("page_name", ["reviews:allocation", "reviews:child_allocate"])
def test_a_suggested_iro_is_one_button_that_allocates_them_from_today(manager, iro, page_name):
    child = make_child("HRD0700", looked_after=date(2026, 11, 16))
    url = reverse(page_name, args=[child.pk] if page_name == "reviews:child_allocate" else [])
    page = unescape(client_for(manager).get(url).content.decode())
    button = _one_click(page, child, iro)
    assert f'name="allocated_on" value="{TODAY}"' in button
    assert f"Allocate to {iro.display_name}</button>" in button
    assert "room for" in page.split(f"Allocate to {iro.display_name}")[1].split("</li>")[0]  # its reasons beside it

    done = client_for(manager).post(
        reverse("reviews:child_allocate", args=[child.pk]), {"iro": iro.pk, "allocated_on": TODAY}
    )
    assert done.status_code == 302 and done["Location"] == reverse("reviews:allocation")
    allocation = IROAllocation.objects.get(child=child)
    assert (allocation.iro, allocation.allocated_on) == (iro, date(2026, 11, 23))


def test_a_forged_one_click_for_someone_who_is_not_an_iro_is_refused(manager, iro, advocate):
    child = make_child("HRD0701", looked_after=date(2026, 11, 16))
    retired = make_user("gone", Role.IRO, is_active=False)
    url = reverse("reviews:child_allocate", args=[child.pk])
    for forged in (advocate, manager, retired):
        refused = client_for(manager).post(url, {"iro": forged.pk, "allocated_on": TODAY})
        assert refused.status_code == 400, forged
        assert "Select a valid choice" in refused.content.decode()
    assert not IROAllocation.objects.filter(child=child).exists()


def _answers() -> dict:
    return {"held_on": TODAY, "late_reason": "Child unwell", "attended": "yes", "views": "symbols", "met_alone": "yes"}


def test_proposing_the_code_offers_it_chosen_and_using_it_records_it(child, iro):
    review = Review.objects.get(child=child, held_on__isnull=True)
    url = reverse("reviews:review_record", args=[review.pk])
    proposed = client_for(iro).post(url, {**_answers(), "step": "propose"})
    assert proposed.status_code == 200
    page = unescape(proposed.content.decode())
    assert "Heard proposes <strong>PN3</strong>" in page
    assert "Use PN3, Heard's proposal" in page
    checked = [tag for tag in page.split("<input") if 'name="code"' in tag and "checked" in tag.split(">")[0]]
    assert len(checked) == 1 and 'value="PN3"' in checked[0]
    assert 'value="PN0"' not in page  # the child is over 4: PN0 is no choice
    assert Review.objects.get(pk=review.pk).held_on is None  # proposing records nothing

    done = client_for(iro).post(url, {**_answers(), "code": "PN3", "confirm": "on"})
    assert done.status_code == 302
    review.refresh_from_db()
    assert (review.participation_code, review.proposed_code) == ("PN3", "PN3")


def test_under_four_the_proposal_pn0_is_the_only_choice(db, iro):
    toddler = make_child("HRD0702", born=date(2023, 5, 1), looked_after=date(2025, 9, 1))
    iro_allocate(child=toddler, iro=iro, allocated_on=date(2025, 9, 2))
    review = Review.objects.get(child=toddler, held_on__isnull=True)
    url = reverse("reviews:review_record", args=[review.pk])
    page = unescape(client_for(iro).post(url, {**_answers(), "step": "propose"}).content.decode())
    codes = [tag for tag in page.split("<input") if 'name="code"' in tag]
    assert len(codes) == 1 and 'value="PN0"' in codes[0]
    assert "cannot be changed" in page
    refused = client_for(iro).post(url, {**_answers(), "code": "PN1", "confirm": "on"})
    assert refused.status_code == 400
    assert Review.objects.get(pk=review.pk).held_on is None


def test_recording_a_review_without_the_confirmation_records_nothing(child, iro):
    review = Review.objects.get(child=child, held_on__isnull=True)
    url = reverse("reviews:review_record", args=[review.pk])
    refused = client_for(iro).post(url, _answers())
    assert refused.status_code == 400
    page = unescape(refused.content.decode())
    assert "Tick to confirm before recording the review" in page
    assert "Heard proposes <strong>PN3</strong>" in page  # the page asks again, with the proposal chosen
    review.refresh_from_db()
    assert review.held_on is None and review.participation_code == ""
