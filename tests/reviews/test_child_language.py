"""The language on a child's record: chosen by the child, and followed by their pages, the API and texts."""

from django.urls import reverse
from django.utils import translation

from accounts.models import NotifyBy
from feedback.models import Category, Channel
from feedback.notifications import child_told_about_statement
from feedback.services import statement_submit
from reviews.models import Child
from sms.models import OutboundMessage
from tests.conftest import client_for

POLISH_SETTINGS = "Moje ustawienia"


def _set(child: Child, language: str) -> None:
    Child.objects.filter(pk=child.pk).update(preferred_language=language)


def test_the_records_language_wins_over_the_browsers_for_a_signed_in_child(child, child_user):
    _set(child, "pl")
    client = client_for(child_user)  # the language goes into the session at sign-in
    page = client.get(reverse("feedback:my_preferences"), headers={"accept-language": "uk"})
    assert page.status_code == 200
    assert 'lang="pl"' in page.content.decode()[:200]
    assert POLISH_SETTINGS in page.content.decode()


def test_a_blank_language_follows_the_browser(child, child_user):
    page = client_for(child_user).get(reverse("feedback:my_preferences"), headers={"accept-language": "pl"})
    assert POLISH_SETTINGS in page.content.decode()


def test_the_child_chooses_a_language_on_the_settings_page_and_the_next_page_is_in_it(child, child_user):
    client = client_for(child_user)
    saved = client.post(reverse("feedback:my_preferences"), {"notify_by": NotifyBy.APP, "preferred_language": "ar"})
    assert saved.status_code == 302
    child.refresh_from_db()
    assert child.preferred_language == "ar"
    assert 'lang="ar" dir="rtl"' in client.get(reverse("feedback:my_preferences")).content.decode()[:300]


def test_an_unknown_language_is_refused_on_the_page_and_nothing_is_saved(child, child_user):
    page = client_for(child_user).post(
        reverse("feedback:my_preferences"), {"notify_by": NotifyBy.APP, "preferred_language": "de"}
    )
    assert page.status_code == 400
    assert "Select a valid choice" in page.content.decode()
    child.refresh_from_db()
    assert child.preferred_language == ""


def test_the_child_chooses_a_language_through_the_api(child, child_user):
    client = client_for(child_user)
    answer = client.patch("/api/v1/me/", {"preferred_language": "pl"}, content_type="application/json")
    assert answer.status_code == 200
    assert answer.json()["preferred_language"] == "pl"
    child.refresh_from_db()
    assert child.preferred_language == "pl"


def test_an_unknown_language_is_refused_by_the_api_and_nothing_is_saved(child, child_user):
    answer = client_for(child_user).patch("/api/v1/me/", {"preferred_language": "xx"}, content_type="application/json")
    assert answer.status_code == 400
    assert "preferred_language" in answer.content.decode()
    child.refresh_from_db()
    assert child.preferred_language == ""


def test_a_reply_text_is_in_the_childs_language(child, child_user, django_capture_on_commit_callbacks):
    child_user.notify_by = NotifyBy.SMS
    child_user.save()
    for language, words in [("pl", "twój IRO odpowiedział"), ("ar", "ردّ مسؤول المراجعة")]:
        _set(child, language)
        statement, _created = statement_submit(
            author=child_user,
            child=child,
            category=Category.SCHOOL,
            body="Maths",
            channel=Channel.WEB,
            idempotency_key=f"k-{language}",
        )
        with django_capture_on_commit_callbacks(execute=True):
            child_told_about_statement(statement_id=statement.pk, what="replied")
        assert words in OutboundMessage.objects.latest("pk").body
    assert translation.get_language() in ("en-gb", "en-us")  # the override ended


def test_staff_pages_stay_english(iro, child):
    _set(child, "pl")
    page = client_for(iro).get(reverse("feedback:inbox"))
    assert POLISH_SETTINGS not in page.content.decode()
    assert 'lang="pl"' not in page.content.decode()[:300]
