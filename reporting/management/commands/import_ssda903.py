"""Load a council's history from its SSDA903 header, episodes and reviews CSV files."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reporting.ssda903_import import ssda903_import


class Command(BaseCommand):
    help = "Import header.csv, episodes.csv and reviews.csv from DIR; nothing is stored if any row has an error."

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", help="The folder holding the SSDA903 CSV files.")

    def handle(self, *args, **options) -> None:
        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        result = ssda903_import(folder, progress=lambda line: self.stderr.write(line))
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(result.errors)} error(s): nothing was imported.")
        self.stdout.write(f"Imported {result.children_added} children and {result.reviews_added} reviews.")
        sys.stdout.flush()
