"""When Redis, the broker or the database fail: children's words are still taken, and nothing is lost."""

import json
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from backend.cache import count_in_window
from backend.middleware import DatabaseDownMiddleware
from backend.views import SMS_NOT_TAKEN, server_error
from feedback.models import Statement
from feedback.notifications import notifications_catch_up, statement_arrived
from feedback.services import statement_submit
from sms.models import OutboundMessage, Status
from sms.outbound import sms_pending_requeue, sms_queue
from sms.transport import ConsoleTransport
from tests.conftest import client_for

DEAD_REDIS = {
    "default": {
        "BACKEND": "backend.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def test_with_the_cache_unreachable_a_child_can_still_send(child, child_user, settings):
    settings.CACHES = DEAD_REDIS

    assert cache.get("anything", "default") == "default"
    cache.set("anything", 1)  # dropped, not raised
    assert count_in_window("throttle", 60) == 0  # limits fail open
    response = client_for(child_user).post(
        "/api/v1/statements/",
        json.dumps({"category": "school", "body": "still heard"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Statement.objects.get().body == "still heard"


def test_an_iro_is_told_once_however_often_the_notice_runs(child, child_user, iro):
    statement, _ = statement_submit(author=child_user, child=child, category="school", body="a", channel="web")
    mail.outbox.clear()
    Statement.objects.filter(pk=statement.pk).update(notified_at=None)
    assert statement_arrived(statement_id=statement.pk) is True
    assert statement_arrived(statement_id=statement.pk) is False
    assert len(mail.outbox) == 1


def test_a_failed_notice_is_unclaimed_for_the_retry(child, child_user, iro):
    statement, _ = statement_submit(author=child_user, child=child, category="school", body="a", channel="web")
    Statement.objects.filter(pk=statement.pk).update(notified_at=None)
    with (
        mock.patch("feedback.notifications.EmailMessage.send", side_effect=OSError("mail server down")),
        pytest.raises(OSError),
    ):
        statement_arrived(statement_id=statement.pk)
    unclaimed = Statement.objects.get(pk=statement.pk)
    assert (unclaimed.notified_at, unclaimed.notice_claimed_at) == (None, None)


def test_a_notice_claimed_by_a_worker_that_died_is_sent_by_the_catch_up_once(child, child_user, iro):
    statement, _ = statement_submit(author=child_user, child=child, category="school", body="a", channel="web")
    # A worker claimed it and was killed before the email went.
    Statement.objects.filter(pk=statement.pk).update(notified_at=None, notice_claimed_at=timezone.now())
    mail.outbox.clear()
    assert statement_arrived(statement_id=statement.pk) is False  # the claim still holds
    later = timezone.now() + timedelta(minutes=3)
    with time_machine.travel(later, tick=False):
        assert notifications_catch_up() == 1
        assert notifications_catch_up() == 0
    assert len(mail.outbox) == 1


def test_a_notice_sent_again_after_a_kill_carries_the_same_message_id(child, child_user, iro, settings):
    settings.PUBLIC_BASE_URL = "https://heard.council.example"
    statement, _ = statement_submit(author=child_user, child=child, category="school", body="a", channel="web")
    mail.outbox.clear()
    Statement.objects.filter(pk=statement.pk).update(notified_at=None)
    with mock.patch("feedback.notifications._mark_notified"):  # killed after the email left, before the mark
        assert statement_arrived(statement_id=statement.pk) is True
    with time_machine.travel(timezone.now() + timedelta(minutes=3), tick=False):
        assert notifications_catch_up() == 1
    first, again = mail.outbox
    assert first.extra_headers["Message-ID"] == again.extra_headers["Message-ID"]
    assert first.message()["Message-ID"] == f"<statement-{statement.pk}.notice@heard.council.example>"


def test_notices_never_queued_while_the_broker_was_down_are_caught_up(
    child, child_user, iro, django_capture_on_commit_callbacks
):
    with (
        mock.patch("feedback.tasks.notify_iro_of_statement.delay", side_effect=OSError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        statement_submit(author=child_user, child=child, category="school", body="a", channel="web")
    assert Statement.objects.get().body == "a"  # stored whatever happened to the notice
    mail.outbox.clear()
    assert notifications_catch_up() == 0  # too soon: the task may still be on its way
    assert notifications_catch_up(now=timezone.now() + timedelta(minutes=3)) == 1
    assert notifications_catch_up(now=timezone.now() + timedelta(minutes=4)) == 0
    assert len(mail.outbox) == 1


def test_an_alert_whose_notice_never_went_is_caught_up(child, child_user, iro, django_capture_on_commit_callbacks):
    with (
        mock.patch("feedback.tasks.notify_alert.delay", side_effect=OSError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        statement_submit(author=child_user, child=child, category="unsafe", body="help", channel="web")
    mail.outbox.clear()
    notifications_catch_up(now=timezone.now() + timedelta(minutes=3))
    assert any("URGENT" in message.subject for message in mail.outbox)
    mail.outbox.clear()
    notifications_catch_up(now=timezone.now() + timedelta(minutes=4))
    assert not any("URGENT" in message.subject for message in mail.outbox)


def test_texts_left_pending_are_queued_again_and_sent_once(child_user, django_capture_on_commit_callbacks):
    ConsoleTransport.sent.clear()
    with (
        mock.patch("sms.tasks.deliver_sms.delay", side_effect=OSError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = sms_queue(to="+447700900123", body="Heard: hello", purpose="reply", key="k1")
    OutboundMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=20))
    assert sms_pending_requeue() == 1
    assert sms_pending_requeue() == 0
    assert OutboundMessage.objects.get().status != Status.PENDING
    assert len(ConsoleTransport.sent) == 1


def test_a_database_outage_in_a_view_is_a_retryable_503(child, child_user):
    with mock.patch("mobile_api.apis.statements.statements_visible_to", side_effect=OperationalError("restarting")):
        response = client_for(child_user).get("/api/v1/statements/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "unavailable"


def test_a_database_outage_before_the_view_is_a_503_too(child, child_user):
    client = Client(raise_request_exception=False)
    client.force_login(child_user)
    cache.clear()  # sessions are read from the cache first (backend/sessions.py): make this one a miss
    # Reading the session is the first thing to touch the database, in middleware before any view.
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore._get_session_from_db",
        side_effect=OperationalError("restarting"),
    ):
        api = client.get("/api/v1/me/")
        page = client.get("/my/messages/")
    assert (api.status_code, api["Content-Type"]) == (503, "application/problem+json")
    assert page.status_code == 503 and "in a minute" in page.content.decode()


def test_the_scheduler_survives_a_database_restart(db, capsys):
    with mock.patch("backend.jobs.invitations_due", side_effect=OperationalError("restarting")):
        call_command("heard_scheduler", "--once")  # logged, not raised: the next run carries on
    assert "consultation-invitations: database unavailable" in capsys.readouterr().err


def test_a_view_failing_on_the_database_is_answered_by_the_middleware_not_the_error_page(rf):

    # Under ASGI, Django builds the error page in another thread with no exception in hand: the
    # error page alone answers 500 (the benchmark saw it when PostgreSQL ran out of connections).
    assert server_error(rf.get("/my/messages/")).status_code == 500
    middleware = DatabaseDownMiddleware(lambda request: None)
    page = middleware.process_exception(rf.get("/my/messages/"), OperationalError("too many clients"))
    assert (page.status_code, page["Retry-After"]) == (503, "5")
    api = middleware.process_exception(rf.get("/api/v1/me/"), OperationalError("too many clients"))
    assert (api.status_code, api["Content-Type"]) == (503, "application/problem+json")
    sms = middleware.process_exception(rf.post("/sms/inbound/"), OperationalError("too many clients"))
    assert sms.status_code == 200 and SMS_NOT_TAKEN in sms.content.decode()  # Twilio would not retry
    assert middleware.process_exception(rf.get("/my/messages/"), ValueError("a bug")) is None  # a real 500
    assert settings.MIDDLEWARE[-1] == "backend.middleware.DatabaseDownMiddleware"
