"""The reports as pages: the contents, one report to a page, the period picker, and figures for an IRO team."""

import csv
import io
import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, Team
from reporting.reports import MANAGER_ONLY, REPORTS
from reviews.models import Review
from reviews.services import iro_allocate
from tests.conftest import client_for, make_child, make_user, problem_fields

YEAR = "from=2025-04-01&to=2026-03-31"


@pytest.fixture
def teams(manager, iro, other_iro, child, other_child):
    """Two teams, a child in each: Alice (Amara's, PN1) in North, Bob (Ben's, PN7) in South; both reviewed
    on 20 September 2025."""
    for record, code in ((child, "PN1"), (other_child, "PN7")):
        Review.objects.filter(child=record).update(held_on=date(2025, 9, 20), participation_code=code)
    north = Team.objects.create(name="North", manager=manager)
    north.members.set([iro])
    south = Team.objects.create(name="South")
    south.members.set([other_iro])
    return north, south


def _linked(page) -> list[str]:
    """The reports the contents link to (the annual report's link sits above them)."""
    contents = page.content.decode().split('class="report-contents"')[1]
    return re.findall(r'href="/reports/([a-z0-9-]+)/"', contents)


def test_the_contents_list_exactly_the_reports_each_may_see(manager, iro):
    assert sorted(_linked(client_for(manager).get(reverse("reporting:reports")))) == sorted(REPORTS)
    mine = _linked(client_for(iro).get(reverse("reporting:reports")))
    assert sorted(mine) == sorted(set(REPORTS) - MANAGER_ONLY)


@pytest.mark.parametrize("who", ["child_user", "advocate", "cicc"])
def test_no_one_else_has_contents_or_a_report_page(request, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("reporting:reports")).status_code == 404
    assert client.get(reverse("reporting:report", args=["participation"])).status_code == 404


@pytest.mark.usefixtures("pinned_clock")
@pytest.mark.parametrize("name", sorted(REPORTS))
def test_every_report_page_opens_for_a_manager(manager, teams, name):
    page = client_for(manager).get(reverse("reporting:report", args=[name]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "All reports" in html and f"/reports/{name}.csv?" in html
    # The picker's quick choices, worked out from the pinned day (23 November 2026).
    assert "from=2026-04-01&amp;to=2027-03-31" in html  # this reporting year
    assert "from=2025-04-01&amp;to=2026-03-31" in html  # last reporting year
    assert "from=2026-07-01&amp;to=2026-09-30" in html  # last quarter


def test_an_unknown_report_or_one_for_managers_only_is_404(manager, iro):
    assert client_for(manager).get(reverse("reporting:report", args=["everything"])).status_code == 404
    assert client_for(iro).get(reverse("reporting:report", args=["service-feedback-by-iro"])).status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from=2025-02-30&to=2026-01-01", "is not a date"),
        ("from=2026-04-01&to=2025-04-01", "must end on or after the day it starts"),
        ("from=2025-04-01", "Give both"),
        ("team=99999", "There is no team"),
        ("team=north", "There is no team"),
    ],
)
def test_a_bad_period_or_team_is_a_400_with_the_picker_still_shown(manager, query, message):
    page = client_for(manager).get(reverse("reporting:report", args=["participation"]) + "?" + query)
    html = page.content.decode()
    assert page.status_code == 400
    assert message in html and 'role="alert"' in html
    assert 'name="from"' in html and 'name="to"' in html and "Last reporting year" in html
    assert "<table" not in html  # no figures for a period that is not one


def _participation(client, query: str) -> dict[str, tuple[int, int]]:
    rows = client.get(f"/api/v1/reports/participation/?{query}").json()["rows"]
    return {row["label"][:3]: (row["count"], row["base"]) for row in rows}


def test_a_team_counts_only_the_children_of_its_iros(manager, teams):
    north, south = teams
    client = client_for(manager)
    # By hand: North is Amara's Alice alone (PN1), South Ben's Bob alone (PN7); the council has both.
    council = _participation(client, YEAR)
    assert (council["PN1"], council["PN7"]) == ((1, 2), (1, 2))
    in_north = _participation(client, f"{YEAR}&team={north.pk}")
    assert (in_north["PN1"], in_north["PN7"]) == ((1, 1), (0, 1))
    in_south = _participation(client, f"{YEAR}&team={south.pk}")
    assert (in_south["PN1"], in_south["PN7"]) == ((0, 1), (1, 1))
    page = client.get(reverse("reporting:report", args=["participation"]) + f"?{YEAR}&team={south.pk}").content
    assert "the <strong>South</strong> team" in page.decode()
    # Each row's count, out of, %: PN1 row reads 0 of 1 for South.
    assert re.search(r"PN1: came to the review[^<]*</th><td[^>]*>0</td><td[^>]*>1</td>", page.decode())


