"""Harm told outside a message (a complaint, a form, feedback, asking for an advocate) raises an alert too.

Each through its real entry point: the child's pages, the app, the signed SMS webhook, links without
an account, and a manager recording a parent's complaint. The words are kept as a statement to the
IRO marked with where they were found, so the one safeguarding path (alert, escalation, duty team)
carries them; the child sees the crisis help where they wrote.
"""

import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from complaints.models import Complaint
from consultations.models import ChildContact, Invitation, Response
from consultations.services import forms_sync_from_files, invitations_create_for_review
from feedback.models import SafeguardingAlert, ServiceFeedback, Statement
from reporting.models import StatementTheme
from reporting.periods import Period
from reporting.reports import statements as statements_report
from reviews.models import AdvocacyRequest, Review
from reviews.services import review_record_held
from sms.transport import ConsoleTransport
from tests.complaints.conftest import app_client
from tests.conftest import client_for
from tests.sms.conftest import twilio  # noqa: F401 (the fixture: Twilio configured, faked at its HTTP edge)
from tests.sms.test_inbound import text

pytestmark = pytest.mark.usefixtures("pinned_clock")

LONDON = ZoneInfo("Europe/London")
DISCLOSURE = "They stopped my phone because my foster dad hits me when I complain"
BENIGN = "My pocket money stopped and nobody told me why"
CHILDLINE_LINK = 'href="tel:08001111"'


def _found(found_in: str) -> Statement:
    statement = Statement.objects.get(found_in=found_in)
    assert statement.is_urgent and statement.category == "something_else"
    assert statement.urgent_reasons and all(reason.startswith("phrase: ") for reason in statement.urgent_reasons)
    return statement


