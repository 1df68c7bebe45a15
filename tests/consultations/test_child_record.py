"""The child's record for their IRO and managers: reviews, the wellbeing trend with falls flagged, latest messages."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccessLogEntry, AccessPurpose, Role
from feedback.models import Category
from feedback.services import statement_submit
from reviews.models import Child, Review, WorkerKind
from reviews.services import worker_allocate
from tests.conftest import client_for, make_user
from tests.consultations.history import reviews_answered

pytestmark = pytest.mark.usefixtures("pinned_clock")  # Monday 23 November 2026


def _url(child: Child) -> str:
    return reverse("consultations:child_record", args=[child.pk])


def _wellbeing_rows(page: str) -> dict[str, str]:
    """Each measure's row of the wellbeing table, by its label (with its fall badge, if any)."""
    table = page.split('class="wellbeing-table"')[1].split("</table>")[0]
    return {row.split("<br>")[0].strip(): row for row in table.split('<th scope="row">')[1:]}


def _cells(row: str) -> list[str]:
    return [cell.split("</td>")[0] for cell in row.split("<td>")[1:-1]]  # the last cell is the chart


def test_the_record_shows_each_measure_across_reviews_with_its_values_and_flags_a_fall(iro):
    child = reviews_answered(iro, 2, last_held=False)
    page = client_for(iro).get(_url(child)).content.decode()
    assert (
        "Child's record: HRD0100" in page and "Aged 15" in page and "Young person aged 12 to 15 (for review 2)" in page
    )
    assert "Review 1<br>" in page and "Review 2<br>" in page
    rows = _wellbeing_rows(page)
    trusted = rows['Has an adult they trust to talk to <span class="badge urgent">fell</span>']
    assert _cells(trusted) == ["Yes", "No"]
    assert _cells(rows["Has a good friend"]) == ["No", "Yes"]  # it rose: no flag
    assert _cells(rows["ONS: satisfied with life (0-10)"]) == ["8", "7"]  # one point only: no flag
    anxious = rows['ONS: anxious yesterday (0-10, lower is better) <span class="badge urgent">fell</span>']
    assert _cells(anxious) == ["2", "5"]
    # Each small chart: a review a step across, the score from 0 (at 24) up to 10 (at 4); a fall in red.
    assert '<polyline points="4.0,20.0 116.0,14.0" fill="none" stroke="#b3261e"' in anxious
    satisfied = rows["ONS: satisfied with life (0-10)"]
    assert '<polyline points="4.0,8.0 116.0,10.0" fill="none" stroke="#1f5fa8"' in satisfied


def test_the_record_lists_the_reviews_held_with_their_packs_and_the_next_one(iro):
    child = reviews_answered(iro, 3)
    page = client_for(iro).get(_url(child)).content.decode()
    reviews = list(Review.objects.filter(child=child).order_by("sequence"))
    assert [review.is_held for review in reviews] == [True, True, True, False]
    for review in reviews:
        assert reverse("consultations:pack", args=[review.pk]) in page
    assert "Review 4 · " in page and "PN1: child physically attends and speaks for themselves" in page
    held = page.split('id="held-heading"')[1]
    assert held.index("Review 3") < held.index("Review 2") < held.index("Review 1")  # latest first
    assert "note 2" in page and reverse("feedback:statement_detail", args=[child.statements.latest("pk").pk]) in page


def test_a_child_who_has_not_answered_a_wellbeing_check_gets_a_sentence_not_an_empty_table(child, iro):
    page = client_for(iro).get(_url(child)).content.decode()
    assert "No wellbeing answers yet: they come with the child's form before each review." in page
    assert "wellbeing-table" not in page
    assert "No review held yet." in page and "No messages from the child that you can read." in page


def test_a_manager_may_read_any_childs_record(child, manager):
    assert client_for(manager).get(_url(child)).status_code == 200


