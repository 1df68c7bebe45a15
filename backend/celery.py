"""The Celery app: a Redis broker in production, eager in-process tasks by default."""

import os

from celery import Celery

from backend.schedule import beat_schedule

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")

app = Celery("heard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The periodic jobs live in backend/jobs.py, above the apps whose services they call.
app.autodiscover_tasks(["backend"], related_name="jobs")
# One list of periodic jobs, shared with manage.py heard_scheduler (backend/schedule.py).
app.conf.beat_schedule = beat_schedule()
