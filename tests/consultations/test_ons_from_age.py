"""The ONS questions in the 8 to 11 form, asked only of its 11-year-olds (a question's from_age), in every channel.

The review is on Wednesday 2 December 2026. A child born on 1 December 2015 is 11 on that day (their
birthday the day before it) and is asked the ONS questions; one born on 3 December 2015 is still 10 (their
birthday the day after it) and is not, and any ONS answers they send are dropped. Both have the 8 to 11 form.
"""

import json
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.signed_links import link_issue
from consultations.models import Audience, ChildContact, EntryMode, FormOverride, FormTemplate, Invitation, Response
from consultations.schema import SchemaError, check_schema, schema_for_age
from consultations.services import (
    FORMS_DIR,
    LINK_KIND,
    forms_sync_from_files,
    invitations_create_for_review,
    response_save_draft,
    response_submit,
)
from consultations.wellbeing import wellbeing_scores
from reporting.periods import Period
from reporting.reports import report
from reporting.wellbeing_report import ONS_BANDS_GROUP, counted
from reviews.models import Child, Review
from reviews.services import advocate_assign, iro_allocate
from tests.conftest import client_for, make_child
from tests.sms.conftest import twilio  # noqa: F401 (the fixture the texts below need)
from tests.sms.test_inbound import text

pytestmark = pytest.mark.usefixtures("pinned_clock")  # Monday 23 November 2026

REVIEW_DAY = date(2026, 12, 2)
BORN = {10: date(2015, 12, 3), 11: date(2015, 12, 1)}
ONS = ["ons_life_satisfaction", "ons_worthwhile", "ons_happy", "ons_anxious"]
ONS_ANSWERS = {"ons_life_satisfaction": "8", "ons_worthwhile": "7", "ons_happy": "9", "ons_anxious": "2"}
YEAR = Period(date(2026, 4, 1), date(2027, 3, 31))


def _invite(child: Child) -> Invitation:
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = REVIEW_DAY
    review.save()
    invitations_create_for_review(review=review)
    return Invitation.objects.select_related("review__child", "version").get(review=review, contact__isnull=True)


@pytest.fixture
def aged(child_user, iro, advocate):
    """Alice aged 10 or 11 on her review day, with her IRO and advocate, and her own form's invitation."""

    def make(age: int, *, override: str | None = None) -> Invitation:
        record = make_child("HRD0101", user=child_user, born=BORN[age])
        iro_allocate(child=record, iro=iro, allocated_on=date(2025, 9, 3))
        advocate_assign(child=record, advocate=advocate, started_on=date(2025, 9, 10))
        if override:
            FormOverride.objects.create(child=record, template=FormTemplate.objects.get(audience=override), set_by=iro)
        return _invite(record)

    return make


# --- The schema key ------------------------------------------------------------------------


def _form(**from_age) -> dict:
    return {
        "title": "T",
        "questions": [
            {"id": "a", "type": "short_text", "text": "Asked of all"},
            {"id": "b", "type": "short_text", "text": "Asked from an age", **from_age},
        ],
    }


@pytest.mark.parametrize("bad", ["11", 11.0, True, None, [11], 3, 26, -1])
def test_a_from_age_that_is_not_a_whole_number_of_years_4_to_25_is_refused_clearly(bad):
    with pytest.raises(SchemaError) as refused:
        check_schema(_form(from_age=bad))
    assert str(refused.value) == (
        f"Question 'b': from_age must be a whole number of years from 4 to 25 (the youngest age asked), not {bad!r}."
    )


@pytest.mark.parametrize("good", [4, 11, 25])
def test_a_from_age_of_4_to_25_is_accepted(good):
    check_schema(_form(from_age=good))


def test_a_form_whose_every_question_has_a_from_age_is_refused():
    schema = _form(from_age=11)
    schema["questions"][0]["from_age"] = 4
    with pytest.raises(SchemaError, match="Every question has a from_age: a younger child would be asked nothing"):
        check_schema(schema)


