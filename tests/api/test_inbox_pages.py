"""The inbox API a page of children at a time: each child once, in order, bad cursors refused."""

import base64
import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from feedback.models import Category
from feedback.services import statement_submit
from reviews.models import Review
from reviews.services import iro_allocate
from tests.conftest import client_for, make_child, make_user, problem_fields


@pytest.fixture(autouse=True)
def _pinned(pinned_clock):
    """A fixed working Monday (PINNED_MOMENT): alerts and reviews do not drift with the day or hour."""


def _caseload(iro, count: int) -> list[str]:
    references = []
    for number in range(count):
        user = make_user(f"pager{number}", Role.CHILD)
        child = make_child(f"P{number:04d}", user=user)
        iro_allocate(child=child, iro=iro, allocated_on=date(2025, 9, 2))
        # Reviews on a few different days, so the order is by date and then by case reference.
        Review.objects.filter(child=child, held_on__isnull=True).update(scheduled_for=date(2027, 1, 1 + number % 4))
        statement_submit(author=user, child=child, category=Category.SCHOOL, body=f"words {number}", channel="app")
        references.append(child.case_reference)
    statement_submit(author=user, child=child, category=Category.UNSAFE, body="not safe", channel="app")
    return references


def test_the_inbox_pages_through_every_child_once_in_order(iro):
    references = _caseload(iro, 25)
    client = client_for(iro)
    pages, url, queries = [], "/api/v1/inbox/?page_size=10", []
    while url:
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(url)
        assert answer.status_code == 200
        queries.append(len(captured))
        pages.append(answer.json())
        url = answer.json()["next"]
    assert [len(page["groups"]) for page in pages] == [10, 10, 5]
    seen = [group["child"]["case_reference"] for page in pages for group in page["groups"]]
    by_review = sorted(references, key=lambda reference: (int(reference[1:]) % 4, reference))
    assert seen == by_review
    assert [len(page["alerts"]) for page in pages] == [1, 0, 0]  # the open alert on the first page only
    assert all(len(group["statements"]) >= 1 for page in pages for group in page["groups"])
    assert queries[1] == queries[2]  # later pages cost alike; the first also reads the alerts
    assert pages[0]["next"].startswith("http://testserver/api/v1/inbox/?page_size=10&cursor=")


def test_the_default_page_is_twenty_children(iro):
    _caseload(iro, 21)
    first = client_for(iro).get("/api/v1/inbox/").json()
    assert len(first["groups"]) == 20 and first["next"]
    last = client_for(iro).get(first["next"]).json()
    assert len(last["groups"]) == 1 and last["next"] is None


def _cursor(*value) -> str:
    return "cursor=" + base64.urlsafe_b64encode(json.dumps(value[0] if len(value) == 1 else value).encode()).decode()


@pytest.mark.parametrize(
    "query",
    [
        "cursor=not-a-cursor",
        "cursor=" + base64.urlsafe_b64encode(b"not json").decode(),
        _cursor([1, 2, 3]),
        _cursor(["2027-02-30", "P0001"]),
        _cursor(["2027-01-01", 7]),
        _cursor({}),
        "cursor=%F0%9F%98%80",
        _cursor(["2027-01-01", "P0001"]) + "&" + _cursor(["2027-01-02", "P0001"]),
        "page_size=0",
        "page_size=101",
        "page_size=ten",
        "page_size=5&page_size=6",
    ],
)
def test_a_cursor_or_page_size_heard_did_not_give_is_a_clear_400(iro, query):
    answer = client_for(iro).get(f"/api/v1/inbox/?{query}")
    assert answer.status_code == 400
    assert set(problem_fields(answer)) == {query.split("=")[0]}
