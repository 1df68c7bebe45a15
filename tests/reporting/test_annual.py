"""The IRO annual report: every section, charts drawn on the server, and a real PDF."""

from datetime import date

import pytest
from django.urls import reverse

from reviews.models import Review
from tests.conftest import client_for


@pytest.fixture
def a_year(child, other_child):
    for record, code in ((child, "PN1"), (other_child, "PN6")):
        Review.objects.filter(child=record).update(held_on=date(2025, 9, 20), participation_code=code)


def test_the_annual_report_page_has_every_heading_and_charts(a_year, manager):
    page = client_for(manager).get(reverse("reporting:annual") + "?year=2025").content.decode()
    for heading in (
        "The IRO service", "Participation of children in their reviews", "Participation of parents",
        "Timeliness of reviews and IRO allocation", "Consultation before reviews", "Dispute resolution",
        "Service-user feedback",
    ):  # fmt: skip
        assert heading in page
    assert "<svg" in page and "50.0%" in page  # PN1 and PN6 each half of the two reviews
    assert "<script" not in page.split("<main")[1].split("</main>")[0]  # the charts are drawn by the server


def test_the_annual_report_downloads_as_a_pdf(a_year, manager):
    response = client_for(manager).get(reverse("reporting:annual_pdf") + "?year=2025")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 5000


def test_only_managers_get_the_annual_report_and_a_bad_year_is_a_clear_400(iro, cicc, manager):
    for user in (iro, cicc):
        assert client_for(user).get(reverse("reporting:annual")).status_code == 404
        assert client_for(user).get(reverse("reporting:annual_pdf")).status_code == 404
    assert client_for(manager).get(reverse("reporting:annual") + "?year=next").status_code == 400
