"""The IRO's pre-review pack: everything to read, who is missing, the child's wishes, what is not to be shared."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations.models import ChildContact, EntryMode, Invitation
from consultations.selectors import packs_needing_attention
from consultations.services import invitations_create_for_review, response_submit
from feedback.models import Category
from feedback.services import statement_submit
from reviews.models import Review
from reviews.services import review_record_held
from tests.conftest import client_for

LONDON = ZoneInfo("Europe/London")


def _setup(child, child_user, advocate, *, with_statements=1):
    review = Review.objects.get(child=child, held_on__isnull=True)
    if review.due_by < timezone.localdate():
        review.scheduled_for = timezone.localdate() + timezone.timedelta(days=14)
        review.save()
    ChildContact.objects.create(child=child, role="carer", name="Pat Carer", email="pat@example.org")
    ChildContact.objects.create(child=child, role="parent", name="Sam Parent", email="sam@example.org")
    invitations_create_for_review(review=review)
    child_invitation = Invitation.objects.get(review=review, contact__isnull=True)
    response_submit(
        invitation=child_invitation,
        answers={
            "home_feeling": "happy",
            "people": ["me", "carer", "advocate"],
            "where_when": "At school, after 3",
            "chairing": "co_chair",
            "advocate": "yes",
            "see_iro_alone": "yes",
            "not_shared": "Please don't tell mum about my new school.",
        },
        entered_by=advocate,
        entry_mode=EntryMode.HELPED,
        consent_given=True,
    )
    carer = Invitation.objects.get(review=review, contact__name="Pat Carer")
    response_submit(invitation=carer, answers={"progress": "Doing well at school."})
    for number in range(with_statements):
        statement_submit(
            author=child_user, child=child, category=Category.SCHOOL, body=f"message {number}", channel="web"
        )
    return review


def test_the_pack_has_every_answer_the_wishes_who_is_missing_and_flags_what_is_not_to_be_shared(
    child, child_user, advocate, iro
):
    review = _setup(child, child_user, advocate)
    page = client_for(iro).get(reverse("consultations:pack", args=[review.pk])).content.decode()

    assert "Doing well at school." in page  # the carer's answers
    assert "Co-chair" not in page and "I&#x27;d like to help chair it" in page  # the child's wish, in words
    assert "At school, after 3" in page
    assert "Please don&#x27;t tell mum about my new school." in page.split("Not to be shared")[1].split("</section>")[0]
    waiting = page.split("Still to answer")[1].split("</section>")[0]
    assert "Sam Parent" in waiting and "Pat Carer" not in waiting
    assert "entered by riley (the child&#x27;s words, helped by an adult; child's consent recorded)" in page
    assert "message 0" in page  # statements since the last review


def test_statements_before_the_last_review_are_left_out(child, child_user, advocate, iro):
    with time_machine.travel(datetime(2026, 10, 1, 10, tzinfo=LONDON)):
        statement_submit(author=child_user, child=child, category=Category.SCHOOL, body="old news", channel="web")
    with time_machine.travel(datetime(2026, 10, 5, 16, tzinfo=LONDON)):
        first = Review.objects.get(child=child, held_on__isnull=True)
        review_record_held(review=first, held_on=date(2026, 10, 5), late_reason="Moved for the child's exams")
    review = _setup(child, child_user, advocate)
    page = client_for(iro).get(reverse("consultations:pack", args=[review.pk])).content.decode()
    assert "old news" not in page
    assert "message 0" in page


def test_the_pack_costs_a_fixed_number_of_queries(child, child_user, advocate, iro):
    review = _setup(child, child_user, advocate, with_statements=1)
    client = client_for(iro)
    url = reverse("consultations:pack", args=[review.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for number in range(10):
        ChildContact.objects.create(child=child, role="professional", name=f"Pro {number}", email=f"p{number}@x.org")
    Invitation.objects.filter(review=review).delete()
    review = _setup_again(review)
    for number in range(10):
        statement_submit(author=child_user, child=child, category=Category.HEALTH, body=f"more {number}", channel="web")
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.content.decode().count("Pro ") >= 10
    assert len(large) == len(small)


def _setup_again(review):
    invitations_create_for_review(review=review)
    for invitation in Invitation.objects.filter(review=review, contact__role="professional")[:5]:
        response_submit(invitation=invitation, answers={"role": "Nurse", "progress": "Fine"})
    return review


def test_reviews_soon_with_missing_returns_are_flagged_on_the_dashboard(child, child_user, advocate, iro):
    review = _setup(child, child_user, advocate)
    review.scheduled_for = timezone.localdate()
    review.save()
    flags = packs_needing_attention(iro)
    assert [(f.review, f.waiting) for f in flags] == [(review, 1)]
    inbox = client_for(iro).get(reverse("feedback:inbox")).content.decode()
    assert "Reviews soon with answers missing" in inbox
    assert reverse("consultations:pack", args=[review.pk]) in inbox


def test_only_the_childs_iro_and_managers_see_the_pack(child, child_user, advocate, iro, other_iro, manager, cicc):
    review = _setup(child, child_user, advocate)
    url = reverse("consultations:pack", args=[review.pk])
    assert client_for(manager).get(url).status_code == 200
    for user in (other_iro, advocate, child_user, cicc):
        assert client_for(user).get(url).status_code == 404


def test_the_pack_api_costs_the_same_queries_with_one_message_or_many(child, child_user, advocate, iro):
    review = _setup(child, child_user, advocate, with_statements=1)
    client = client_for(iro)
    url = f"/api/v1/reviews/{review.pk}/pack/"
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for number in range(10):
        statement_submit(author=child_user, child=child, category=Category.HEALTH, body=f"more {number}", channel="web")
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(response.json()["statements"]) == 11
    assert len(large) == len(small)
