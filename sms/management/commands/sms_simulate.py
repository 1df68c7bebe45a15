"""Pretend a text arrived from a phone, through the same service as Twilio's webhook (demos)."""

import uuid

from django.core.management.base import BaseCommand

from sms.inbound import sms_inbound_receive


class Command(BaseCommand):
    help = "Simulate an incoming text, e.g. sms_simulate 07700900012 'hello'. Prints the reply."

    def add_arguments(self, parser) -> None:
        parser.add_argument("phone")
        parser.add_argument("body")

    def handle(self, *args, **options) -> None:
        reply = sms_inbound_receive(
            message_sid=f"SIM{uuid.uuid4().hex}", from_number=options["phone"], body=options["body"]
        )
        self.stdout.write(reply or "(no reply)")
