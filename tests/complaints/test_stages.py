"""The rules between stages, through the manager's pages: one extension, escalation windows, representations."""

from datetime import date

import pytest
from django.urls import reverse

from complaints.models import Complaint
from complaints.services import complaint_make, stage1_respond
from tests.complaints.conftest import on
from tests.conftest import client_for

pytestmark = pytest.mark.usefixtures("pinned_clock")


def _made(child, *, received: date, kind: str = "complaint") -> Complaint:
    with on(received):
        complaint, _ = complaint_make(child=child, by=child.user, words="It's not fair.", kind=kind, channel="web")
    return complaint


def test_stage_1_is_extended_once_and_a_second_extension_is_refused_clearly(child, manager):
    complaint = _made(child, received=date(2026, 11, 23))
    url = reverse("complaints:stage1_extend", args=[complaint.pk])
    assert client_for(manager).post(url).status_code == 302
    again = client_for(manager).post(url)
    assert again.status_code == 400
    assert "already extended once" in again.content.decode()
    complaint.refresh_from_db()
    # Received Mon 23 Nov 2026: 20 working days on is Mon 21 Dec 2026 (no bank holiday between).
    assert complaint.stage1_extended_due == date(2026, 12, 21)


def test_stage_2_is_refused_after_20_working_days_from_the_stage_1_answer(child, manager):
    complaint = _made(child, received=date(2027, 4, 1))
    with on(date(2027, 4, 23)):
        stage1_respond(complaint=complaint, by=manager, outcome="not_upheld")
    # Answered Fri 23 Apr 2027: 20 working days on, skipping Mon 3 May, is Mon 24 May 2027.
    with on(date(2027, 5, 25)):
        late = client_for(manager).post(reverse("complaints:stage2_request", args=[complaint.pk]), {"on": "2027-05-25"})
    assert late.status_code == 400
    assert "within 20 working days of the stage 1 answer, that is by Monday 24 May 2027" in late.content.decode()
    complaint.refresh_from_db()
    assert complaint.stage2_requested_on is None
    with on(date(2027, 5, 25)):
        # Asked on the last day, and recorded a day later: in time.
        in_time = client_for(manager).post(
            reverse("complaints:stage2_request", args=[complaint.pk]), {"on": "2027-05-24"}
        )
    assert in_time.status_code == 302
    complaint.refresh_from_db()
    assert (complaint.stage, complaint.is_open) == (2, True)


def test_a_representation_is_answered_at_stage_1_and_goes_no_further(child, manager):
    representation = _made(child, received=date(2026, 11, 23), kind="representation")
    with on(date(2026, 11, 25)):
        stage1_respond(complaint=representation, by=manager, outcome="resolved")
        refused = client_for(manager).post(
            reverse("complaints:stage2_request", args=[representation.pk]), {"on": "2026-11-25"}
        )
    assert refused.status_code == 400
    assert "only a complaint goes on to stage 2" in refused.content.decode()


def test_bad_step_inputs_get_the_page_again_with_the_reason(child, manager):
    complaint = _made(child, received=date(2026, 11, 23))
    answer = reverse("complaints:stage1_respond", args=[complaint.pk])
    for data in ({"outcome": "maybe", "on": "2026-11-23"}, {"outcome": "upheld", "on": "not a day"}, {}):
        response = client_for(manager).post(answer, data)
        assert response.status_code == 400, data
    future = client_for(manager).post(answer, {"outcome": "upheld", "on": "2030-01-01"})
    assert future.status_code == 400
    assert "That day has not come yet." in future.content.decode()
    complaint.refresh_from_db()
    assert complaint.stage1_responded_on is None


def test_withdrawing_closes_it_at_its_stage(child, manager):
    complaint = _made(child, received=date(2026, 11, 23))
    assert client_for(manager).post(reverse("complaints:withdraw", args=[complaint.pk])).status_code == 302
    complaint.refresh_from_db()
    assert (complaint.stage1_outcome, complaint.is_open) == ("withdrawn", False)
    page = client_for(child.user).get(reverse("complaints:mine")).content.decode()
    assert "You took this back." in page


def test_the_child_asks_for_the_next_stage_from_their_page_in_time(child, child_user, manager):
    complaint = _made(child, received=date(2026, 11, 2))
    with on(date(2026, 11, 13)):
        stage1_respond(complaint=complaint, by=manager, outcome="not_upheld")
    escalate = reverse("complaints:my_escalate", args=[complaint.pk])
    with on(date(2026, 11, 20)):
        page = client_for(child_user).get(reverse("complaints:mine")).content.decode()
        # Answered Fri 13 Nov 2026: 20 working days on is Fri 11 Dec 2026.
        assert "You can ask for someone else to look at it until Friday 11 December." in page
        assert client_for(child_user).post(escalate).status_code == 302
    complaint.refresh_from_db()
    # Asked Fri 20 Nov: stage 2 due 25 working days on, Fri 25 Dec and Mon 28 Dec skipped -> Tue 29 Dec 2026.
    assert (complaint.stage2_requested_on, complaint.stage2_due) == (date(2026, 11, 20), date(2026, 12, 29))
    # Asking again is refused kindly; another child cannot even see it.
    with on(date(2026, 11, 20)):
        again = client_for(child_user).post(escalate, follow=True).content.decode()
    assert "You can&#x27;t ask for that now." in again


def test_the_child_cannot_ask_for_the_next_stage_after_the_window(child, child_user, other_child_user, manager):
    complaint = _made(child, received=date(2026, 11, 2))
    with on(date(2026, 11, 13)):
        stage1_respond(complaint=complaint, by=manager, outcome="not_upheld")
    with on(date(2026, 12, 14)):
        assert (
            client_for(other_child_user).post(reverse("complaints:my_escalate", args=[complaint.pk])).status_code == 404
        )
        page = client_for(child_user).get(reverse("complaints:mine")).content.decode()
        assert "Ask for someone else to look at it" not in page
        client_for(child_user).post(reverse("complaints:my_escalate", args=[complaint.pk]))
    complaint.refresh_from_db()
    assert complaint.stage2_requested_on is None
