"""Every sign-in page and message speaks Heard's words, to a child of 8 as to staff, in English and Polish."""

import html
import re
from datetime import date

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from reviews.models import Review
from sms.transport import ConsoleTransport
from tests.conftest import client_for, make_user, totp_code

# Codes are texted after commit, as in production, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)

# allauth's stock words, in English and in its own Polish: none of them may reach a Heard page.
STOCK_WORDING = [
    "Email:",
    "Phone:",
    "Request Code",
    "Enter Sign-In Code",
    "Successfully signed in",
    "specified are not correct",
    "Remember Me",
    "Sign In",
    "Sign Out",
    "Forgot your password?",
    "Password Reset",
    "Other sign-in options",
    "Too many failed login attempts",
    "Incorrect code",
    "Account Inactive",
    "Sign Up Closed",
    "angielski",
    "Nieprawidłowy kod",
    "Zbyt wiele nieudanych prób",
    "nie są poprawne",
]


def _client(language: str) -> Client:
    return Client(headers={"Accept-Language": language})


def _page(response) -> str:
    """The page's text, unescaped, after checking no stock allauth words are on it."""
    page = html.unescape(response.content.decode())
    for words in STOCK_WORDING:
        assert words not in page, f"allauth's stock wording {words!r} is on the page"
    return page


def _texted_code() -> str:
    return re.search(r"\b(\d{6})\b", ConsoleTransport.sent[-1][1]).group(1)


@pytest.mark.parametrize(
    ("language", "heading", "code_link"),
    [("en-gb", "Sign in to Heard", "Text me a code instead"), ("pl", "Zaloguj się do Heard", "Wolę dostać kod SMS-em")],
)
def test_the_sign_in_page_is_in_heards_words(db, language, heading, code_link):
    page = _page(_client(language).get(reverse("account_login")))
    assert heading in page
    assert code_link in page


@pytest.mark.parametrize(
    ("language", "mismatch"),
    [
        ("en-gb", "That username and password don't match. Check them and try again."),
        ("pl", "Ta nazwa użytkownika i hasło do siebie nie pasują."),
    ],
)
def test_a_wrong_password_is_explained_kindly(child, child_user, language, mismatch):
    page = _page(_client(language).post(reverse("account_login"), {"login": "alice", "password": "wrong"}))
    assert mismatch in page


def test_a_wrong_phone_password_and_empty_fields_are_explained_too(child, child_user):
    client = _client("en-gb")
    wrong = _page(client.post(reverse("account_login"), {"login": "07700 900123", "password": "wrong"}))
    assert "That mobile number and password don't match." in wrong
    empty = _page(client.post(reverse("account_login"), {"login": "", "password": ""}))
    assert "Type your username, email or mobile number." in empty
    assert "Type your password." in empty


@pytest.mark.parametrize(
    ("language", "locked"),
    [
        ("en-gb", "Too many tries. To keep your account safe, please wait a few minutes and try again."),
        ("pl", "Za dużo prób. Żeby chronić twoje konto, poczekaj kilka minut i spróbuj jeszcze raz."),
    ],
)
def test_the_lockout_says_what_to_do(child, child_user, language, locked):
    for _ in range(5):
        _client(language).post(reverse("account_login"), {"login": "alice", "password": "wrong"})
    page = _page(
        _client(language).post(reverse("account_login"), {"login": "alice", "password": "correct horse battery"})
    )
    assert locked in page


@pytest.mark.parametrize(
    ("language", "welcome"), [("en-gb", "You're signed in. Welcome back!"), ("pl", "Zalogowano. Witaj ponownie!")]
)
def test_signing_in_says_hello_without_the_username(child, child_user, language, welcome):
    page = _page(
        _client(language).post(
            reverse("account_login"), {"login": "alice", "password": "correct horse battery"}, follow=True
        )
    )
    assert welcome in page
    assert "alice" not in page


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en-gb",
            {
                "request": ["Sign in with a code", "Your mobile number", "Text me a code"],
                "bad_number": "That doesn't look like a mobile number. Type it like this: 07700 900123.",
                "confirm": ["Type your code", "We've texted a code to <strong>+447700900123</strong>", "Code sent."],
                "wrong": "That code isn't right. Check the message and try again.",
                "text": "Your Heard code is",
            },
        ),
        (
            "pl",
            {
                "request": ["Zaloguj się kodem", "Twój numer komórki", "Wyślij mi kod"],
                "bad_number": "To nie wygląda na numer komórki. Wpisz go tak: 07700 900123.",
                "confirm": [
                    "Wpisz kod",
                    "Wysłaliśmy SMS-a z kodem na numer <strong>+447700900123</strong>",
                    "Kod wysłany.",
                ],
                "wrong": "To nie jest dobry kod. Sprawdź wiadomość i spróbuj jeszcze raz.",
                "text": "Twój kod do Heard to",
            },
        ),
    ],
)
def test_the_text_me_a_code_journey_is_in_heards_words(child, child_user, language, words):
    client = _client(language)
    request_page = _page(client.get(reverse("account_request_login_code")))
    assert all(w in request_page for w in words["request"])
    assert words["bad_number"] in _page(client.post(reverse("account_request_login_code"), {"phone": "not a number"}))

    confirm_page = _page(client.post(reverse("account_request_login_code"), {"phone": "07700 900123"}, follow=True))
    assert all(w in confirm_page for w in words["confirm"])
    assert words["text"] in ConsoleTransport.sent[-1][1]

    wrong = f"{(int(_texted_code()) + 1) % 1_000_000:06d}"
    assert words["wrong"] in _page(client.post(reverse("account_confirm_login_code"), {"code": wrong}))
    signed_in = client.post(reverse("account_confirm_login_code"), {"code": _texted_code()}, follow=True)
    assert client.get(reverse("feedback:my_statements")).status_code == 200
    _page(signed_in)


