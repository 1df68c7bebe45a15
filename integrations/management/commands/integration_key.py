"""Make a key for the case system's integration: `manage.py integration_key USERNAME --name "Mosaic"`."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from integrations.keys import integration_key_make


class Command(BaseCommand):
    help = (
        "Make an API key for an account with the case-system role; it is printed once and only its digest is kept. "
        "The integration sends it as 'Authorization: Bearer <key>' to fetch what a webhook names."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="The case-system account's username.")
        parser.add_argument("--name", required=True, help="Which system will use the key.")

    def handle(self, *args, **options) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No account called {options['username']!r}.")
        try:
            made, key = integration_key_make(user=user, name=options["name"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(f"Key {made.prefix}… made for {user.username}. Store it now: it is not shown again.")
        self.stdout.write(key)
