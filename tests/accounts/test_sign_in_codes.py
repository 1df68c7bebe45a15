"""Sign-in codes by text: asking tells nobody whose number it is, and no code is kept readable."""

import json
import re
from contextlib import contextmanager
from unittest import mock

import pytest
from django.db import connection
from django.http import HttpResponseBase
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from sms.models import CODE_MASK, OutboundMessage, Purpose
from sms.transport import ConsoleTransport
from tests.conftest import client_for, make_user

# Codes are texted after commit, as in production, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

CHILD_PHONE = "+447700900123"
STRANGER_PHONE = "+447700900999"
MASKED_TEXT = f"Your Heard code is {CODE_MASK}. It works for 5 minutes. Don't share it."


def _texted_code(phone: str = CHILD_PHONE) -> str:
    to, body = ConsoleTransport.sent[-1]
    assert to == phone
    return re.search(r"\b(\d{6})\b", body).group(1)


def _shows(code: str, text: str) -> bool:
    return re.search(rf"\b{code}\b", text) is not None


def _shape(sql: str) -> str:
    """The statement without its values (ids, numbers, session keys, savepoint names)."""
    return re.sub(r'"s\d+_x\d+"', '"savepoint"', re.sub(r"'[^']*'|\b\d+(\.\d+)?\b", "?", sql))


@contextmanager
def _queries_before_the_answer():
    """Collect the SQL a request runs before its answer is complete: until the server closes the response."""
    before: list[str] = []
    close = HttpResponseBase.close

    def close_noting_what_ran(response):
        before.extend(_shape(query["sql"]) for query in queries.captured_queries)
        close(response)

    with (
        CaptureQueriesContext(connection) as queries,
        mock.patch.object(HttpResponseBase, "close", close_noting_what_ran),
    ):
        yield before


def _ask_on_the_web(phone: str):
    return Client().post(reverse("account_request_login_code"), {"phone": phone})


def _ask_in_the_app(phone: str):
    return Client().post(
        "/_allauth/app/v1/auth/code/request", json.dumps({"phone": phone}), content_type="application/json"
    )


def test_asking_for_a_code_on_the_web_does_the_same_work_for_a_childs_number_and_a_strangers(child, child_user):
    with _queries_before_the_answer() as for_the_child:
        known = _ask_on_the_web(CHILD_PHONE)
    with _queries_before_the_answer() as for_a_stranger:
        unknown = _ask_on_the_web(STRANGER_PHONE)

    assert for_the_child == for_a_stranger
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    # The text still goes, once the answer has: to the child only.
    assert [to for to, _ in ConsoleTransport.sent] == [CHILD_PHONE]
    assert re.fullmatch(
        r"Your Heard code is \d{6}\. It works for 5 minutes\. Don't share it\.", ConsoleTransport.sent[0][1]
    )


def test_asking_for_a_code_in_the_app_does_the_same_work_for_a_childs_number_and_a_strangers(child, child_user):
    with _queries_before_the_answer() as for_the_child:
        known = _ask_in_the_app(CHILD_PHONE)
    with _queries_before_the_answer() as for_a_stranger:
        unknown = _ask_in_the_app(STRANGER_PHONE)

    # The same queries, as many of each (the answer lists the council's sign-ins, read in between).
    assert sorted(for_the_child) == sorted(for_a_stranger)
    assert known.status_code == unknown.status_code == 401  # the next step, typing the code, either way
    assert known.json()["data"] == unknown.json()["data"]
    assert [to for to, _ in ConsoleTransport.sent] == [CHILD_PHONE]

    confirmed = Client().post(
        "/_allauth/app/v1/auth/code/confirm",
        json.dumps({"code": _texted_code()}),
        content_type="application/json",
        headers={"X-Session-Token": known.json()["meta"]["session_token"]},
    )
    assert confirmed.status_code == 200, confirmed.content


def test_the_sms_log_keeps_the_code_masked_while_the_text_carries_it(child, child_user):
    client = Client()
    client.post(reverse("account_request_login_code"), {"phone": "07700 900123"})
    code = _texted_code()

    message = OutboundMessage.objects.get(purpose=Purpose.LOGIN_CODE)
    assert (message.to, message.body, message.status) == (CHILD_PHONE, MASKED_TEXT, "sent")
    assert not any(_shows(code, str(getattr(message, field.attname))) for field in OutboundMessage._meta.fields)
    # Billed as what was sent: plain GSM-7 digits, one segment (the mask's dots would need UCS-2).
    assert (message.encoding, message.segments) == ("GSM-7", 1)

    signed_in = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert signed_in.status_code == 302
    assert client.get(reverse("feedback:my_statements")).status_code == 200


def test_a_code_in_polish_is_masked_the_same_way(child, child_user):
    Client(headers={"Accept-Language": "pl"}).post(reverse("account_request_login_code"), {"phone": CHILD_PHONE})
    code = _texted_code()
    message = OutboundMessage.objects.get(purpose=Purpose.LOGIN_CODE)
    assert message.body == f"Twój kod do Heard to {CODE_MASK}. Działa przez 5 minut. Nikomu go nie pokazuj."
    assert ConsoleTransport.sent[-1][1] == message.body.replace(CODE_MASK, code)


def test_the_admin_never_shows_a_sign_in_code(child, child_user):
    _ask_on_the_web(CHILD_PHONE)
    code = _texted_code()
    message = OutboundMessage.objects.get(purpose=Purpose.LOGIN_CODE)
    admin = make_user("root", Role.ADMIN, is_staff=True, is_superuser=True, email="root@heard.example")

    listing = client_for(admin).get("/admin/sms/outboundmessage/")
    detail = client_for(admin).get(f"/admin/sms/outboundmessage/{message.pk}/change/")
    assert listing.status_code == detail.status_code == 200
    assert not _shows(code, listing.content.decode())
    assert not _shows(code, detail.content.decode())
    assert CODE_MASK in detail.content.decode()


def test_each_code_is_its_own_text(child, child_user):
    for _ in range(2):
        _ask_on_the_web(CHILD_PHONE)
    assert len(ConsoleTransport.sent) == 2
    assert OutboundMessage.objects.filter(purpose=Purpose.LOGIN_CODE).count() == 2
