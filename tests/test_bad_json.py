"""A JSON body built to exhaust the parser gets a clear 400 wherever JSON is taken, never a 500."""

import pytest
from django.test import Client

from backend.json_depth import MAX_JSON_DEPTH, json_too_deep
from tests.conftest import client_for

DEEP = "[" * 5000 + "]" * 5000


@pytest.mark.parametrize("path", ["/_allauth/app/v1/auth/login", "/_allauth/app/v1/auth/code/request"])
def test_sign_in_answers_deep_json_with_400(db, path):
    response = Client().post(path, DEEP, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["errors"][0]["message"]


def test_the_api_answers_deep_json_with_a_problem(child, child_user):
    response = client_for(child_user).post("/api/v1/statements/", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "nested" in response.json()["detail"]


def test_depth_is_counted_outside_strings_only():
    assert not json_too_deep(b'{"body": "' + b"[" * 500 + b'"}')
    assert not json_too_deep(b'{"body": "a \\" [[[[", "x": [1, [2]]}')
    assert not json_too_deep(("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH).encode())
    assert json_too_deep(("[" * (MAX_JSON_DEPTH + 1)).encode())
    assert json_too_deep(b"{" + b'"a": ' + b"[" * 40)
