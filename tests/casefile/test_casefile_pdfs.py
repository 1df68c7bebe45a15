"""A statement, a consultation answer and a review summary, each downloaded as a PDF for the case file."""

import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLogEntry, Role
from consultations.models import EntryMode, Invitation
from consultations.services import (
    forms_sync_from_files,
    invitations_create_for_review,
    response_save_draft,
    response_submit,
)
from feedback.models import Category, Feeling
from feedback.services import reply_post, statement_reply, statement_submit, statement_withdraw
from reviews.models import Review
from reviews.services import review_publish_summary, review_record_held
from tests.conftest import app_token, client_for, make_user

pytestmark = pytest.mark.usefixtures("pinned_clock")

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="reading a PDF's text back needs poppler-utils (pdftotext)"
)
WORDS = "I want to stay at Oak House. Please tell the review I like my school."


def pdf_text(content: bytes) -> str:
    """The PDF's text as poppler reads it, pages separated by form feeds."""
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def pages(text: str) -> list[str]:
    return [page for page in text.split("\f") if page.strip()]


def flat(text: str) -> str:
    """The text with its line breaks and repeated spaces as single spaces (lines wrap where the page does)."""
    return " ".join(text.split())


def _api(user) -> Client:
    """A client signed in as the app is, with a session token."""
    return Client(headers={"X-Session-Token": app_token(user.username)})


@pytest.fixture
def admin(db):
    return make_user("avery", Role.ADMIN, email="admin@heard.example")


@pytest.fixture
def alice(child):
    child.known_as = "Alice"
    child.save(update_fields=["known_as"])
    return child


@pytest.fixture
def conversation(alice, child_user, iro):
    """Alice's message, her IRO's reply and Alice's answer back."""
    iro.first_name, iro.last_name = "Amara", "Okafor"
    iro.save()
    statement, _ = statement_submit(
        author=child_user,
        child=alice,
        category=Category.WHERE_I_LIVE,
        body=WORDS,
        channel="web",
        feeling=Feeling.GOOD,
    )
    statement_reply(statement=statement, iro=iro, text="Thank you Alice, I will tell the review.")
    reply_post(statement=statement, author=child_user, body="Thanks, see you on Friday.")
    return statement


def _download(user, statement):
    name = "feedback:my_statement_pdf" if user.role == Role.CHILD else "feedback:statement_pdf"
    return client_for(user).get(reverse(name, args=[statement.pk]))


@needs_pdftotext
def test_the_childs_iro_downloads_the_message_with_its_conversation_and_where_it_came_from(conversation, iro):
    response = _download(iro, conversation)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="heard-statement-{conversation.pk}.pdf"'
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert len(pages(text)) == 1
    page = flat(text)
    assert "FOR THE CASE FILE Heard · Heard demo council" in page
    assert "Alice · case reference HRD0001" in page
    assert WORDS in page
    assert "Amara Okafor, the child's IRO, 23 November 2026, 10:00" in page
    assert "Thank you Alice, I will tell the review." in page
    assert page.index("Thank you Alice") < page.index("Thanks, see you on Friday.")  # in order
    assert "The child, 23 November 2026, 10:00" in page
    assert "Written 23 November 2026, 10:00 by the child" in page
    assert "Where I live" in page and "Web" in page and "Good (4 of 5)" in page
    assert "Urgent No" in page
    assert f"Heard message {conversation.pk} · downloaded by Amara Okafor, 23 Nov 2026, 10:00" in page
    assert "Page 1 of 1" in page


def test_each_staff_download_is_one_export_in_the_access_log(conversation, iro):
    _download(iro, conversation)
    _download(iro, conversation)
    _api(iro).get(f"/api/v1/statements/{conversation.pk}/pdf/")

    logged = AccessLogEntry.objects.filter(user=iro, what="statement pdf")
    assert logged.count() == 3
    assert {(e.action, e.purpose, e.object_id, e.child_id) for e in logged} == {
        ("export", "statement", str(conversation.pk), conversation.child_id)
    }


