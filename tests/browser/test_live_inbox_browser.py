"""In a real Chromium: a new statement appears in an open IRO inbox without a reload."""

import json
import urllib.request

import pytest
from django.test import Client

from feedback.models import Statement

pytestmark = pytest.mark.browser


def _post_json(url: str, payload: dict, headers: dict | None = None) -> dict:
    # Only ever our own server on loopback, over http.
    request = urllib.request.Request(  # noqa: S310
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json", **(headers or {})}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.load(response)


def test_a_new_statement_appears_in_the_open_inbox_without_reload(
    browser, live_asgi_server, child, child_user, iro, settings
):
    # The server hashes as production does, so give the child a password it can check.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    child_user.set_password("correct horse battery")
    child_user.save()
    staff = Client()
    staff.force_login(iro, backend="django.contrib.auth.backends.ModelBackend")
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    context.add_cookies([{"name": "sessionid", "value": staff.cookies["sessionid"].value, "url": live_asgi_server}])
    page = context.new_page()
    page.goto(f"{live_asgi_server}/inbox/")
    page.wait_for_selector("#live-note:not([hidden])", timeout=10_000)  # the socket is open
    page.evaluate("window.heardMarker = 'still the same page'")
    assert page.locator("li.unread").count() == 0

    token = _post_json(
        f"{live_asgi_server}/_allauth/app/v1/auth/login", {"username": "alice", "password": "correct horse battery"}
    )["meta"]["session_token"]
    _post_json(
        f"{live_asgi_server}/api/v1/statements/",
        {"category": "school", "body": "Can I join the chess club?"},
        {"X-Session-Token": token, "Idempotency-Key": "browser-1"},
    )

    page.wait_for_selector("li.unread", timeout=10_000)
    assert page.locator("li.unread a").first.inner_text() == "School"
    # The list changed in place: the page was never reloaded.
    assert page.evaluate("window.heardMarker") == "still the same page"
    assert Statement.objects.filter(child=child).count() == 1
    context.close()
