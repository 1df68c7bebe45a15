"""COMPLAIN by text: the next text is the complaint; the reply and any text carry none of its words."""

import pytest

from complaints.models import Complaint
from sms.models import Conversation
from tests.sms.conftest import twilio  # noqa: F401 (the fixture: Twilio configured, faked at its HTTP edge)
from tests.sms.test_inbound import text

pytestmark = pytest.mark.usefixtures("pinned_clock")

WORDS = "My carer reads my texts and I don't like it"


def test_complain_then_the_words_makes_a_complaint_by_text(client, child, child_user):
    status, asked = text(client, "complain")
    assert status == 200 and "Text back what happened" in asked
    status, reply = text(client, WORDS)
    assert status == 200 and "we got your complaint" in reply and WORDS not in reply
    complaint = Complaint.objects.get()
    assert (complaint.words, complaint.channel, complaint.made_by, complaint.child) == (WORDS, "sms", child_user, child)
    assert not Conversation.objects.exists()
    # The next text is an ordinary message again: the menu.
    assert "Reply with a number" in text(client, "hello")[1]


def test_a_retried_message_sid_makes_one_complaint(client, child):
    text(client, "COMPLAIN")
    first = text(client, WORDS, sid="SM" + "9" * 32)
    again = text(client, WORDS, sid="SM" + "9" * 32)
    assert first == again
    assert Complaint.objects.count() == 1


def test_an_empty_complaint_by_text_is_answered_clearly(client, child):
    text(client, "COMPLAIN")
    status, reply = text(client, "   ")
    assert status == 200 and "Tell us what it is about." in reply
    assert not Complaint.objects.exists()
