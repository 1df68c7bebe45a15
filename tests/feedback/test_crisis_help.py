"""Crisis help a child can use at once: on choosing "I don't feel safe", after sending, and at home until
someone takes charge; the same numbers in the app and by text."""

import html
import json
import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import translation

from backend.settings import env_phone_numbers
from feedback.alerts import alert_acknowledge, alert_close
from feedback.crisis import crisis_help_sms_text
from feedback.models import Category, SafeguardingAlert, Statement
from feedback.services import statement_submit
from sms.segments import encoding
from tests.conftest import app_token, client_for

NUMBERS = ('href="tel:999"', 'href="tel:08001111"')
COUNCIL = ('href="tel:03069990123"', 'href="tel:+443069990456"')


@pytest.fixture
def council_numbers(settings):
    settings.HEARD_CRISIS_OUT_OF_HOURS_PHONE = "0306 999 0123"
    settings.HEARD_CRISIS_PHONE_NUMBERS = [("Children's services, weekdays", "+44 306 999 0456")]
    settings.HEARD_CRISIS_ADVICE = "You can also go to any police station."


def _crisis_block(page: str) -> str:
    """The crisis help section of a page (its HTML, with entities read), or "" when the page has none."""
    found = re.search(r'<section class="crisis-help".*?</section>', page, re.S)
    return html.unescape(found.group(0)) if found else ""


def _send(client, category: str, body: str = "can someone call me", **headers):
    return client.post(
        reverse("feedback:statement_new"),
        {"category": category, "body": body, "idempotency_key": f"key-{category}"},
        headers=headers,
    )


def test_the_message_page_has_the_crisis_help_right_after_i_dont_feel_safe_with_numbers_to_tap(
    child, child_user, council_numbers
):
    page = client_for(child_user).get(reverse("feedback:statement_new")).content.decode()
    block = _crisis_block(page)
    for link in NUMBERS + COUNCIL:
        assert link in block
    assert "Call 0306 999 0123" in block and "Children's services, weekdays" in block
    assert "You can also go to any police station." in block
    # Next to the choice that shows it: after "I don't feel safe", before the next choice.
    assert page.index('value="unsafe"') < page.index('id="crisis-when-chosen"') < page.index('value="good_news"')
    # The urgent choices are the ones marked to show it as soon as they are chosen (heard.css, app.js).
    marked = re.findall(r'<input type="radio" name="category" value="(\w+)"[^>]*data-crisis="true"', page)
    assert marked == [Category.WORRIED, Category.UNSAFE]


def test_a_form_sent_back_with_a_mistake_still_shows_the_help_for_the_choice_made(child, child_user):
    response = client_for(child_user).post(
        reverse("feedback:statement_new"), {"category": Category.UNSAFE, "body": "", "idempotency_key": "k"}
    )
    page = response.content.decode()
    assert re.search(r'value="unsafe"[^>]*checked', page)
    assert all(link in _crisis_block(page) for link in NUMBERS)
    assert not Statement.objects.exists()


def test_an_advocate_writing_for_a_child_is_not_shown_the_childs_crisis_help(child, advocate):
    url = reverse("feedback:statement_new_on_behalf", args=[child.pk])
    assert _crisis_block(client_for(advocate).get(url).content.decode()) == ""


def test_after_an_urgent_message_the_confirmation_has_the_crisis_help(child, child_user, iro, council_numbers):
    iro.first_name = "Amara"
    iro.save()
    response = client_for(child_user).post(
        reverse("feedback:statement_new"),
        {"category": Category.UNSAFE, "body": "can someone call me", "idempotency_key": "u1"},
        follow=True,
    )
    page = response.content.decode()
    assert response.redirect_chain == [(reverse("feedback:my_statements"), 302)]
    assert "Amara will be in touch with you soon" in page
    block = _crisis_block(page)
    assert all(link in block for link in NUMBERS + COUNCIL)
    assert "If you are in danger now, call 999." in block
    assert Statement.objects.get().is_urgent