def test_nobody_else_finds_the_record_and_an_unknown_child_is_not_found(
    child, child_user, other_child, other_iro, advocate, iro, cicc
):
    social_worker = make_user("sian", Role.SOCIAL_WORKER, email="sian@council.example")
    worker_allocate(child=child, worker=social_worker, kind=WorkerKind.SOCIAL_WORKER, on=date(2025, 9, 8))
    for user in (other_iro, child_user, advocate, social_worker, cicc):
        assert client_for(user).get(_url(child)).status_code == 404, user.role
    assert client_for(iro).get(_url(other_child)).status_code == 404
    assert client_for(iro).get(reverse("consultations:child_record", args=[999999])).status_code == 404
    anonymous = client_for(None).get(_url(child))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_the_read_is_logged_for_the_record_and_each_message_shown(child, child_user, iro):
    statement, _ = statement_submit(author=child_user, child=child, category=Category.SCHOOL, body="hi", channel="web")
    assert client_for(iro).get(_url(child)).status_code == 200
    entries = AccessLogEntry.objects.order_by("what").values_list("user__username", "what", "object_id", "purpose")
    assert list(entries) == [
        ("amara", "child record", str(child.pk), AccessPurpose.CHILD_RECORD),
        ("amara", "statement", str(statement.pk), AccessPurpose.CHILD_RECORD),
    ]
    assert set(AccessLogEntry.objects.values_list("child_id", flat=True)) == {child.pk}


def test_the_inbox_and_the_pack_link_to_the_record(child, child_user, iro):
    statement_submit(author=child_user, child=child, category=Category.SCHOOL, body="hi", channel="web")
    inbox = client_for(iro).get(reverse("feedback:inbox")).content.decode()
    assert f'<a href="{_url(child)}" title="The child\'s record">' in inbox
    review = Review.objects.get(child=child, held_on__isnull=True)
    pack = client_for(iro).get(reverse("consultations:pack", args=[review.pk])).content.decode()
    assert f'<h1>Pre-review pack: <a href="{_url(child)}"' in pack


def test_the_record_costs_the_same_queries_whatever_the_childs_history(iro):
    counts = []
    for number, reviews in enumerate((1, 3, 8)):
        child = reviews_answered(iro, reviews, reference=f"HRD01{number:02d}")
        client = client_for(iro)
        client.get(_url(child))
        with CaptureQueriesContext(connection) as queries:
            page = client.get(_url(child)).content.decode()
        assert page.count("Pack for review") == reviews
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2], counts


def test_a_long_history_shows_the_latest_reviews_answered_and_says_so(iro):
    child = reviews_answered(iro, 8)
    page = client_for(iro).get(_url(child)).content.decode()
    table = page.split('class="wellbeing-table"')[1].split("</thead>")[0]
    assert [f"Review {n}<br>" in table for n in range(1, 9)] == [False, False] + [True] * 6
    assert "The last 6 reviews the child answered" in page
    assert page.count("Pack for review") == 8  # every review held, with its pack


def test_the_iro_sees_only_the_messages_the_child_sent_them_and_a_manager_sees_all(child, child_user, iro, manager):
    social_worker = make_user("sian", Role.SOCIAL_WORKER, email="sian@council.example")
    worker_allocate(child=child, worker=social_worker, kind=WorkerKind.SOCIAL_WORKER, on=date(2025, 9, 8))
    statement_submit(author=child_user, child=child, category=Category.SCHOOL, body="For Amara", channel="web")
    statement_submit(
        author=child_user,
        child=child,
        category=Category.SCHOOL,
        body="Only for my social worker",
        channel="web",
        recipients=["social_worker"],
    )
    for_iro = client_for(iro).get(_url(child)).content.decode()
    assert "For Amara" in for_iro and "Only for my social worker" not in for_iro
    assert "Only for my social worker" in client_for(manager).get(_url(child)).content.decode()
    assert AccessLogEntry.objects.filter(user=iro, what="statement").count() == 1
