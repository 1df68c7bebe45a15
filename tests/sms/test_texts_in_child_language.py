"""Every text Heard sends a child is in the language on their record; a number Heard does not know gets English.

The webhook has no browser language, so each reply here is composed in the child's language whatever the
request says; a child with no language chosen, and a stranger, are answered in English.
"""

import html
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from consultations.models import Invitation, Response
from consultations.services import forms_sync_from_files, invitations_create_for_review
from feedback.models import Category, Channel, SafeguardingAlert
from feedback.services import statement_submit
from reviews.models import Child, Review
from sms.consultation import NOTHING_OPEN
from sms.inbound import ASK_WHAT_IS_HAPPENING, ASK_WORDS, FOLLOW_UP_THANKS, MENU_TEXT, NOT_LINKED, TEXTS_AGAIN
from sms.models import OutboundMessage, Purpose
from sms.segments import encoding
from tests.sms.test_inbound import text

pytestmark = pytest.mark.usefixtures("pinned_clock")

FORMS = Path(__file__).resolve().parents[2] / "consultations" / "forms"
STRANGER = "+447700900555"
ISOLATED_CHILDLINE = "\u20660800 1111\u2069"

# A phrase of each text, as the child should read it ("" is a child who chose no language: English).
SAYS = {
    "cy": {
        "menu": "Ateba gyda rhif: 1 fy adolygiad",
        "ask": "Nawr anfona beth wyt ti eisiau i dy IRO ei wybod.",
        "thanks": "bydd dy IRO yn darllen hwn cyn dy adolygiad",
        "help": "Mae Heard yn helpu plant mewn gofal",
        "who": "gofynna i dy weithiwr cymdeithasol",
        "again": "byddi di'n cael ein negeseuon eto",
        "unsafe": "Wyt ti'n ddiogel nawr?",
        "danger": "Os wyt ti mewn perygl nawr, ffonia 999.",
        "added": "rydyn ni wedi ychwanegu hynny at dy neges",
        "long": "rydyn ni wedi cadw'r 20 nod cyntaf",
        "nothing": "does dim ffurflen i'w llenwi ar hyn o bryd",
        "question": "Cwestiwn 1/21:",
        "reply": "Ateba: 1 ",
        "free": "Anfona dy ateb neu SKIP",
        "sorry": "Heard: sori, wnes i ddim deall hynny.",
        "crisis": "Heard: diolch am ddweud wrthon ni. Bydd rhywun yn cysylltu gyda ti cyn bo hir.",
    },
    "ar": {
        "menu": "أجب برقم: 1 مراجعتي",
        "ask": "الآن اكتب ما تريد أن يعرفه مسؤول المراجعة",
        "thanks": "سيقرأ مسؤول المراجعة (IRO) هذا قبل مراجعتك",
        "help": "يساعد Heard الأطفال في الرعاية",
        "who": "اسأل الأخصائي الاجتماعي الخاص بك",
        "again": "ستصلك رسائلنا من جديد",
        "unsafe": "هل أنت بأمان الآن؟",
        "danger": "إذا كنت في خطر الآن",
        "added": "أضفنا ذلك إلى رسالتك",
        "long": "احتفظنا بأول 20 حرف",
        "nothing": "لا توجد استمارة لتملأها الآن",
        "question": "سؤال \u20661/21\u2069:",
        "reply": "أجب: 1 ",
        "free": "أرسل إجابتك أو SKIP",
        "sorry": "Heard: عذرًا، لم أفهم ذلك.",
        "crisis": "Heard: شكرًا لأنك أخبرتنا. سيتواصل معك أحدٌ قريبًا.",
    },
    "": {
        "menu": "Reply with a number: 1 my review",
        "ask": "Now text what you want your IRO to know.",
        "thanks": "your IRO will read this before your review",
        "help": "Heard helps children in care",
        "who": "or ask your social worker",
        "again": "you'll get our texts again",
        "unsafe": "Are you safe right now?",
        "danger": "If you are in danger now, call 999.",
        "added": "we've added that to your message",
        "long": "we kept the first 20 characters",
        "nothing": "there's no form to fill in right now",
        "question": "Q1/21:",
        "reply": "Reply: 1 ",
        "free": "Reply with your answer or SKIP",
        "sorry": "Heard: sorry, I didn't get that.",
        "crisis": "Heard: thank you for telling us. Someone will be in touch soon.",
    },
}
LANGUAGES = pytest.mark.parametrize("language", list(SAYS), ids=lambda code: code or "none chosen")


