"""Run Heard's periodic jobs in a loop, for the embedded default (production uses Celery beat)."""

import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from backend.retention import retention_apply
from consultations.services import invitations_due
from feedback.notifications import notifications_catch_up
from feedback.services import alerts_escalate_due, alerts_follow_cover


class Command(BaseCommand):
    help = (
        "Send due consultation invitations, move alerts to cover and escalate overdue ones, every minute; "
        "remove what is past retention."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Run the jobs once and stop.")
        parser.add_argument("--interval", type=int, default=60, help="Seconds between runs.")

    def handle(self, *args, **options) -> None:
        while True:
            try:
                self._run_jobs()
            except DatabaseError as exc:
                # A database restart must not stop the clock: the next run picks everything up.
                close_old_connections()
                self.stderr.write(f"Database unavailable, trying again next run: {exc}")
            if options["once"]:
                return
            time.sleep(options["interval"])

    def _run_jobs(self) -> None:
        close_old_connections()
        invitations_due()
        alerts_follow_cover()
        escalated = alerts_escalate_due()
        if escalated:
            self.stdout.write(f"Escalated {escalated} safeguarding alert(s).")
        notifications_catch_up()
        removed = retention_apply().removed
        if any(removed.values()):
            self.stdout.write("Retention: " + ", ".join(f"{n} {what}" for what, n in removed.items() if n))
