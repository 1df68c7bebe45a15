"""The daily feed from the case system: bring Heard up to date with a folder of CSV files."""

import argparse
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reporting.care_records_import import care_records_import

DESCRIPTION = """\
Bring Heard up to date with the case system's files in FOLDER (UTF-8 CSV, dates DD/MM/YYYY, a first row of
column names; other columns are ignored). Each file is optional, but every CHILD named must be in header.csv
or already in Heard, and a child new to Heard needs a header.csv row and an episode.

  header.csv       CHILD, SEX (1 or 2), DOB, ETHNIC (DfE code)  - adds children; updates SEX and ETHNIC
  episodes.csv     CHILD, DECOM, DEC, and optionally PLACE, PLACE_PROVIDER, REC - the latest episode sets the
                   placement type, and a DEC with an E reason (or with no REC column) that the child left care
  reviews.csv      CHILD, DOB, REVIEW, REVIEW_CODE (PN0-PN7)  - adds held reviews Heard does not have
  allocations.csv  CHILD, ROLE (iro | social_worker | personal_adviser | advocate), STAFF (the email address of
                   an active Heard account with that role, any case), FROM, TO (blank while current) - starts
                   and ends allocations; a new current IRO or worker ends the one before on its FROM date

Every row is checked first: with any error nothing is stored, each error names the file, row and field, and
the exit code is 1. Running the same files again changes nothing. Nothing is deleted: a child, review or
allocation missing from the files stays, and a child's statements, answers and invitations are never touched.
"""


class Command(BaseCommand):
    help = "Import the daily feed (header, episodes, reviews, allocations) from FOLDER, changing only what differs."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.description = DESCRIPTION
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", help="The folder holding the CSV files.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; store nothing.")
        parser.add_argument("--format", choices=["text", "json"], default="text", help="How to report (default text).")

    def handle(self, *args, **options) -> None:
        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        as_json = options["format"] == "json"
        report = care_records_import(
            folder, dry_run=options["dry_run"], progress=(lambda _: None) if as_json else self.stderr.write
        )
        if as_json:
            self.stdout.write(json.dumps(report.as_json(), indent=2))
        for error in report.errors:
            self.stderr.write(error)
        if report.errors:
            raise CommandError(f"{len(report.errors)} error(s): nothing was imported.", returncode=1)
        if not as_json:
            for line in report.lines():
                self.stdout.write(line)
        sys.stdout.flush()