def test_three_wrong_codes_send_the_child_back_with_the_lockout_message(child, child_user):
    client = _client("en-gb")
    client.post(reverse("account_request_login_code"), {"phone": "07700 900123"})
    wrong = f"{(int(_texted_code()) + 1) % 1_000_000:06d}"
    for _ in range(2):
        client.post(reverse("account_confirm_login_code"), {"code": wrong})
    page = _page(client.post(reverse("account_confirm_login_code"), {"code": wrong}, follow=True))
    assert "Too many tries." in page
    assert "Sign in with a code" in page


def test_an_unknown_number_sees_the_same_page_as_a_known_one(db):
    page = _page(_client("en-gb").post(reverse("account_request_login_code"), {"phone": "07700 900999"}, follow=True))
    assert "We've texted a code to" in page
    assert "No text? Check the number is the one the council has for you" in page
    assert ConsoleTransport.sent == []


@pytest.mark.parametrize(
    ("language", "question", "signed_out"),
    [
        ("en-gb", "Sign out of Heard?", "You've signed out. See you soon!"),
        ("pl", "Wylogować się z Heard?", "Wylogowano. Do zobaczenia!"),
    ],
)
def test_signing_out_asks_then_says_goodbye(child, child_user, language, question, signed_out):
    client = client_for(child_user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    assert question in _page(client.get(reverse("account_logout")))
    assert signed_out in _page(client.post(reverse("account_logout"), follow=True))


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en-gb",
            ["Forgotten your password?", "Check your email", "Choose a new Heard password", "Choose a new password"],
        ),
        ("pl", ["Nie pamiętasz hasła?", "Sprawdź pocztę", "Nowe hasło do Heard", "Ustaw nowe hasło"]),
    ],
)
def test_a_password_reset_is_in_heards_words(iro, language, words):
    forgotten, done, subject, choose = words
    client = _client(language)
    assert forgotten in _page(client.get(reverse("account_reset_password")))
    assert done in _page(client.post(reverse("account_reset_password"), {"email": iro.email}, follow=True))

    assert len(mail.outbox) == 1
    assert subject in mail.outbox[0].subject
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    assert choose in _page(client.get(link, follow=True))


def test_a_reset_for_an_unknown_address_does_not_offer_a_sign_up(db):
    _client("en-gb").post(reverse("account_reset_password"), {"email": "nobody@heard.example"})
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "There is no Heard account with this address." in body
    assert "sign up" not in body.lower()


def test_a_used_reset_link_says_so_plainly(db):
    page = _page(_client("en-gb").get(reverse("account_reset_password_from_key", args=["1", "not-a-key"])))
    assert "This link doesn't work" in page
    assert "Ask for a new link" in page


@pytest.mark.parametrize(
    ("url_name", "english", "polish"),
    [
        ("account_inactive", "This account is closed", "To konto jest zamknięte"),
        ("account_signup", "You can't make an account here", "Tutaj nie można założyć konta"),
    ],
)
def test_the_dead_ends_are_in_heards_words(db, url_name, english, polish):
    assert english in _page(_client("en-gb").get(reverse(url_name)))
    assert polish in _page(_client("pl").get(reverse(url_name)))


def test_staff_take_the_second_step_on_a_heard_page(iro):
    client = _client("en-gb")
    client.post(reverse("account_login"), {"login": iro.email, "password": "correct horse battery"})
    assert "One more step" in _page(client.get(reverse("mfa_authenticate")))
    done = client.post(reverse("mfa_authenticate"), {"code": totp_code()}, follow=True)
    assert "You're signed in. Welcome back!" in _page(done)


def test_each_language_is_offered_in_its_own_name(child, child_user):
    client = client_for(child_user)
    client.post(reverse("set_language"), {"language": "pl", "next": "/"})
    page = _page(client.get(reverse("feedback:my_statements")))
    assert '<html lang="pl">' in page
    assert ">English</button>" in page
    assert ">Polski</button>" in page


@pytest.mark.usefixtures("pinned_clock")  # the review on 9 December is still to come
def test_polish_dates_and_the_settings_question(child, child_user):
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = date(2026, 12, 9)
    review.save()
    client = client_for(child_user)
    client.post(reverse("set_language"), {"language": "pl", "next": "/"})

    messages = _page(client.get(reverse("feedback:my_statements")))
    assert "9 grudnia 2026" in messages
    assert "Grudzień" not in messages
    assert "Moje słowa w Heard" in messages
    settings_page = _page(client.get(reverse("feedback:my_preferences")))
    assert "Jak mamy ci dać znać, że twój IRO przeczytał twoją wiadomość?" in settings_page


def test_new_staff_confirm_their_password_and_set_up_the_second_step_on_heard_pages(db):
    user = make_user("newstaff", Role.IRO, email="new@heard.example")
    Authenticator.objects.filter(user=user).delete()
    client = _client("en-gb")
    asked = client.post(
        reverse("account_login"), {"login": "new@heard.example", "password": "correct horse battery"}, follow=True
    )
    assert "Is it still you?" in _page(asked)
    wrong = _page(client.post(reverse("account_reauthenticate"), {"password": "wrong"}))
    assert "That password isn't right. Try again." in wrong

    set_up = _page(client.post(asked.redirect_chain[-1][0], {"password": "correct horse battery"}, follow=True))
    assert "Set up your second step" in set_up
    secret = re.search(r"<code>(\w+)</code>", set_up).group(1)
    done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}, follow=True)
    assert "Your second step is on." in html.unescape(done.content.decode())
