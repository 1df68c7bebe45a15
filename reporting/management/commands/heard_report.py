"""Print one of Heard's reports for a period, as a table, CSV or JSON."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.output import as_csv, as_json, as_text
from reporting.periods import period_from
from reporting.reports import REPORTS, report


class Command(BaseCommand):
    help = "Print a report: heard_report NAME [--from YYYY-MM-DD --to YYYY-MM-DD] [--format table|csv|json]"

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", choices=sorted(REPORTS), help="Which report.")
        parser.add_argument("--from", dest="start", help="First day (default: this reporting year, from 1 April).")
        parser.add_argument("--to", dest="end", help="Last day, inclusive.")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")

    def handle(self, *args, **options) -> None:
        try:
            period = period_from(options["start"], options["end"], today=timezone.localdate())
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        table = report(options["name"], period)
        render = {"table": as_text, "json": as_json}.get(options["format"])
        self.stdout.write(render(table, period.label) if render else as_csv(table), ending="")
