"""Texts going out: once per purpose, never to an opted-out number, retried, tracked to delivery."""

import importlib
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from feedback.models import Category
from feedback.services import statement_submit
from sms.inbound import ASK_WORDS, MENU_TEXT
from sms.models import CODE_MASK, OptOut, OutboundMessage, Purpose, Status
from sms.outbound import sms_pending_requeue, sms_queue
from sms.segments import encoding, segment_count
from tests.conftest import client_for, make_user
from tests.sms.fake_twilio import FROM, PUBLIC_BASE_URL, FakeTwilioHttp, sent_bodies, signed_post, twilio_error

PHONE = "+447700900123"
CODE_TEXT = f"Your Heard code is {CODE_MASK}. It works for 5 minutes. Don't share it."


@pytest.fixture
def send_now(django_capture_on_commit_callbacks):
    def send(key="k1", body="Heard: your IRO has read your message.", to=PHONE, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            message = sms_queue(to=to, body=body, purpose=Purpose.CHILD_READ, key=key, **extra)
        message.refresh_from_db()
        return message

    return send


def test_a_text_goes_through_the_twilio_client_with_a_status_callback(db, send_now):
    message = send_now()
    request = FakeTwilioHttp.requests[0]
    assert request["method"] == "POST"
    assert request["uri"].endswith("/Messages.json")
    assert request["data"]["To"] == PHONE
    assert request["data"]["From"] == FROM
    assert request["data"]["StatusCallback"] == f"{PUBLIC_BASE_URL}/sms/status/"
    assert (message.status, message.provider_sid, message.attempts) == (Status.QUEUED, f"SM{1:032x}", 1)


def test_a_messaging_service_sender_is_used_as_one(db, send_now, settings):
    settings.TWILIO_FROM = "MG" + "2" * 32
    send_now()
    assert FakeTwilioHttp.requests[0]["data"]["MessagingServiceSid"] == "MG" + "2" * 32


def test_the_same_purpose_is_never_sent_twice(db, send_now):
    send_now(key="statement:1:read")
    send_now(key="statement:1:read")
    assert len(sent_bodies()) == 1
    assert OutboundMessage.objects.count() == 1


def test_an_opted_out_number_is_never_sent_to(db, send_now):
    OptOut.objects.create(phone=PHONE, opted_out_at="2026-11-01T10:00Z")
    assert send_now().status == Status.SUPPRESSED
    assert sent_bodies() == []


def test_temporary_failures_are_retried_then_sent(db, send_now):
    FakeTwilioHttp.responses.extend([twilio_error(500, 20500, "Internal error"), twilio_error(429, 20429, "Too many")])
    message = send_now()
    assert (message.status, message.attempts) == (Status.QUEUED, 3)
    assert len(FakeTwilioHttp.requests) == 3


def test_a_permanent_failure_is_not_retried_and_keeps_twilios_code(db, send_now):
    FakeTwilioHttp.responses.append(twilio_error(400, 21211, "Invalid 'To' Phone Number"))
    message = send_now()
    assert (message.status, message.error_code, message.attempts) == (Status.FAILED, "21211", 1)
    assert len(FakeTwilioHttp.requests) == 1


def test_a_text_that_never_gets_through_is_failed_after_the_last_retry(db, send_now):
    FakeTwilioHttp.responses.extend([twilio_error(503, 20503, "Unavailable")] * 10)
    message = send_now()
    assert message.status == Status.FAILED
    assert message.attempts == 7  # the first try and six retries


def test_status_callbacks_move_a_message_forward_only(db, send_now, client):
    message = send_now()

    def callback(status, **extra):
        params = {"MessageSid": message.provider_sid, "MessageStatus": status, "AccountSid": "AC" + "1" * 32, **extra}
        return signed_post(client, "/sms/status/", params).status_code

    assert callback("sent") == 204
    assert callback("delivered") == 204
    assert callback("sent") == 204  # late and out of order: ignored
    message.refresh_from_db()
    assert message.status == Status.DELIVERED


def test_forged_or_malformed_status_callbacks_change_nothing(db, send_now, client):
    message = send_now()
    forged = client.post(
        "/sms/status/",
        {"MessageSid": message.provider_sid, "MessageStatus": "failed"},
        headers={"X-Twilio-Signature": "x"},
    )
    assert forged.status_code == 403
    assert signed_post(client, "/sms/status/", {"MessageSid": message.provider_sid}).status_code == 400
    odd = signed_post(client, "/sms/status/", {"MessageSid": message.provider_sid, "MessageStatus": "exploded"})
    assert odd.status_code == 400
    assert signed_post(client, "/sms/status/", {"MessageSid": "SMunknown", "MessageStatus": "sent"}).status_code == 204
    message.refresh_from_db()
    assert message.status == Status.QUEUED


def test_a_permanent_failure_shows_on_the_childs_record_for_the_iro(child, child_user, iro, send_now, client):
    message = send_now(user=child_user)
    params = {"MessageSid": message.provider_sid, "MessageStatus": "undelivered", "ErrorCode": "30003"}
    assert signed_post(client, "/sms/status/", params).status_code == 204
    statement_submit(author=child_user, child=child, category=Category.SCHOOL, body="hi", channel="web")
    inbox = client_for(iro).get(reverse("feedback:inbox")).content.decode()
    assert "Texts to this child are not arriving (undelivered, error 30003" in inbox


def test_the_outbound_rate_limit_stops_a_loop_texting_one_number(db, send_now, settings):
    settings.SMS_OUTBOUND_PER_NUMBER_PER_HOUR = 2
    for number in range(4):
        send_now(key=f"loop-{number}")
    assert len(sent_bodies()) == 2
    assert OutboundMessage.objects.filter(status=Status.FAILED, error_code="retries-exhausted").count() == 2


@pytest.mark.parametrize(
    ("text", "expected_encoding", "segments"),
    [
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("€" * 80, "GSM-7", 1),  # an extension character takes two septets
        ("€" * 81, "GSM-7", 2),
        ("é" * 160, "GSM-7", 1),
        ("ć" * 70, "UCS-2", 1),
        ("ć" * 71, "UCS-2", 2),
        ("😀" * 35, "UCS-2", 1),  # two UTF-16 code units each
        ("😀" * 36, "UCS-2", 2),
    ],
)
def test_the_sender_knows_the_encoding_and_segments(text, expected_encoding, segments):
    assert (encoding(text), segment_count(text)) == (expected_encoding, segments)


@pytest.mark.parametrize(
    "template",
    [
        MENU_TEXT,
        ASK_WORDS,
        "Your Heard code is 123456. It works for 5 minutes. Don't share it.",
        "Heard: your IRO has read your message.",
        "Heard: your IRO has replied to your message. Sign in to Heard to read it.",
        "Heard: thanks, your IRO will read this before your review. Text again any time.",
    ],
)
def test_templates_fit_one_plain_segment(template):
    assert (encoding(template), segment_count(template)) == ("GSM-7", 1)


def test_the_sms_admin_lists_messages_without_changing_them(db, send_now, client):
    admin = make_user("root", Role.ADMIN, is_staff=True, is_superuser=True, email="root@heard.example")
    send_now()
    response = client_for(admin).get("/admin/sms/outboundmessage/")
    assert response.status_code == 200
    assert PHONE in response.content.decode()


@pytest.fixture
def send_code(django_capture_on_commit_callbacks):
    def send(code="482913", key="login:1"):
        with django_capture_on_commit_callbacks(execute=True):
            message = sms_queue(to=PHONE, body=CODE_TEXT, purpose=Purpose.LOGIN_CODE, key=key, code=code)
        message.refresh_from_db()
        return message

    return send


def _stores(message, code: str) -> bool:
    stored = " ".join(str(getattr(message, field.attname)) for field in OutboundMessage._meta.fields)
    return re.search(rf"\b{code}\b", stored) is not None


def test_a_sign_in_code_goes_in_the_text_but_is_never_stored(db, send_code):
    message = send_code(code="482913")
    assert sent_bodies() == [(PHONE, "Your Heard code is 482913. It works for 5 minutes. Don't share it.")]
    assert message.body == CODE_TEXT
    assert not _stores(message, "482913")
    assert (message.status, message.encoding, message.segments) == (Status.QUEUED, "GSM-7", 1)


def test_a_sign_in_code_is_retried_with_its_code(db, send_code):
    FakeTwilioHttp.responses.extend([twilio_error(500, 20500, "Internal error"), twilio_error(429, 20429, "Too many")])
    message = send_code(code="482913")
    assert (message.status, message.attempts) == (Status.QUEUED, 3)
    assert [body for _, body in sent_bodies()] == [
        "Your Heard code is 482913. It works for 5 minutes. Don't share it."
    ] * 3
    assert not _stores(message, "482913")


def test_celery_shows_a_sign_in_code_masked(db, send_code):
    with mock.patch("sms.tasks.deliver_sms.apply_async") as published:
        message = send_code(code="482913")
    (args, kwargs), options = published.call_args.args, published.call_args.kwargs
    assert (args, kwargs) == ((message.pk,), {"code": "482913"})  # the code travels with the task only
    assert "482913" not in options["kwargsrepr"]


def test_a_code_text_left_waiting_while_the_broker_was_down_is_not_sent_without_its_code(db, send_code):
    with mock.patch("sms.tasks.deliver_sms.apply_async", side_effect=OSError("broker down")):
        message = send_code(code="482913")
    assert message.status == Status.PENDING
    OutboundMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=20))

    assert sms_pending_requeue() == 1
    message.refresh_from_db()
    assert (message.status, message.error_code) == (Status.FAILED, "code-expired")
    assert sent_bodies() == []  # the code has expired, and a text without it is worth nothing


def test_codes_already_in_the_log_are_masked_by_a_migration(db):
    old = OutboundMessage.objects.create(
        idempotency_key=f"login:{PHONE}:604211",
        purpose=Purpose.LOGIN_CODE,
        to=PHONE,
        body="Your Heard code is 604211. It works for 5 minutes. Don't share it.",
        encoding="GSM-7",
        segments=1,
        status=Status.DELIVERED,
    )
    other = OutboundMessage.objects.create(
        idempotency_key="statement:1:read",
        purpose=Purpose.CHILD_READ,
        to=PHONE,
        body="Heard: 123456",
        encoding="GSM-7",
        segments=1,
    )
    importlib.import_module("sms.migrations.0003_mask_sign_in_codes").mask_sign_in_codes(apps, None)

    old.refresh_from_db()
    assert (old.body, old.idempotency_key) == (CODE_TEXT, f"login:masked-{old.pk}")
    other.refresh_from_db()
    assert other.body == "Heard: 123456"