def test_the_web_app_sending_an_urgent_message_lands_on_the_crisis_help_too(child, child_user):
    client = client_for(child_user)
    answer = _send(client, Category.WORRIED, **{"X-Requested-With": "fetch"})
    assert answer.status_code == 200
    page = client.get(answer.json()["next"]).content.decode()
    assert all(link in _crisis_block(page) for link in NUMBERS)


def test_words_that_raise_an_alert_show_the_crisis_help_whatever_the_choice(child, child_user):
    page = client_for(child_user).post(
        reverse("feedback:statement_new"),
        {"category": Category.SCHOOL, "body": "I don't feel safe at home", "idempotency_key": "p1"},
        follow=True,
    )
    assert all(link in _crisis_block(page.content.decode()) for link in NUMBERS)


def test_a_message_that_is_not_urgent_has_no_crisis_help_after_it(child, child_user):
    page = client_for(child_user).post(
        reverse("feedback:statement_new"),
        {"category": Category.SCHOOL, "body": "Can I go to the trip?", "idempotency_key": "s1"},
        follow=True,
    )
    assert "Sent!" in page.content.decode()
    assert _crisis_block(page.content.decode()) == ""


def test_the_home_page_keeps_the_crisis_help_until_someone_takes_charge_of_the_alert(child, child_user, iro):
    client = client_for(child_user)
    _send(client, Category.UNSAFE)
    client.get(reverse("feedback:my_statements"))  # the confirmation, seen

    home = client.get("/", follow=True)
    assert home.redirect_chain[-1][0] == reverse("feedback:my_statements")
    page = home.content.decode()
    assert "Someone will be in touch with you soon" in page
    assert all(link in _crisis_block(page) for link in NUMBERS)
    assert client_for(child_user).get("/api/v1/me/").json()["crisis_help_now"] is True

    alert_acknowledge(alert=SafeguardingAlert.objects.get(), user=iro)
    assert _crisis_block(client.get("/", follow=True).content.decode()) == ""
    assert client.get("/api/v1/me/").json()["crisis_help_now"] is False


def test_the_confirmation_shows_the_help_even_if_the_alert_was_taken_in_at_once(child, child_user, iro):
    client = client_for(child_user)
    _send(client, Category.UNSAFE)
    alert = SafeguardingAlert.objects.get()
    alert_close(alert=alert, user=iro, action_taken="Phoned her carer, she is safe")
    confirmation = _crisis_block(client.get(reverse("feedback:my_statements")).content.decode())
    assert all(link in confirmation for link in NUMBERS)
    assert _crisis_block(client.get(reverse("feedback:my_statements")).content.decode()) == ""


def test_another_childs_alert_does_not_show_on_my_home(child, child_user, other_child, other_child_user):
    statement_submit(author=other_child_user, child=other_child, category="unsafe", body="help", channel="web")
    assert _crisis_block(client_for(child_user).get(reverse("feedback:my_statements")).content.decode()) == ""


def test_the_crisis_help_is_in_polish_for_a_polish_speaking_child(child, child_user):
    client = client_for(child_user)
    client.cookies["django_language"] = "pl"
    block = _crisis_block(client.get(reverse("feedback:statement_new")).content.decode())
    assert "Zadzwoń pod 999" in block and "Jeśli grozi ci teraz niebezpieczeństwo, zadzwoń pod 999." in block
    assert all(link in block for link in NUMBERS)


# --- The app -------------------------------------------------------------------------------


