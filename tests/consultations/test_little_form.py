"""The youngest children's and the symbols form: one question a screen, pictures, read aloud, and no JavaScript."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from consultations.models import FormTemplate, FormTemplateVersion, Invitation, Response
from consultations.services import invitations_create_for_review, response_save_draft
from reviews.models import Review
from tests.conftest import client_for

pytestmark = pytest.mark.usefixtures("pinned_clock")

# Everything a 4-7 form asks (consultations/forms/child_4_7.json), answered as a child would by tapping.
TAPPED = {
    "q_home_feeling": "happy",
    "q_school_feeling": "very_happy",
    "q_family_feeling": "sad",
    "q_like_best": ["pets", "playing"],
    "q_people": ["me", "carer"],
    "q_see_iro_alone": "yes",
    "q_tell_iro": "I want a dog",
}


def _invite(child, *, born: date, symbols: bool = False) -> Invitation:
    child.date_of_birth = born
    child.uses_symbols = symbols
    child.save()
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = date(2027, 1, 6)
    review.save()
    invitations_create_for_review(review=review)
    return Invitation.objects.get(review=review, contact__isnull=True)


@pytest.fixture
def little(child):
    return _invite(child, born=date(2021, 3, 1))  # five on the review day


def _steps(page: str) -> list[str]:
    return re.findall(r'<section class="little-step[^"]*" id="([^"]+)"', page)


def test_a_four_to_seven_form_is_one_question_a_screen_with_pictures_and_read_aloud(little, child_user):
    assert little.audience == "child_4_7"
    page = client_for(child_user).get(reverse("consultations:mine_detail", args=[little.pk])).content.decode()
    questions = little.version.schema["questions"]
    # A screen for each question, then the finish; without JavaScript they are all on this page.
    assert _steps(page) == [f"step-{n}" for n in range(1, len(questions) + 1)] + ["little-finish"]
    count = len(questions)
    assert f"Question 1 of {count}" in page and f"Question {count} of {count}" in page
    assert 'href="/static/heard/little.css"' in page
    assert 'src="/static/heard/little.js"' in page and 'src="/static/heard/consultation.js"' in page
    # The drawn faces of the message feelings, and drawn pictures: never emoji.
    feelings = sum(1 for question in questions if question["type"] == "feelings")
    assert page.count('src="/static/heard/feelings/feeling-4.svg"') == feelings
    assert 'src="/static/heard/pictures/pets.svg"' in page
    assert 'src="/static/heard/pictures/social_worker.svg"' in page
    assert not re.search("[\U0001f300-\U0001faff]", page)
    # Each question and the welcome and the finish can be read aloud; a question reads its choices too.
    assert page.count('data-read-aloud="^fieldset"') == len(questions)
    assert 'data-read-aloud="#little-welcome"' in page and 'data-read-aloud="#little-finish-words"' in page
    assert "🔊" not in page
    # Save as you go, as on every form.
    assert f'data-save-url="{reverse("consultations:mine_detail_save", args=[little.pk])}"' in page
    assert 'data-autosave="on"' in page


def test_the_teen_form_stays_one_scrolling_page(child, child_user):
    invitation = _invite(child, born=date(2013, 3, 1))
    page = client_for(child_user).get(reverse("consultations:mine_detail", args=[invitation.pk])).content.decode()
    assert invitation.audience == "young_12_15"
    assert _steps(page) == []
    assert "little.js" not in page
    assert 'data-read-aloud="^fieldset"' in page  # read aloud there too, with the drawn speaker


def test_a_child_sends_every_answer_without_javascript(little, child_user):
    client = client_for(child_user)
    sent = client.post(reverse("consultations:mine_detail_send", args=[little.pk]), TAPPED)
    assert sent.status_code == 200
    assert 'src="/static/heard/pictures/well_done.svg"' in sent.content.decode()
    response = Response.objects.get(invitation=little)
    assert response.submitted_at is not None
    assert response.answers == {
        "home_feeling": "happy",
        "school_feeling": "very_happy",
        "family_feeling": "sad",
        "like_best": ["playing", "pets"],
        "people": ["me", "carer"],
        "see_iro_alone": "yes",
        "tell_iro": "I want a dog",
    }


def test_saving_part_way_keeps_the_answers_and_shows_them_chosen(little, child_user):
    client = client_for(child_user)
    page_url = reverse("consultations:mine_detail", args=[little.pk])
    saved = client.post(reverse("consultations:mine_detail_save", args=[little.pk]), {"q_home_feeling": "ok"})
    assert (saved.status_code, saved["Location"]) == (302, page_url)
    by_script = client.post(
        reverse("consultations:mine_detail_save", args=[little.pk]),
        {"q_home_feeling": "ok", "q_like_best": ["friends"]},
        headers={"X-Requested-With": "fetch"},
    )
    assert by_script.json() == {"saved": True}
    assert Response.objects.get(invitation=little).answers == {"home_feeling": "ok", "like_best": ["friends"]}
    page = client.get(page_url).content.decode()
    assert '<input type="radio" name="q_home_feeling" value="ok" checked>' in page
    assert '<input type="checkbox" name="q_like_best" value="friends" checked>' in page


def test_a_missing_answer_comes_back_on_its_own_screen_with_what_was_given(little, child_user):
    refused = client_for(child_user).post(
        reverse("consultations:mine_detail_send", args=[little.pk]), {"q_like_best": ["pets"]}
    )
    assert refused.status_code == 400
    page = refused.content.decode()
    assert '<section class="little-step card has-error" id="step-1"' in page
    assert 'data-step="1">How do you feel at home?: Please answer this question.' in page
    assert '<input type="checkbox" name="q_like_best" value="pets" checked>' in page
    assert not Response.objects.filter(invitation=little, submitted_at__isnull=False).exists()


def test_a_child_who_uses_symbols_gets_symbols_each_with_its_word(child, child_user):
    invitation = _invite(child, born=date(2015, 3, 1), symbols=True)
    assert invitation.audience == "symbols"
    page = client_for(child_user).get(reverse("consultations:mine_detail", args=[invitation.pk])).content.decode()
    assert len(_steps(page)) == len(invitation.version.schema["questions"]) + 1
    assert 'class="little little-symbols"' in page
    for slug, word in [("music", "Music"), ("swimming", "Swimming"), ("mum", "Mum"), ("yes", "Yes")]:
        tile = re.search(rf'src="/static/heard/symbols/{slug}.svg"[^>]*>\s*<span class="word">([^<]+)</span>', page)
        assert tile and tile.group(1) == word
    questions = page.split('class="consultation little-form"')[1].split('id="little-finish"')[0]
    assert "/static/heard/pictures/" not in questions


def test_an_advocate_sends_the_little_form_with_the_child_and_their_consent(little, advocate):
    client = client_for(advocate)
    page = client.get(reverse("consultations:on_behalf", args=[little.pk])).content.decode()
    assert 'name="consent_given"' in page.split('id="little-finish"')[1]
    url = reverse("consultations:on_behalf_send", args=[little.pk])
    refused = client.post(url, {**TAPPED, "entry_mode": "helped"})
    assert refused.status_code == 400
    assert 'class="little-step little-finish card has-error"' in refused.content.decode()
    assert client.post(url, {**TAPPED, "entry_mode": "helped", "consent_given": "on"}).status_code == 200
    saved = Response.objects.get(invitation=little)
    assert (saved.entry_mode, saved.consent_given, saved.answers["like_best"]) == ("helped", True, ["playing", "pets"])


def test_a_form_sent_before_the_pictures_were_drawn_still_opens_with_them_and_keeps_its_answers(little, child_user):
    # A version published with emoji, as forms were before: its invitation and draft stay as they were.
    template = FormTemplate.objects.get(audience="child_4_7")
    schema = {**little.version.schema}
    schema["questions"] = [dict(q) for q in schema["questions"]]
    likes = next(q for q in schema["questions"] if q["id"] == "like_best")
    likes["choices"] = [
        {**c, "picture": {"pets": "🐶", "playing": "🧸"}.get(c["value"], c["picture"])} for c in likes["choices"]
    ]
    earlier = FormTemplateVersion.objects.create(
        template=template, number=99, schema=schema, published_at=timezone.now()
    )
    Invitation.objects.filter(pk=little.pk).update(version=earlier)
    little.refresh_from_db()
    response_save_draft(invitation=little, answers={"like_best": ["pets"]}, entered_by=child_user)

    page = client_for(child_user).get(reverse("consultations:mine_detail", args=[little.pk])).content.decode()
    assert 'src="/static/heard/pictures/pets.svg"' in page and 'src="/static/heard/pictures/playing.svg"' in page
    assert "🐶" not in page
    assert '<input type="checkbox" name="q_like_best" value="pets" checked>' in page
    sent = client_for(child_user).post(reverse("consultations:mine_detail_send", args=[little.pk]), TAPPED)
    assert sent.status_code == 200
    assert Response.objects.get(invitation=little).version == earlier


def test_a_manager_previews_the_little_form_as_a_child_sees_it(manager, little):
    page = client_for(manager).get(reverse("consultations:preview", args=[little.version.pk])).content.decode()
    assert len(_steps(page)) == len(little.version.schema["questions"]) + 1  # and the finish
    assert "Preview: answers are not saved." in page
    assert "Send to my IRO" not in page
