"""Signing in: children by phone code or password, staff by email, password and TOTP."""

import json
import re

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from sms.transport import ConsoleTransport
from tests.conftest import client_for, make_user, totp_code

# Codes are texted after commit, as in production, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def _code_from_last_text(phone: str) -> str:
    to, body = ConsoleTransport.sent[-1]
    assert to == phone
    return re.search(r"\b(\d{6})\b", body).group(1)


@pytest.mark.parametrize("typed", ["+447700900123", "07700 900123", "07700900123"])
def test_a_child_signs_in_with_a_code_texted_to_their_phone(child, child_user, typed):
    client = Client()
    response = client.post(reverse("account_request_login_code"), {"phone": typed})
    assert response.status_code == 302

    to, body = ConsoleTransport.sent[-1]
    assert to == "+447700900123"
    # No name and nothing about care in the text.
    assert "alice" not in body.lower()
    assert child.case_reference not in body

    confirmed = client.post(reverse("account_confirm_login_code"), {"code": _code_from_last_text("+447700900123")})
    assert confirmed.status_code == 302
    assert client.get(reverse("feedback:my_statements")).status_code == 200


def test_a_wrong_code_does_not_sign_in(child, child_user):
    client = Client()
    client.post(reverse("account_request_login_code"), {"phone": "+447700900123"})
    wrong = f"{(int(_code_from_last_text('+447700900123')) + 1) % 1_000_000:06d}"
    response = client.post(reverse("account_confirm_login_code"), {"code": wrong})
    assert response.status_code == 200
    assert client.get(reverse("feedback:my_statements")).status_code == 302


def test_an_unknown_number_gets_no_text_and_learns_nothing(db):
    response = Client().post(reverse("account_request_login_code"), {"phone": "+447700900999"})
    assert response.status_code == 302
    assert ConsoleTransport.sent == []


def test_a_nonsense_phone_number_gets_a_clear_message(db):
    response = Client().post(reverse("account_request_login_code"), {"phone": "not a number"})
    assert response.status_code == 200
    assert ConsoleTransport.sent == []


def test_a_child_signs_in_with_username_and_password(child, child_user):
    client = Client()
    response = client.post(reverse("account_login"), {"login": "alice", "password": "correct horse battery"})
    assert response.status_code == 302
    assert client.get(reverse("feedback:my_statements")).status_code == 200


def test_an_iro_signs_in_with_email_password_and_a_totp_code(iro):
    client = Client()
    response = client.post(reverse("account_login"), {"login": iro.email, "password": "correct horse battery"})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Not signed in until the second step is done.
    assert client.get(reverse("feedback:inbox")).status_code == 302

    done = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert done.status_code == 302
    assert client.get(reverse("feedback:inbox")).status_code == 200


@pytest.mark.parametrize("role", [Role.IRO, Role.MANAGER])
def test_staff_without_totp_must_set_it_up_before_anything_else(db, role):
    user = make_user("newstaff", role, email="new@heard.example")
    Authenticator.objects.filter(user=user).delete()
    client = client_for(user)

    page = client.get(reverse("feedback:inbox"))
    assert page.status_code == 302
    assert page["Location"] == reverse("mfa_activate_totp")
    assert client.get("/api/v1/statements/").status_code == 403


def test_children_and_advocates_do_not_need_totp(child, child_user, advocate):
    assert Authenticator.objects.filter(user__in=[child_user, advocate]).count() == 0
    assert client_for(child_user).get(reverse("feedback:my_statements")).status_code == 200
    assert client_for(advocate).get(reverse("feedback:advocacy")).status_code == 200


def test_nobody_can_sign_themselves_up(db):
    response = Client().post(
        reverse("account_signup"), {"username": "mallory", "password1": "x8!kd93jdk2", "phone": "+447700900555"}
    )
    assert response.status_code == 200
    assert "closed" in response.content.decode().lower()


def test_the_app_signs_in_by_phone_code_through_the_headless_api(child, child_user):
    app = Client()
    requested = app.post(
        "/_allauth/app/v1/auth/code/request", json.dumps({"phone": "+447700900123"}), content_type="application/json"
    )
    assert requested.status_code == 401  # a flow is pending: the code
    token = requested.json()["meta"]["session_token"]
    confirmed = app.post(
        "/_allauth/app/v1/auth/code/confirm",
        json.dumps({"code": _code_from_last_text("+447700900123")}),
        content_type="application/json",
        headers={"X-Session-Token": token},
    )
    assert confirmed.status_code == 200, confirmed.content
    session = confirmed.json()["meta"]["session_token"]
    listed = Client(headers={"X-Session-Token": session}).get("/api/v1/statements/")
    assert listed.status_code == 200
