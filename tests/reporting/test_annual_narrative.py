"""The manager's words in the annual report: drafted, sent for review, approved by a second manager, versioned."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from reporting.annual import annual_document
from reporting.models import NARRATIVE_MAX, AnnualNarrative, NarrativeStatus
from reporting.narratives import NarrativeChanged, narrative_approve, narrative_return, narrative_save, narrative_submit
from reporting.periods import Period
from tests.conftest import client_for, make_user

YEAR = Period(date(2025, 4, 1), date(2026, 3, 31))


@pytest.fixture
def second_manager(db):
    return make_user("sam", Role.MANAGER, email="sam@heard.example")


def _words_url(section: str = "participation", year: int = 2025) -> str:
    return reverse("reporting:annual_words", kwargs={"year": year, "section": section})


def _section(document, key: str):
    return next(section for section in document.sections if section.key == key)


def test_words_are_published_only_once_a_second_manager_approves_them(manager, second_manager):
    author, reviewer = client_for(manager), client_for(second_manager)
    response = author.post(
        _words_url(), {"step": "save", "version": "0", "text": "Children took part more.\r\n\r\nNext year: more."}
    )
    assert response.status_code == 302
    narrative = AnnualNarrative.objects.get(year=2025, section="participation")
    assert (narrative.status, narrative.version, narrative.text) == (
        "draft",
        1,
        "Children took part more.\n\nNext year: more.",
    )
    assert _section(annual_document(YEAR), "participation").narrative == ""  # a draft is not published

    assert author.post(_words_url(), {"step": "submit", "version": "1"}).status_code == 302
    # The author cannot approve their own words: the page says so and nothing changes.
    page = author.get(_words_url()).content.decode()
    assert "Another manager approves" in page and 'value="approve"' not in page
    response = author.post(_words_url(), {"step": "approve", "version": "2"})
    assert response.status_code == 400 and "Another manager approves" in response.content.decode()
    assert AnnualNarrative.objects.get(pk=narrative.pk).status == NarrativeStatus.IN_REVIEW

    assert reviewer.post(_words_url(), {"step": "approve", "version": "2"}).status_code == 302
    narrative.refresh_from_db()
    assert (narrative.status, narrative.approved_by, narrative.version) == ("approved", second_manager, 3)
    section = _section(annual_document(YEAR), "participation")
    assert section.narrative == "Children took part more.\n\nNext year: more."
    page = author.get(reverse("reporting:annual") + "?year=2025").content.decode()
    assert "<p>Children took part more.</p>" in page and "<p>Next year: more.</p>" in page

    # A new draft after approval leaves the approved words published until it is approved in its turn.
    author.post(_words_url(), {"step": "save", "version": "3", "text": "Rewritten."})
    assert _section(annual_document(YEAR), "participation").narrative == "Children took part more.\n\nNext year: more."
    steps = [(v.number, v.step, v.by.username) for v in narrative.versions.all()]
    assert steps == [(4, "saved", "morgan"), (3, "approved", "sam"), (2, "submitted", "morgan"), (1, "saved", "morgan")]
    history = author.get(_words_url()).content.decode()
    assert "Every version" in history and "Sent for review" in history and "Approved" in history


def test_a_reviewer_sends_words_back_with_a_comment(manager, second_manager):
    narrative_save(manager=manager, year=2025, section="service", text="Draft", seen_version=0)
    narrative_submit(manager=manager, year=2025, section="service", seen_version=1)
    with pytest.raises(ValidationError, match="Say what should change"):
        narrative_return(manager=second_manager, year=2025, section="service", seen_version=2, comment="  ")
    narrative = narrative_return(
        manager=second_manager, year=2025, section="service", seen_version=2, comment="Add the caseload trend."
    )
    assert narrative.status == NarrativeStatus.DRAFT and narrative.submitted_by is None
    assert narrative.versions.first().comment == "Add the caseload trend."
    with pytest.raises(ValidationError, match="Only words waiting for review"):
        narrative_approve(manager=second_manager, year=2025, section="service", seen_version=3)


def test_two_managers_editing_at_once_lose_nothing(manager, second_manager):
    narrative_save(manager=manager, year=2025, section="voice", text="First", seen_version=0)
    narrative_save(manager=second_manager, year=2025, section="voice", text="Second", seen_version=1)
    with pytest.raises(NarrativeChanged):
        narrative_save(manager=manager, year=2025, section="voice", text="Stale", seen_version=1)
    response = client_for(manager).post(_words_url("voice"), {"step": "save", "version": "1", "text": "My stale words"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "My stale words" in page and "Another manager changed these words" in page
    assert AnnualNarrative.objects.get(section="voice").text == "Second"


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"step": "save", "version": "0", "text": "   "}, "Write something"),
        ({"step": "save", "version": "0", "text": "x" * (NARRATIVE_MAX + 1)}, f"{NARRATIVE_MAX} characters"),
        ({"step": "save", "version": "zero", "text": "Words"}, "The form was incomplete"),
        ({"step": "save", "text": "Words"}, "The form was incomplete"),
        ({"step": "publish", "version": "0", "text": "Words"}, "Choose what to do"),
        ({"step": "submit", "version": "0"}, "Only a draft can be sent"),
        ({"step": "approve", "version": "0"}, "Only words waiting for review"),
    ],
)
def test_bad_input_is_a_clear_400_and_stores_nothing(manager, posted, message):
    response = client_for(manager).post(_words_url(), posted)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AnnualNarrative.objects.exists()
    if posted.get("text", "").strip():
        assert posted["text"][:50] in response.content.decode()  # the words typed are given back


def test_unknown_headings_years_and_people_other_than_managers_get_404(manager, iro, cicc, child_user):
    assert client_for(manager).get(_words_url("no-such-heading")).status_code == 404
    assert client_for(manager).get(_words_url(year=1999)).status_code == 404
    assert client_for(manager).get(_words_url("childrens-words")).status_code == 200
    for user in (iro, cicc, child_user):
        assert client_for(user).get(_words_url()).status_code == 404
        assert client_for(user).post(_words_url(), {"step": "save", "version": "0", "text": "x"}).status_code == 404
    with pytest.raises(PermissionDenied):
        narrative_save(manager=iro, year=2025, section="service", text="x", seen_version=0)
    assert not AnnualNarrative.objects.exists()


def test_the_document_is_a_draft_until_every_heading_is_approved(manager, second_manager):
    document = annual_document(YEAR)
    assert len(document.unapproved) == len(document.sections) + 1
    for key in [section.key for section in document.sections] + ["childrens-words"]:
        narrative_save(manager=manager, year=2025, section=key, text=f"About {key}", seen_version=0)
        narrative_submit(manager=manager, year=2025, section=key, seen_version=1)
        narrative_approve(manager=second_manager, year=2025, section=key, seen_version=2)
    document = annual_document(YEAR)
    assert document.unapproved == []
    assert document.words_narrative == "About childrens-words"
    page = client_for(manager).get(reverse("reporting:annual") + "?year=2025").content.decode()
    assert "Every heading&#x27;s words approved" in page or "Every heading's words approved" in page


def test_sending_for_review_takes_the_words_in_the_box_with_it(manager):
    client_for(manager).post(_words_url(), {"step": "save", "version": "0", "text": "First go"})
    response = client_for(manager).post(_words_url(), {"step": "submit", "version": "1", "text": "Second go"})
    assert response.status_code == 302
    narrative = AnnualNarrative.objects.get(section="participation")
    assert (narrative.status, narrative.text, narrative.version) == ("in_review", "Second go", 3)


def test_the_words_cost_the_same_queries_however_many_headings_have_them(manager, second_manager):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            render_to_string("reporting/annual/document.html", {"document": annual_document(YEAR), "editable": True})
        return len(captured)

    def approve(key: str) -> None:
        narrative_save(manager=manager, year=2025, section=key, text=f"About {key}", seen_version=0)
        narrative_submit(manager=manager, year=2025, section=key, seen_version=1)
        narrative_approve(manager=second_manager, year=2025, section=key, seen_version=2)

    approve("service")
    one = queries()
    for key in ("participation", "voice", "feedback", "childrens-words"):
        approve(key)
    assert queries() == one
