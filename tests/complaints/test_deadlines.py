"""Every date on the statutory clock, across Christmas and Easter, set through the API and the web form.

By hand, with the England and Wales calendar: Fri 25 Dec 2026 is Christmas Day; Sat 26 Dec is Boxing
Day, so Mon 28 Dec is its substitute bank holiday; Fri 1 Jan 2027 is New Year's Day; Easter 2027 is
Good Friday 26 March and Easter Monday 29 March. The day received is not counted (reviews.statutory).
"""

import json
from datetime import date

import pytest
from django.urls import reverse

from complaints.models import Complaint
from tests.complaints.conftest import app_client, on
from tests.conftest import client_for

pytestmark = pytest.mark.usefixtures("pinned_clock")


def step(user, url: str, data: dict | None = None) -> None:
    """A manager's step on a complaint, signed in that day; it must be taken (back to the complaint)."""
    response = client_for(user).post(url, data or {})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"].startswith("/manage/complaints/"), response["Location"]


def test_a_complaint_sent_from_the_app_on_christmas_eve_has_its_dates_across_the_bank_holidays(child, manager):
    # Thu 24 Dec 2026. Working days after it: Tue 29 (1), Wed 30 (2) -> acknowledge by Wed 30 Dec.
    # Stage 1: 29, 30, 31 Dec, 4, 5, 6, 7, 8, 11, 12 Jan (New Year's Day skipped) -> Tue 12 Jan 2027.
    # Extended to 20: 13, 14, 15, 18, 19, 20, 21, 22, 25, 26 Jan -> Tue 26 Jan 2027.
    with on(date(2026, 12, 24)):
        response = app_client("alice").post(
            "/api/v1/complaints/",
            json.dumps({"words": "My placement moved me without asking me.", "kind": "complaint"}),
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["received_on"] == "2026-12-24"
    assert body["acknowledgement_due"] == "2026-12-30"
    assert body["stage1_due"] == "2027-01-12"
    assert body["stage1_extended_due"] is None

    complaint = Complaint.objects.get(pk=body["id"])
    with on(date(2027, 1, 6)):
        step(manager, reverse("complaints:stage1_extend", args=[complaint.pk]))
    complaint.refresh_from_db()
    assert complaint.stage1_extended_due == date(2027, 1, 26)
    with on(date(2027, 1, 6)):
        detail = app_client("alice").get(f"/api/v1/complaints/{complaint.pk}/")
    assert detail.json()["stage1_extended_due"] == "2027-01-26"


def test_a_complaint_made_on_the_web_form_before_easter_has_its_dates_across_good_friday_and_easter_monday(
    child, child_user, manager
):
    # Thu 18 Mar 2027. Stage 1: 19, 22, 23, 24, 25, 30, 31 Mar, 1, 2, 5 Apr -> Mon 5 Apr 2027.
    # Extended: 6, 7, 8, 9, 12, 13, 14, 15, 16, 19 Apr -> Mon 19 Apr 2027. Acknowledge by Mon 22 Mar.
    with on(date(2027, 3, 18)):
        response = client_for(child_user).post(
            reverse("complaints:mine"), {"kind": "complaint", "words": "Nobody came to my review."}
        )
        assert response.status_code == 302
        page = client_for(child_user).get(reverse("complaints:mine")).content.decode()
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.made_by, complaint.made_by_relationship) == ("web", child_user, "child")
    assert complaint.acknowledgement_due == date(2027, 3, 22)
    assert complaint.stage1_due == date(2027, 4, 5)
    # The child reads the day in plain words.
    assert "We will answer by Monday 5 April." in page
    assert "We got it. Someone will be in touch by Monday 22 March." in page

    with on(date(2027, 3, 31)):
        step(manager, reverse("complaints:stage1_extend", args=[complaint.pk]))
        page = client_for(child_user).get(reverse("complaints:mine")).content.decode()
    complaint.refresh_from_db()
    assert complaint.stage1_extended_due == date(2027, 4, 19)
    assert "We need a bit longer to look into it. We will answer by Monday 19 April." in page


def test_stage_2_and_3_dates_run_from_each_request_across_the_may_bank_holiday(child, manager):
    # Stage 1 answered Fri 23 Apr 2027; stage 2 asked Tue 27 Apr: 25 working days on, skipping Mon 3 May
    # and Mon 31 May -> 28, 29, 30 Apr (3), 4-7 (7), 10-14 (12), 17-21 (17), 24-28 May (22), 1, 2, 3 Jun
    # -> Thu 3 Jun 2027. Extended to 65 -> Thu 29 Jul 2027 (40 more: 8 whole weeks from Thu 3 Jun).
    with on(date(2027, 4, 20)):
        client_for(child.user).post(reverse("complaints:mine"), {"kind": "complaint", "words": "Contact was cut."})
    complaint = Complaint.objects.get()
    with on(date(2027, 4, 23)):
        step(
            manager,
            reverse("complaints:stage1_respond", args=[complaint.pk]),
            {"outcome": "not_upheld", "on": "2027-04-23"},
        )
    with on(date(2027, 4, 27)):
        step(manager, reverse("complaints:stage2_request", args=[complaint.pk]), {"on": "2027-04-27"})
        step(manager, reverse("complaints:stage2_extend", args=[complaint.pk]))
    complaint.refresh_from_db()
    assert complaint.stage2_due == date(2027, 6, 3)
    assert complaint.stage2_extended_due == date(2027, 7, 29)
    assert complaint.closed_at is None

    # Stage 2 answered Fri 23 Jul; a panel asked Mon 26 Jul: 30 working days on (Mon 30 Aug is the
    # summer bank holiday) -> Tue 7 Sep 2027. Panel held Wed 1 Sep: findings by Wed 8 Sep, response by Wed 29 Sep.
    with on(date(2027, 7, 23)):
        step(
            manager,
            reverse("complaints:stage2_respond", args=[complaint.pk]),
            {"outcome": "partly_upheld", "on": "2027-07-23"},
        )
    with on(date(2027, 7, 26)):
        step(manager, reverse("complaints:stage3_request", args=[complaint.pk]), {"on": "2027-07-26"})
    with on(date(2027, 9, 1)):
        step(manager, reverse("complaints:stage3_panel_held", args=[complaint.pk]), {"on": "2027-09-01"})
    complaint.refresh_from_db()
    assert complaint.stage3_panel_due == date(2027, 9, 7)
    assert complaint.stage3_findings_due == date(2027, 9, 8)
    assert complaint.stage3_response_due == date(2027, 9, 29)
    with on(date(2027, 9, 20)):
        step(
            manager,
            reverse("complaints:stage3_respond", args=[complaint.pk]),
            {"outcome": "upheld", "on": "2027-09-20"},
        )
    complaint.refresh_from_db()
    assert (complaint.stage, complaint.final_outcome, complaint.is_open) == (3, "upheld", False)
