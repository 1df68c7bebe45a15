"""Heard's periodic jobs: one list, read by Celery beat (production) and `manage.py heard_scheduler`."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    """A Celery task (by name) and how often it runs."""

    name: str
    task: str
    every_seconds: float


JOBS: tuple[Job, ...] = (
    # Alerts follow the IRO responsible today (cover and back), go to the duty team out of hours when
    # nobody has taken charge, and escalate after their working hours run out: checked each minute.
    Job("escalate-safeguarding-alerts", "backend.jobs.escalate_due_alerts", 60),
    # Notices and texts never queued while the broker was down, sent from the database.
    Job("catch-up", "backend.jobs.catch_up", 60),
    # Invitations and reminders go out by working day; an hourly run is soon enough and safe to repeat.
    Job("consultation-invitations", "backend.jobs.send_due_invitations", 3600),
    Job("retention", "backend.jobs.apply_retention", 3600),
    # Webhooks to the case system whose first try never started, and retries whose wait is over.
    Job("webhooks", "backend.jobs.send_due_webhooks", 60),
    # The daily feed from the case system (HEARD_CARE_RECORDS_FOLDER, when set): the files dropped each night
    # are imported within the hour, once; the import changes only what differs.
    Job("care-records", "backend.jobs.import_care_records", 3600),
)


def beat_schedule() -> dict[str, dict[str, object]]:
    """Return the jobs as Celery beat's schedule."""
    return {job.name: {"task": job.task, "schedule": job.every_seconds} for job in JOBS}
