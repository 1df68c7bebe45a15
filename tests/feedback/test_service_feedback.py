"""Service-user feedback after each review: who is asked, answering once, and the figures it makes."""

import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from consultations.models import ChildContact
from feedback.models import ServiceFeedback, ServiceFeedbackRequest
from feedback.receipts import statement_mark_read
from feedback.service_feedback import feedback_give
from feedback.services import statement_submit
from reporting.periods import Period
from reporting.reports import report
from reviews.models import Review
from reviews.services import review_record_held
from sms.transport import ConsoleTransport
from tests.conftest import client_for, problem_fields

# Reviews are held on a fixed day; the feedback links last four weeks from it.
pytestmark = pytest.mark.usefixtures("pinned_clock")

LONDON = ZoneInfo("Europe/London")
HELD = date(2026, 11, 20)


def _hold(child, django_capture_on_commit_callbacks):
    ChildContact.objects.create(child=child, role="carer", name="Pat", email="pat@example.org")
    review = Review.objects.get(child=child, held_on__isnull=True)
    ConsoleTransport.sent.clear()
    with (
        time_machine.travel(datetime(2026, 11, 20, 15, tzinfo=LONDON)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        review_record_held(review=review, held_on=HELD, late_reason="late", attended=True, views="spoke")
    return review


def test_the_child_and_each_adult_are_asked_after_the_review(
    child, child_user, iro, django_capture_on_commit_callbacks
):
    review = _hold(child, django_capture_on_commit_callbacks)
    assert set(ServiceFeedbackRequest.objects.filter(review=review).values_list("respondent", flat=True)) == {
        "child", "carer",
    }  # fmt: skip
    assert any(to == child_user.phone and "/f/" in body for to, body in ConsoleTransport.sent)
    assert any(m.to == ["pat@example.org"] and "/f/" in m.body for m in mail.outbox)
    assert Review.objects.get(pk=review.pk).chaired_by == iro


def test_an_adult_answers_once_by_link(child, client, django_capture_on_commit_callbacks):
    _hold(child, django_capture_on_commit_callbacks)
    link = re.search(r"(/f/\S+/)", next(m for m in mail.outbox if m.to == ["pat@example.org"]).body).group(1)
    bad = client.post(link, {"listened": "maybe"})
    assert bad.status_code == 400
    good = client.post(link, {"listened": "yes", "made_difference": "partly", "better": "Shorter, please"})
    assert good.status_code == 200 and "Thank you" in good.content.decode()
    assert client.get(link).status_code == 410
    assert ServiceFeedback.objects.get().better == "Shorter, please"
    assert client.get("/f/not-a-link/").status_code == 404


def test_an_old_link_says_it_has_run_out(child, client, django_capture_on_commit_callbacks):
    _hold(child, django_capture_on_commit_callbacks)
    link = re.search(r"(/f/\S+/)", next(m for m in mail.outbox if m.to == ["pat@example.org"]).body).group(1)
    with time_machine.travel(datetime(2026, 12, 19, 9, tzinfo=LONDON)):
        assert client.get(link).status_code == 410


def test_a_signed_in_child_says_how_it_went(child, child_user, django_capture_on_commit_callbacks):
    review = _hold(child, django_capture_on_commit_callbacks)
    client = client_for(child_user)
    assert (
        reverse("feedback:my_review_feedback", args=[review.pk])
        in client.get(reverse("reviews:my_reviews")).content.decode()
    )
    response = client.post(
        reverse("feedback:my_review_feedback", args=[review.pk]), {"listened": "yes", "made_difference": "yes"}
    )
    assert response.status_code == 200
    assert client.get(reverse("feedback:my_review_feedback", args=[review.pk])).status_code == 404


def test_the_figures_by_respondent_and_by_iro_for_managers_only(
    child, iro, manager, django_capture_on_commit_callbacks
):
    _hold(child, django_capture_on_commit_callbacks)
    child_request, carer_request = (
        ServiceFeedbackRequest.objects.get(respondent="child"),
        ServiceFeedbackRequest.objects.get(respondent="carer"),
    )
    feedback_give(request=child_request, listened="yes", made_difference="no", better="", channel="web")
    feedback_give(request=carer_request, listened="partly", made_difference="yes", better="", channel="web")
    year = Period(date(2026, 4, 1), date(2027, 3, 31))
    rows = {(row.group, row.label): (row.count, row.base) for row in report("service-feedback", year).rows}
    assert rows[("Child or young person", "Felt listened to")] == (1, 1)
    assert rows[("Child or young person", "Said the review made a difference")] == (0, 1)
    assert rows[("Carer", "Felt listened to")] == (0, 1)
    by_iro = {(row.group, row.label): row.count for row in report("service-feedback-by-iro", year).rows}
    assert by_iro[("amara", "Felt listened to")] == 1
    assert client_for(iro).get("/api/v1/reports/service-feedback-by-iro/").status_code == 404
    assert client_for(manager).get("/api/v1/reports/service-feedback-by-iro/").status_code == 200


def test_the_app_gives_feedback_once_and_only_for_the_childs_own_review(
    child, child_user, other_child_user, django_capture_on_commit_callbacks
):
    review = _hold(child, django_capture_on_commit_callbacks)
    url = f"/api/v1/reviews/{review.pk}/feedback/"
    body = json.dumps({"listened": "yes", "made_difference": "partly", "better": "More time"})
    assert client_for(other_child_user).post(url, body, content_type="application/json").status_code == 404
    bad = client_for(child_user).post(url, json.dumps({"listened": "sort of"}), content_type="application/json")
    assert bad.status_code == 400 and "listened" in problem_fields(bad)
    assert client_for(child_user).post(url, body, content_type="application/json").status_code == 201
    assert ServiceFeedback.objects.get().channel == "app"
    assert client_for(child_user).post(url, body, content_type="application/json").status_code == 404  # answered


def test_response_times_in_the_reports(child, child_user, iro):
    with time_machine.travel(datetime(2026, 6, 1, 9, tzinfo=LONDON)) as clock:
        quick, _ = statement_submit(author=child_user, child=child, category="school", body="a", channel="web")
        slow, _ = statement_submit(author=child_user, child=child, category="school", body="b", channel="web")
        clock.move_to(datetime(2026, 6, 1, 15, tzinfo=LONDON))
        statement_mark_read(statement=quick, reader=iro)
        clock.move_to(datetime(2026, 6, 4, 9, tzinfo=LONDON))
        statement_mark_read(statement=slow, reader=iro)
    rows = {
        row.label: (row.count, row.base)
        for row in report("response-times", Period(date(2026, 4, 1), date(2027, 3, 31))).rows
    }
    assert rows["Messages read by the IRO within a day"] == (1, 2)
    assert rows["Messages read by the IRO within a week"] == (2, 2)
