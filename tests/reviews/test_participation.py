"""Participation codes: Heard's proposal, the IRO's confirmation, and the DfE rules that bind them."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from consultations.models import ChildContact
from feedback.models import Category
from feedback.services import statement_submit
from reviews.models import Review, ReviewParent
from reviews.participation import propose_code
from reviews.services import review_record_held
from tests.conftest import client_for, make_child

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("age", "attended", "views", "said", "code"),
    [
        (3, True, "spoke", True, "PN0"),  # under 4: always PN0
        (4, True, "spoke", False, "PN1"),
        (9, True, "advocate_spoke", False, "PN2"),
        (9, True, "symbols", False, "PN3"),
        (9, True, "not_conveyed", True, "PN4"),
        (9, False, "briefed_advocate", False, "PN5"),
        (9, False, "facilitative", False, "PN6"),
        (9, False, "not_conveyed", True, "PN6"),  # a consultation or statement before the review
        (9, False, "not_conveyed", False, "PN7"),
        (9, False, "", False, "PN7"),
    ],
)
def test_heard_proposes_the_code_from_the_facts(age, attended, views, said, code):
    assert propose_code(age_on_review=age, attended=attended, views=views, had_said_beforehand=said) == code


def _child_turning_four_on(birthday: date):
    child = make_child("HRD0990", born=birthday.replace(year=birthday.year - 4), looked_after=date(2025, 9, 1))
    return child, Review.objects.get(child=child)


@time_machine.travel(TODAY)
def test_pn0_follows_age_on_the_review_date_and_cannot_be_overridden(db):
    _, review = _child_turning_four_on(date(2026, 11, 20))
    with pytest.raises(ValidationError) as error:
        review_record_held(review=review, held_on=date(2026, 11, 19), late_reason="x", code="PN1")
    assert "must be PN0" in str(error.value)
    with pytest.raises(ValidationError) as error:
        review_record_held(review=review, held_on=date(2026, 11, 20), late_reason="x", code="PN0")
    assert "rule 440" in str(error.value)
    recorded = review_record_held(review=review, held_on=date(2026, 11, 19), late_reason="x")
    assert (recorded.participation_code, recorded.proposed_code) == ("PN0", "PN0")


@time_machine.travel(TODAY)
def test_a_statement_before_the_review_makes_an_absent_child_pn6(child, child_user):
    statement_submit(
        author=child_user, child=child, category=Category.NEXT_REVIEW, body="Please can mum come", channel="sms"
    )
    review = Review.objects.get(child=child, held_on__isnull=True)
    recorded = review_record_held(review=review, held_on=TODAY, late_reason="late", attended=False)
    assert recorded.participation_code == "PN6"


@time_machine.travel(TODAY)
def test_the_iro_may_confirm_another_code_which_is_kept_beside_the_proposal(child):
    review = Review.objects.get(child=child, held_on__isnull=True)
    recorded = review_record_held(
        review=review, held_on=TODAY, late_reason="late", attended=True, views="spoke", code="pn2"
    )
    assert (recorded.participation_code, recorded.proposed_code) == ("PN2", "PN1")


@pytest.mark.parametrize("code", ["PN8", "XX", "PN"])
def test_an_unknown_code_is_refused(child, code):
    review = Review.objects.get(child=child, held_on__isnull=True)
    with time_machine.travel(TODAY), pytest.raises(ValidationError):
        review_record_held(review=review, held_on=TODAY, late_reason="late", code=code)


def test_the_database_keeps_a_code_on_every_held_review_and_none_on_others(child):
    review = Review.objects.get(child=child, held_on__isnull=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(held_on=date(2025, 9, 25))
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(participation_code="PN1")


@time_machine.travel(TODAY)
def test_the_iro_records_the_review_on_the_page_with_each_parent(child, iro):
    mum = ChildContact.objects.create(child=child, role="parent", name="Sam", email="sam@example.org")
    review = Review.objects.get(child=child, held_on__isnull=True)
    url = reverse("reviews:review_record", args=[review.pk])
    form = {"held_on": "2026-11-23", "late_reason": "", "attended": "yes", "views": "symbols", "met_alone": "yes"}
    refused = client_for(iro).post(url, {**form, "confirm": "on"})
    assert "This review was late: say why." in refused.content.decode()

    done = client_for(iro).post(
        url, {**form, "late_reason": "Child unwell", f"consulted_{mum.pk}": "on", "confirm": "on"}
    )
    assert done.status_code == 302
    review.refresh_from_db()
    assert (review.participation_code, review.met_child_alone_before, review.child_attended) == ("PN3", True, True)
    assert ReviewParent.objects.filter(review=review, contact=mum, consulted=True, took_part=False).exists()
    assert Review.objects.filter(child=child, held_on__isnull=True, sequence=2).exists()


def test_another_iro_cannot_record_it(child, other_iro):
    review = Review.objects.get(child=child, held_on__isnull=True)
    assert client_for(other_iro).get(reverse("reviews:review_record", args=[review.pk])).status_code == 404
