"""The complaints report and the annual report's section, on fixed data with every figure worked by hand."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from complaints.services import (
    complaint_acknowledge,
    complaint_make,
    complaint_withdraw,
    stage1_extend,
    stage1_respond,
    stage2_request,
    stage2_respond,
)
from tests.complaints.conftest import on
from tests.conftest import client_for

pytestmark = pytest.mark.usefixtures("pinned_clock")

WORDS = "Words that never appear in a report."


def _make(child, received: date, kind: str = "complaint"):
    with on(received):
        return complaint_make(child=child, by=child.user, words=WORDS, kind=kind, channel="web")[0]


@pytest.fixture
def a_year_of_complaints(child, other_child, manager):
    """Reporting year 2026-27 (A, B, C, E) and the year before (D); the report is read on Thu 10 Dec 2026."""
    # D, last year: received Fri 20 Mar 2026, acknowledged Mon 23 Mar (due Tue 24), answered Thu 2 Apr
    # (due Tue 7 Apr: Good Friday and Easter Monday skipped), not upheld.
    d = _make(child, date(2026, 3, 20))
    with on(date(2026, 4, 2)):
        complaint_acknowledge(complaint=d, by=manager, on=date(2026, 3, 23))
        stage1_respond(complaint=d, by=manager, outcome="not_upheld")
    # A: received Mon 2 Nov, acknowledged Tue 3 Nov (due Wed 4), answered Fri 13 Nov (due Mon 16), not upheld;
    # stage 2 asked Mon 16 Nov (due Mon 21 Dec), answered Wed 9 Dec, upheld.
    a = _make(child, date(2026, 11, 2))
    with on(date(2026, 11, 16)):
        complaint_acknowledge(complaint=a, by=manager, on=date(2026, 11, 3))
        stage1_respond(complaint=a, by=manager, outcome="not_upheld", on=date(2026, 11, 13))
        stage2_request(complaint=a, by=child.user)
    with on(date(2026, 12, 9)):
        stage2_respond(complaint=a, by=manager, outcome="upheld")
    # B: received Mon 9 Nov, acknowledged Thu 12 Nov (due Wed 11: late), extended (due Mon 7 Dec, not
    # Mon 23 Nov), answered Fri 4 Dec, partly upheld.
    b = _make(other_child, date(2026, 11, 9))
    with on(date(2026, 12, 4)):
        complaint_acknowledge(complaint=b, by=manager, on=date(2026, 11, 12))
        stage1_extend(complaint=b, by=manager)
        stage1_respond(complaint=b, by=manager, outcome="partly_upheld")
    # C: a representation received Tue 17 Nov, never acknowledged (due Thu 19 Nov), stage 1 due Tue 1 Dec: overdue.
    _make(other_child, date(2026, 11, 17), kind="representation")
    # E: received Wed 18 Nov, acknowledged that day, then withdrawn.
    e = _make(child, date(2026, 11, 18))
    with on(date(2026, 11, 18)):
        complaint_acknowledge(complaint=e, by=manager)
        complaint_withdraw(complaint=e, by=child.user)


def _rows(output: str) -> dict[str, tuple]:
    table = json.loads(output)
    return {
        row["label"]: (row["count"], row["base"], row["previous_count"], row["previous_base"]) for row in table["rows"]
    }


def test_the_complaints_report_counts_each_stage_and_its_timeliness(a_year_of_complaints):
    out = StringIO()
    with on(date(2026, 12, 10)):
        call_command(
            "heard_report", "complaints", "--from", "2026-04-01", "--to", "2027-03-31", "--format", "json", stdout=out
        )
    assert WORDS not in out.getvalue() and "HRD000" not in out.getvalue()
    rows = _rows(out.getvalue())
    assert rows["Complaints"] == (3, 4, 1, 1)  # A, B, E of A, B, C, E; D last year
    assert rows["Representations (views or suggestions, not complaints)"] == (1, 4, 0, 1)
    assert rows["Acknowledged within 2 working days"] == (2, 4, 1, 1)  # A and E; B late, C never
    assert rows["Stage 1 answered within 10 working days"] == (1, 2, 1, 1)  # A of A and B (E withdrew)
    assert rows["Stage 1 answered within 20 working days (extended)"] == (2, 2, 1, 1)  # and B, extended
    assert rows["Stage 1 extended"] == (1, 4, 0, 1)
    assert rows["Went to stage 2 (investigation)"] == (1, 3, 0, 1)
    assert rows["Stage 2 answered within 25 working days"] == (1, 1, 0, 0)
    assert rows["Went to stage 3 (review panel)"] == (0, 3, 0, 1)
    assert rows["Review panels held within 30 working days"] == (0, 0, 0, 0)
    # Outcomes of the last stage answered: A upheld (stage 2), B partly upheld, E withdrawn; D not upheld.
    assert rows["Upheld"] == (1, 3, 0, 1)
    assert rows["Partly upheld"] == (1, 3, 0, 1)
    assert rows["Withdrawn"] == (1, 3, 0, 1)
    assert rows["Not upheld"] == (0, 3, 1, 1)
    assert rows["Resolved"] == (0, 3, 0, 1)
    # Now (Thu 10 Dec 2026): only C is open, and it is overdue.
    assert rows["Open now"][:2] == (1, 1)
    assert rows["Overdue now"][:2] == (1, 1)


def test_the_reports_page_and_the_annual_report_carry_the_complaints_figures(a_year_of_complaints, manager, iro):
    with on(date(2026, 12, 10)):
        page = client_for(manager).get(reverse("reporting:reports") + "?from=2026-04-01&to=2027-03-31").content.decode()
        annual = client_for(manager).get(reverse("reporting:annual") + "?year=2026").content.decode()
        # An IRO's reports count only their own caseload's (Alice's: A and E).
        own = client_for(iro).get(
            reverse("reporting:report_csv", args=["complaints"]) + "?from=2026-04-01&to=2027-03-31"
        )
    assert "Complaints and representations" in page and WORDS not in page
    section = annual.split('id="complaints"')[1].split("</section>")[0]
    assert (
        '<th scope="row">Acknowledged within 2 working days</th><td class="num">2 of 4 (50.0%)</td>'
        '<td class="num">1 of 1 (100.0%)</td>' in section
    )
    assert "<svg" in section and "50.0%" in section  # the timeliness rows charted
    assert WORDS not in annual
    assert "Received,Complaints,2,2,100.0" in own.content.decode()
