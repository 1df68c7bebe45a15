"""Print one of Heard's reports for a period, as a table, CSV or JSON."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import Team
from reporting.output import as_csv, as_json, as_text
from reporting.periods import period_from
from reporting.reports import REPORTS, report
from reporting.selectors import team_scope


class Command(BaseCommand):
    help = "Print a report: heard_report NAME [--from YYYY-MM-DD --to YYYY-MM-DD] [--team ID] [--format table|csv|json]"

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", choices=sorted(REPORTS), help="Which report.")
        parser.add_argument("--from", dest="start", help="First day (default: this reporting year, from 1 April).")
        parser.add_argument("--to", dest="end", help="Last day, inclusive.")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
        parser.add_argument("--team", type=int, help="Only the children of this IRO team's IROs (its id).")

    def handle(self, *args, **options) -> None:
        try:
            period = period_from(options["start"], options["end"], today=timezone.localdate())
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        scope = None
        if options["team"] is not None:
            team = Team.objects.filter(pk=options["team"]).first()
            if team is None:
                raise CommandError(f"--team: there is no team {options['team']}.")
            scope = team_scope(team, period)
        table = report(options["name"], period, scope)
        render = {"table": as_text, "json": as_json}.get(options["format"])
        self.stdout.write(render(table, period.label) if render else as_csv(table), ending="")
