"""Sign-in cannot be guessed or used to flood a phone; each person sees and ends their own sessions."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from sms.transport import ConsoleTransport
from tests.conftest import app_token

pytestmark = pytest.mark.django_db(transaction=True)


def _app_login(password: str, address: str = "198.51.100.7"):
    return Client(REMOTE_ADDR=address).post(
        "/_allauth/app/v1/auth/login",
        json.dumps({"username": "alice", "password": password}),
        content_type="application/json",
    )


def test_five_wrong_passwords_lock_the_account_for_a_while_even_with_the_right_one(child, child_user):
    statuses = [_app_login("wrong", address=f"198.51.100.{n}").status_code for n in range(5)]
    assert statuses == [400] * 5
    locked = _app_login("correct horse battery", address="198.51.100.99")
    assert locked.status_code == 400
    assert locked.json()["errors"][0]["code"] == "too_many_login_attempts"
    assert "session_token" not in locked.content.decode()


def test_the_web_sign_in_form_is_limited_the_same_way(child, child_user):
    for _ in range(5):
        Client().post(reverse("account_login"), {"login": "alice", "password": "wrong"})
    page = Client().post(reverse("account_login"), {"login": "alice", "password": "correct horse battery"})
    assert page.status_code == 429 or "Too many" in page.content.decode()
    assert Client().get(reverse("feedback:my_statements")).status_code == 302


def test_a_phone_gets_at_most_three_codes_in_five_minutes(child, child_user):
    ConsoleTransport.sent.clear()
    for _ in range(5):
        Client().post(reverse("account_request_login_code"), {"phone": "+447700900123"})
    assert len([to for to, _ in ConsoleTransport.sent if to == "+447700900123"]) == 3


def test_a_person_lists_their_sessions_and_ends_another_on_the_web(child, child_user):
    phone = Client()
    phone.post(reverse("account_login"), {"login": "alice", "password": "correct horse battery"})
    laptop = Client()
    laptop.post(reverse("account_login"), {"login": "alice", "password": "correct horse battery"})
    page = laptop.get(reverse("usersessions_list"))
    assert page.status_code == 200
    assert page.content.decode().count("Sign Out") >= 1 or "sessions" in page.content.decode().lower()
    laptop.post(reverse("usersessions_list"), {"action": "logout"})  # signs out every other session
    assert phone.get(reverse("feedback:my_statements")).status_code == 302
    assert laptop.get(reverse("feedback:my_statements")).status_code == 200


def test_the_app_ends_its_own_session(child, child_user):
    token = app_token("alice")
    app = Client(headers={"X-Session-Token": token})
    assert app.delete("/_allauth/app/v1/auth/session").status_code == 401  # signed out: no session now
    assert app.get("/api/v1/me/").status_code == 401
