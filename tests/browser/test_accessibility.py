"""axe-core in Chromium finds no WCAG 2.2 AA violations on children's pages, in every language, or staff forms."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.services import complaint_make
from consultations.models import Invitation
from consultations.services import forms_sync_from_files, invitations_create_for_review
from feedback.models import Category, SafeguardingAlert
from feedback.services import reply_post, statement_submit
from reviews.models import Review
from reviews.services import review_record_held
from tests.conftest import client_for, make_child, make_user
from tests.consultations.history import reviews_answered

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CSS = (ROOT / "static" / "heard" / "heard.css").read_text()
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGES = [code for code, _ in settings.LANGUAGES]


@pytest.fixture
def axe(browser):
    """Return a function that loads a page's HTML in Chromium and runs axe-core on it."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make install runs npm ci)")
    page = browser.new_page(viewport={"width": 390, "height": 844})

    def check(html: str, *more_css: str) -> list[dict]:
        page.set_content(html, wait_until="load")
        for css in (CSS, *more_css):
            page.add_style_tag(content=css)  # the page's own stylesheets, for colour contrast
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(WCAG)}}}}})")
        return [
            {"id": v["id"], "help": v["help"], "nodes": [n["html"] for n in v["nodes"]]} for v in result["violations"]
        ]

    yield check
    page.close()


@pytest.fixture
def forms_for_every_age(db, iro):
    forms_sync_from_files()
    invitations = []
    for number, (born_years, symbols) in enumerate([(5, False), (9, False), (13, False), (17, False), (10, True)]):
        user = make_user(f"kid{number}", "child")
        child = make_child(
            f"AX{number:04d}", user=user, born=timezone.localdate() - timedelta(days=365 * born_years + 30)
        )
        child.uses_symbols = symbols
        child.save()
        review = Review.objects.get(child=child)
        review.scheduled_for = timezone.localdate() + timedelta(days=10)
        review.save()
        invitations_create_for_review(review=review)
        invitations.append(Invitation.objects.get(review=review, contact__isnull=True))
    return invitations


