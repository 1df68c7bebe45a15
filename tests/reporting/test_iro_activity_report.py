"""The iro-activity report and its annual report section: every figure against one worked by hand."""

import json
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from reporting.periods import Period
from reporting.reports import report
from reviews.activities import activity_record
from reviews.models import Child, Review
from reviews.services import iro_allocate
from reviews.statutory import add_working_days
from tests.conftest import app_token, client_for, make_child

pytestmark = pytest.mark.usefixtures("pinned_clock")

YEAR = Period(date(2026, 4, 1), date(2027, 3, 31))
# Today, for these tests: Wednesday 20 January 2027. A review held on or before Tuesday 5 January has had
# its 10 working days (5 January + 10 working days = 19 January); one held on the 6th or later has not.
TODAY = datetime(2027, 1, 20, 10, tzinfo=ZoneInfo("Europe/London"))


def _hold(review: Review, held_on: date, met_alone: bool | None = None) -> Review:
    review.held_on, review.participation_code, review.met_child_alone_before = held_on, "PN1", met_alone
    review.save()
    return review


def _another_review(child: Child, held_on: date, met_alone: bool | None = None) -> Review:
    sequence = child.reviews.count() + 1
    return Review.objects.create(
        child=child, sequence=sequence, due_by=held_on, held_on=held_on, participation_code="PN1",
        met_child_alone_before=met_alone,
    )  # fmt: skip


@pytest.fixture
def caseload(pinned_clock, child, iro) -> dict[str, Child]:
    """Four children of Amara's, all in care since 1 September 2025, with what she did for each."""
    pinned_clock.move_to(TODAY)
    children = {"a": child}
    for name, reference in (("b", "HRD0003"), ("c", "HRD0004"), ("d", "HRD0005")):
        children[name] = make_child(reference)
        iro_allocate(child=children[name], iro=iro, allocated_on=date(2025, 9, 3))
    first = {name: Review.objects.get(child=record, sequence=1) for name, record in children.items()}

    def record(name: str, kind: str, on: date, review: Review | None = None, seen_alone: bool = False) -> None:
        activity_record(iro=iro, child=children[name], review=review, kind=kind, on=on, seen_alone=seen_alone)

    # A: held Friday 18 December 2026; seen (not alone) and the report shared before; the plan updated
    # on Wednesday 6 January, the tenth working day after (25 and 28 December and 1 January are bank
    # holidays); visited twice between reviews, once alone.
    a1 = _hold(first["a"], date(2026, 12, 18))
    record("a", "seen_before_review", date(2026, 12, 15), a1)
    record("a", "report_shared", date(2026, 12, 10), a1)
    record("a", "care_plan_updated", date(2027, 1, 6), a1)
    record("a", "visit", date(2026, 10, 5), seen_alone=True)
    record("a", "visit", date(2026, 11, 2))
    # B: held the same day; met alone beforehand, as recorded with the review; the plan updated a day late.
    b1 = _hold(first["b"], date(2026, 12, 18), met_alone=True)
    record("b", "care_plan_updated", date(2027, 1, 7), b1)
    # C: last year's review (met alone, plan updated in time, visited after it); this year's seen alone
    # (recorded so; the review says not met alone), the report shared, no plan update; a midway review.
    c0 = _hold(first["c"], date(2025, 12, 1), met_alone=True)
    record("c", "care_plan_updated", date(2025, 12, 10), c0)
    record("c", "visit", date(2026, 1, 15))
    c1 = _another_review(children["c"], date(2026, 6, 10), met_alone=False)
    record("c", "seen_before_review", date(2026, 6, 9), c1, seen_alone=True)
    record("c", "report_shared", date(2026, 6, 1), c1)
    record("c", "midway_review", date(2026, 9, 1))
    # D: held on 12 January 2027, its 10 working days not over; not seen; the plan already updated.
    d1 = _hold(first["d"], date(2027, 1, 12), met_alone=False)
    record("d", "care_plan_updated", date(2027, 1, 13), d1)
    return children


