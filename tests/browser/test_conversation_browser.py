"""In a real Chromium, a child at phone size and their IRO go back and forth on a message.

The child writes with a feeling, the IRO reads and replies, the child sees "read" and the reply
and answers, and the IRO sees the answer marked in their inbox and on the message. Pages come from
Heard through Django's test client by Playwright's request routing (as tests/browser/
test_crisis_help_browser.py does), so the clock is pinned and it runs on SQLite and PostgreSQL alike.
"""

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connections

from feedback.models import Reply, ReplyFrom, Statement
from feedback.services import reply_post, statement_reply, statement_submit
from tests.browser.phone import WORDS_QUESTION
from tests.conftest import client_for

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("pinned_clock")]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ORIGIN = "http://127.0.0.1:9"  # loopback, where nothing listens: the route answers every request
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def _signed_in(browser, user, viewport: dict):
    """A page signed in as this user, every request answered by Heard through the test client."""
    client = client_for(user)
    database = connections["default"]  # Playwright's callbacks share the test's connection and transaction

    def answer(route, request) -> None:
        connections["default"] = database
        url = urlsplit(request.url)
        if url.path == "/__axe.js":
            route.fulfill(path=AXE)
            return
        if url.path.startswith("/static/"):
            found = finders.find(url.path.removeprefix("/static/"))
            route.fulfill(path=found) if found else route.fulfill(status=404)
            return
        headers = {k: v for k, v in request.headers.items() if k.lower() in {"x-requested-with", "accept-language"}}
        response = client.generic(
            request.method,
            url.path + (f"?{url.query}" if url.query else ""),
            data=request.post_data_buffer or b"",
            content_type=request.headers.get("content-type", ""),
            headers=headers,
        )
        if request.method == "POST" and response.status_code in (302, 303) and response["Location"].startswith("/"):
            # Chromium follows a redirect over the network, past the route: follow it here instead.
            response = client.get(response["Location"])
        passed_on = {k: v for k, v in response.items() if k.lower() not in {"set-cookie", "content-length"}}
        route.fulfill(status=response.status_code, headers=passed_on, body=response.content)

    phone = viewport == PHONE
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone, service_workers="block")
    context.route(f"{ORIGIN}/**", answer)
    return context, context.new_page()


def _axe_violations(page) -> list[dict]:
    page.add_script_tag(url=f"{ORIGIN}/__axe.js")
    result = page.evaluate(f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(WCAG)}}}}})")
    return [{"id": v["id"], "nodes": [n["html"] for n in v["nodes"]]} for v in result["violations"]]


def test_a_child_and_their_iro_go_back_and_forth_on_a_message(browser, child, child_user, iro):
    iro.first_name = "Amara"
    iro.save()
    kid_context, kid = _signed_in(browser, child_user, PHONE)
    errors: list[str] = []
    kid.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    # The child writes, with how they feel.
    kid.goto(f"{ORIGIN}/my/messages/new/")
    kid.get_by_label("Family time").check()
    kid.get_by_label(WORDS_QUESTION).fill("Can I see my brother more often?")
    kid.get_by_label("Good", exact=True).check()
    kid.get_by_role("button", name="Send").click()
    kid.wait_for_url(f"{ORIGIN}/my/messages/")
    statement = Statement.objects.get()
    assert statement.feeling == 4

    # The IRO opens it from their inbox and replies.
    staff_context, staff = _signed_in(browser, iro, DESK)
    staff.goto(f"{ORIGIN}/inbox/")
    staff.get_by_role("link", name="Family time").click()
    staff.wait_for_url(f"{ORIGIN}/inbox/messages/{statement.pk}/")
    staff.get_by_label("Reply to the child").fill("Yes, I'll ask about Saturdays.")
    with staff.expect_navigation():
        staff.get_by_role("button", name="Send reply").click()

    # The child sees their message was read, and the reply, and answers.
    kid.get_by_role("link", name="See the conversation and reply").first.click()
    kid.wait_for_url(f"{ORIGIN}/my/messages/{statement.pk}/")
    conversation = kid.locator("#conversation")
    assert "Amara read your message" in conversation.inner_text()
    theirs = conversation.locator(".bubble.theirs")
    assert theirs.count() == 1 and "Yes, I'll ask about Saturdays." in theirs.inner_text()
    assert "Good" in conversation.locator(".bubble.mine").first.inner_text()  # the face came with the words
    # Each side on its own side of a phone's screen, and the button big enough to tap.
    mine_box, theirs_box = conversation.locator(".bubble.mine").first.bounding_box(), theirs.bounding_box()
    assert mine_box and theirs_box and mine_box["x"] > theirs_box["x"]
    assert mine_box["x"] + mine_box["width"] <= PHONE["width"]
    send = kid.get_by_role("button", name="Send reply")
    box = send.bounding_box()
    assert box and box["width"] >= 44 and box["height"] >= 44
    if AXE.exists():
        assert _axe_violations(kid) == []
    kid.get_by_label("Write a reply").fill("Thank you! Saturdays are best.")
    with kid.expect_navigation():
        send.click()
    assert "Your reply was sent." in kid.content()
    assert kid.locator(".bubble.mine").last.inner_text().startswith("You")
    assert "Not read yet" in kid.locator(".bubble.mine").last.inner_text()
    assert list(Reply.objects.order_by("created_at").values_list("sender", flat=True)) == [
        ReplyFrom.IRO,
        ReplyFrom.CHILD,
    ]

    # The IRO's inbox marks the new reply; opening the message shows it, and the child then sees "Read".
    staff.goto(f"{ORIGIN}/inbox/")
    assert staff.locator(".new-reply").count() == 1
    staff.get_by_role("link", name="Family time").click()
    staff.wait_for_url(f"{ORIGIN}/inbox/messages/{statement.pk}/")
    assert "Thank you! Saturdays are best." in staff.locator(".thread").inner_text()
    kid.goto(f"{ORIGIN}/my/messages/{statement.pk}/")
    assert "Read by Amara" in kid.locator(".bubble.mine").last.inner_text()
    assert errors == []
    kid_context.close()
    staff_context.close()


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_the_conversation_is_axe_clean_and_mirrors_in_every_language(browser, child, child_user, iro, language):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make install runs npm ci)")
    iro.first_name = "Amara"
    iro.save()
    child.preferred_language = language
    child.save()
    statement, _ = statement_submit(
        author=child_user, child=child, category="school", body="Maths is hard", channel="web", feeling=2
    )
    statement_reply(statement=statement, iro=iro, text="Let's ask about a tutor.")
    reply_post(statement=statement, author=child_user, body="Yes please")
    context, page = _signed_in(browser, child_user, PHONE)
    page.goto(f"{ORIGIN}/my/messages/{statement.pk}/")
    assert page.locator("html").get_attribute("lang") == language
    assert _axe_violations(page) == [], language
    mine, theirs = page.locator(".bubble.mine").first.bounding_box(), page.locator(".bubble.theirs").bounding_box()
    assert mine and theirs
    # The child's side is at the end of the line: the right in English, the left in Arabic and Pashto.
    assert (mine["x"] < theirs["x"]) == (language in settings.LANGUAGES_BIDI)
    with page.expect_navigation():
        page.locator(".reply-box button[type=submit]").click()  # an empty reply: the page says why, still clean
    assert page.locator(".reply-box .error").is_visible()
    assert _axe_violations(page) == [], language
    context.close()
