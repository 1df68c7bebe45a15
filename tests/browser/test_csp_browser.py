"""In a real Chromium, with Heard's Content Security Policy enforced: no page breaks a rule of it."""

import time

import pytest
from django.test import Client

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def _signed_in(browser, base, user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    context = browser.new_context()
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])
    context.add_init_script(RECORD_VIOLATIONS)
    return context


def test_child_staff_and_api_pages_run_within_the_policy(browser, live_asgi_server, child, child_user, iro):
    pages = {
        child_user: ["/my/messages/new/", "/my/messages/", "/my/advocate/", "/my/reviews/"],
        iro: ["/inbox/", "/reports/", "/manage/advocacy/", "/api/docs/"],
    }
    for user, paths in pages.items():
        context = _signed_in(browser, live_asgi_server, user)
        page = context.new_page()
        for path in paths:
            response = page.goto(f"{live_asgi_server}{path}")
            assert response.status == 200, path
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_load_state("networkidle")
            assert page.evaluate("window.__violations") == [], path
        context.close()


def test_the_checker_sees_a_violation_when_there_is_one(browser, live_asgi_server, child_user):
    context = _signed_in(browser, live_asgi_server, child_user)
    page = context.new_page()
    page.goto(f"{live_asgi_server}/my/messages/new/")
    page.evaluate(
        """() => { const s = document.createElement('script'); s.textContent = '1'; document.body.append(s); }"""
    )
    deadline = time.monotonic() + 10
    while not page.evaluate("() => window.__violations.length") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert page.evaluate("() => window.__violations") == ["script-src-elem inline"]
    context.close()
