"""Write the council's wellbeing indicators for a reporting year as a benchmark file (docs/wellbeing-benchmark.md)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.benchmarks import export_benchmark, last_complete_year, year_ending


class Command(BaseCommand):
    help = "Write a wellbeing benchmark file: export_wellbeing_benchmark --out FILE [--year YYYY]"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", required=True, help="Where to write the JSON file.")
        parser.add_argument(
            "--year", type=int, help="The year ending 31 March YYYY (default: the last complete reporting year)."
        )

    def handle(self, *args, **options) -> None:
        year = options["year"]
        if year is not None and not 2000 <= year <= 2100:
            raise CommandError("--year is the year the reporting year ends in, like 2026.")
        period = year_ending(year) if year else last_complete_year(timezone.localdate())
        content = export_benchmark(period)
        out = Path(options["out"])
        try:
            out.write_text(json.dumps(content, indent=2) + "\n")
        except OSError as exc:
            raise CommandError(f"Cannot write {out}: {exc.strerror}.") from exc
        shown = sum(not item["suppressed"] for item in content["indicators"])
        self.stdout.write(
            f"Wrote {out}: {period.label}, {shown} of {len(content['indicators'])} indicators "
            "(the rest had fewer than 10 children answering and are suppressed)."
        )
