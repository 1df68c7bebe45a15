"""The child's side of the loop: sent, read, replied, and what happened at their review."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from accounts.models import NotifyBy
from feedback.models import Category, Statement
from feedback.services import statement_submit
from reviews.models import Review
from reviews.services import review_record_held
from sms.transport import ConsoleTransport
from tests.conftest import client_for


def _send(child_user, child):
    return statement_submit(author=child_user, child=child, category=Category.SCHOOL, body="Maths", channel="web")[0]


def test_the_child_sees_sent_then_read_then_the_iros_reply(child, child_user, iro):
    statement = _send(child_user, child)
    mine = reverse("feedback:my_statements")
    assert "hasn't read it yet" in client_for(child_user).get(mine).content.decode()

    client_for(iro).get(reverse("feedback:statement_detail", args=[statement.pk]))
    assert "Read by your IRO" in client_for(child_user).get(mine).content.decode()

    response = client_for(iro).post(
        reverse("feedback:statement_reply", args=[statement.pk]), {"reply": "Let's talk on Friday."}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("feedback:statement_detail", args=[statement.pk])
    page = client_for(child_user).get(mine).content.decode()
    assert "Your IRO replied" in page and "Let&#x27;s talk on Friday." in page
    statement.refresh_from_db()
    assert statement.acknowledged_at is not None


def test_only_the_childs_iro_can_reply(child, child_user, manager):
    statement = _send(child_user, child)
    response = client_for(manager).post(reverse("feedback:statement_reply", args=[statement.pk]), {"reply": "hi"})
    assert response.status_code == 403
    assert Statement.objects.get().reply == ""


def test_an_empty_or_huge_reply_gets_a_clear_message(child, child_user, iro):
    statement = _send(child_user, child)
    url = reverse("feedback:statement_reply", args=[statement.pk])
    empty = client_for(iro).post(url, {"reply": ""})
    assert empty.status_code == 400 and "This field is required" in empty.content.decode()
    huge = client_for(iro).post(url, {"reply": "x" * 1001})
    assert huge.status_code == 400 and "at most 1000 characters" in huge.content.decode()
    assert Statement.objects.get().reply == ""


@pytest.mark.parametrize(("notify_by", "texts"), [(NotifyBy.SMS, 2), (NotifyBy.APP, 0)])
def test_a_child_who_asked_for_texts_is_texted_when_read_and_replied_and_no_one_else_is(
    child, child_user, iro, notify_by, texts, django_capture_on_commit_callbacks
):
    child_user.notify_by = notify_by
    child_user.save()
    statement = _send(child_user, child)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(iro).get(reverse("feedback:statement_detail", args=[statement.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        client_for(iro).post(reverse("feedback:statement_reply", args=[statement.pk]), {"reply": "Thanks"})
    sent = [body for to, body in ConsoleTransport.sent if to == child_user.phone]
    assert len(sent) == texts
    assert all("Maths" not in body and "Thanks" not in body for body in sent)


def test_a_child_chooses_how_to_be_told(child, child_user):
    client = client_for(child_user)
    assert client.post(reverse("feedback:my_preferences"), {"notify_by": "sms"}).status_code == 302
    child_user.refresh_from_db()
    assert child_user.notify_by == NotifyBy.SMS


def test_a_child_without_a_phone_cannot_choose_texts(child, child_user):
    child_user.phone = ""
    child_user.save()
    response = client_for(child_user).post(reverse("feedback:my_preferences"), {"notify_by": "sms"})
    assert response.status_code == 200
    assert "We don&#x27;t have a phone number for you" in response.content.decode()


@time_machine.travel(date(2026, 11, 23))
def test_the_iro_publishes_what_happened_at_the_review_and_the_child_reads_it(child, child_user, iro, other_iro):
    review = Review.objects.get(child=child, held_on__isnull=True)
    url = reverse("reviews:review_summary", args=[review.pk])
    not_held = client_for(iro).post(url, {"child_summary": "We agreed…"})
    assert "once the review has been held" in not_held.content.decode()

    review_record_held(review=review, held_on=review.due_by, late_reason="")
    assert client_for(other_iro).get(url).status_code == 404
    response = client_for(iro).post(url, {"child_summary": "You will see your brother every fortnight."})
    assert response.status_code == 302
    page = client_for(child_user).get(reverse("reviews:my_reviews")).content.decode()
    assert "You will see your brother every fortnight." in page