def _speaks(child: Child, language: str) -> None:
    Child.objects.filter(pk=child.pk).update(preferred_language=language)


def _reply(client, body: str, **kwargs) -> str:
    status, twiml = text(client, body, **kwargs)
    assert status == 200
    return html.unescape(twiml.split("<Message>")[1].split("</Message>")[0]) if "<Message>" in twiml else ""


@pytest.fixture
def browser_in_ukrainian():
    """Whatever the request's own language, the child's record (or English, for a stranger) decides."""
    return Client(headers={"Accept-Language": "uk"})


@LANGUAGES
def test_the_menu_the_ask_for_words_and_the_thanks_are_in_the_childs_language(browser_in_ukrainian, child, language):
    _speaks(child, language)
    says = SAYS[language]
    assert says["menu"] in _reply(browser_in_ukrainian, "I want more time with my nan")
    assert says["thanks"] in _reply(browser_in_ukrainian, "6")
    assert says["ask"] in _reply(browser_in_ukrainian, "7")
    assert says["thanks"] in _reply(browser_in_ukrainian, "Can I change my maths set?")


@LANGUAGES
def test_help_and_start_are_in_the_childs_language(browser_in_ukrainian, child, language):
    _speaks(child, language)
    says = SAYS[language]
    help_reply = _reply(browser_in_ukrainian, "HELP")
    assert says["help"] in help_reply
    assert says["who"] in help_reply
    assert _reply(browser_in_ukrainian, "STOP") == ""
    assert says["again"] in _reply(browser_in_ukrainian, "START")


@pytest.mark.parametrize(("language", "isolated"), [("ar", True), ("cy", False), ("", False)])
def test_the_councils_number_in_help_stays_in_order_in_a_right_to_left_text(
    client, child, settings, language, isolated
):
    settings.HEARD_IRO_SERVICE_PHONE = "0306 999 0123"
    _speaks(child, language)
    help_reply = _reply(client, "HELP")
    assert ("\u20660306 999 0123\u2069" in help_reply) is isolated
    assert "0306 999 0123" in help_reply


@LANGUAGES
def test_not_safe_and_what_follows_are_in_the_childs_language(browser_in_ukrainian, child, language):
    _speaks(child, language)
    says = SAYS[language]
    asked = _reply(browser_in_ukrainian, "3")
    assert says["unsafe"] in asked
    assert says["danger"] in asked
    # The crisis numbers read left to right inside a right-to-left text.
    assert (ISOLATED_CHILDLINE in asked) is (language == "ar")
    assert SafeguardingAlert.objects.filter(child=child).exists()
    followed = _reply(browser_in_ukrainian, "he shouted at me")
    assert says["added"] in followed
    assert says["danger"] in followed


@LANGUAGES
def test_a_text_cut_to_the_limit_says_so_in_the_childs_language(client, child, settings, language):
    settings.HEARD_STATEMENT_MAX_LENGTH = 20
    _speaks(child, language)
    _reply(client, "7")
    assert SAYS[language]["long"] in _reply(client, "x" * 30)


def test_an_unknown_number_is_answered_in_english_whatever_the_request_says(browser_in_ukrainian, db):
    assert _reply(browser_in_ukrainian, "hello", sender=STRANGER) == f"{NOT_LINKED} If you are in danger now, call 999."
    assert "Heard helps children in care" in _reply(browser_in_ukrainian, "HELP", sender=STRANGER)


def test_the_childs_language_does_not_stay_behind_for_the_next_number(client, child):
    _speaks(child, "cy")
    assert SAYS["cy"]["menu"] in _reply(client, "hello")
    assert _reply(client, "hi", sender=STRANGER).startswith(NOT_LINKED)


# --- The consultation by text ------------------------------------------------------------------


