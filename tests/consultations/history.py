"""A young person's history of reviews, each answered beforehand: for the child's record and its query counts."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine

from accounts.models import Role, User
from consultations.models import Invitation
from consultations.services import invitations_create_for_review, response_submit
from feedback.models import Category
from feedback.services import statement_submit
from reviews.models import Child, Review
from reviews.services import iro_allocate, review_record_held
from tests.conftest import make_child, make_user

LONDON = ZoneInfo("Europe/London")
# The answers before each review, in turn: trusting an adult and anxiety fall at the second.
ANSWERS = [
    {"trusted_adult": "yes", "good_friend": "no", "ons_life_satisfaction": "8", "ons_anxious": "2"},
    {"trusted_adult": "no", "good_friend": "yes", "ons_life_satisfaction": "7", "ons_anxious": "5"},
]


def answer(review: Review, answers: dict) -> None:
    """The child sends their form for this review with these answers (the forms must be loaded)."""
    invitations_create_for_review(review=review)
    invitation = Invitation.objects.get(review=review, contact__isnull=True)
    response_submit(invitation=invitation, answers={"home_feeling": "happy", **answers})


def reviews_answered(iro: User, reviews: int, *, reference: str = "HRD0100", last_held: bool = True) -> Child:
    """A young person aged 13 to 15 throughout, allocated to this IRO, who answered and wrote before each review.

    The reviews are 60 days apart from June 2024; the last is left waiting when `last_held` is False.
    """
    user = make_user(reference.lower(), Role.CHILD)
    child = make_child(reference, user=user, born=date(2011, 1, 10), looked_after=date(2024, 5, 1))
    iro_allocate(child=child, iro=iro, allocated_on=date(2024, 5, 2))
    day = date(2024, 6, 3)
    for number in range(reviews):
        review = Review.objects.get(child=child, held_on__isnull=True)
        with time_machine.travel(datetime.combine(day - timedelta(days=7), time(10), LONDON)):
            review.scheduled_for = day
            review.save()
            answer(review, ANSWERS[number % 2])
            statement_submit(author=user, child=child, category=Category.SCHOOL, body=f"note {number}", channel="web")
        if last_held or number < reviews - 1:
            with time_machine.travel(datetime.combine(day, time(15), LONDON)):
                review_record_held(review=review, held_on=day, late_reason="Moved", attended=True, views="spoke")
        day += timedelta(days=60)
    return child
