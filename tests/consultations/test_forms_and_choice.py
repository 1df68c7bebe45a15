"""Forms as versioned data, and which form a child is given."""

import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from consultations.models import CHILD_AUDIENCES, Audience, FormOverride, FormTemplate, FormTemplateVersion
from consultations.schema import SchemaError, check_schema, clean_answers
from consultations.services import audience_for_child, form_override_set, forms_sync_from_files, version_publish
from tests.conftest import client_for, make_child


def test_every_form_file_is_loaded_and_published_once(forms):
    assert {v.template.audience for v in forms} == set(Audience.values)
    assert forms_sync_from_files() == []  # nothing changed: no new versions


def test_a_changed_file_publishes_a_new_version_and_the_old_one_stays(tmp_path, forms):
    carer = FormTemplate.objects.get(audience="carer").latest_published()
    data = {"slug": "carer", "audience": "carer", "title": "Carer's consultation", "schema": dict(carer.schema)}
    data["schema"]["intro"] = "New wording."
    (tmp_path / "carer.json").write_text(json.dumps(data))
    [new] = forms_sync_from_files(tmp_path)
    assert new.number == carer.number + 1
    carer.refresh_from_db()
    assert carer.schema["intro"] != "New wording."


def test_a_published_version_cannot_be_published_again_and_a_bad_draft_is_refused(forms):
    published = forms[0]
    with pytest.raises(ValidationError):
        version_publish(version=published)
    draft = FormTemplateVersion.objects.create(template=published.template, number=99, schema={"title": "x"})
    with pytest.raises(ValidationError):
        version_publish(version=draft)


@pytest.mark.parametrize(
    ("born", "review_on", "audience"),
    [
        (date(2022, 12, 1), date(2026, 11, 30), None),  # the day before their 4th birthday
        (date(2022, 12, 1), date(2026, 12, 1), Audience.CHILD_4_7),  # on it
        (date(2018, 12, 1), date(2026, 11, 30), Audience.CHILD_4_7),  # 7, the day before turning 8
        (date(2018, 12, 1), date(2026, 12, 1), Audience.CHILD_8_11),
        (date(2014, 12, 1), date(2026, 11, 30), Audience.CHILD_8_11),
        (date(2014, 12, 1), date(2026, 12, 1), Audience.YOUNG_12_15),
        (date(2010, 12, 1), date(2026, 11, 30), Audience.YOUNG_12_15),
        (date(2010, 12, 1), date(2026, 12, 1), Audience.YOUNG_16_PLUS),
        (date(2012, 2, 29), date(2024, 2, 28), Audience.CHILD_8_11),  # a leap-day birthday, the day before
        (date(2012, 2, 29), date(2024, 2, 29), Audience.YOUNG_12_15),
    ],
)
def test_the_form_follows_age_on_the_review_date(db, born, review_on, audience):
    child = make_child("HRD0700", born=born, looked_after=date(2023, 1, 9))
    assert audience_for_child(child, review_on) == audience


def test_symbols_when_the_record_says_so_and_an_iro_override_wins(child, iro, other_iro):
    child.uses_symbols = True
    child.save()
    assert audience_for_child(child, date(2026, 12, 1)) == Audience.SYMBOLS
    form_override_set(child=child, template=FormTemplate.objects.get(audience="young_16_plus"), iro=iro)
    assert audience_for_child(child, date(2026, 12, 1)) == Audience.YOUNG_16_PLUS
    with pytest.raises(Exception):  # noqa: B017 (PermissionDenied, Django's)
        form_override_set(child=child, template=FormTemplate.objects.get(audience="child_8_11"), iro=other_iro)
    with pytest.raises(ValidationError):
        form_override_set(child=child, template=FormTemplate.objects.get(audience="carer"), iro=iro)


def test_the_iro_chooses_a_childs_form_from_the_childrens_forms_only(child, iro, other_iro, advocate):
    url = reverse("consultations:form_choice", args=[child.pk])
    page = client_for(iro).get(url)
    assert page.status_code == 200
    offered = {template.audience for template in page.context["templates"]}
    assert offered == CHILD_AUDIENCES
    carer = FormTemplate.objects.get(audience=Audience.CARER)
    refused = client_for(iro).post(url, {"template": carer.pk})
    assert refused.status_code == 200
    assert "Choose one of the forms." in refused.content.decode()
    assert not FormOverride.objects.exists()
    older = FormTemplate.objects.get(audience=Audience.YOUNG_16_PLUS)
    chosen = client_for(iro).post(url, {"template": older.pk})
    assert (chosen.status_code, chosen["Location"]) == (302, reverse("feedback:inbox"))
    assert FormOverride.objects.get(child=child).template == older
    assert client_for(other_iro).post(url, {"template": older.pk}).status_code == 404
    assert client_for(advocate).get(url).status_code == 404


