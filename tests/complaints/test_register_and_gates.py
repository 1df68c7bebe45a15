"""The register's overdue flags, who sees which complaint (404 for everyone else), and what is told to whom."""

from datetime import date

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AccessLogEntry, AccessPurpose, Role
from complaints.models import Complaint
from complaints.services import complaint_acknowledge, complaint_make
from reviews.models import AdvocacyRequest
from sms.models import OutboundMessage
from tests.complaints.conftest import on
from tests.conftest import client_for, make_user

pytestmark = pytest.mark.usefixtures("pinned_clock")

ALICE_WORDS = "Complaint from Alice: only she, her IRO and the managers may read this."
BOB_WORDS = "Complaint from Bob: only he, his IRO and the managers may read this."


@pytest.fixture
def complaints(child, other_child, manager):
    # Alice's: received Thu 12 Nov 2026, never acknowledged (due Mon 16 Nov), stage 1 due Thu 26 Nov.
    with on(date(2026, 11, 12)):
        alice, _ = complaint_make(child=child, by=child.user, words=ALICE_WORDS, channel="web")
    # Bob's: received Mon 23 Nov 2026 (today), acknowledged at once: nothing overdue.
    bob, _ = complaint_make(child=other_child, by=other_child.user, words=BOB_WORDS, channel="app")
    complaint_acknowledge(complaint=bob, by=manager)
    # Bob's second: received Thu 19 Nov, not acknowledged, due today (Fri 20, Mon 23): on its day, not late.
    with on(date(2026, 11, 19)):
        complaint_make(child=other_child, by=other_child.user, words=BOB_WORDS, channel="sms")
    return {"alice": alice, "bob": bob}


def test_the_register_flags_each_overdue_date_in_working_days(complaints, manager):
    # Today is Mon 23 Nov 2026: the acknowledgement due Mon 16 Nov is 5 working days late (17-20, 23).
    page = client_for(manager).get(reverse("complaints:register")).content.decode()
    assert 'Acknowledgement by Mon 16 Nov 2026 <strong class="over">overdue by 5 working days</strong>' in page
    assert "Stage 1 answer by Thu 26 Nov 2026</div>" in page  # not late yet
    assert "Acknowledgement by Mon 23 Nov 2026</div>" in page  # due today: not late
    assert "1 overdue now." in page
    assert ALICE_WORDS not in page and BOB_WORDS not in page  # the register shows dates, never words
    overdue = client_for(manager).get(reverse("complaints:register") + "?show=overdue").content.decode()
    assert "HRD0001" in overdue and "HRD0002" not in overdue
    # Three days on, stage 1 is late too: Fri 27 Nov is one working day after Thu 26 Nov.
    with on(date(2026, 11, 27)):
        later = client_for(manager).get(reverse("complaints:register")).content.decode()
    assert 'Stage 1 answer by Thu 26 Nov 2026 <strong class="over">overdue by 1 working day</strong>' in later


def test_an_iro_sees_their_caseloads_complaints_read_only(complaints, iro, other_iro):
    register = client_for(iro).get(reverse("complaints:register")).content.decode()
    assert "HRD0001" in register and "HRD0002" not in register
    detail = client_for(iro).get(reverse("complaints:manage_detail", args=[complaints["alice"].pk]))
    assert detail.status_code == 200 and ALICE_WORDS in detail.content.decode()
    assert "Next steps" not in detail.content.decode()
    assert client_for(iro).post(reverse("complaints:acknowledge", args=[complaints["alice"].pk])).status_code == 404
    assert (
        client_for(other_iro).get(reverse("complaints:manage_detail", args=[complaints["alice"].pk])).status_code == 404
    )


def test_a_staff_read_of_the_words_is_written_to_the_access_log(complaints, manager):
    client_for(manager).get(reverse("complaints:manage_detail", args=[complaints["alice"].pk]))
    entry = AccessLogEntry.objects.get(what="complaint")
    assert (entry.user, entry.child, entry.object_id, entry.purpose) == (
        manager,
        complaints["alice"].child,
        str(complaints["alice"].pk),
        AccessPurpose.COMPLAINT,
    )


