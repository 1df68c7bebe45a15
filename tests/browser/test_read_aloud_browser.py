"""Read aloud in Chromium at phone size, with the browser's speech replaced by a recorder: what is said, in
which language and voice, and the Stop the same button becomes while it speaks."""

import json
from datetime import date

import pytest

from consultations.models import Invitation
from consultations.services import forms_sync_from_files, invitations_create_for_review
from reviews.models import Review
from tests.browser.phone import ORIGIN, WORDS_QUESTION, phone

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("pinned_clock")]

VOICES = [{"name": "Daniel", "lang": "en-GB"}, {"name": "Zosia", "lang": "pl_PL"}, {"name": "Maged", "lang": "ar-SA"}]


def _speech(voices: list[dict]) -> str:
    """An init script standing in for window.speechSynthesis: it records each utterance and speaks until told."""
    return f"""(() => {{
      const voices = {json.dumps(voices)};
      let current = null;
      window.__spoken = [];
      window.__cancelled = 0;
      const synth = {{
        speaking: false,
        getVoices: () => voices,
        addEventListener: () => {{}},
        speak(utterance) {{
          const voice = utterance.voice && utterance.voice.name;
          window.__spoken.push({{text: utterance.text, lang: utterance.lang, voice: voice}});
          current = utterance; this.speaking = true;
        }},
        cancel() {{
          window.__cancelled += 1;
          const was = current; current = null; this.speaking = false;
          if (was && was.onerror) was.onerror({{error: "interrupted"}});
        }},
      }};
      Object.defineProperty(window, "speechSynthesis", {{value: synth, configurable: true}});
      window.SpeechSynthesisUtterance = function (text) {{ this.text = text; this.lang = ""; this.voice = null; }};
      window.__finish = () => {{
        const was = current; current = null; synth.speaking = false;
        if (was && was.onend) was.onend();
      }};
    }})();"""


def _spoken(page) -> list[dict]:
    return page.evaluate("window.__spoken")


@pytest.fixture
def little(child):
    forms_sync_from_files()
    child.date_of_birth = date(2021, 3, 1)
    child.save()
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = date(2027, 1, 6)
    review.save()
    invitations_create_for_review(review=review)
    return Invitation.objects.get(review=review, contact__isnull=True)


def test_a_question_and_its_choices_are_read_in_the_pages_language_with_a_stop(browser, little, child_user):
    context, page = phone(browser, child_user, init_script=_speech(VOICES))
    page.goto(f"{ORIGIN}/my/consultations/{little.pk}/")
    screen = page.locator(".little-step:visible")
    speaker = screen.get_by_role("button", name="Read aloud")
    assert speaker.is_visible()
    assert speaker.locator("svg").count() >= 1 and "🔊" not in speaker.inner_text()

    speaker.tap()
    [said] = _spoken(page)
    assert said == {
        "text": "Question 1 of 10. How do you feel at home? (needed). Very happy. Happy. OK. Sad. Very sad.",
        "lang": "en-gb",
        "voice": "Daniel",
    }
    # While it speaks the same button is a Stop: its name says so, and so does the screen.
    stop = screen.get_by_role("button", name="Stop reading")
    assert stop.is_visible() and stop.get_by_text("Stop", exact=True).is_visible()
    stop.tap()
    assert page.evaluate("window.__cancelled") >= 1
    assert screen.get_by_role("button", name="Read aloud").is_visible()
    assert screen.get_by_text("Stop", exact=True).is_hidden()

    # Spoken to the end, it is a speaker again by itself.
    speaker.tap()
    assert screen.get_by_role("button", name="Stop reading").is_visible()
    page.evaluate("window.__finish()")
    assert screen.get_by_role("button", name="Read aloud").is_visible()

    # Every choice says its word when tapped.
    screen.locator("label.little-pick").filter(has=page.get_by_text("Very sad", exact=True)).tap()
    assert _spoken(page)[-1]["text"] == "Very sad"
    page.get_by_role("button", name="Next").tap()
    page.locator(".little-step:visible").get_by_role("button", name="Read aloud").tap()
    assert _spoken(page)[-1]["text"].startswith("Question 2 of 10. How do you feel at school?")
    context.close()


def test_in_polish_the_words_and_the_voice_are_polish(browser, little, child_user):
    context, page = phone(browser, child_user, init_script=_speech(VOICES), language="pl")
    page.goto(f"{ORIGIN}/my/consultations/{little.pk}/")
    page.locator(".little-step:visible").get_by_role("button", name="Przeczytaj na głos").tap()
    [said] = _spoken(page)
    assert said["text"].startswith("Pytanie 1 z 10. Jak się czujesz w domu?")
    assert (said["lang"], said["voice"]) == ("pl", "Zosia")
    assert page.locator(".little-step:visible").get_by_role("button", name="Przestań czytać").is_visible()
    context.close()


