"""The IRO inbox costs the same number of queries however large the caseload."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from feedback.alerts import alert_acknowledge
from feedback.models import Category
from feedback.services import statement_submit
from reviews.models import Review
from reviews.services import iro_allocate
from tests.conftest import client_for, make_child, make_user


def _grow_caseload(iro, start: int, count: int) -> None:
    for number in range(start, start + count):
        user = make_user(f"child{number}", Role.CHILD)
        child = make_child(f"Q{number:05d}", user=user)
        iro_allocate(child=child, iro=iro, allocated_on=date(2025, 9, 2))
        statement_submit(author=user, child=child, category=Category.SCHOOL, body="first", channel="web")
        # An urgent one too, so open alerts (some acknowledged) are on the page.
        urgent, _ = statement_submit(
            author=user, child=child, category=Category.HEALTH, body="I don't feel safe", channel="web"
        )
        if number % 2:
            alert_acknowledge(alert=urgent.alert, user=iro)


def _inbox_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("feedback:inbox"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_inbox_makes_a_fixed_number_of_queries(iro):
    client = client_for(iro)
    _grow_caseload(iro, 1, 3)
    small, _ = _inbox_queries(client)
    _grow_caseload(iro, 100, 40)
    large, page = _inbox_queries(client)

    # A page holds 30 children (the rest a link away); every open alert is on the first.
    assert page.count("unread</span>") == 30 and 'rel="next"' in page
    assert page.count('class="urgent"') + page.count('class="acknowledged"') == 43
    assert large == small
    # Session, user, the MFA check, open alerts, reviews soon and their invitations, children
    # (with their accounts), failed texts, upcoming and held reviews, statements, the access log.
    assert small <= 12


def test_the_inbox_api_makes_a_fixed_number_of_queries(iro):
    client = client_for(iro)
    _grow_caseload(iro, 1, 3)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/api/v1/inbox/").status_code == 200
    _grow_caseload(iro, 100, 40)
    with CaptureQueriesContext(connection) as large:
        response = client.get("/api/v1/inbox/?page_size=100")  # all 43 children on one page
    assert sum(len(group["statements"]) for group in response.json()["groups"]) == 86
    assert len(large) == len(small)


def test_the_inbox_offers_the_summary_of_the_latest_held_review_only(iro, child):
    # A child in care for years has many held reviews; the inbox reads only the newest of them.
    Review.objects.filter(child=child, held_on__isnull=True).delete()
    for sequence, held_on in ((1, date(2024, 10, 1)), (3, date(2025, 8, 1)), (2, date(2025, 2, 1))):
        Review.objects.create(child=child, sequence=sequence, due_by=held_on, held_on=held_on, participation_code="PN1")
    Review.objects.create(child=child, sequence=4, due_by=date(2026, 2, 1))
    page = client_for(iro).get(reverse("feedback:inbox")).content.decode()
    assert "summary of review 3" in page
    assert "summary of review 2" not in page and "summary of review 1" not in page
