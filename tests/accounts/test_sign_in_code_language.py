"""A child's sign-in code, by text or email, is in the language on their record, else the page's they asked from."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from reviews.models import Child
from sms.transport import ConsoleTransport
from tests.accounts.test_sign_in_codes import STRANGER_PHONE, _queries_before_the_answer

# Codes are texted after commit, as in production, so these tests commit for real.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("pinned_clock")]

CHILD_EMAIL = "alice@example.org"
CODE_TEXT = {
    "cy": r"Dy god Heard yw \d{6}\. Mae'n gweithio am 5 munud\. Paid â'i rannu\.",
    "ar": r"رمزك في Heard هو \d{6}\. يعمل لمدة 5 دقائق\. لا تُطلع أحدًا عليه\.",
    "pl": r"Twój kod do Heard to \d{6}\. Działa przez 5 minut\. Nikomu go nie pokazuj\.",
    "": r"Your Heard code is \d{6}\. It works for 5 minutes\. Don't share it\.",
}
CODE_EMAIL = {
    "cy": ("Dy god mewngofnodi Heard", "Helo gan Heard."),
    "ar": ("رمز دخولك إلى Heard", "مرحبًا من Heard."),
    "pl": ("Twój kod do logowania w Heard", "Dzień dobry, tu Heard."),
    "": ("Your Heard sign-in code", "Hello from Heard."),
}


def _speaks(child: Child, language: str) -> None:
    Child.objects.filter(pk=child.pk).update(preferred_language=language)


def _ask(field: str, value: str, browser: str = "") -> None:
    client = Client(headers={"Accept-Language": browser}) if browser else Client()
    assert client.post(reverse("account_request_login_code"), {field: value}).status_code == 302


@pytest.mark.parametrize(
    ("record", "browser", "expected"),
    [("cy", "", "cy"), ("ar", "", "ar"), ("cy", "pl", "cy"), ("", "pl", "pl"), ("", "", "")],
    ids=["welsh", "arabic", "the record over the browser", "none chosen: the browser", "none chosen: english"],
)
def test_a_childs_code_by_text_is_in_their_language(child, child_user, record, browser, expected):
    _speaks(child, record)
    _ask("phone", child_user.phone, browser)
    to, body = ConsoleTransport.sent[-1]
    assert to == child_user.phone
    assert re.fullmatch(CODE_TEXT[expected], body)


@pytest.mark.parametrize(
    ("record", "browser", "expected"),
    [("cy", "", "cy"), ("ar", "", "ar"), ("cy", "pl", "cy"), ("", "pl", "pl"), ("", "", "")],
    ids=["welsh", "arabic", "the record over the browser", "none chosen: the browser", "none chosen: english"],
)
def test_a_childs_code_by_email_is_in_their_language(child, child_user, record, browser, expected):
    child_user.email = CHILD_EMAIL
    child_user.save()
    _speaks(child, record)
    _ask("email", CHILD_EMAIL.upper(), browser)  # however the address is typed
    subject, greeting = CODE_EMAIL[expected]
    assert mail.outbox[-1].to == [CHILD_EMAIL]
    assert mail.outbox[-1].subject.endswith(subject)
    assert mail.outbox[-1].body.startswith(greeting)
    assert re.search(r"\b[A-Z0-9]{6}\b", mail.outbox[-1].body)


def test_a_childs_new_password_email_is_in_their_language(child, child_user):
    child_user.email = CHILD_EMAIL
    child_user.save()
    _speaks(child, "cy")
    Client().post(reverse("account_reset_password"), {"email": CHILD_EMAIL})
    assert mail.outbox[-1].subject.endswith("Dewis cyfrinair Heard newydd")


def test_an_unknown_address_is_written_to_in_the_pages_language(db):
    _ask("email", "nobody@example.org", "pl")
    _ask("email", "nobody@example.org")
    assert [m.body.split("\n")[0] for m in mail.outbox] == ["Dzień dobry, tu Heard.", "Hello from Heard."]


def test_asking_for_a_code_still_does_the_same_work_for_a_child_with_a_language_and_a_stranger(child, child_user):
    _speaks(child, "ar")
    with _queries_before_the_answer() as for_the_child:
        _ask("phone", child_user.phone)
    with _queries_before_the_answer() as for_a_stranger:
        _ask("phone", STRANGER_PHONE)
    assert for_the_child == for_a_stranger
    assert re.fullmatch(CODE_TEXT["ar"], ConsoleTransport.sent[-1][1])
