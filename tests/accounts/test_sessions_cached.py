"""Sessions come from the cache (no query a request), for a few minutes at most; TOTP is checked once a session."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backend.sessions import CACHE_SECONDS, _ShortLived
from tests.conftest import app_token


def _tables(queries) -> list[str]:
    return [q["sql"] for q in queries if "django_session" in q["sql"] or "mfa_authenticator" in q["sql"]]


def test_an_app_request_reads_its_session_from_the_cache_not_the_database(child_user):
    token = app_token(child_user.username)
    client = Client()
    client.get("/api/v1/me/", headers={"X-Session-Token": token})  # the first read may fill the cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/me/", headers={"X-Session-Token": token})
    assert response.status_code == 200
    assert _tables(queries.captured_queries) == []


def test_staff_who_signed_in_with_totp_are_not_asked_the_database_for_it_again(iro):
    token = app_token(iro.username)
    client = Client()
    client.get("/api/v1/inbox/", headers={"X-Session-Token": token})
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/inbox/", headers={"X-Session-Token": token})
    assert response.status_code == 200
    assert _tables(queries.captured_queries) == []


def test_a_signed_out_token_opens_nothing_though_its_session_was_cached(child_user):
    token = app_token(child_user.username)
    client = Client()
    assert client.get("/api/v1/me/", headers={"X-Session-Token": token}).status_code == 200
    assert client.delete("/_allauth/app/v1/auth/session", headers={"X-Session-Token": token}).status_code == 401
    assert client.get("/api/v1/me/", headers={"X-Session-Token": token}).status_code == 401


class _Recording:
    def __init__(self) -> None:
        self.timeouts: list[float | None] = []

    def set(self, key, value, timeout=None, version=None) -> None:
        self.timeouts.append(timeout)


def test_a_session_stays_in_the_cache_minutes_not_weeks():
    cache = _Recording()
    short = _ShortLived(cache)
    short.set("k", {}, 14 * 24 * 3600)
    short.set("k", {}, 60)
    short.set("k", {})
    assert cache.timeouts == [CACHE_SECONDS, 60, CACHE_SECONDS]