def test_a_disclosure_in_a_complaint_on_the_web_raises_an_alert_and_shows_the_crisis_help(
    child, child_user, iro, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(child_user).post(
            reverse("complaints:mine"), {"kind": "complaint", "words": DISCLOSURE}, follow=True
        )
    assert response.status_code == 200
    complaint = Complaint.objects.get()
    statement = _found("complaint")
    assert (statement.found_in_pk, statement.author, statement.body, statement.routed_to) == (
        complaint.pk,
        child_user,
        DISCLOSURE,
        iro,
    )
    alert = SafeguardingAlert.objects.get(statement=statement)
    assert alert.assigned_to == iro
    # The IRO is told by email, with a link and no words, as for any alert.
    assert any("alert" in message.subject.lower() and DISCLOSURE not in message.body for message in mail.outbox)
    page = response.content.decode()
    assert CHILDLINE_LINK in page and 'href="tel:999"' in page
    # The IRO's message page says the words were not a message and where they came from.
    detail = client_for(iro).get(reverse("feedback:statement_detail", args=[statement.pk])).content.decode()
    assert "written in a complaint" in detail and DISCLOSURE in detail
    # The child sees their own words, said where they wrote them.
    mine = client_for(child_user).get(reverse("feedback:my_statements")).content.decode()
    assert "From your complaint" in mine


def test_a_complaint_without_harm_raises_nothing_and_shows_no_crisis_help(child, child_user):
    response = client_for(child_user).post(
        reverse("complaints:mine"), {"kind": "complaint", "words": BENIGN}, follow=True
    )
    assert response.status_code == 200 and Complaint.objects.count() == 1
    assert not Statement.objects.exists() and not SafeguardingAlert.objects.exists()
    assert CHILDLINE_LINK not in response.content.decode()


def test_words_refused_for_a_complaint_raise_no_alert_and_store_nothing(child, child_user):
    too_long = DISCLOSURE + " " + "x" * 5000
    response = client_for(child_user).post(reverse("complaints:mine"), {"kind": "complaint", "words": too_long})
    assert response.status_code == 400
    assert not Complaint.objects.exists() and not Statement.objects.exists()


def test_the_app_answers_a_complaint_that_discloses_with_the_crisis_help_and_a_retry_too(child):
    client = app_client("alice")

    def post(words: str, key: str):
        body = json.dumps({"words": words})
        return client.post(
            "/api/v1/complaints/", body, content_type="application/json", headers={"Idempotency-Key": key}
        )

    made = post(DISCLOSURE, "k-1")
    assert made.status_code == 201
    assert made.json()["crisis_help"]["numbers"][0]["number"] == "999"
    again = post(DISCLOSURE, "k-1")
    assert again.json()["crisis_help"] is not None and again.json()["id"] == made.json()["id"]
    assert SafeguardingAlert.objects.count() == 1
    assert _found("complaint").channel == "app"
    assert post(BENIGN, "k-2").json()["crisis_help"] is None


def test_a_complaint_by_text_that_discloses_raises_an_alert_and_texts_the_crisis_help(client, child, iro):
    status, asked = text(client, "COMPLAIN")
    assert status == 200 and "If you tell us you might not be safe" in asked
    status, reply = text(client, DISCLOSURE)
    assert status == 200 and "we got your complaint" in reply
    assert "0800 1111" in reply and DISCLOSURE not in reply
    statement = _found("complaint")
    assert (statement.channel, statement.routed_to) == ("sms", iro)
    assert SafeguardingAlert.objects.filter(statement=statement).exists()


def test_a_parents_complaint_recorded_by_a_manager_alerts_but_the_child_never_sees_the_parents_words(
    child, child_user, manager, django_capture_on_commit_callbacks
):
    words = "Her mum rang: she says the carer's son hits me and my sister, she was told"
    with django_capture_on_commit_callbacks(execute=True):
        recorded = client_for(manager).post(
            reverse("complaints:record"),
            {
                "child": child.pk,
                "made_by_relationship": "parent",
                "kind": "complaint",
                "received_on": "2026-11-20",
                "words": words,
            },
        )
    assert recorded.status_code == 302
    statement = _found("complaint")
    assert statement.author == manager
    assert SafeguardingAlert.objects.filter(statement=statement).exists()
    child_client = client_for(child_user)
    assert words not in child_client.get(reverse("feedback:my_statements")).content.decode()
    assert child_client.get(reverse("feedback:my_statement", args=[statement.pk])).status_code == 404
    staff_page = client_for(manager).get(reverse("feedback:statement_detail", args=[statement.pk])).content.decode()
    assert (
        "recorded by" in staff_page and reverse("complaints:manage_detail", args=[statement.found_in_pk]) in staff_page
    )
    assert not ConsoleTransport.sent  # nothing about a parent's complaint is texted to the child


@pytest.fixture
def review(child):
    forms_sync_from_files()
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = date(2027, 1, 6)
    review.save()
    return review


def test_a_disclosure_in_a_childs_consultation_form_alerts_and_the_thank_you_shows_the_crisis_help(
    review, child_user, iro, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitations_create_for_review(review=review)
    invitation = Invitation.objects.get(review=review, contact__isnull=True)
    url = reverse("consultations:mine_detail_send", args=[invitation.pk])
    # "Not shared" answers are read for harm too: a disclosure is never kept back.
    answers = {"q_home_feeling": "sad", "q_worries": "Nothing really", "q_not_shared": "my foster dad hits me"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(child_user).post(url, answers)
    assert response.status_code == 200 and CHILDLINE_LINK in response.content.decode()
    statement = _found("consultation")
    assert statement.found_in_pk == Response.objects.get(invitation=invitation).pk
    assert statement.author == child_user and statement.routed_to == iro
    # Only the answer that holds the harm, under its question; not the rest of the form.
    assert "my foster dad hits me" in statement.body and "Nothing really" not in statement.body
    assert SafeguardingAlert.objects.filter(statement=statement).exists()


def test_a_parents_form_by_link_alerts_with_no_account_and_shows_no_child_crisis_help(
    review, child, client, django_capture_on_commit_callbacks
):
    ChildContact.objects.create(child=child, role="parent", name="Sam Parent", email="sam@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        invitations_create_for_review(review=review)
    link = re.search(r"(/c/\S+/)", next(m for m in mail.outbox if m.to == ["sam@example.org"]).body).group(1)
    answers = {"q_how_child_is": "She told me he hits me when mum is out, she said it like that"}
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(link + "send/", answers)
    assert sent.status_code == 200 and CHILDLINE_LINK not in sent.content.decode()
    statement = _found("consultation")
    assert statement.author is None and statement.channel == "web"
    assert SafeguardingAlert.objects.filter(statement=statement).exists()


def test_a_form_without_harm_raises_nothing(review, child_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitations_create_for_review(review=review)
    invitation = Invitation.objects.get(review=review, contact__isnull=True)
    url = reverse("consultations:mine_detail_send", args=[invitation.pk])
    response = client_for(child_user).post(url, {"q_home_feeling": "happy", "q_worries": "Nobody hits me here"})
    assert response.status_code == 200 and CHILDLINE_LINK not in response.content.decode()
    assert not Statement.objects.exists()


def test_feedback_after_a_review_that_discloses_raises_an_alert(
    child, child_user, iro, django_capture_on_commit_callbacks
):
    review = Review.objects.get(child=child, held_on__isnull=True)
    with (
        time_machine.travel(datetime(2026, 11, 20, 15, tzinfo=LONDON)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        review_record_held(review=review, held_on=date(2026, 11, 20), late_reason="late", attended=True, views="spoke")
    url = reverse("feedback:my_review_feedback", args=[review.pk])
    answers = {"listened": "no", "made_difference": "no", "better": "Nobody listens. My foster dad hits me."}
    response = client_for(child_user).post(url, answers)
    assert response.status_code == 200 and CHILDLINE_LINK in response.content.decode()
    statement = _found("service_feedback")
    assert statement.found_in_pk == ServiceFeedback.objects.get().pk and statement.author == child_user
    assert SafeguardingAlert.objects.filter(statement=statement).exists()


def test_asking_for_an_advocate_with_harm_in_the_note_alerts_even_when_a_request_is_already_open(child, child_user):
    client = client_for(child_user)
    first = client.post(
        reverse("reviews:my_advocate"), {"note": "I would like someone with me at my review"}, follow=True
    )
    assert first.status_code == 200 and not Statement.objects.exists()
    again = client.post(reverse("reviews:my_advocate"), {"note": "please hurry my foster dad hits me"}, follow=True)
    assert again.status_code == 200 and CHILDLINE_LINK in again.content.decode()
    statement = _found("advocacy_request")
    assert statement.found_in_pk == AdvocacyRequest.objects.get().pk
    assert SafeguardingAlert.objects.filter(statement=statement).exists()


def test_words_found_elsewhere_are_not_counted_as_messages_and_the_app_says_where_they_came_from(child, child_user):
    app = app_client("alice")
    app.post("/api/v1/complaints/", json.dumps({"words": DISCLOSURE}), content_type="application/json")
    app.post(
        "/api/v1/statements/", json.dumps({"category": "school", "body": "Maths set?"}), content_type="application/json"
    )
    listed = {item["body"]: item["found_in"] for item in app.get("/api/v1/statements/").json()["results"]}
    assert listed == {DISCLOSURE: "complaint", "Maths set?": ""}
    # The statements report counts messages: the one the child sent, not the complaint's words.
    year = Period(date(2026, 4, 1), date(2027, 3, 31))
    table = statements_report(year, Period(date(2025, 4, 1), date(2026, 3, 31)))
    assert {row.base for row in table.rows} == {1}
    assert not StatementTheme.objects.filter(statement__found_in="complaint").exists()
