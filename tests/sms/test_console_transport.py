"""The console transport (the embedded default) sends from any number of processes without a clash."""

from django.test import override_settings

from sms.models import OutboundMessage, Purpose, Status
from sms.outbound import sms_queue
from sms.transport import ConsoleTransport


@override_settings(SMS_BACKEND="sms.transport.ConsoleTransport")
def test_texts_sent_from_two_processes_are_each_delivered(db, django_capture_on_commit_callbacks):
    # A second process starts with an empty list, as seed_demo and then the web server do.
    for process, key in enumerate(("seed:1", "web:1")):
        ConsoleTransport.sent = []
        with django_capture_on_commit_callbacks(execute=True):
            sms_queue(to="+447700900123", body=f"Heard: text {process}", purpose=Purpose.CHILD_READ, key=key)
    messages = OutboundMessage.objects.order_by("pk")
    assert [m.status for m in messages] == [Status.SENT, Status.SENT]
    first, second = (m.provider_sid for m in messages)
    assert first != second
    assert first.startswith("console-")
