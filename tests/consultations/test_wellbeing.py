"""The wellbeing check in each child's form: valid and scored, and each child's answers across reviews."""

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from consultations.models import CHILD_AUDIENCES, Invitation
from consultations.schema import SchemaError, check_schema
from consultations.services import invitations_create_for_review, response_submit
from consultations.wellbeing import DOMAINS, INDICATORS, fell, wellbeing_scores
from reviews.models import Review
from reviews.services import review_record_held
from tests.conftest import client_for

pytestmark = pytest.mark.usefixtures("pinned_clock")  # Monday 23 November 2026

LONDON = ZoneInfo("Europe/London")
FORMS = Path(__file__).resolve().parents[2] / "consultations" / "forms"
CHILD_FORMS = sorted(p for p in FORMS.glob("*.json") if json.loads(p.read_text())["audience"] in CHILD_AUDIENCES)
ONS_WORDING = {
    "ons_life_satisfaction": "Overall, how satisfied are you with your life nowadays?",
    "ons_worthwhile": "Overall, to what extent do you feel that the things you do in your life are worthwhile?",
    "ons_happy": "Overall, how happy did you feel yesterday?",
    "ons_anxious": "Overall, how anxious did you feel yesterday?",
}


def _schema(name: str) -> dict:
    return json.loads((FORMS / name).read_text())["schema"]


@pytest.mark.parametrize("path", CHILD_FORMS, ids=lambda p: p.stem)
def test_every_childs_form_checks_wellbeing_in_all_four_domains_and_names_each_questions_source(path):
    schema = json.loads(path.read_text())["schema"]
    check_schema(schema)
    marked = [question for question in schema["questions"] if "wellbeing" in question]
    assert {INDICATORS[q["wellbeing"]["indicator"]].domain for q in marked} == set(DOMAINS)
    for question in marked:
        assert question["wellbeing"]["source"].strip(), question["id"]
    # The ONS questions, word for word (Open Government Licence), asked from 11: in the 8 to 11 form (of its
    # 11-year-olds) and the forms after it, each carrying from_age 11 so that no younger child is asked them
    # whichever form an IRO chooses for them; none in the youngest forms.
    ons = {q["id"]: q["text"] for q in marked if q["wellbeing"]["indicator"].startswith("ons_")}
    if path.stem in ("child_8_11", "young_12_15", "young_16_plus"):
        assert ons == ONS_WORDING
        assert all("Open Government Licence" in q["wellbeing"]["source"] for q in marked if q["id"] in ons)
        assert {q["from_age"] for q in marked if q["id"] in ons} == {11}
    else:
        assert ons == {}


def test_answers_are_scored_as_counted_by_hand():
    answers = {
        "home_feeling": "ok",  # not a good face: 0
        "school_feeling": "very_happy",  # 1
        "family_time": "not_sure",  # not counted
        "plan_listened": "yes",  # 1
        "trusted_adult": "no",  # 0
        "good_friend": "yes",  # 1
        "life_better": "same",  # 0
        "ons_life_satisfaction": "7",
        "ons_anxious": "10",
        "worries": "a bit",  # not a wellbeing question
    }
    assert wellbeing_scores(_schema("young_12_15.json"), answers) == {
        "settled": 0, "school": 1, "listened_to": 1, "trusted_adult": 0, "good_friend": 1, "life_better": 0,
        "ons_life_satisfaction": 7, "ons_anxious": 10,
    }  # fmt: skip
    # The youngest answer with faces and yes/no pictures, and the same indicators come out.
    little = {"home_feeling": "happy", "feel_most_days": "sad", "grown_up_to_talk_to": "yes"}
    assert wellbeing_scores(_schema("child_4_7.json"), little) == {"settled": 1, "happy": 0, "trusted_adult": 1}


@pytest.mark.parametrize(
    ("slug", "before", "now", "expected"),
    [
        ("trusted_adult", 1, 0, True),
        ("trusted_adult", 0, 1, False),
        ("trusted_adult", 0, 0, False),
        ("ons_life_satisfaction", 8, 6, True),
        ("ons_life_satisfaction", 8, 7, False),
        ("ons_life_satisfaction", 3, 9, False),
        ("ons_anxious", 2, 4, True),  # anxiety rising is the fall
        ("ons_anxious", 6, 1, False),
    ],
)
def test_a_fall_is_well_to_not_or_two_points_the_wrong_way(slug, before, now, expected):
    assert fell(slug, before, now) is expected


