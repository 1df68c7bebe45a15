"""Load the consultation form files, publishing a new version of any form that changed."""

from django.core.management.base import BaseCommand

from consultations.services import forms_sync_from_files


class Command(BaseCommand):
    help = "Publish consultation forms from consultations/forms/*.json (a new version only when one changed)."

    def handle(self, *args, **options) -> None:
        published = forms_sync_from_files()
        for version in published:
            self.stdout.write(f"Published {version}.")
        if not published:
            self.stdout.write("Every form is up to date.")