@needs_pdftotext
def test_the_child_downloads_their_own_message_and_nothing_is_logged_for_them(conversation, child_user):
    response = _download(child_user, conversation)

    assert response.status_code == 200
    page = flat(pdf_text(response.content))
    assert WORDS in page and "Thanks, see you on Friday." in page
    assert "downloaded by the child" in page
    assert "Amara, the child's IRO" in page and "Okafor" not in page  # staff named as Heard names them to children
    assert not AccessLogEntry.objects.exists()


@needs_pdftotext
def test_a_message_an_advocate_sent_says_so_and_the_advocate_may_download_it(alice, advocate):
    statement, _ = statement_submit(
        author=advocate,
        child=alice,
        category=Category.SCHOOL,
        body="Alice asked me to say: more art.",
        channel="web",
        consent_given=True,
    )
    response = _download(advocate, statement)

    assert response.status_code == 200
    page = flat(pdf_text(response.content))
    assert "by riley, the child's advocate, on the child's behalf (the child's consent recorded)" in page
    assert AccessLogEntry.objects.filter(user=advocate, what="statement pdf", action="export").count() == 1


@pytest.mark.parametrize("who", ["other_iro", "other_advocate", "cicc", "other_child_user", "admin"])
def test_nobody_else_gets_the_message_on_the_web_or_the_api(conversation, request, who, other_child, admin):
    user = request.getfixturevalue(who)
    staff_url = reverse("feedback:statement_pdf", args=[conversation.pk])
    child_url = reverse("feedback:my_statement_pdf", args=[conversation.pk])

    assert client_for(user).get(staff_url).status_code == 404
    assert client_for(user).get(child_url).status_code == 404
    assert _api(user).get(f"/api/v1/statements/{conversation.pk}/pdf/").status_code == 404
    assert not AccessLogEntry.objects.filter(what="statement pdf").exists()


