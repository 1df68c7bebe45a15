"""Readers of a child's words are exactly those the design names: not a former advocate, never an administrator."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role
from feedback.services import statement_reply, statement_submit
from reviews.models import AdvocateAssignment
from tests.conftest import client_for, make_user

# The assignment ends on a fixed day, before the pinned moment.
pytestmark = pytest.mark.usefixtures("pinned_clock")


def test_a_former_advocate_no_longer_reads_what_they_wrote_or_the_reply(child, advocate, iro):
    statement, _ = statement_submit(
        author=advocate, child=child, category="school", body="Alice wants a tutor.", channel="app", consent_given=True
    )
    statement_reply(statement=statement, iro=iro, text="I'll ask school about a tutor.")
    url = f"/api/v1/statements/{statement.pk}/"
    assert client_for(advocate).get(url).status_code == 200
    # An assignment ends where the council records it, in the admin.
    assignment = AdvocateAssignment.objects.get(child=child, advocate=advocate)
    ended = client_for(make_user("ada", Role.ADMIN, is_staff=True, is_superuser=True)).post(
        reverse("admin:reviews_advocateassignment_change", args=[assignment.pk]),
        {"child": child.pk, "advocate": advocate.pk, "started_on": "2025-09-10", "ended_on": "2026-11-20"},
    )
    assert ended.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ended_on == date(2026, 11, 20)
    assert client_for(advocate).get(url).status_code == 404
    listed = client_for(advocate).get("/api/v1/statements/").json()["results"]
    assert listed == []


def test_an_administrator_reads_no_childs_words_through_the_api(child, child_user):
    admin = make_user("avery", Role.ADMIN, email="admin@heard.example")
    statement, _ = statement_submit(
        author=child_user, child=child, category="school", body="Only my IRO should read this.", channel="web"
    )
    client = client_for(admin)
    listed = client.get("/api/v1/statements/")
    assert listed.status_code == 200 and listed.json()["results"] == []
    assert client.get(f"/api/v1/statements/{statement.pk}/").status_code == 404
    assert "Only my IRO" not in client.get("/api/v1/inbox/").content.decode()