def test_the_form_for_an_age_drops_only_the_questions_from_an_older_age_and_copies_only_then():
    schema = _form(from_age=11)
    assert schema_for_age(schema, 11) is schema
    assert schema_for_age(schema, 16) is schema
    assert schema_for_age(schema, None) is schema  # an adult's form is asked whole
    without = _form()
    assert schema_for_age(without, 4) is without
    younger = schema_for_age(schema, 10)
    assert [q["id"] for q in younger["questions"]] == ["a"]
    assert younger["title"] == "T"
    assert [q["id"] for q in schema["questions"]] == ["a", "b"], "the version's own schema is never changed"


def test_the_8_to_11_form_asks_the_ons_questions_from_11_with_their_source_and_words_in_every_language():
    schema = json.loads((FORMS_DIR / "child_8_11.json").read_text())["schema"]
    twelve = json.loads((FORMS_DIR / "young_12_15.json").read_text())["schema"]
    asked = {q["id"]: q for q in schema["questions"]}
    for qid in ONS:
        ons = next(q for q in twelve["questions"] if q["id"] == qid)
        assert asked[qid]["from_age"] == 11
        assert (asked[qid]["type"], asked[qid]["text"], asked[qid]["wellbeing"]) == (
            ons["type"],
            ons["text"],
            ons["wellbeing"],
        )
        assert "Open Government Licence" in asked[qid]["wellbeing"]["source"]
        assert asked[qid]["help"]
        for language, words in schema["translations"].items():
            assert words["questions"][qid]["text"] == twelve["translations"][language]["questions"][qid]["text"]
            assert words["questions"][qid]["help"]
    assert [q["id"] for q in schema_for_age(schema, 10)["questions"]] == [q for q in asked if q not in ONS]


# --- Every channel ---------------------------------------------------------------------------


def test_the_age_is_the_childs_on_the_review_date_and_an_adults_form_is_asked_whole(aged):
    invitation = aged(11)
    assert invitation.audience == Audience.CHILD_8_11
    assert invitation.answerer_age == 11
    assert invitation.review.child.age_on(timezone.localdate()) == 10, "still 10 today: the review's day decides"
    contact = ChildContact.objects.create(
        child=invitation.review.child, role="carer", name="Pat Carer", email="pat@example.org"
    )
    carer = Invitation(review=invitation.review, contact=contact, version=invitation.version)
    assert carer.answerer_age is None and carer.asked_schema is invitation.version.schema


def _web_urls(invitation: Invitation, way: str) -> list[str]:
    """The form's page, save and send addresses: the child's own, a fresh link's, or with an adult."""
    key = invitation.pk
    if way == "by_link":
        key = link_issue(LINK_KIND, invitation)
        invitation.save(update_fields=["token_hash"])
    page = "mine_detail" if way == "mine" else way
    return [reverse(f"consultations:{page}{end}", args=[key]) for end in ("", "_save", "_send")]