@pytest.fixture
def invitation(child, django_capture_on_commit_callbacks):
    forms_sync_from_files()
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = timezone.localdate() + timedelta(days=10)
    review.save()
    with django_capture_on_commit_callbacks(execute=True):
        invitations_create_for_review(review=review)
    return Invitation.objects.get(review=review, contact__isnull=True)


def _form_words(invitation: Invitation, language: str) -> dict:
    """The form's words as its file has them in this language (its English for none)."""
    files = (json.loads(path.read_text()) for path in FORMS.glob("*.json"))
    schema = next(data["schema"] for data in files if data["audience"] == invitation.audience)
    if not language:
        questions = {
            q["id"]: {"text": q["text"], "choices": {c["value"]: c["label"] for c in q.get("choices", [])}}
            for q in schema["questions"]
        }
        return {"title": schema["title"], "questions": questions}
    return schema["translations"][language]


@LANGUAGES
def test_the_form_by_text_asks_its_questions_in_the_childs_language(client, invitation, child, language):
    _speaks(child, language)
    says, words = SAYS[language], _form_words(invitation, language)
    first = _reply(client, "FORM")
    assert first.startswith(f"Heard: {words['title']}. {says['question']} {words['questions']['home_feeling']['text']}")
    assert says["reply"] in first
    second = _reply(client, "1")
    assert words["questions"]["home_comment"]["text"] in second
    assert second.endswith(says["free"])
    assert words["questions"]["school_feeling"]["text"] in _reply(client, "SKIP")
    fourth = _reply(client, "SKIP")  # a question with the form's own choices, in the form's own words
    assert words["questions"]["family_time"]["text"] in fourth
    assert f"1 {words['questions']['family_time']['choices']['more']}" in fourth
    assert _reply(client, "banana").startswith(says["sorry"])
    assert Response.objects.get(invitation=invitation).answers == {"home_feeling": "very_happy"}


@LANGUAGES
def test_the_invitation_offers_answering_by_text_in_the_childs_language(
    child, django_capture_on_commit_callbacks, language
):
    _speaks(child, language)
    forms_sync_from_files()
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = timezone.localdate() + timedelta(days=10)
    review.save()
    with django_capture_on_commit_callbacks(execute=True):
        invitations_create_for_review(review=review)
    body = OutboundMessage.objects.get(purpose=Purpose.INVITATION, to=child.user.phone).body
    ends = {"cy": "neu ateba FORM", "ar": "أو أرسل FORM", "": "or reply FORM"}[language]
    assert body.endswith(ends)


@LANGUAGES
def test_form_with_nothing_open_says_so_in_the_childs_language(client, child, language):
    _speaks(child, language)
    assert SAYS[language]["nothing"] in _reply(client, "FORM")


# --- The text after a safeguarding alert raised on the web ------------------------------------------


@LANGUAGES
def test_the_text_after_an_alert_is_in_the_childs_language_from_its_first_word(
    child, child_user, django_capture_on_commit_callbacks, language
):
    _speaks(child, language)
    with django_capture_on_commit_callbacks(execute=True):
        statement_submit(
            author=child_user,
            child=Child.objects.get(pk=child.pk),
            category=Category.UNSAFE,
            body="I don't want to go home",
            channel=Channel.WEB,
            idempotency_key="web-urgent",
        )
    body = OutboundMessage.objects.get(purpose=Purpose.CHILD_CRISIS).body
    assert body.startswith(SAYS[language]["crisis"])
    assert SAYS[language]["danger"] in body
    assert (ISOLATED_CHILDLINE in body) is (language == "ar")


@pytest.mark.parametrize(
    "words",
    [
        MENU_TEXT,
        ASK_WORDS,
        ASK_WHAT_IS_HAPPENING,
        FOLLOW_UP_THANKS,
        NOT_LINKED,
        TEXTS_AGAIN,
        NOTHING_OPEN,
        "Heard: thank you for telling us. Someone will be in touch soon.",
    ],
)
def test_welsh_texts_keep_to_the_plain_sms_alphabet(words):
    # A circumflex would make every part of the text cost more than twice as much (UCS-2): "gyda", not "â".
    with translation.override("cy"):
        translated = _(words)
    assert translated != words
    assert encoding(translated) == "GSM-7"