def test_a_manager_previews_a_form_and_nobody_else_does(manager, iro):
    version = FormTemplateVersion.objects.get(template__audience=Audience.CARER)
    url = reverse("consultations:preview", args=[version.pk])
    page = client_for(manager).get(url)
    assert page.status_code == 200
    assert "Preview: answers are not saved." in page.content.decode()
    assert "Send to my IRO" not in page.content.decode()
    assert client_for(iro).get(url).status_code == 404
    assert client_for(manager).get(reverse("consultations:preview", args=[999999])).status_code == 404


SCHEMA = {
    "title": "Every type",
    "questions": [
        {"id": "face", "type": "feelings", "text": "?", "required": True},
        {
            "id": "one",
            "type": "single_choice",
            "text": "?",
            "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
        },
        {
            "id": "many",
            "type": "multi_choice",
            "text": "?",
            "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
        },
        {"id": "yn", "type": "yes_no_unsure", "text": "?"},
        {"id": "short", "type": "short_text", "text": "?", "max_length": 10},
        {"id": "long", "type": "long_text", "text": "?"},
        {"id": "who", "type": "meeting_people", "text": "?"},
        {"id": "where", "type": "meeting_place_time", "text": "?"},
        {"id": "chair", "type": "chairing", "text": "?"},
        {"id": "advocate", "type": "advocate_wanted", "text": "?"},
        {"id": "alone", "type": "see_iro_alone", "text": "?"},
        {"id": "secret", "type": "not_shared", "text": "?"},
    ],
}


def test_a_full_valid_answer_set_is_accepted_and_tidied():
    check_schema(SCHEMA)
    answers, errors = clean_answers(
        SCHEMA,
        {
            "face": "happy", "one": "b", "many": ["b", "a", "b"], "yn": "not_sure", "short": "  hi  ",
            "long": "x" * 3000, "who": ["advocate", "me"], "where": "School, after 3pm", "chair": "co_chair",
            "advocate": "yes", "alone": "no", "secret": "Not about mum", "unknown": "dropped",
        },
        complete=True,
    )  # fmt: skip
    assert errors == {}
    assert answers["many"] == ["a", "b"]
    assert answers["who"] == ["me", "advocate"]
    assert answers["short"] == "hi"
    assert "unknown" not in answers


@pytest.mark.parametrize(
    ("answers", "question", "message"),
    [
        ({}, "face", "Please answer this question."),
        ({"face": "ecstatic"}, "face", "Choose one of the answers shown."),
        ({"face": "happy", "one": "c"}, "one", "Choose one of the answers shown."),
        ({"face": "happy", "many": ["a", "z"]}, "many", "Choose from the answers shown."),
        ({"face": "happy", "yn": "maybe"}, "yn", "Choose one of the answers shown."),
        ({"face": "happy", "short": "x" * 11}, "short", "under 10 characters"),
        ({"face": "happy", "long": "x" * 3001}, "long", "under 3000 characters"),
        ({"face": "happy", "long": 42}, "long", "Write your answer as text."),
        ({"face": "happy", "who": ["the queen"]}, "who", "Choose from the answers shown."),
        ({"face": "happy", "chair": "dictator"}, "chair", "Choose one of the answers shown."),
        ({"face": "happy", "advocate": ["yes"]}, "advocate", "Choose one of the answers shown."),
    ],
)
def test_each_question_type_refuses_what_it_does_not_offer(answers, question, message):
    _, errors = clean_answers(SCHEMA, answers, complete=True)
    assert message in errors[question]


def test_a_draft_may_leave_required_questions_out():
    assert clean_answers(SCHEMA, {"one": "a"}, complete=False) == ({"one": "a"}, {})


@pytest.mark.parametrize(
    "schema",
    [
        {},
        {"title": "x", "questions": []},
        {"title": "x", "questions": [{"id": "a", "type": "teleport", "text": "?"}]},
        {"title": "x", "questions": [{"id": "a b", "type": "short_text", "text": "?"}]},
        {
            "title": "x",
            "questions": [
                {"id": "a", "type": "short_text", "text": "?"},
                {"id": "a", "type": "long_text", "text": "?"},
            ],
        },
        {
            "title": "x",
            "questions": [{"id": "a", "type": "single_choice", "text": "?", "choices": [{"value": "a", "label": "A"}]}],
        },
    ],
)
def test_a_malformed_schema_is_refused(schema):
    with pytest.raises(SchemaError):
        check_schema(schema)
