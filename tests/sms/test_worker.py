"""The outbound path through a real Celery worker on the Redis broker, as in production."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from backend.celery import app
from sms.models import OutboundMessage, Purpose, Status
from sms.outbound import sms_queue
from tests.sms.fake_twilio import FakeTwilioHttp

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_worker():
    if not settings.REDIS_URL:
        pytest.skip("the Celery worker test runs with REDIS_URL set (CI's PostgreSQL and Redis run)")
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    app.conf.task_always_eager = True


def _wait_for(predicate, seconds=15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_a_queued_text_is_sent_once_by_a_worker_after_retrying_a_temporary_failure(redis_worker, monkeypatch):
    # Retry at once: the backoff itself is Celery's, and a test has little time.
    monkeypatch.setattr("sms.tasks.get_exponential_backoff_interval", lambda **kwargs: 0)
    FakeTwilioHttp.responses.append((503, {"code": 20503, "message": "Service unavailable", "status": 503}))

    message = sms_queue(to="+447700900123", body="Heard: hello", purpose=Purpose.CHILD_READ, key="worker-1")
    sms_queue(to="+447700900123", body="Heard: hello", purpose=Purpose.CHILD_READ, key="worker-1")
    assert _wait_for(lambda: OutboundMessage.objects.get(pk=message.pk).status == Status.QUEUED)
    message.refresh_from_db()
    assert message.attempts == 2
    assert len([r for r in FakeTwilioHttp.requests if r["method"] == "POST"]) == 2  # one failure, one send
