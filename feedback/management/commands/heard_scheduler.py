"""Run Heard's periodic jobs in a loop, for the embedded default (production uses Celery beat)."""

import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections
from django.utils.module_loading import import_string

from backend.schedule import JOBS, Job


def _did_something(result: object) -> bool:
    if isinstance(result, dict):
        result = tuple(result.values())
    if isinstance(result, tuple | list):
        return any(_did_something(part) for part in result)
    return bool(result)


class Command(BaseCommand):
    help = (
        "Run the periodic jobs in backend/schedule.py (the same list Celery beat reads): escalation and cover, "
        "the catch-up of notices and texts, consultation invitations, retention."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every job once and stop.")
        parser.add_argument(
            "--interval",
            type=int,
            default=60,
            help="Seconds between runs; a job runs when its own period or this interval has passed, if shorter.",
        )

    def handle(self, *args, **options) -> None:
        last_run: dict[str, float] = {}
        while True:
            now = time.monotonic()
            for job in JOBS:
                if job.name in last_run and now - last_run[job.name] < min(job.every_seconds, options["interval"]):
                    continue
                last_run[job.name] = now
                self._run(job)
            if options["once"]:
                return
            time.sleep(options["interval"])

    def _run(self, job: Job) -> None:
        close_old_connections()
        try:
            # Calling a Celery task runs it here, in this process, as beat's worker would.
            result = import_string(job.task)()
        except DatabaseError as exc:
            # A database restart must not stop the clock: the next run picks everything up.
            close_old_connections()
            self.stderr.write(f"{job.name}: database unavailable, trying again next run: {exc}")
            return
        if _did_something(result):
            self.stdout.write(f"{job.name}: {result}")