@pytest.mark.parametrize("role", ["other_child_user", "cicc", "advocate", "admin", "edt"])
def test_everyone_else_gets_404_on_the_web_and_in_the_api(complaints, role, request):
    if role == "admin":
        user = make_user("ada", Role.ADMIN, is_staff=True, is_superuser=True)
    elif role == "edt":
        user = make_user("sam", Role.EDT)
    else:
        user = request.getfixturevalue(role)
    client = client_for(user)
    alice = complaints["alice"].pk
    assert client.get(reverse("complaints:manage_detail", args=[alice])).status_code == 404
    assert client.get(f"/api/v1/complaints/{alice}/").status_code == 404
    listed = client.get("/api/v1/complaints/").content.decode()
    assert ALICE_WORDS not in listed
    if role != "other_child_user":
        assert client.get(reverse("complaints:register")).status_code == 404
        assert client.get(reverse("complaints:mine")).status_code == 404


def test_a_child_sees_only_their_own(complaints, child_user):
    page = client_for(child_user).get(reverse("complaints:mine")).content.decode()
    assert ALICE_WORDS in page and BOB_WORDS not in page
    assert client_for(child_user).get(f"/api/v1/complaints/{complaints['bob'].pk}/").status_code == 404
    assert client_for(child_user).get(reverse("complaints:register")).status_code == 404


def test_the_child_is_texted_without_their_words_and_managers_emailed_only_a_link(
    child, child_user, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(child_user).post(
            reverse("complaints:mine"), {"kind": "complaint", "words": ALICE_WORDS, "advocate_wanted": "on"}
        )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    text = OutboundMessage.objects.get(to=child_user.phone)
    assert "we got your complaint" in text.body
    assert ALICE_WORDS not in text.body and "HRD0001" not in text.body
    complaint_emails = [message for message in mail.outbox if message.subject == "A new complaint in Heard"]
    assert [message.to for message in complaint_emails] == [[manager.email]]
    email = complaint_emails[0]
    assert ALICE_WORDS not in email.body and "HRD0001" not in email.body
    assert f"/manage/complaints/{complaint.pk}/" in email.body
    # Saying yes to an advocate opens a request through the advocacy service (s.26A).
    assert AdvocacyRequest.objects.get(child=child).requested_by == child_user
    # The acknowledgement is texted: the day of the answer and how to get an advocate, still no words.
    with django_capture_on_commit_callbacks(execute=True):
        client_for(manager).post(reverse("complaints:acknowledge", args=[complaint.pk]), {"on": "2026-11-23"})
    acknowledged = OutboundMessage.objects.get(idempotency_key=f"complaint:{complaint.pk}:acknowledged")
    assert acknowledged.body == (
        "Heard: we are looking at what you told us and will answer by Monday 7 December. "
        "An advocate can help you, for free: ask in Heard."
    )


def test_a_manager_records_a_parents_complaint_with_its_received_day(
    child, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(manager).post(
            reverse("complaints:record"),
            {
                "child": child.pk,
                "made_by_relationship": "parent",
                "kind": "complaint",
                "received_on": "2026-11-20",
                "words": "Her mother says contact was cancelled twice.",
            },
        )
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert (complaint.made_by, complaint.recorded_by, complaint.made_by_relationship) == (None, manager, "parent")
    assert (complaint.channel, complaint.received_on) == ("recorded", date(2026, 11, 20))
    # Received Fri 20 Nov 2026: acknowledge by Tue 24 Nov.
    assert complaint.acknowledgement_due == date(2026, 11, 24)
    assert not OutboundMessage.objects.exists()  # a parent's complaint is not texted to the child
    empty = client_for(manager).post(reverse("complaints:record"), {"child": child.pk, "made_by_relationship": "x"})
    assert empty.status_code == 400
    assert Complaint.objects.count() == 1


def test_the_child_form_refuses_empty_and_over_long_words(child_user, child):
    for words in ("", "   ", "x" * 5001):
        response = client_for(child_user).post(reverse("complaints:mine"), {"kind": "complaint", "words": words})
        assert response.status_code == 400
    unknown = client_for(child_user).post(reverse("complaints:mine"), {"kind": "grumble", "words": "hi"})
    assert unknown.status_code == 400
    assert not Complaint.objects.exists()


def test_the_register_and_the_api_list_cost_the_same_queries_however_many_complaints(child, other_child, manager):
    def queries() -> tuple[int, int]:
        client = client_for(manager)
        client.get(reverse("complaints:register"))  # the session and user, read once
        with CaptureQueriesContext(connection) as page:
            assert client.get(reverse("complaints:register") + "?show=all").status_code == 200
        with CaptureQueriesContext(connection) as api:
            assert client.get("/api/v1/complaints/").status_code == 200
        return len(page), len(api)

    complaint_make(child=child, by=child.user, words="one", channel="web")
    few = queries()
    for n in range(5):
        complaint_make(child=other_child, by=other_child.user, words=f"more {n}", channel="web")
    assert queries() == few