@pytest.mark.parametrize("way", ["mine", "by_link", "on_behalf"])
@pytest.mark.parametrize("age", [10, 11])
def test_on_the_web_only_the_11_year_old_is_shown_and_answers_the_ons_questions(aged, child_user, advocate, way, age):
    invitation = aged(age)
    client = client_for(advocate if way == "on_behalf" else child_user if way == "mine" else None)
    page_url, save_url, send_url = _web_urls(invitation, way)
    extra = {"entry_mode": EntryMode.HELPED, "consent_given": "on"} if way == "on_behalf" else {}
    posted = {"q_home_feeling": "happy", **{f"q_{qid}": value for qid, value in ONS_ANSWERS.items()}, **extra}

    page = client.get(page_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert ('name="q_ons_life_satisfaction"' in html) is (age == 11)
    assert ("Overall, how anxious did you feel yesterday?" in html) is (age == 11)
    assert 'name="q_trusted_adult"' in html
    assert client.post(save_url, posted).status_code == 302
    drafted = set(Response.objects.get().answers)
    assert (set(ONS) <= drafted) if age == 11 else not (set(ONS) & drafted)
    assert client.post(send_url, posted).status_code == 200
    sent = Response.objects.get()
    assert sent.submitted_at is not None
    assert {qid: sent.answers.get(qid) for qid in ONS} == (ONS_ANSWERS if age == 11 else dict.fromkeys(ONS))


@pytest.mark.parametrize("age", [10, 11])
def test_in_the_app_only_the_11_year_old_is_shown_and_answers_the_ons_questions(aged, child_user, age):
    invitation = aged(age)
    client = client_for(child_user)
    [listed] = client.get("/api/v1/consultations/").json()["results"]
    detail = client.get(f"/api/v1/consultations/{invitation.pk}/").json()
    for form in (listed, detail):
        ids = [q["id"] for q in form["schema"]["questions"]]
        assert (set(ONS) <= set(ids)) is (age == 11) and (set(ONS) & set(ids) == set()) is (age == 10)
        assert "trusted_adult" in ids

    answers = {"home_feeling": "ok", **ONS_ANSWERS}
    draft = client.put(
        f"/api/v1/consultations/{invitation.pk}/draft/", {"answers": answers}, content_type="application/json"
    )
    assert draft.status_code == 200
    assert draft.json()["draft_answers"] == (answers if age == 11 else {"home_feeling": "ok"})
    sent = client.post(
        f"/api/v1/consultations/{invitation.pk}/submit/", {"answers": answers}, content_type="application/json"
    )
    assert sent.status_code == 201
    assert Response.objects.get().answers == (answers if age == 11 else {"home_feeling": "ok"})


def test_ons_answers_from_a_10_year_old_are_dropped_by_the_service_itself_for_every_channel(aged):
    invitation = aged(10)
    response_save_draft(invitation=invitation, answers={"home_feeling": "sad", **ONS_ANSWERS})
    assert Response.objects.get().answers == {"home_feeling": "sad"}
    # An answer sent later, or under a question id the child is not asked, is still dropped.
    response, _ = response_submit(invitation=invitation, answers={"ons_happy": "10"})
    assert response.answers == {"home_feeling": "sad"}
    assert wellbeing_scores(response.version.schema, response.answers) == {"settled": 0}


def _replies(client, first: str = "FORM") -> list[str]:
    """Text FORM, then "1" to every question (a choice, a number or words), until the form is sent."""
    replies = [text(client, first)[1]]
    while "your answers have gone to your IRO" not in replies[-1] and len(replies) < 40:
        replies.append(text(client, "1")[1])
    return replies


@pytest.mark.usefixtures("twilio")
def test_by_text_the_8_to_11_form_is_not_offered_at_any_age(aged, client):
    aged(11)
    assert "there's no form to fill in right now" in text(client, "FORM")[1]
    assert not Response.objects.exists()


@pytest.mark.usefixtures("twilio")
@pytest.mark.parametrize("age", [10, 11])
def test_by_text_only_the_11_year_old_is_asked_the_ons_questions(aged, client, age):
    # An IRO chose the 12 to 15 form for Alice: it asks the ONS questions from 11 too, so by text as well.
    invitation = aged(age, override=Audience.YOUNG_12_15)
    assert invitation.audience == Audience.YOUNG_12_15
    replies = _replies(client)
    total = len(invitation.version.questions) - (0 if age == 11 else len(ONS))
    assert f"Q1/{total}:" in replies[0] and len(replies) == total + 1
    asked = " ".join(replies)
    assert ("Overall, how satisfied are you with your life nowadays?" in asked) is (age == 11)
    assert ("a number from 0 (not at all) to 10 (completely)" in asked) is (age == 11)
    answers = Response.objects.get(submitted_at__isnull=False).answers
    assert {qid: answers.get(qid) for qid in ONS} == (dict.fromkeys(ONS, "1") if age == 11 else dict.fromkeys(ONS))


@pytest.mark.usefixtures("twilio")
def test_by_text_a_review_moved_to_before_the_birthday_mid_form_asks_on_from_the_first_question_still_unanswered(
    aged, client
):
    invitation = aged(11, override=Audience.YOUNG_12_15)
    total = len(invitation.version.questions)
    text(client, "FORM")
    for _ in range(total - 2):
        text(client, "1")
    review = invitation.review
    review.scheduled_for = date(2026, 11, 30)  # Alice is 10 then: the ONS questions are no longer asked
    review.save()
    reply = text(client, "1")
    assert reply[0] == 200 and f"Q{total - 2 - len(ONS) + 1}/{total - len(ONS)}: " in reply[1]
    replies = _replies(client, "1")
    assert "your answers have gone to your IRO" in replies[-1]
    assert not set(ONS) & set(Response.objects.get(submitted_at__isnull=False).answers)


# --- Scores, reports and versions ----------------------------------------------------------------


def test_the_11_year_olds_ons_answers_score_and_count_in_the_wellbeing_report_the_10_year_olds_are_not_there(
    child_user, other_child_user, iro
):
    sent = {}
    for age, user, reference in ((11, child_user, "HRD0111"), (10, other_child_user, "HRD0110")):
        record = make_child(reference, user=user, born=BORN[age])
        iro_allocate(child=record, iro=iro, allocated_on=date(2025, 9, 3))
        invitation = _invite(record)
        sent[age], _ = response_submit(
            invitation=invitation, answers={"home_feeling": "happy", "trusted_adult": "yes", **ONS_ANSWERS}
        )
    scores = {age: wellbeing_scores(response.version.schema, response.answers) for age, response in sent.items()}
    assert scores[11] == {"settled": 1, "trusted_adult": 1, "ons_life_satisfaction": 8, "ons_worthwhile": 7,
                          "ons_happy": 9, "ons_anxious": 2}  # fmt: skip
    assert scores[10] == {"settled": 1, "trusted_adult": 1}

    # Both are in the 8 to 11 age band; only the 11-year-old answered the ONS questions there.
    figures = counted(YEAR)
    band = figures[("age", "8 to 11")]
    assert band["trusted_adult"].answered == 2
    assert [band[qid].answered for qid in ONS] == [1, 1, 1, 1]
    assert band["ons_life_satisfaction"].total == 8
    table = report("wellbeing", YEAR)
    rows = {row.label: row for row in table.rows if row.group == "All children"}
    assert rows["Has an adult they trust to talk to"].base == 2
    life = rows["ONS: satisfied with life (0-10): high or very high (7 to 10)"]
    assert (life.count, life.base, life.mean) == (1, 1, 8.0)
    assert {row.group for row in table.rows if row.indicator.startswith("ons_")} == {"All children", ONS_BANDS_GROUP}
    assert ONS_BANDS_GROUP == "ONS bands, all children aged 11 and over"
    assert any("asked of children aged 11 and over" in note for note in table.notes)
    assert any(note.startswith("Mean scores out of 10, all children aged 11 and over: ") for note in table.notes)


def test_a_changed_form_file_is_published_as_a_new_version_and_invitations_keep_theirs(tmp_path, aged):
    template = FormTemplate.objects.get(audience=Audience.CHILD_8_11)
    current = template.latest_published()
    assert [q["id"] for q in current.questions if q.get("from_age") == 11] == ONS
    invitation = aged(11)
    assert invitation.version == current
    assert forms_sync_from_files() == [], "the same files publish nothing"

    data = json.loads((FORMS_DIR / "child_8_11.json").read_text())
    for question in data["schema"]["questions"]:
        if question["id"] in ONS:
            question["from_age"] = 12
    (tmp_path / "child_8_11.json").write_text(json.dumps(data))
    [published] = forms_sync_from_files(tmp_path)
    assert (published.template, published.number, published.is_published) == (template, current.number + 1, True)
    invitation.refresh_from_db()
    assert invitation.version == current and invitation.answerer_age == 11
    assert set(ONS) <= {q["id"] for q in invitation.asked_schema["questions"]}

    data["schema"]["questions"][0]["from_age"] = "eleven"
    (tmp_path / "child_8_11.json").write_text(json.dumps(data))
    with pytest.raises(SchemaError, match="from_age must be a whole number of years"):
        forms_sync_from_files(tmp_path)
    assert template.latest_published() == published


def test_a_manager_previews_the_whole_8_to_11_form_with_the_age_the_ons_questions_are_asked_from(manager):
    version = FormTemplate.objects.get(audience=Audience.CHILD_8_11).latest_published()
    page = client_for(manager).get(reverse("consultations:preview", args=[version.pk])).content.decode()
    assert 'name="q_ons_life_satisfaction"' in page and 'name="q_trusted_adult"' in page
    assert page.count("Asked only of children aged 11 and over (their age on the review date).") == len(ONS)
    # The 0-10 scale as tiles, its ends in words beneath; read aloud skips the numbers one by one.
    assert page.count('<div class="scale" data-not-read>') == len(ONS)
    assert page.count(
        '<p class="scale-ends meta"><span class="pause">0 (not at all)</span> <span>10 (completely)</span>'
    ) == len(ONS)
