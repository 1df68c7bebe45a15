"""The safeguarding phrase matcher: what must alert, and what a child saying they are fine must not."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission

from accounts.models import Role
from feedback.models import Category, SafeguardingPhrase
from feedback.safeguarding import PhraseSyntaxError, assess_urgency, matching_phrases, normalise, phrase_pattern
from tests.conftest import client_for, make_user

OLD_DEFAULTS = importlib.import_module("feedback.migrations.0003_default_safeguarding_phrases")
NEW_DEFAULTS = importlib.import_module("feedback.migrations.0009_safeguarding_phrases_in_childrens_words")

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
        ("I don\u2019t want to go home, I\u2019m not safe", ["not safe"]),
        ("i dont feel safe", ["don't feel safe"]),  # a phrase that is itself a negation
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
    phrase = SafeguardingPhrase.objects.get(phrase="run away")
    phrase.active = False
    phrase.save()  # as the admin turns one off
    assert assess_urgency(category=Category.SCHOOL, body="I want to run away from school") == []
    SafeguardingPhrase.objects.create(phrase="bullied", kind="other")
    assert assess_urgency(category=Category.SCHOOL, body="I get bullied") == ["phrase: bullied"]


@pytest.mark.parametrize("category", [Category.WORRIED, Category.UNSAFE])
def test_the_child_choosing_worried_or_unsafe_is_urgent_whatever_the_words(db, category):
    assert assess_urgency(category=category, body="can we talk") == [f"child chose: {category}"]


def test_good_news_is_not_urgent(db):
    assert assess_urgency(category=Category.GOOD_NEWS, body="I got into the team and I'm not worried") == []


@pytest.mark.parametrize(
    "text",
    [
        # A clause boundary ends a negation's reach: punctuation of every kind...
        "Please don't tell, he hits me.",
        "I'm not lying. He hits me",
        "not lying; he hits me",
        "not lying - he hits me",
        "not lying \u2014 he hits me",
        "not lying!! he hits me",
        "not lying\nhe hits me",
        "not lying \U0001f622 he hits me",
        # ...or a joining word, with no punctuation at all.
        "i dont mind school but he hits me",
        "nobody listens cos he hits me",
        "im not ok coz he hits me",
        "nothing helps and he hits me",
        "its not fair so i want to run away",
        "i dont like it when he hits me",
        "no one believes me if i say he hits me",
        # A negation governing another word, not the phrase.
        "Nobody knows he hits me",
        "no he hits me",
        "i cant tell anyone he hits me",
        "I won't lie I want to kill myself",
        # "won't stop", "can't stop": not a denial.
        "Mum's boyfriend won't stop, he hits me",
        "he wont stop hitting me",
        "i cant stop hurting myself",
        # Two negations cancel out.
        "he never stopped hitting me",
        # A plea is not a denial.
        "please don't hit me",
        "dont hit me again",
        "do not hit me",
        "don't let him hit me",
        # Too far from the negation to be governed by it.
        "I'm not going to try to ever want to run away",
    ],
)
def test_a_negation_elsewhere_in_the_sentence_does_not_hide_a_disclosure(text):
    assert matching_phrases(text, ["hits me", "hit me", "hit* me", "run away", "kill myself", "hurt* myself"])


@pytest.mark.parametrize(
    "text",
    [
        "nobody hits me",
        "no one hits me",
        "noone hits me",
        "no1 hits me",
        "No-one hits me",
        "he never hits me",
        "he doesnt hit me",
        "my carer would never ever hit me",
        "nobody has ever hit me",
        "I am not going to run away",
        "im not gonna run away",
        "I don't really want to run away",
        "i dont ever want to kill myself",
        "he no longer hits me",
    ],
)
def test_a_negation_that_directly_governs_the_phrase_cancels_it(text):
    assert matching_phrases(text, ["hits me", "hit me", "run away", "kill myself"]) == []


@pytest.mark.parametrize(
    ("text", "read_as"),
    [
        ("I DON\u2019T", "i dont"),
        ("don`t dont don't", "dont dont dont"),
        ("he hiiiits me", "he hits me"),
        ("KILLLL", "kil"),  # repeated letters count once, in phrases too: "kill" is read "kil"
        ("u r ppl", "you are people"),
        ("i wanna die cos im sad", "i want to die because im sad"),
        ("no1 cares", "no one cares"),
        ("hurt my self", "hurt my self"),
        ("hurt myself", "hurt my self"),
        ("self-harm", "self harm"),
        ("caf\u00e9 na\u00efve", "cafe naive"),
        ("sh*t", "sht"),
        ("me & him", "me and him"),
    ],
)
def test_the_text_is_read_as_children_write_it(text, read_as):
    assert normalise(text) == read_as


@pytest.mark.parametrize(
    ("phrase", "text"),
    [
        ("don't feel safe", "i dont feel safe"),
        ("dont feel safe", "I don\u2019t feel safe"),
        ("kill myself", "i want to kill my self"),
        ("kill myself", "i wanna kilLL myslef"),
        ("want to die", "i wanna die"),
        ("want to die", "i wnt 2 die"),
        ("i'm worried", "im worried"),
        ("self harm", "I self-harm"),
        ("kms", "honestly kmssss"),
    ],
)
def test_spellings_and_text_speak_match_the_phrase(phrase, text):
    assert matching_phrases(text, [phrase]) == [phrase]


@pytest.mark.parametrize(
    ("phrase", "matches", "does_not_match"),
    [
        ("hit* me", ["he hits me", "he hit me", "he keeps hitting me", "he hiiittin me"], ["white me", "he hit my"]),
        ("self-harm*", ["self harming", "I self-harmed"], ["selfish harm"]),
        ("hits/kicks me", ["he hits me", "he kicks me"], ["he punches me", "he hits my"]),
        ("i'm [so/really] scared", ["im scared", "i'm so scared", "im really scared"], ["im very scared"]),
        (
            "touch* ... private*",
            ["he touched my private parts", "touches me in my privates", "touch private"],
            ["he touched my arm and then later on my privates"],  # four words between: too far
        ),
        ("hit*/beat* [me] up", ["beat me up", "beat up", "hitting me up"], ["beat them up"]),
    ],
)
def test_a_phrase_may_be_a_simple_pattern(phrase, matches, does_not_match):
    for text in matches:
        assert matching_phrases(text, [phrase]) == [phrase], text
    for text in does_not_match:
        assert matching_phrases(text, [phrase]) == [], text


@pytest.mark.parametrize(
    "phrase",
    [
        "[so scared",
        "so] scared",
        "[[so]] scared",
        "[so]",
        "... hits me",
        "hits me ...",
        "hits ... ... me",
        "*",
        "hits//kicks me",
        "/hits me",
        "!!!",
    ],
)
def test_a_phrase_that_cannot_be_read_is_refused_but_still_counts_as_plain_words(phrase):
    with pytest.raises(PhraseSyntaxError):
        phrase_pattern(phrase)
    if phrase == "[so scared":
        assert matching_phrases("im so scared", [phrase]) == [phrase]


def test_words_already_reported_under_an_earlier_phrase_are_not_reported_again():
    assert matching_phrases("he hits me", ["hit* me", "hits me", "hits"]) == ["hit* me"]
    assert matching_phrases("he hits me", ["hits", "hit* me"]) == ["hits", "hit* me"]
    assert matching_phrases("I self-harm and I self harm", ["self harm", "self-harm"]) == ["self harm"]


def test_every_default_phrase_can_be_read(db):
    for phrase in SafeguardingPhrase.objects.values_list("phrase", flat=True):
        phrase_pattern(phrase)


def test_every_new_default_phrase_fits_the_column():
    longest = SafeguardingPhrase._meta.get_field("phrase").max_length
    assert [
        phrase for phrases in NEW_DEFAULTS.NEW_PHRASES.values() for phrase in phrases if len(phrase) > longest
    ] == []


def test_reversing_the_new_defaults_keeps_the_first_list_and_the_councils_own(db):
    first = {phrase for phrases in OLD_DEFAULTS.DEFAULT_PHRASES.values() for phrase in phrases}
    added = {phrase for phrases in NEW_DEFAULTS.NEW_PHRASES.values() for phrase in phrases}
    assert not first & added
    SafeguardingPhrase.objects.create(phrase="council's own", kind="other")
    NEW_DEFAULTS.remove_phrases(apps, None)
    assert set(SafeguardingPhrase.objects.values_list("phrase", flat=True)) == first | {"council's own"}
    NEW_DEFAULTS.add_phrases(apps, None)
    assert SafeguardingPhrase.objects.filter(phrase__in=added).count() == len(added)


@pytest.fixture
def phrase_manager(db):
    """A manager who edits the phrase list in the admin, as the demo's manager does."""
    manager = make_user("morgan", Role.MANAGER, email="manager@heard.example", is_staff=True)
    manager.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="feedback",
            codename__in=["view_safeguardingphrase", "add_safeguardingphrase", "change_safeguardingphrase"],
        )
    )
    return manager


