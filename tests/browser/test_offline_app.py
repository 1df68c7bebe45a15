"""In a real Chromium: the web app keeps a message written with no signal and sends it once, when back online."""

import json
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from consultations.models import Invitation
from consultations.models import Response as FormResponse
from consultations.services import forms_sync_from_files, invitations_create_for_review
from feedback.models import Statement
from mobile_api.models import IdempotentRequest
from reviews.models import Review
from tests.browser.phone import WORDS_QUESTION

pytestmark = pytest.mark.browser


def _wait_for(condition, timeout: float = 15.0) -> None:
    # Polled from here: Playwright's wait_for_function evaluates strings, which the page's CSP forbids.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


def _child_page(browser, live_asgi_server, child_user):
    client = Client()
    client.force_login(child_user, backend="django.contrib.auth.backends.ModelBackend")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_asgi_server}])
    return context, context.new_page()


def test_offline_message_is_kept_on_the_phone_and_arrives_once_back_online(
    browser, live_asgi_server, child, child_user
):
    context, page = _child_page(browser, live_asgi_server, child_user)
    page.goto(f"{live_asgi_server}/my/messages/new/")
    # The service worker takes charge of the page, so the form opens again with no signal.
    _wait_for(lambda: page.evaluate("() => navigator.serviceWorker.controller !== null"))
    page.reload()

    context.set_offline(True)
    page.reload()  # served by the service worker from the phone
    page.get_by_label("School").check()
    page.get_by_label(WORDS_QUESTION).fill("Can I do my homework club on Thursdays?")
    page.get_by_role("button", name="Send").click()

    page.wait_for_selector("#outbox-status:not([hidden])")
    assert "saved on this phone" in page.inner_text("#outbox-status")
    assert page.input_value("textarea") == ""
    kept = json.loads(page.evaluate("localStorage.getItem('heard.outbox.v1')"))
    assert [item["body"] for item in kept] == ["Can I do my homework club on Thursdays?"]
    assert not Statement.objects.exists()

    context.set_offline(False)  # the browser fires "online"; the outbox sends through the API
    _wait_for(lambda: Statement.objects.count() == 1)
    _wait_for(lambda: page.evaluate("() => localStorage.getItem('heard.outbox.v1') === null"))
    statement = Statement.objects.get()
    assert (statement.child, statement.channel, statement.category) == (child, "app", "school")
    assert statement.body == "Can I do my homework club on Thursdays?"
    assert IdempotentRequest.objects.get().key == kept[0]["key"]

    # The answer was lost on the way back and the phone sends the same message again: still stored once.
    page.evaluate("items => localStorage.setItem('heard.outbox.v1', JSON.stringify(items))", kept)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    _wait_for(lambda: page.evaluate("() => localStorage.getItem('heard.outbox.v1') === null"))
    assert Statement.objects.count() == 1
    context.close()


def test_online_the_form_sends_at_once_and_the_child_sees_what_happens_next(
    browser, live_asgi_server, child, child_user
):
    context, page = _child_page(browser, live_asgi_server, child_user)
    page.goto(f"{live_asgi_server}/my/messages/new/")
    page.get_by_label("School").check()
    page.get_by_label(WORDS_QUESTION).fill("Thank you for listening.")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(f"{live_asgi_server}/my/messages/")
    assert Statement.objects.get().body == "Thank you for listening."
    assert page.locator(".messages").count() == 1
    context.close()


def test_the_manifest_and_worker_are_served_from_the_site_with_no_third_party_code(
    browser, live_asgi_server, child_user
):
    context, page = _child_page(browser, live_asgi_server, child_user)
    seen = []
    page.on("request", lambda request: seen.append(request.url))
    page.goto(f"{live_asgi_server}/my/messages/new/")
    manifest = page.evaluate("fetch('/manifest.webmanifest').then(r => r.json())")
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    assert all(url.startswith(live_asgi_server) for url in seen), seen
    context.close()


def test_consultation_answers_written_offline_are_kept_and_saved_when_back_online(
    browser, live_asgi_server, child, child_user
):
    forms_sync_from_files()
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = timezone.localdate() + timedelta(days=14)
    review.save()
    invitations_create_for_review(review=review)
    invitation = Invitation.objects.get(review=review, contact__isnull=True)

    context, page = _child_page(browser, live_asgi_server, child_user)
    page.goto(f"{live_asgi_server}/my/consultations/{invitation.pk}/")
    context.set_offline(True)
    page.get_by_label("What's good, and what would you change, about where you live?").fill("More time with my sister")
    page.get_by_label("What's good, and what would you change, about where you live?").blur()
    page.wait_for_selector(".save-status:has-text('saved on this phone')")
    assert not FormResponse.objects.exists()

    context.set_offline(False)
    _wait_for(lambda: FormResponse.objects.filter(answers__home_comment="More time with my sister").exists())
    _wait_for(lambda: page.evaluate("() => Object.keys(localStorage).every(k => !k.startsWith('heard.form.'))"))
    assert FormResponse.objects.get().submitted_at is None  # a draft: the child still chooses when to send
    context.close()
