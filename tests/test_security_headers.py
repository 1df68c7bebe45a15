"""Headers every answer carries: a Content Security Policy with no inline script, and no framing."""

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import client_for

ROOT = Path(__file__).resolve().parents[1]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/docs/", "/api/v1/me/", "/manifest.webmanifest"])
def test_every_answer_has_a_strict_content_security_policy(db, path):
    policy = Client().get(path)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    # Swagger UI (the API docs page only) adds a <style> element of its own; nothing may add a script.
    assert directives["style-src"] == ("'self' 'unsafe-inline'" if path == "/api/docs/" else "'self'")
    assert "unsafe" not in policy.replace("style-src 'self' 'unsafe-inline'", "")


def test_no_template_has_an_inline_script():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if INLINE_SCRIPT.search(path.read_text())
    ]
    assert offenders == []


def test_the_api_docs_page_has_no_inline_script(db):
    page = Client().get("/api/docs/").content.decode()
    assert not INLINE_SCRIPT.search(page)
    assert "cdn." not in page and "unpkg" not in page


def test_pages_cannot_be_framed_and_do_not_leak_referrers(db):
    response = Client().get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/my/messages/",
        "/my/data/",
        "/inbox/",
        "/api/v1/me/",
        "/api/v1/statements/",
        "/no-such-page/",
    ],
)
def test_pages_and_api_answers_are_never_stored_by_the_browser(child, child_user, iro, path):
    # Children share phones: nothing with a name or a word in it may stay in a cache.
    for user in (child_user, iro):
        response = client_for(user).get(path)
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= cache_control, (path, user, response.status_code)


def test_what_holds_no_personal_data_keeps_its_own_caching(db):
    assert Client().get("/manifest.webmanifest")["Cache-Control"] == "max-age=3600"
