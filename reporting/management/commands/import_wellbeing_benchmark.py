"""Read another council's wellbeing benchmark file, so the wellbeing report shows the council beside it."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from reporting.benchmarks import import_benchmark, read_file


class Command(BaseCommand):
    help = "Import a wellbeing benchmark file: import_wellbeing_benchmark FILE [--by USERNAME]"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The JSON file another council exported.")
        parser.add_argument("--by", help="The username of the person importing it, kept with the file.")

    def handle(self, *args, **options) -> None:
        by = None
        if options["by"]:
            by = User.objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"No user {options['by']!r}.")
        try:
            stored, new = import_benchmark(read_file(Path(options["file"])), by=by)
        except ValidationError as exc:
            raise CommandError(f"Refused, nothing stored: {' '.join(exc.messages)}") from exc
        if not new:
            self.stdout.write(f"Already imported on {stored.imported_at:%d %b %Y}: {stored}. Nothing stored.")
            return
        self.stdout.write(f"Imported {stored}: {len(stored.indicators)} indicators.")
