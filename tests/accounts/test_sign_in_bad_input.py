"""Sign-in with nothing typed, or too often: a clear answer in Heard's words, never a 500."""

import json

from django.test import Client
from django.urls import reverse


def test_asking_for_a_code_with_no_number_says_what_to_type(db):
    response = Client().post(reverse("account_request_login_code"), {"phone": ""})
    assert response.status_code == 200
    assert "Type your mobile number." in response.content.decode()


def test_the_app_asking_for_a_code_with_nothing_gets_a_400(db):
    for body in ({}, {"phone": ""}, {"email": ""}):
        response = Client().post(
            "/_allauth/app/v1/auth/code/request", json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 400, body
        assert response.json()["errors"][0]["message"] == "Type your mobile number."


def test_the_app_can_still_ask_for_a_code_by_phone(child_user):
    response = Client().post(
        "/_allauth/app/v1/auth/code/request", json.dumps({"phone": "07700 900123"}), content_type="application/json"
    )
    assert response.status_code == 401  # a code is on its way: the next step is to type it
    assert response.json()["data"]["flows"][-1]["id"] == "login_by_code"


def test_too_many_sign_ins_from_one_address_get_heards_own_page(db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    client = Client()
    for _ in range(2):
        client.post(reverse("account_login"), {"login": "nobody", "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": "nobody", "password": "wrong"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many tries" in page and "Childline" in page and "Too Many Requests" not in page