def test_the_app_reads_the_crisis_help_and_the_choices_that_show_it_before_sending(child, child_user, council_numbers):
    me = client_for(child_user).get("/api/v1/me/").json()
    assert me["crisis_categories"] == ["worried", "unsafe"]
    assert me["crisis_help_now"] is False
    help_ = me["crisis_help"]
    assert [(n["number"], n["href"]) for n in help_["numbers"]] == [
        ("999", "tel:999"),
        ("0800 1111", "tel:08001111"),
        ("0306 999 0123", "tel:03069990123"),
        ("+44 306 999 0456", "tel:+443069990456"),
    ]
    assert help_["lead"] == "If you are in danger now, call 999."
    assert help_["advice"] == "You can also go to any police station."
    assert help_["text"] == crisis_help_sms_text()


def test_an_urgent_statement_sent_from_the_app_answers_with_the_crisis_help(child, child_user):
    token = app_token(child_user.username)
    send = {
        "path": "/api/v1/statements/",
        "data": json.dumps({"category": "unsafe", "body": "please call me"}),
        "content_type": "application/json",
        "headers": {"X-Session-Token": token, "Idempotency-Key": "app-1"},
    }
    first = client_for(None).post(**send)
    assert first.status_code == 201
    numbers = [n["href"] for n in first.json()["crisis_help"]["numbers"]]
    assert numbers[:2] == ["tel:999", "tel:08001111"]
    again = client_for(None).post(**send)  # a retry gets the same answer, help and all
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Statement.objects.count() == 1


def test_a_statement_that_is_not_urgent_answers_with_no_crisis_help(child, child_user):
    response = client_for(None).post(
        "/api/v1/statements/",
        json.dumps({"category": "school", "body": "trip?"}),
        content_type="application/json",
        headers={"X-Session-Token": app_token(child_user.username)},
    )
    assert response.status_code == 201 and response.json()["crisis_help"] is None


# --- By text -------------------------------------------------------------------------------


def test_the_text_says_the_same_as_the_page(council_numbers):
    text = crisis_help_sms_text()
    assert text == (
        "If you are in danger now, call 999. Childline, free, any time: 0800 1111. "
        "Out-of-hours social work team (evenings, nights and weekends): 0306 999 0123. "
        "Children's services, weekdays: +44 306 999 0456. You can also go to any police station."
    )
    assert encoding(text) == "GSM-7"  # one alphabet: no curly quotes or dashes that double its cost


def test_the_text_with_no_council_settings_still_gives_999_and_childline():
    assert crisis_help_sms_text() == "If you are in danger now, call 999. Childline, free, any time: 0800 1111."


def test_the_text_follows_the_language_it_is_sent_in():
    with translation.override("pl"):
        assert crisis_help_sms_text().startswith("Jeśli grozi ci teraz niebezpieczeństwo, zadzwoń pod 999.")


def test_in_a_right_to_left_language_each_number_reads_left_to_right():
    # Without the isolating marks an Arabic text shows Childline's number as "1111 0800".
    with translation.override("ar"):
        assert ": \u20660800 1111\u2069." in crisis_help_sms_text()
    assert "\u2066" not in crisis_help_sms_text()  # an English text keeps to the GSM alphabet


# --- Settings ------------------------------------------------------------------------------


def test_the_councils_numbers_are_read_as_label_equals_number(monkeypatch):
    monkeypatch.setenv("HEARD_CRISIS_PHONE_NUMBERS", "Out of hours=0306 999 0123; Team (day)=+44 (0)306-999-0456;")
    assert env_phone_numbers("HEARD_CRISIS_PHONE_NUMBERS") == [
        ("Out of hours", "0306 999 0123"),
        ("Team (day)", "+44 (0)306-999-0456"),
    ]


@pytest.mark.parametrize("value", ["no number here", "Team=", "=0306 999 0123", "Team=call us", "Team=12"])
def test_a_number_a_child_could_not_call_stops_heard_starting(monkeypatch, value):
    monkeypatch.setenv("HEARD_CRISIS_PHONE_NUMBERS", value)
    with pytest.raises(ImproperlyConfigured):
        env_phone_numbers("HEARD_CRISIS_PHONE_NUMBERS")
