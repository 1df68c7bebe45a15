"""Texts coming in, driven exactly as Twilio sends them: form-encoded, signed, sometimes retried."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from twilio.request_validator import RequestValidator

from feedback.alerts import alert_acknowledge, alert_close
from feedback.models import AlertEventKind, Channel, SafeguardingAlert, Statement
from reviews.services import iro_allocate
from sms.inbound import (
    ASK_WHAT_IS_HAPPENING,
    ASK_WORDS,
    FOLLOW_UP_THANKS,
    MENU_TEXT,
    NOT_LINKED,
)
from sms.models import Conversation, InboundMessage, OptOut, OutboundMessage, Purpose, Status
from sms.outbound import sms_queue
from tests.conftest import PINNED_MOMENT, client_for
from tests.sms.fake_twilio import AUTH_TOKEN, PUBLIC_BASE_URL, sent_bodies, signed_post

CHILD_PHONE = "+447700900123"
_sid_counter = iter(range(1, 10_000))


def text(client, body, *, sid=None, sender=CHILD_PHONE):
    """Send one text to the inbound webhook; return (status, TwiML)."""
    params = {
        "MessageSid": sid or f"SM{next(_sid_counter):032d}",
        "AccountSid": "AC" + "1" * 32,
        "From": sender,
        "To": "+447700900999",
        "Body": body,
        "NumMedia": "0",
    }
    response = signed_post(client, "/sms/inbound/", params)
    return response.status_code, response.content.decode()


def test_a_child_picks_a_topic_then_writes_and_it_reaches_their_iro(client, child, iro):
    assert text(client, "7") == (
        200,
        f'<?xml version="1.0" encoding="UTF-8"?><Response><Message>{ASK_WORDS}</Message></Response>',
    )
    status, reply = text(client, "Can I change my maths set?")
    assert status == 200
    assert "your IRO will read this before your review" in reply

    statement = Statement.objects.get()
    assert (statement.child, statement.category, statement.channel) == (child, "school", Channel.SMS)
    assert statement.body == "Can I change my maths set?"
    assert statement.routed_to == iro
    assert not Conversation.objects.exists()


def test_words_first_are_kept_while_the_child_picks_a_topic(client, child):
    _, reply = text(client, "I want more time with my nan")
    assert MENU_TEXT in reply
    _, reply = text(client, "6")
    assert "your IRO will read this" in reply
    assert Statement.objects.get().body == "I want more time with my nan"
    assert Statement.objects.get().category == "family_time"


def test_a_reply_that_is_not_a_number_asks_again_and_keeps_the_words(client, child):
    text(client, "I want more time with my nan")
    _, reply = text(client, "and my cousins")
    assert "Reply with a number" in reply
    text(client, "6")
    assert Statement.objects.get().body == "I want more time with my nan\nand my cousins"


def test_a_retried_message_sid_is_stored_once_and_gets_the_same_reply(client, child):
    text(client, "7", sid="SMretry1")
    first = text(client, "Maths please", sid="SMretry2")
    again = text(client, "Maths please", sid="SMretry2")
    assert first == again
    assert Statement.objects.count() == 1
    assert InboundMessage.objects.filter(message_sid="SMretry2").count() == 1


@pytest.mark.parametrize(
    "tamper",
    ["no signature", "forged", "wrong url", "wrong token", "changed body"],
)
def test_unsigned_or_forged_webhooks_are_refused_and_change_nothing(client, child, tamper):
    params = {"MessageSid": "SMforged", "From": CHILD_PHONE, "To": "+447700900999", "Body": "7"}
    if tamper == "no signature":
        response = client.post("/sms/inbound/", params)
    elif tamper == "forged":
        response = client.post("/sms/inbound/", params, headers={"X-Twilio-Signature": "bm90IHJlYWw="})
    elif tamper == "wrong url":
        response = signed_post(client, "/sms/inbound/", params, url="https://evil.example/sms/inbound/")
    elif tamper == "wrong token":
        response = signed_post(client, "/sms/inbound/", params, token="not-" + AUTH_TOKEN)
    else:
        signature = RequestValidator(AUTH_TOKEN).compute_signature(f"{PUBLIC_BASE_URL}/sms/inbound/", params)
        response = client.post("/sms/inbound/", {**params, "Body": "8"}, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    assert not InboundMessage.objects.exists()
    assert not Conversation.objects.exists()


def test_without_twilio_credentials_every_webhook_is_refused(client, child, settings):
    settings.TWILIO_AUTH_TOKEN = ""
    assert text(client, "7")[0] == 403


@pytest.mark.parametrize("missing", ["MessageSid", "From"])
def test_malformed_parameters_get_a_400_not_a_500(client, child, missing):
    params = {"MessageSid": "SMbad", "From": CHILD_PHONE, "Body": "hi"}
    del params[missing]
    assert signed_post(client, "/sms/inbound/", params).status_code == 400
    assert client.get("/sms/inbound/").status_code == 405


@pytest.mark.parametrize("body", ["", "   ", "😀🏠 I like my room", "Я хочу жить с бабушкой", "أريد أن أرى أخي"])  # noqa: RUF001
def test_empty_emoji_and_non_latin_texts_are_handled(client, child, body):
    status, _ = text(client, "9")
    assert status == 200
    status, reply = text(client, body)
    assert status == 200
    if body.strip():
        assert Statement.objects.get().body == body.strip()
    else:
        assert "Please write something" in reply
        assert not Statement.objects.exists()


def test_a_huge_text_is_kept_up_to_the_limit_and_the_child_is_told(client, child):
    text(client, "x" * 6000)
    _, reply = text(client, "1")
    assert "kept the first 5000 characters" in reply
    assert Statement.objects.get().body == "x" * 5000
    assert InboundMessage.objects.filter(body="x" * 6000).exists()  # the whole text is kept as it came
    assert "Reply with a number" in text(client, "hello again")[1]


def test_stop_opts_out_until_start_and_nothing_is_sent_meanwhile(
    client, child, child_user, django_capture_on_commit_callbacks
):
    assert text(client, "STOP") == (200, '<?xml version="1.0" encoding="UTF-8"?><Response />')
    assert OptOut.objects.filter(phone=CHILD_PHONE).exists()
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_queue(to=CHILD_PHONE, body="Heard: hello", purpose=Purpose.CHILD_READ, key="k1")
    assert message.status == Status.SUPPRESSED
    assert sent_bodies() == []

    _, reply = text(client, "start")
    assert "you'll get our texts again" in reply
    with django_capture_on_commit_callbacks(execute=True):
        sms_queue(to=CHILD_PHONE, body="Heard: hello", purpose=Purpose.CHILD_READ, key="k2")
    assert sent_bodies() == [(CHILD_PHONE, "Heard: hello")]


EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


def test_after_stop_nothing_is_texted_back_but_the_words_reach_the_iro(client, child, iro):
    text(client, "STOP")
    assert text(client, "hi") == (200, EMPTY_TWIML)
    assert text(client, "HELP") == (200, EMPTY_TWIML)
    assert text(client, "my carer shouts at me") == (200, EMPTY_TWIML)
    bodies = list(Statement.objects.order_by("pk").values_list("body", "channel", "routed_to"))
    assert bodies == [("hi", Channel.SMS, iro.pk), ("my carer shouts at me", Channel.SMS, iro.pk)]
    assert set(InboundMessage.objects.values_list("reply", flat=True)) == {""}
    assert sent_bodies() == []

    _, reply = text(client, "START")
    assert "you'll get our texts again" in reply
    assert MENU_TEXT in text(client, "hello again")[1]


def test_a_topic_chosen_before_stop_is_kept_for_the_words_after_it(client, child):
    text(client, "7")
    text(client, "STOP")
    assert text(client, "Can I change my maths set?") == (200, EMPTY_TWIML)
    assert Statement.objects.get().category == "school"


def test_an_urgent_text_after_stop_still_raises_an_alert(client, child):
    text(client, "STOP")
    assert text(client, "he hits me") == (200, EMPTY_TWIML)
    assert SafeguardingAlert.objects.get().statement.body == "he hits me"


@pytest.mark.parametrize("word", ["STOPALL", "unsubscribe", "Cancel", "END", "quit"])
def test_twilios_other_opt_out_words_count_too(client, child, word):
    text(client, word)
    assert OptOut.objects.filter(phone=CHILD_PHONE).exists()


def test_help_says_who_we_are_and_how_to_reach_the_iro(client, child):
    _, reply = text(client, "HELP")
    assert "Heard helps children in care" in reply and "STOP" in reply


def test_an_unknown_number_gets_one_safe_reply_and_nothing_is_stored(client, db):
    _, reply = text(client, "hello who is this", sender="+447700900777")
    assert NOT_LINKED in reply and "999" in reply
    _, second = text(client, "hello??", sender="+447700900777")
    assert "<Message>" not in second  # one reply a day, so nobody can run up a bill
    assert not InboundMessage.objects.exists()
    assert not OptOut.objects.exists()


def test_a_childs_account_with_no_care_record_is_told_how_to_be_linked_and_its_text_is_kept(client, child_user):
    # child_user's number, but no care record made for the account (no `child` fixture).
    assert ASK_WORDS in text(client, "7")[1]
    _, reply = text(client, "Can I change my maths set?")
    assert NOT_LINKED in reply and "999" in reply
    assert not Statement.objects.exists()
    kept = InboundMessage.objects.order_by("pk").last()
    assert (kept.body, kept.user, kept.reply) == (
        "Can I change my maths set?",
        child_user,
        reply.split("<Message>")[1].split("</Message>")[0],
    )
    assert not Conversation.objects.exists()


def test_a_reply_that_arrives_after_the_iro_changed_goes_to_the_new_iro(client, child, iro, other_iro):
    text(client, "7")
    iro_allocate(child=child, iro=other_iro, allocated_on=date(2026, 1, 5))
    text(client, "words after the change")
    assert Statement.objects.get().routed_to == other_iro


def test_an_idle_conversation_expires(client, child):
    text(client, "7")
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        _, reply = text(client, "so anyway")
    assert "Reply with a number" in reply
    assert not Statement.objects.exists()


def test_not_safe_opens_the_alert_at_once_asks_and_keeps_what_follows_with_it(
    client, child, iro, django_capture_on_commit_callbacks
):
    with time_machine.travel(PINNED_MOMENT, tick=False) as clock:
        text(client, "hello")
        with django_capture_on_commit_callbacks(execute=True):
            _, reply = text(client, "3")
        assert ASK_WHAT_IS_HAPPENING in reply and "999" in reply and "0800 1111" in reply
        alert = SafeguardingAlert.objects.get()
        assert (alert.statement.body, alert.statement.category, alert.statement.channel) == ("hello", "unsafe", "sms")

        clock.shift(timedelta(minutes=5))
        with django_capture_on_commit_callbacks(execute=True):
            _, reply = text(client, "my carer shouts at me")
        assert FOLLOW_UP_THANKS in reply
        clock.shift(timedelta(minutes=20))
        text(client, "and he took my phone")
        added = list(Statement.objects.filter(follows=alert.statement).order_by("pk"))
        assert [s.body for s in added] == ["my carer shouts at me", "and he took my phone"]
        assert all(s.routed_to == iro and s.notified_at for s in added[:1])  # the IRO is told live, as ever
        assert SafeguardingAlert.objects.count() == 1  # one alert carries every word
        assert alert.events.filter(kind=AlertEventKind.ADDED).count() == 2
        # The advice went in the reply: no second text to the child.
        assert not OutboundMessage.objects.filter(purpose=Purpose.CHILD_CRISIS).exists()

        clock.shift(timedelta(minutes=31))  # the conversation window closed: a new message starts afresh
        assert MENU_TEXT in text(client, "hi")[1]


def test_not_safe_with_no_words_yet_still_raises_the_alert(client, child):
    _, reply = text(client, "3")
    assert ASK_WHAT_IS_HAPPENING in reply
    first = SafeguardingAlert.objects.get().statement
    assert (first.body, first.category) == ("", "unsafe")
    text(client, "im scared to go home")
    assert Statement.objects.get(follows=first).body == "im scared to go home"


def test_words_that_raise_an_alert_are_followed_up_too(client, child):
    text(client, "7")
    _, reply = text(client, "a boy at school says he will stab me")
    assert ASK_WHAT_IS_HAPPENING in reply
    first = SafeguardingAlert.objects.get().statement
    text(client, "hes in year 10")
    assert Statement.objects.get(follows=first).category == "school"


def test_words_added_after_the_alert_was_closed_raise_a_new_one_if_urgent(client, child, iro):
    text(client, "3")
    alert = SafeguardingAlert.objects.get()
    alert_acknowledge(alert=alert, user=iro)
    alert_close(alert=alert, user=iro, action_taken="Rang the carer; child safe at home.")
    text(client, "he hit me again")
    assert SafeguardingAlert.objects.count() == 2


def test_a_flood_from_one_number_is_kept_but_does_not_reach_the_iro(client, child, settings):
    settings.SMS_INBOUND_PER_NUMBER_PER_HOUR = 2
    text(client, "7")
    text(client, "first words")
    status, reply = text(client, "7")
    assert (status, "<Message>" in reply) == (200, False)
    assert InboundMessage.objects.count() == 3
    assert Statement.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_texts_from_one_child_at_the_same_moment_do_not_collide(child):

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite's shared in-memory test database locks whole tables")

    def send(body):
        try:
            return text(Client(), body)[0]
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = list(pool.map(send, ["7", "my words"]))
    assert statuses == [200, 200]
    assert InboundMessage.objects.count() == 2


def test_the_iro_sees_that_the_child_has_stopped_texts(client, child, iro):
    text(client, "STOP")
    text(client, "Can I see my nan at Christmas")
    page = client_for(iro).get(reverse("feedback:statement_detail", args=[Statement.objects.get().pk]))
    assert 'id="texts-stopped"' in page.content.decode()
    text(client, "START")
    page = client_for(iro).get(reverse("feedback:statement_detail", args=[Statement.objects.get().pk]))
    assert 'id="texts-stopped"' not in page.content.decode()


def test_the_iro_reads_the_added_words_with_the_first_message(client, child, iro):
    text(client, "3")
    text(client, "my carer shouts at me")
    first = SafeguardingAlert.objects.get().statement
    page = client_for(iro).get(reverse("feedback:statement_detail", args=[first.pk])).content.decode()
    assert "No words yet" in page and "my carer shouts at me" in page
    added = Statement.objects.get(follows=first)
    page = client_for(iro).get(reverse("feedback:statement_detail", args=[added.pk])).content.decode()
    assert reverse("feedback:alert_detail", args=[first.alert.pk]) in page