@pytest.mark.parametrize(
    ("marker", "problem"),
    [
        ({"indicator": "sparkle", "positive": ["yes"], "source": "x"}, "unknown wellbeing indicator"),
        ({"indicator": "trusted_adult", "positive": ["yes"]}, "where the wellbeing question's wording comes from"),
        ({"indicator": "trusted_adult", "positive": ["maybe"], "source": "x"}, "does not offer"),
        ({"indicator": "trusted_adult", "positive": [], "source": "x"}, "count as doing well"),
        ({"indicator": "ons_happy", "source": "ONS"}, "is a 0-10 scale"),
        ("trusted_adult", "must be an object"),
    ],
)
def test_a_form_file_with_a_wrong_wellbeing_marker_is_refused(marker, problem):
    schema = {"title": "T", "questions": [{"id": "q", "type": "yes_no_unsure", "text": "Q", "wellbeing": marker}]}
    with pytest.raises(SchemaError, match=problem):
        check_schema(schema)


def _answer(review: Review, answers: dict) -> None:
    invitations_create_for_review(review=review)
    invitation = Invitation.objects.get(review=review, contact__isnull=True)
    response_submit(invitation=invitation, answers={"home_feeling": "happy", **answers})


@pytest.fixture
def two_reviews(child, iro, forms):
    """Alice answered before review 1 and before review 2; some answers fell."""
    first = Review.objects.get(child=child, held_on__isnull=True)
    first.scheduled_for = date(2026, 11, 24)
    first.save()
    _answer(first, {"trusted_adult": "yes", "good_friend": "no", "ons_life_satisfaction": "8", "ons_anxious": "2"})
    with time_machine.travel(datetime(2026, 11, 25, 10, tzinfo=LONDON)):
        review_record_held(
            review=first,
            held_on=date(2026, 11, 24),
            late_reason="Rearranged for the child",
            attended=True,
            views="spoke",
        )
        second = Review.objects.get(child=child, held_on__isnull=True)
        second.scheduled_for = date(2026, 12, 9)
        second.save()
        _answer(second, {"trusted_adult": "no", "good_friend": "yes", "ons_life_satisfaction": "7", "ons_anxious": "5"})
    return first, second


def test_the_pack_shows_each_measure_across_reviews_and_flags_a_fall(two_reviews, iro):
    first, second = two_reviews
    page = client_for(iro).get(reverse("consultations:pack", args=[second.pk])).content.decode()
    assert "Wellbeing check across reviews" in page
    assert f"Review {first.sequence}" in page and f"Review {second.sequence}" in page
    table = page.split('class="wellbeing-table"')[1].split("</table>")[0]
    rows = {row.split("<br>")[0].strip(): row for row in table.split('<th scope="row">')[1:]}
    assert "fell</span>" in rows['Has an adult they trust to talk to <span class="badge urgent">fell</span>']
    assert any(label.startswith("ONS: anxious yesterday") and "fell" in label for label in rows)
    assert not any(label.startswith("Has a good friend") and "fell" in label for label in rows)  # it rose
    assert not any(label.startswith("ONS: satisfied") and "fell" in label for label in rows)  # one point only


def test_the_pack_api_gives_the_same_lines(two_reviews, iro):
    _, second = two_reviews
    body = client_for(iro).get(f"/api/v1/reviews/{second.pk}/pack/").json()
    lines = {line["indicator"]: line for line in body["wellbeing"]}
    assert [point["score"] for point in lines["ons_anxious"]["points"]] == [2, 5]
    assert (lines["trusted_adult"]["fell"], lines["good_friend"]["fell"], lines["ons_anxious"]["fell"]) == (
        True,
        False,
        True,
    )
    assert lines["ons_anxious"]["higher_is_better"] is False and lines["settled"]["domain"] == "resilience"


def test_an_earlier_reviews_pack_shows_only_what_was_known_then(two_reviews, iro):
    first, _ = two_reviews
    body = client_for(iro).get(f"/api/v1/reviews/{first.pk}/pack/").json()
    assert {len(line["points"]) for line in body["wellbeing"]} == {1}
    assert not any(line["fell"] for line in body["wellbeing"])


def test_the_web_form_asks_the_ons_questions_from_0_to_10_and_refuses_anything_else(child, child_user, forms):
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = date(2026, 12, 2)
    review.save()
    invitations_create_for_review(review=review)
    invitation = Invitation.objects.get(review=review, contact__isnull=True)
    client = client_for(child_user)
    page = client.get(reverse("consultations:mine_detail", args=[invitation.pk])).content.decode()
    assert ONS_WORDING["ons_happy"] in page
    assert '<input type="radio" name="q_ons_happy" value="10">' in page and "0 (not at all)" in page
    send = reverse("consultations:mine_detail_send", args=[invitation.pk])
    refused = client.post(send, {"q_home_feeling": "happy", "q_ons_happy": "11"})
    assert refused.status_code == 400
    assert client.post(send, {"q_home_feeling": "happy", "q_ons_happy": "10"}).status_code == 200
    assert invitation.response.answers["ons_happy"] == "10"