def test_a_team_is_the_iros_on_the_periods_last_day(manager, iro, other_iro, teams):
    north, _ = teams
    # Carl came into care in 2025 with Ben (South) and moved to Amara (North) in January 2026.
    carl = make_child("HRD0003", looked_after=date(2025, 5, 1))
    first = iro_allocate(child=carl, iro=other_iro, allocated_on=date(2025, 5, 2))
    first.ended_on = date(2026, 1, 9)
    first.save()
    iro_allocate(child=carl, iro=iro, allocated_on=date(2026, 1, 10))
    Review.objects.filter(child=carl).update(held_on=date(2025, 8, 1), participation_code="PN5")
    client = client_for(manager)
    # At 31 March 2026 Carl is North's: North counts Alice (PN1) and Carl (PN5), 2 reviews.
    assert _participation(client, f"{YEAR}&team={north.pk}")["PN5"] == (1, 2)
    # At 31 December 2025 he was Ben's: North counts Alice alone.
    assert _participation(client, f"from=2025-04-01&to=2025-12-31&team={north.pk}")["PN5"] == (0, 1)


def test_an_iro_cannot_choose_a_team(iro, teams):
    north, _ = teams
    client = client_for(iro)
    page = client.get(reverse("reporting:report", args=["participation"]) + f"?team={north.pk}")
    assert page.status_code == 400 and "Only a manager chooses a team" in page.content.decode()
    assert client.get(reverse("reporting:report_csv", args=["participation"]) + f"?team={north.pk}").status_code == 400
    response = client.get(f"/api/v1/reports/participation/?team={north.pk}")
    assert response.status_code == 400 and "team" in problem_fields(response)


def test_the_api_names_the_team_field_for_an_unknown_team(manager):
    response = client_for(manager).get("/api/v1/reports/participation/?team=424242")
    assert response.status_code == 400 and "team" in problem_fields(response)


def test_the_csv_for_a_team(manager, teams):
    _, south = teams
    response = client_for(manager).get(
        reverse("reporting:report_csv", args=["participation"]) + f"?{YEAR}&team={south.pk}"
    )
    assert response["Content-Type"] == "text/csv"
    assert f"participation-2025-04-01-2026-03-31-team-{south.pk}.csv" in response["Content-Disposition"]
    rows = {row[1][:3]: row[2:5] for row in csv.reader(io.StringIO(response.content.decode()))}
    assert rows["Wha"] == ["Number", "Out of", "%"]
    assert rows["PN1"] == ["0", "1", "0.0"] and rows["PN7"] == ["1", "1", "100.0"]  # Bob alone: PN7, 1 of 1


def test_the_command_takes_a_team(teams):
    north, _ = teams
    out = StringIO()
    call_command("heard_report", "participation", "--from", "2025-04-01", "--to", "2026-03-31",
                 "--team", str(north.pk), "--format", "csv", stdout=out)  # fmt: skip
    rows = {row[1][:3]: row[2:4] for row in csv.reader(io.StringIO(out.getvalue()))}
    assert rows["PN1"] == ["1", "1"] and rows["PN7"] == ["0", "1"]  # Alice alone
    with pytest.raises(CommandError, match="--team"):
        call_command("heard_report", "participation", "--team", "424242", stdout=StringIO())


def _queries(client, name: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reporting:report", args=[name]) + f"?{YEAR}").status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["participation", "timeliness", "service-feedback-by-iro"])
def test_a_report_page_costs_the_same_queries_for_more_children(manager, teams, name):
    client = client_for(manager)
    few = _queries(client, name)
    for number in range(3, 9):
        record = make_child(f"HRD{number:04d}")
        iro_allocate(child=record, iro=make_user(f"iro{number}", Role.IRO), allocated_on=date(2025, 9, 3))
        Review.objects.filter(child=record).update(held_on=date(2025, 9, 20), participation_code="PN6")
    assert _queries(client, name) == few
