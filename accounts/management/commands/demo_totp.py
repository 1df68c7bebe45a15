"""Print the current two-step sign-in code for the demo staff accounts."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import current_totp_code


class Command(BaseCommand):
    help = "Print the current TOTP code shared by the demo staff accounts (demo only)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_totp is for local demos: set HEARD_DEBUG=1.")
        self.stdout.write(current_totp_code())
