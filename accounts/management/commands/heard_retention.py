"""Remove what is past its retention period now (the scheduler and Celery beat also run it hourly)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from backend.retention import retention_apply


class Command(BaseCommand):
    help = "Remove children's words, texts, keys, log entries and export files past the council's retention periods."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Say what would go, and change nothing.")

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            removed = retention_apply().removed
            if options["dry_run"]:
                transaction.set_rollback(True)
        verb = "Would remove" if options["dry_run"] else "Removed"
        for what, count in removed.items():
            self.stdout.write(f"{verb} {count} {what}")