def test_the_api_gives_the_pdf_to_the_child_and_their_iro(conversation, child_user, iro):
    for user in (child_user, iro):
        response = _api(user).get(f"/api/v1/statements/{conversation.pk}/pdf/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert response["Content-Disposition"] == f'attachment; filename="heard-statement-{conversation.pk}.pdf"'
        assert "no-store" in response["Cache-Control"]


def test_a_missing_message_is_a_problem_in_the_apis_shape(conversation, iro):
    response = _api(iro).get("/api/v1/statements/999999/pdf/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Not found."


def test_a_message_the_child_took_back_is_gone(alice, child_user, iro):
    statement, _ = statement_submit(
        author=child_user, child=alice, category=Category.SCHOOL, body="oops", channel="web"
    )
    statement_withdraw(statement=statement, child_user=child_user)

    assert _download(iro, statement).status_code == 404
    assert _download(child_user, statement).status_code == 404


@needs_pdftotext
def test_a_long_message_runs_on_to_a_second_page_with_the_header_and_page_numbers(alice, child_user, iro, settings):
    settings.HEARD_STATEMENT_MAX_LENGTH = 8000
    sentence = "Every week I wait for the bus to see my brother and it is late again. "
    body = (sentence * 90)[:5990] + " THE LAST WORDS"
    assert len(body) >= 6000
    statement, _ = statement_submit(
        author=child_user, child=alice, category=Category.FAMILY_TIME, body=body, channel="web"
    )

    text = pdf_text(_download(iro, statement).content)

    first, second = pages(text)
    assert "Page 1 of 2" in flat(first) and "Page 2 of 2" in flat(second)
    for page in (first, second):
        assert "HRD0001" in page and "Alice" in page  # the header, on each page
    assert "THE LAST WORDS" in flat(second)  # nothing cut
    assert flat(text).count("Every week I wait for the bus") == body.count("Every week I wait for the bus")


@needs_pdftotext
def test_arabic_emoji_and_markup_are_the_childs_words_shown_as_text(alice, child_user, iro):
    body = "أريد أن أبقى في بيتي 🙂 <script>alert('hi')</script> & <b>bold</b>"
    statement, _ = statement_submit(author=child_user, child=alice, category=Category.SCHOOL, body=body, channel="web")

    response = _download(iro, statement)

    assert response.status_code == 200
    page = flat(pdf_text(response.content))
    assert "<script>alert('hi')</script> & <b>bold</b>" in page
    assert all(word in page for word in ["أريد", "أن", "أبقى", "في", "بيتي"])


def test_the_statement_pdf_costs_a_fixed_number_of_queries(conversation, iro, django_assert_num_queries):
    client = client_for(iro)
    url = reverse("feedback:statement_pdf", args=[conversation.pk])
    # session, user, statement (with child, author, reader, review), replies (with authors), words added
    # by text, the access log entry.
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200


# A consultation answer from the pre-review pack.


@pytest.fixture
def sent_answer(alice, advocate):
    """Alice's answers before her next review, filled in with her advocate helping."""
    review = _next_review_with_forms_out(alice)
    invitation = Invitation.objects.get(review=review, contact__isnull=True)
    response_submit(
        invitation=invitation,
        answers={
            "home_feeling": "happy",
            "people": ["me", "carer", "advocate"],
            "where_when": "At school, after 3",
            "chairing": "co_chair",
            "advocate": "yes",
            "see_iro_alone": "yes",
            "not_shared": "Please don't tell mum about my new school.",
        },
        entered_by=advocate,
        entry_mode=EntryMode.HELPED,
        consent_given=True,
    )
    return invitation


def _next_review_with_forms_out(child) -> Review:
    """The child's next review, booked in a fortnight, with its consultation forms sent."""
    forms_sync_from_files()
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = timezone.localdate() + timedelta(days=14)
    review.save()
    invitations_create_for_review(review=review)
    return review


def _answer_url(invitation) -> str:
    return reverse("consultations:pack_answer_pdf", args=[invitation.review_id, invitation.pk])


@needs_pdftotext
def test_the_iro_downloads_one_answer_from_the_pack_with_each_question_and_who_entered_it(sent_answer, iro):
    response = client_for(iro).get(_answer_url(sent_answer))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="heard-consultation-answer-{sent_answer.pk}.pdf"'
    page = flat(pdf_text(response.content))
    version = sent_answer.response.version
    assert f"{version.template.title}, version {version.number}" in page
    assert "Alice · case reference HRD0001" in page
    assert "At school, after 3" in page
    assert "I'd like to help chair it" in page  # the answer in words, as the pack shows it
    assert "Not to be shared with others at the review" in page
    assert (
        "riley (Advocate) with the child: the child's words, helped by an adult; the child's consent recorded" in page
    )
    assert f"Consultation before review {sent_answer.review.sequence}: the child's answers" in page
    assert "Sent to the child's IRO 23 November 2026, 10:00" in page
    assert "The child's (the form for a young person aged 12 to 15)" in page
    logged = AccessLogEntry.objects.get(user=iro, what="consultation answer pdf")
    assert (logged.action, logged.purpose, logged.object_id) == ("export", "pack", str(sent_answer.pk))


def test_the_pack_links_each_answer_to_its_pdf(sent_answer, iro):
    page = client_for(iro).get(reverse("consultations:pack", args=[sent_answer.review_id])).content.decode()

    assert _answer_url(sent_answer) in page


@pytest.mark.parametrize("who", ["other_iro", "advocate", "other_advocate", "cicc", "child_user", "admin"])
def test_only_the_packs_readers_get_an_answer(sent_answer, request, who, other_child, admin):
    user = request.getfixturevalue(who)
    api_url = f"/api/v1/reviews/{sent_answer.review_id}/pack/answers/{sent_answer.pk}/pdf/"

    assert client_for(user).get(_answer_url(sent_answer)).status_code == 404
    assert _api(user).get(api_url).status_code == 404


def test_the_api_gives_a_manager_the_answer_and_logs_it(sent_answer, manager):
    response = _api(manager).get(f"/api/v1/reviews/{sent_answer.review_id}/pack/answers/{sent_answer.pk}/pdf/")

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.filter(user=manager, what="consultation answer pdf", action="export").count() == 1


def test_an_answer_not_yet_sent_or_from_another_review_is_not_found(alice, other_child, iro, other_iro):
    review = _next_review_with_forms_out(alice)
    draft = Invitation.objects.get(review=review, contact__isnull=True)
    response_save_draft(invitation=draft, answers={"where_when": "a draft"}, entered_by=alice.user)
    bobs_review = Review.objects.get(child=other_child, held_on__isnull=True)

    assert client_for(iro).get(_answer_url(draft)).status_code == 404
    wrong_review = reverse("consultations:pack_answer_pdf", args=[bobs_review.pk, draft.pk])
    assert client_for(other_iro).get(wrong_review).status_code == 404


# A review summary, once published for the child.


@pytest.fixture
def summary(alice, iro):
    review = Review.objects.get(child=alice, held_on__isnull=True)
    review_record_held(
        review=review, held_on=date(2026, 11, 20), late_reason="Moved for exams", attended=True, views="spoke"
    )
    return review_publish_summary(
        review=Review.objects.get(pk=review.pk), iro=iro, text="We agreed you will see your brother every week."
    )


@needs_pdftotext
def test_the_iro_and_the_child_download_the_published_summary(summary, iro, child_user):
    staff = client_for(iro).get(reverse("reviews:review_summary_pdf", args=[summary.pk]))
    own = client_for(child_user).get(reverse("reviews:my_review_summary_pdf", args=[summary.pk]))
    by_app = _api(child_user).get(f"/api/v1/reviews/{summary.pk}/summary/pdf/")

    for response in (staff, own, by_app):
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="heard-review-summary-{summary.pk}.pdf"'
    page = flat(pdf_text(staff.content))
    assert "We agreed you will see your brother every week." in page
    assert f"Review {summary.sequence}, held 20 November 2026" in page
    assert "Chair amara" in page
    assert "PN1: child physically attends and speaks for themselves" in page
    assert "Published to the child 23 November 2026, 10:00" in page
    assert AccessLogEntry.objects.filter(user=iro, what="review summary pdf", action="export").count() == 1
    assert AccessLogEntry.objects.filter(what="review summary pdf").count() == 1  # the child's are not logged


@pytest.mark.parametrize("who", ["other_iro", "advocate", "manager", "cicc", "other_child_user", "admin"])
def test_nobody_else_gets_the_summary(summary, request, who, other_child, admin):
    user = request.getfixturevalue(who)

    assert client_for(user).get(reverse("reviews:review_summary_pdf", args=[summary.pk])).status_code == 404
    assert client_for(user).get(reverse("reviews:my_review_summary_pdf", args=[summary.pk])).status_code == 404
    assert _api(user).get(f"/api/v1/reviews/{summary.pk}/summary/pdf/").status_code == 404


def test_a_summary_not_yet_published_is_not_found(alice, iro, child_user):
    review = Review.objects.get(child=alice, held_on__isnull=True)
    review_record_held(review=review, held_on=date(2026, 11, 20), late_reason="Moved", attended=True, views="spoke")

    assert client_for(iro).get(reverse("reviews:review_summary_pdf", args=[review.pk])).status_code == 404
    assert client_for(child_user).get(reverse("reviews:my_review_summary_pdf", args=[review.pk])).status_code == 404
    assert _api(child_user).get(f"/api/v1/reviews/{review.pk}/summary/pdf/").status_code == 404


def test_the_pages_offer_the_download(conversation, summary, iro, child_user):
    staff_message = client_for(iro).get(reverse("feedback:statement_detail", args=[conversation.pk])).content.decode()
    own_message = client_for(child_user).get(reverse("feedback:my_statement", args=[conversation.pk])).content.decode()
    summary_page = client_for(iro).get(reverse("reviews:review_summary", args=[summary.pk])).content.decode()
    my_reviews = client_for(child_user).get(reverse("reviews:my_reviews")).content.decode()

    assert "Download for the case file (PDF)" in staff_message
    assert reverse("feedback:statement_pdf", args=[conversation.pk]) in staff_message
    assert reverse("feedback:my_statement_pdf", args=[conversation.pk]) in own_message
    assert "Download for the case file (PDF)" in summary_page
    assert reverse("reviews:my_review_summary_pdf", args=[summary.pk]) in my_reviews