def test_a_phrase_a_manager_adds_or_deactivates_in_the_admin_takes_effect_at_once(phrase_manager):
    body = "my stepdad sleeps in my room"
    client = client_for(phrase_manager)
    assert assess_urgency(category=Category.SCHOOL, body=body) == []

    response = client.post(
        "/admin/feedback/safeguardingphrase/add/", {"phrase": "sleep* in my room", "kind": "abuse", "active": "on"}
    )
    assert response.status_code == 302
    phrase = SafeguardingPhrase.objects.get(phrase="sleep* in my room")
    assert assess_urgency(category=Category.SCHOOL, body=body) == ["phrase: sleep* in my room"]

    response = client.post(
        f"/admin/feedback/safeguardingphrase/{phrase.pk}/change/", {"phrase": "sleep* in my room", "kind": "abuse"}
    )
    assert response.status_code == 302
    phrase.refresh_from_db()
    assert not phrase.active
    assert assess_urgency(category=Category.SCHOOL, body=body) == []


def test_the_admin_refuses_a_phrase_it_cannot_read_and_explains_the_patterns(phrase_manager):
    client = client_for(phrase_manager)
    response = client.post("/admin/feedback/safeguardingphrase/add/", {"phrase": "[so scared", "kind": "unsafe"})
    assert response.status_code == 200
    assert "Each [ needs a ] after it." in response.content.decode()
    assert not SafeguardingPhrase.objects.filter(phrase="[so scared").exists()
    page = client.get("/admin/feedback/safeguardingphrase/add/").content.decode()
    assert "touch* ... private*" in page
