"""The safeguarding phrase matcher: what must alert, and what a child saying they are fine must not."""

import pytest

from feedback.models import Category, SafeguardingPhrase
from feedback.safeguarding import assess_urgency, matching_phrases

PHRASES = ["not safe", "don't feel safe", "hurt myself", "hits me", "run away", "i'm worried", "kill myself"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I don't feel safe at home", ["don't feel safe"]),
        ("I DON\u2019T FEEL SAFE", ["don't feel safe"]),  # capitals and a curly apostrophe
        ("i'm not safe here", ["not safe"]),
        ("Sometimes I want to hurt myself.", ["hurt myself"]),
        ("my carer's boyfriend hits me", ["hits me"]),
        ("I'm going to run away tonight", ["run away"]),
        ("I'm worried about mum", ["i'm worried"]),
        ("I want to kill myself", ["kill myself"]),
        ("he hits me. nobody hits me at school though", ["hits me"]),  # one real, one negated
    ],
)
def test_urgent_words_are_found(text, expected):
    assert matching_phrases(text, PHRASES) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I'm not worried about anything",
        "I feel safe where I live now",
        "Nobody hits me",
        "I would never hurt myself",
        "I don't want to run away, I like it here",
        "I'm not going to run away",
        "We watched a film about a runaway train",  # a word that merely contains a phrase
        "The hitsmen were on telly",
        "",
    ],
)
def test_a_child_saying_they_are_fine_does_not_alert(text):
    assert matching_phrases(text, PHRASES) == []


def test_the_council_list_in_the_database_is_used_and_inactive_phrases_are_ignored(db):
    reasons = assess_urgency(category=Category.SCHOOL, body="I want to run away from school")
    assert reasons == ["phrase: run away"]
    SafeguardingPhrase.objects.filter(phrase="run away").update(active=False)
    assert assess_urgency(category=Category.SCHOOL, body="I want to run away from school") == []
    SafeguardingPhrase.objects.create(phrase="bullied", kind="other")
    assert assess_urgency(category=Category.SCHOOL, body="I get bullied") == ["phrase: bullied"]


@pytest.mark.parametrize("category", [Category.WORRIED, Category.UNSAFE])
def test_the_child_choosing_worried_or_unsafe_is_urgent_whatever_the_words(db, category):
    assert assess_urgency(category=category, body="can we talk") == [f"child chose: {category}"]


def test_good_news_is_not_urgent(db):
    assert assess_urgency(category=Category.GOOD_NEWS, body="I got into the team and I'm not worried") == []