def _in(language: str, client: Client) -> Client:
    """The client as a browser asking for this language (the child's record names none)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def _checked(axe, response, language: str) -> list[dict]:
    assert response.status_code in {200, 400, 404}, response.request["PATH_INFO"]  # a page, its errors, a bad link
    html = response.content.decode()
    assert f'<html lang="{language}"' in html, response.request["PATH_INFO"]  # in that language, not English
    return axe(html)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_childs_form_has_no_violations_empty_and_with_errors(axe, forms_for_every_age, language):
    for invitation in forms_for_every_age:
        client = _in(language, client_for(invitation.review.child.user))
        url = reverse("consultations:mine_detail", args=[invitation.pk])
        send = reverse("consultations:mine_detail_send", args=[invitation.pk])
        for response in (client.get(url), client.post(send, {})):
            assert _checked(axe, response, language) == [], invitation.audience


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_other_child_pages_have_no_violations(axe, child, child_user, iro, forms_for_every_age, language):
    client = _in(language, client_for(child_user))
    anonymous = _in(language, Client())
    statement, _ = statement_submit(
        author=child_user, child=child, category=Category.SCHOOL, body="Can I go to the trip?", channel="web", feeling=4
    )
    reply_post(statement=statement, author=iro, body="Yes, I've asked your carer to sign the form.")
    unread, _ = statement_submit(author=child_user, child=child, category=Category.HEALTH, body="Tooth", channel="web")
    conversation = reverse("feedback:my_statement", args=[statement.pk])
    review = Review.objects.get(child=child, held_on__isnull=True)
    review_record_held(review=review, held_on=timezone.localdate() - timedelta(days=1), late_reason="Moved")
    how_it_went = reverse("feedback:my_review_feedback", args=[review.pk])
    complaint_make(child=child, by=child_user, words="The heating is broken.", channel="web")
    assert client.get(how_it_went).status_code == 200  # the child is asked how it went
    pages = [
        client.get(conversation),
        client.post(conversation, {"body": "", "idempotency_key": "b"}),
        client.get(how_it_went),
        client.post(how_it_went, {}),
        client.get(reverse("feedback:statement_withdraw", args=[unread.pk])),
        client.get(reverse("accounts:my_data")),
        anonymous.get(reverse("account_request_login_code")),
        client.get(reverse("feedback:statement_new")),
        client.post(reverse("feedback:statement_new"), {"body": "", "idempotency_key": "a"}),
        client.get(reverse("feedback:my_statements")),
        client.get(reverse("feedback:my_preferences")),
        client.get(reverse("consultations:mine")),
        client.get(reverse("reviews:my_reviews")),
        client.get(reverse("reviews:my_advocate")),
        client.post(reverse("reviews:my_advocate"), {"note": "x" * 1001}),
        client.get(reverse("reporting:you_said_we_did")),
        client.get(reverse("complaints:mine")),
        client.post(reverse("complaints:mine"), {"kind": "complaint", "words": ""}),
        anonymous.get(reverse("account_login")),
        anonymous.get(reverse("consultations:by_link", args=["not-a-real-link"])),
    ]
    for response in pages:
        assert _checked(axe, response, language) == [], response.request["PATH_INFO"]


def test_the_staff_forms_have_no_violations_empty_and_with_errors(axe, child, child_user, iro, manager):
    waiting = make_child("AX0100")
    statement_submit(author=child_user, child=child, category=Category.UNSAFE, body="call me", channel="web")
    alert = SafeguardingAlert.objects.get()
    review = Review.objects.get(child=child, held_on__isnull=True)
    record = reverse("reviews:review_record", args=[review.pk])
    answers = {"held_on": str(timezone.localdate()), "attended": "yes", "views": "spoke", "met_alone": "no"}
    allocate = reverse("reviews:child_allocate", args=[waiting.pk])
    iro_client, manager_client = client_for(iro), client_for(manager)
    pages = [
        manager_client.get(reverse("reviews:allocation")),
        manager_client.get(allocate),
        manager_client.post(allocate, {"iro": manager.pk, "allocated_on": "x"}),
        iro_client.get(record),
        iro_client.post(record, {**answers, "step": "propose"}),
        iro_client.post(record, answers),
        iro_client.get(reverse("feedback:alert_detail", args=[alert.pk])),
        iro_client.post(reverse("feedback:alert_close", args=[alert.pk]), {"action_taken": ""}),
    ]
    for response in pages:
        assert _checked(axe, response, "en-gb") == [], response.request["PATH_INFO"]


def test_the_annual_report_and_the_words_under_its_headings_have_no_violations(axe, child, manager):
    annual_css = (ROOT / "static" / "heard" / "annual.css").read_text()
    deputy = make_user("dana", "manager")
    words = reverse("reporting:annual_words", kwargs={"year": 2025, "section": "participation"})
    manager_client = client_for(manager)
    manager_client.post(words, {"step": "save", "version": "0", "text": "Children took part."})
    pages = [
        manager_client.get(reverse("reporting:annual") + "?year=2025"),
        manager_client.get(words),
        manager_client.post(words, {"step": "save", "version": "1", "text": ""}),
    ]
    manager_client.post(words, {"step": "submit", "version": "1"})
    pages.append(client_for(deputy).get(words))
    for response in pages:
        assert _checked_with(axe, response, annual_css) == [], response.request["PATH_INFO"]


def _checked_with(axe, response, css: str) -> list[dict]:
    assert response.status_code in {200, 400}, response.request["PATH_INFO"]
    return axe(response.content.decode(), css)


def test_the_checker_itself_catches_a_known_violation(axe):
    html = (
        '<!doctype html><html lang="en"><head><title>t</title></head><body><main><img src="x.png"></main></body></html>'
    )
    assert [violation["id"] for violation in axe(html)] == ["image-alt"]


def test_the_cicc_page_with_wellbeing_indicators_and_the_wellbeing_report_have_no_violations(axe, cicc, manager):
    forms_sync_from_files()
    member = client_for(cicc)
    pages = [
        member.get(reverse("reporting:cicc")),
        member.post(reverse("reporting:cicc"), {"indicator": "trusted_adult", "you_said": "x", "we_did": "y"}),
        member.post(reverse("reporting:cicc"), {"indicator": "", "theme": "", "you_said": "x", "we_did": "y"}),
        client_for(manager).get(reverse("reporting:reports")),
    ]
    for response in pages:
        assert _checked(axe, response, "en-gb") == [], response.request["PATH_INFO"]


def test_the_childs_record_and_the_pack_have_no_violations_with_a_wellbeing_history_and_without(
    axe, child, iro, manager, pinned_clock
):
    forms_sync_from_files()
    answered = reviews_answered(iro, 3, last_held=False)
    upcoming = Review.objects.get(child=answered, held_on__isnull=True)
    inbox_css = (ROOT / "static" / "heard" / "inbox.css").read_text()
    pages = [
        client_for(iro).get(reverse("consultations:child_record", args=[answered.pk])),
        client_for(manager).get(reverse("consultations:child_record", args=[child.pk])),  # nothing answered yet
        client_for(iro).get(reverse("consultations:pack", args=[upcoming.pk])),
    ]
    for response in pages:
        assert _checked_with(axe, response, inbox_css) == [], response.request["PATH_INFO"]
