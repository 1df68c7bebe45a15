"""Sign-in cannot be guessed or used to flood a phone; each person sees and ends their own sessions."""

import json
import runpy

import pytest
from django.test import Client
from django.urls import reverse

import backend.settings
from sms.transport import ConsoleTransport
from tests.conftest import app_token

pytestmark = pytest.mark.django_db(transaction=True)

RIGHT = "correct horse battery"


def _app_login(password: str, address: str = "198.51.100.7", **login: str):
    return Client(REMOTE_ADDR=address).post(
        "/_allauth/app/v1/auth/login",
        json.dumps({**(login or {"username": "alice"}), "password": password}),
        content_type="application/json",
    )


def _web_login(login: str, password: str) -> Client:
    client = Client()
    client.post(reverse("account_login"), {"login": login, "password": password})
    return client


def _error(response) -> str:
    return response.json()["errors"][0]["code"]


def test_five_wrong_passwords_lock_the_account_for_a_while_even_with_the_right_one(child, child_user):
    statuses = [_app_login("wrong", address=f"198.51.100.{n}").status_code for n in range(5)]
    assert statuses == [400] * 5
    locked = _app_login("correct horse battery", address="198.51.100.99")
    assert locked.status_code == 400
    assert locked.json()["errors"][0]["code"] == "too_many_login_attempts"
    assert "session_token" not in locked.content.decode()


@pytest.mark.parametrize("then_typed", ["07700 900123", "+447700900123", "+44 7700 900123", "alice", "ALICE"])
def test_five_wrong_passwords_for_a_number_lock_the_account_however_it_is_typed_next(child, child_user, then_typed):
    for _ in range(5):
        _web_login("07700900123", "wrong")
    client = Client()
    page = client.post(reverse("account_login"), {"login": then_typed, "password": RIGHT})
    assert page.status_code == 200
    assert "Too many tries" in page.content.decode()
    assert client.get(reverse("feedback:my_statements")).status_code == 302


def test_the_app_counts_wrong_passwords_against_the_account_whichever_login_is_used(child, child_user):
    assert _error(_app_login("wrong", username="ALICE")) == "username_password_mismatch"
    assert _error(_app_login("wrong", username="alice")) == "username_password_mismatch"
    assert _error(_app_login("wrong", phone="+447700900123")) == "phone_password_mismatch"
    assert _error(_app_login("wrong", phone="+447700900123")) == "phone_password_mismatch"
    assert _error(_app_login("wrong", username="Alice")) == "username_password_mismatch"
    locked = _app_login(RIGHT, phone="+447700900123")
    assert (locked.status_code, _error(locked)) == (400, "too_many_login_attempts")


def test_wrong_passwords_for_one_childs_number_do_not_lock_out_another_child(child_user, other_child_user):
    for _ in range(5):
        assert _error(_app_login("wrong", phone="+447700900124")) == "phone_password_mismatch"
    signed_in = _app_login(RIGHT, phone="+447700900123")
    assert signed_in.status_code == 200, signed_in.content
    assert _error(_app_login(RIGHT, phone="+447700900124")) == "too_many_login_attempts"


def test_staff_are_locked_by_email_in_any_case_and_by_username_alike(iro):
    for login in ("AMARA@HEARD.EXAMPLE", "Amara@Heard.Example", "amara", "Amara", "amara@heard.example"):
        _web_login(login, "wrong")
    client = Client()
    page = client.post(reverse("account_login"), {"login": "amara@heard.example", "password": RIGHT})
    assert "Too many tries" in page.content.decode()
    assert page.status_code == 200  # not on to the second step


def test_guessing_an_unknown_number_is_limited_in_every_spelling(db):
    for typed in ("07700 900999", "07700900999", "+447700900999", "+44 7700 900999", "0 7700 900 999"):
        _web_login(typed, "wrong")
    last = _app_login("wrong", phone="+447700900999")
    assert _error(last) == "too_many_login_attempts"


def test_the_web_sign_in_form_is_limited_the_same_way(child, child_user):
    for _ in range(5):
        _web_login("alice", "wrong")
    client = Client()
    page = client.post(reverse("account_login"), {"login": "alice", "password": RIGHT})
    assert (page.status_code, "Too many tries" in page.content.decode()) == (200, True)
    assert client.get(reverse("feedback:my_statements")).status_code == 302


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


def _sign_in_settings_with(monkeypatch, **environment: str) -> dict:
    """backend/settings.py as it reads this environment (it is read once, when Heard starts)."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(backend.settings.__file__)


def _failed_sign_in(remote_addr: str, forwarded_for: str, username: str):
    return Client(REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR=forwarded_for).post(
        "/_allauth/app/v1/auth/login",
        json.dumps({"username": username, "password": "wrong"}),
        content_type="application/json",
    )


def test_behind_a_load_balancer_each_child_has_their_own_address_limit(db, settings, monkeypatch):
    loaded = _sign_in_settings_with(monkeypatch, HEARD_NUM_PROXIES="1")
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = loaded["ALLAUTH_TRUSTED_PROXY_COUNT"]
    balancer = "10.0.0.2"
    # Ten failures an address a minute; a client putting its own address first changes nothing.
    for n in range(10):
        first = _failed_sign_in(balancer, f"192.0.2.{n}, 203.0.113.10", f"nobody{n}")
        assert _error(first) == "username_password_mismatch"
    assert _error(_failed_sign_in(balancer, "192.0.2.99, 203.0.113.10", "nobody10")) == "too_many_login_attempts"
    # Another child behind the same balancer is not held up by the first.
    assert _error(_failed_sign_in(balancer, "203.0.113.20", "nobody11")) == "username_password_mismatch"


def test_with_no_proxy_a_forged_forwarded_address_is_ignored(db, settings, monkeypatch):
    loaded = _sign_in_settings_with(monkeypatch, HEARD_NUM_PROXIES="0")
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = loaded["ALLAUTH_TRUSTED_PROXY_COUNT"]
    for n in range(10):
        assert _error(_failed_sign_in("198.51.100.7", f"203.0.113.{n}", f"nobody{n}")) == "username_password_mismatch"
    assert _error(_failed_sign_in("198.51.100.7", "203.0.113.99", "nobody10")) == "too_many_login_attempts"


def test_the_api_and_sign_in_read_the_same_number_of_proxies(monkeypatch):
    loaded = _sign_in_settings_with(monkeypatch, HEARD_NUM_PROXIES="2")
    assert loaded["ALLAUTH_TRUSTED_PROXY_COUNT"] == loaded["REST_FRAMEWORK"]["NUM_PROXIES"] == 2