def test_with_no_voice_for_the_language_nothing_is_read_wrongly(browser, little, child_user):
    context, page = phone(browser, child_user, init_script=_speech(VOICES), language="ti")
    page.goto(f"{ORIGIN}/my/consultations/{little.pk}/")
    assert page.evaluate("document.documentElement.lang") == "ti"
    assert page.locator("button.read-aloud:visible").count() == 0  # no Tigrinya voice: no button to press
    page.locator(".little-step:visible label.little-pick").first.tap()
    assert _spoken(page) == []  # a tapped choice is not read in an English voice either
    context.close()


def test_the_message_feelings_are_read_with_every_face_word(browser, child, child_user):
    context, page = phone(browser, child_user, init_script=_speech(VOICES))
    page.goto(f"{ORIGIN}/my/messages/new/")
    page.locator("fieldset.feelings").get_by_role("button", name="Read aloud").tap()
    [said] = _spoken(page)
    assert "How do you feel?" in said["text"]
    assert "Really bad. Not good. OK. Good. Really good." in said["text"]
    assert said["voice"] == "Daniel"
    context.close()


def test_any_element_marked_data_read_aloud_gets_a_button_by_markup_alone(browser, child_user):
    context, page = phone(browser, child_user, init_script=_speech(VOICES))
    markup = (
        '<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>t</title>'
        '<link rel="stylesheet" href="/static/heard/heard.css"></head><body>'
        '<p id="reply" data-read-aloud>شكرًا على رسالتك</p>'
        '<script src="/static/heard/app.js"></script></body></html>'
    )
    page.route(f"{ORIGIN}/__markup/", lambda route: route.fulfill(body=markup, content_type="text/html"))
    page.goto(f"{ORIGIN}/__markup/")
    button = page.locator("#reply button.read-aloud")
    assert button.is_visible()
    box = button.bounding_box()
    assert box is not None and round(box["width"]) >= 44 and round(box["height"]) >= 44
    button.tap()
    assert _spoken(page) == [{"text": "شكرًا على رسالتك", "lang": "ar", "voice": "Maged"}]
    context.close()


def test_the_write_page_reads_its_questions_and_choices_and_the_list_reads_each_message(browser, child, child_user):
    context, page = phone(browser, child_user, init_script=_speech(VOICES))
    page.goto(f"{ORIGIN}/my/messages/new/")
    about = page.locator("fieldset").filter(has=page.get_by_text("What is it about?"))
    about.get_by_role("button", name="Read aloud").tap()
    said = _spoken(page)[-1]["text"]
    assert said.startswith("What is it about?") and "I don't feel safe." in said and "Something else." in said
    assert "999" not in said and "Childline" not in said  # the crisis numbers show when chosen, not read here
    page.locator("#body-question + button.read-aloud").tap()
    assert WORDS_QUESTION.fullmatch(_spoken(page)[-1]["text"])

    page.get_by_label("School").check()
    page.get_by_label(WORDS_QUESTION).fill("Can I join the chess club?")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(f"{ORIGIN}/my/messages/")
    page.locator("article.statement").first.get_by_role("button", name="Read aloud").tap()
    assert _spoken(page)[-1]["text"] == "Can I join the chess club?"
    context.close()


@pytest.fixture
def eleven(child):
    """Alice is 11 on her review day (her birthday the day before): her 8 to 11 form asks the ONS questions."""
    forms_sync_from_files()
    child.date_of_birth = date(2015, 12, 1)
    child.save()
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = date(2026, 12, 2)
    review.save()
    invitations_create_for_review(review=review)
    return Invitation.objects.get(review=review, contact__isnull=True)


def test_a_0_to_10_question_in_the_8_to_11_form_reads_its_words_not_eleven_numbers_and_fits_a_phone(
    browser, eleven, child_user
):
    assert eleven.audience == "child_8_11"
    context, page = phone(browser, child_user, init_script=_speech(VOICES))
    page.goto(f"{ORIGIN}/my/consultations/{eleven.pk}/")
    question = page.locator("fieldset").filter(has=page.get_by_text("Overall, how anxious did you feel yesterday?"))
    question.get_by_role("button", name="Read aloud").tap()
    assert _spoken(page)[-1]["text"] == (
        "Overall, how anxious did you feel yesterday? Anxious means worried or nervous. Think only about yesterday. "
        "0 (not at all). 10 (completely)."
    )
    # Eleven tiles, 0-5 over 6-10, each big enough to tap, none off the screen; a screen reader hears the ends' words.
    tiles = question.locator("label.scale-point")
    boxes = [tiles.nth(i).bounding_box() for i in range(11)]
    assert all(box and box["width"] >= 44 and box["height"] >= 44 and box["x"] + box["width"] <= 390 for box in boxes)
    assert len({round(box["y"]) for box in boxes[:6]}) == 1 and boxes[6]["y"] > boxes[0]["y"]
    assert question.get_by_role("radio", name="10 (completely)").count() == 1
    tiles.nth(3).tap()
    assert question.locator("input[value='3']").is_checked()
    context.close()