def _figures(table) -> dict[str, tuple]:
    return {row.label: (row.count, row.base, row.previous_count, row.previous_base) for row in table.rows}


def test_ten_working_days_after_18_december_2026_is_6_january_2027():
    assert add_working_days(date(2026, 12, 18), 10) == date(2027, 1, 6)


def test_the_figures_match_those_worked_by_hand(caseload):
    figures = _figures(report("iro-activity", YEAR))
    assert figures == {
        # Reviews held: A, B, C's second and D this year; C's first the year before.
        "Children seen by their IRO before their review": (3, 4, 1, 1),  # A (recorded), B (met alone), C
        "Children seen on their own before their review": (2, 4, 1, 1),  # B and C; A was seen with others
        "Consultation or report shared with the child or family before the review": (2, 4, 0, 1),  # A and C
        # Base: A, B and C's second (D's 10 working days are not over); only A's in time, across Christmas.
        "Care plan updated within 10 working days of the review": (1, 3, 1, 1),
        # Base: the four children in care during the year.
        "Children visited by their IRO between reviews": (1, 4, 1, 4),
        "Children visited and seen on their own between reviews": (1, 4, 0, 4),
        "Children whose care plan had a midway review": (1, 4, 0, 4),
        "Visits made between reviews": (2, 0, 1, 0),
        "Midway reviews held": (1, 0, 0, 0),
    }
    rows = {row.label: row for row in report("iro-activity", YEAR).rows}
    assert str(rows["Care plan updated within 10 working days of the review"].percent) == "33.3"
    assert rows["Visits made between reviews"].percent is None and rows["Visits made between reviews"].group


def test_a_scope_counts_only_its_own_children(caseload):
    figures = _figures(report("iro-activity", YEAR, Child.objects.filter(pk=caseload["c"].pk)))
    assert figures["Children seen on their own before their review"] == (1, 1, 1, 1)
    assert figures["Care plan updated within 10 working days of the review"] == (0, 1, 1, 1)
    assert figures["Children whose care plan had a midway review"] == (1, 1, 0, 1)
    assert figures["Children visited by their IRO between reviews"] == (0, 1, 1, 1)  # C: last year only
    assert figures["Visits made between reviews"] == (0, 0, 1, 0)


def test_the_command_prints_the_report(caseload):
    out = StringIO()
    call_command("heard_report", "iro-activity", "--from", "2026-04-01", "--to", "2027-03-31", "--format", "json",
                 stdout=out)  # fmt: skip
    rows = {row["label"]: row for row in json.loads(out.getvalue())["rows"]}
    assert (
        rows["Children seen by their IRO before their review"]["count"],
        rows["Children seen by their IRO before their review"]["percent"],
    ) == (3, 75.0)


def test_an_iro_gets_their_own_caseloads_figures_in_the_api_and_on_the_reports_page(caseload, iro, other_iro):
    url = "/api/v1/reports/iro-activity/?from=2026-04-01&to=2027-03-31"
    mine = Client(headers={"X-Session-Token": app_token(iro.username)}).get(url)
    assert mine.status_code == 200
    seen = next(row for row in mine.json()["rows"] if row["label"].startswith("Children seen by"))
    assert (seen["count"], seen["base"]) == (3, 4)
    theirs = Client(headers={"X-Session-Token": app_token(other_iro.username)}).get(url)
    seen = next(row for row in theirs.json()["rows"] if row["label"].startswith("Children seen by"))
    assert (seen["count"], seen["base"]) == (0, 0)
    page = client_for(iro).get(reverse("reporting:reports")).content.decode()
    assert "iro-activity" in page


def test_the_annual_report_has_the_section_on_the_page_and_in_the_pdf(caseload, manager):
    page = client_for(manager).get(reverse("reporting:annual") + "?year=2026").content.decode()
    section = page.split('id="activity"', 1)[1]
    assert "Care plan updated within 10 working days of the review" in section
    assert "75.0%" in section.split("</svg>")[0]  # charted: children seen before their review
    pdf = client_for(manager).get(reverse("reporting:annual_pdf") + "?year=2026")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
