"""The pictures and symbols on forms' choices: drawn for Heard as SVG, named by slug, checked when a form is loaded."""

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from consultations.models import FormTemplate
from consultations.pictures import EARLIER_EMOJI, FACES, PICTURES, SYMBOLS, picture_path
from consultations.schema import FIXED_CHOICES, SchemaError, check_schema, choices_for
from consultations.selectors import answer_rows
from consultations.services import forms_sync_from_files
from consultations.wellbeing import SCALE_TYPE

ROOT = Path(__file__).resolve().parents[2]
FORMS = sorted((ROOT / "consultations" / "forms").glob("*.json"))
SVG = "{http://www.w3.org/2000/svg}"
# Any emoji or pictograph: a form never names one as its picture.
EMOJI = re.compile("[\u2190-\u21ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff]")


def _drawing(static_path: str) -> ET.Element:
    found = finders.find(static_path)
    assert found, f"{static_path} is named but not in the repository"
    # Heard's own files, not untrusted input; parsing refuses anything that is not well-formed XML.
    return ET.parse(found).getroot()  # noqa: S314


# The welcome and the finish of the youngest children's form (templates/consultations/little_form.html).
PAGE_PICTURES = {"heard/pictures/hello.svg", "heard/pictures/well_done.svg"}


@pytest.mark.parametrize("static_path", sorted(set(PICTURES.values()) | set(SYMBOLS.values()) | PAGE_PICTURES))
def test_every_picture_and_symbol_named_is_an_svg_in_the_repository(static_path):
    root = _drawing(static_path)
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox")
    assert not list(root.iter(f"{SVG}image")), "drawn in the file, never fetched from elsewhere"
    assert not list(root.iter(f"{SVG}script"))
    if static_path in FACES.values():
        return  # the message feelings' faces: hidden from screen readers, the word beside them names them
    title = root.find(f"{SVG}title")
    assert title is not None and title.text and title.text.strip(), f"{static_path} needs a <title>"


@pytest.mark.parametrize("folder", ["pictures", "symbols"])
def test_every_drawing_in_the_folders_is_one_a_form_can_name_or_the_welcome_or_finish(folder):
    named = {Path(path).name for path in (PICTURES if folder == "pictures" else SYMBOLS).values()}
    drawn = {path.name for path in (ROOT / "static" / "heard" / folder).glob("*.svg")}
    assert drawn - named <= {Path(path).name for path in PAGE_PICTURES}
    assert named - {Path(path).name for path in FACES.values()} <= drawn


def test_the_feelings_faces_are_the_message_faces_and_every_fixed_choice_has_a_drawing():
    assert {c["picture"] for c in FIXED_CHOICES["feelings"]} == set(FACES)
    for kind, choices in FIXED_CHOICES.items():
        if kind == SCALE_TYPE:
            continue  # the ONS 0-10 scale, asked from 11: its numbers are its pictures (below)
        for choice in choices:
            assert choice["picture"] in PICTURES
            assert choice["picture"] in SYMBOLS, "a symbols form may ask any fixed question"


@pytest.mark.parametrize("path", FORMS, ids=lambda p: p.stem)
def test_no_form_file_names_an_emoji_and_each_picture_is_drawn(path):
    schema = json.loads(path.read_text())["schema"]
    drawn = SYMBOLS if schema.get("symbols") else PICTURES
    for question in schema["questions"]:
        for choice in choices_for(question):
            if "picture" in choice:
                assert not EMOJI.search(choice["picture"]), (path.name, choice)
                assert choice["picture"] in drawn, (path.name, choice)
            else:
                assert not schema.get("symbols"), "a symbols form shows every choice as a symbol"


def _form(picture: object, *, symbols: bool = False) -> dict:
    choices = [{"value": "a", "label": "A", "picture": picture}, {"value": "b", "label": "B", "picture": "yes"}]
    return {
        "title": "x",
        "symbols": symbols,
        "questions": [{"id": "likes", "type": "multi_choice", "text": "?", "choices": choices}],
    }


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        (_form("teddy"), "Question 'likes': choice 'a' names the picture 'teddy', which Heard has not drawn."),
        (_form("🧸"), "names the picture '🧸', which Heard has not drawn"),
        (_form(7), "names the picture 7"),
        # A picture is not a symbol: a symbols form names only what the symbols set has drawn.
        (_form("pets", symbols=True), "names the symbol 'pets', which Heard has not drawn"),
    ],
)
def test_an_unknown_picture_is_refused_saying_which_and_what_there_is(schema, message):
    with pytest.raises(SchemaError) as refused:
        check_schema(schema)
    assert message in str(refused.value)
    assert "Use one of:" in str(refused.value)


def test_a_symbols_form_cannot_ask_a_0_to_10_scale_which_has_no_symbols():
    schema = {"title": "T", "symbols": True, "questions": [{"id": "a", "type": SCALE_TYPE, "text": "Q"}]}
    with pytest.raises(SchemaError, match="choice '0' needs a symbol"):
        check_schema(schema)


def test_a_symbols_form_refuses_a_choice_with_words_alone():
    schema = _form("music", symbols=True)
    del schema["questions"][0]["choices"][0]["picture"]
    with pytest.raises(SchemaError, match="choice 'a' needs a symbol"):
        check_schema(schema)
    check_schema(_form("music", symbols=True))  # drawn as a symbol: accepted


def test_the_form_sync_refuses_a_file_naming_an_unknown_picture_and_publishes_nothing(tmp_path, forms):
    data = json.loads((ROOT / "consultations" / "forms" / "child_4_7.json").read_text())
    like_best = next(q for q in data["schema"]["questions"] if q["id"] == "like_best")
    like_best["choices"][0]["picture"] = "unicorn"
    (tmp_path / "child_4_7.json").write_text(json.dumps(data))
    before = FormTemplate.objects.get(audience="child_4_7").versions.count()
    with pytest.raises(SchemaError, match="'unicorn', which Heard has not drawn"):
        forms_sync_from_files(tmp_path)
    assert FormTemplate.objects.get(audience="child_4_7").versions.count() == before


def test_a_version_published_with_emoji_still_shows_drawings_and_its_answers_stay_valid():
    earlier = {"value": "pets", "label": "Pets", "picture": "🐶"}
    assert picture_path(earlier["picture"], symbols=False) == "heard/pictures/pets.svg"
    assert picture_path("🎵", symbols=True) == "heard/symbols/music.svg"
    assert picture_path("🧸", symbols=True) == "heard/pictures/playing.svg"  # no symbol drawn: the picture
    assert picture_path("👾", symbols=False) is None  # nothing Heard can draw: the word alone
    assert set(EARLIER_EMOJI.values()) <= set(PICTURES) | set(SYMBOLS)


def test_the_pack_shows_the_childs_answers_in_words_without_picture_names():
    schema = {"title": "x", "questions": [{"id": "home", "type": "feelings", "text": "Home?"}]}
    [row] = answer_rows(schema, {"home": "very_happy"})
    assert row.answer == "Very happy"
