"""Write the SSDA903 reviews file for a DfE collection year."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reporting.ssda903 import UnsafeExportError, write_reviews_csv


class Command(BaseCommand):
    help = "Write reviews.csv (CHILD,DOB,REVIEW,REVIEW_CODE) for the collection year ending 31 March YEAR."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", type=int, required=True, help="The collection year, e.g. 2025 for 2024-25.")
        parser.add_argument(
            "--out",
            default=None,
            help="The folder to write into (default: HEARD_EXPORTS_DIR, where retention removes old files).",
        )

    def handle(self, *args, **options) -> None:
        if not 2000 <= options["year"] <= 2100:
            raise CommandError("--year is the year the collection ends in, like 2025.")
        folder = Path(options["out"] or settings.HEARD_EXPORTS_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        try:
            path = write_reviews_csv(options["year"], folder)
        except UnsafeExportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Wrote {path}")
