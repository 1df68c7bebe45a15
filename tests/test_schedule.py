"""One list of periodic jobs, read by Celery beat and by manage.py heard_scheduler alike."""

from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command
from django.utils.module_loading import import_string

from backend.celery import app
from backend.schedule import JOBS
from sms.models import OutboundMessage, Purpose, Status

LONDON = ZoneInfo("Europe/London")


def test_celery_beat_runs_exactly_the_listed_jobs():
    assert app.conf.beat_schedule == {job.name: {"task": job.task, "schedule": job.every_seconds} for job in JOBS}
    app.loader.import_default_modules()
    assert {job.task for job in JOBS} <= set(app.tasks)


def test_the_scheduler_runs_every_listed_job(db):
    tasks = [import_string(job.task) for job in JOBS]
    with mock.patch.object(type(tasks[0]), "__call__", autospec=True) as called:
        call_command("heard_scheduler", "--once")
    assert [call.args[0].name for call in called.call_args_list] == [job.task for job in JOBS]


# The scheduler closes stale connections between jobs, as a long-running process must: it runs
# here outside a test transaction, as it does in production.
def test_the_scheduler_sends_texts_left_pending_while_the_broker_was_down(transactional_db, settings):
    settings.SMS_BACKEND = "sms.transport.ConsoleTransport"
    with time_machine.travel(datetime(2027, 3, 3, 9, tzinfo=LONDON), tick=False):
        # Stored, but never queued: the broker was down when it was written.
        OutboundMessage.objects.create(
            purpose=Purpose.CHILD_READ,
            to="+447700900123",
            body="Heard: your IRO read your message.",
            encoding="GSM-7",
            segments=1,
            idempotency_key="k",
        )
    with time_machine.travel(datetime(2027, 3, 3, 9, tzinfo=LONDON) + timedelta(minutes=20), tick=False):
        call_command("heard_scheduler", "--once")
    assert OutboundMessage.objects.get().status == Status.SENT
