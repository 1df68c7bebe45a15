"""The consultation form schema: its question types, and checking answers against a version.

A form version's schema is JSON: {"title", "intro", "read_aloud", "questions": [...]}. Each
question has an "id", a "type", its "text", optional "help", "required" and, for choices,
"choices": [{"value", "label", "picture"}], where a picture is a slug of consultations/pictures.py
(symbols in a form with "symbols": true). The meeting questions are types of their own, so the
pre-review pack finds the child's wishes about the meeting whichever form they answered.

A question may carry "from_age": 11 (a whole number of years, 4 to 25): it is asked only of a child
whose age on the review date is at least that, so one form can ask the older children of its age band
a little more (the 8 to 11 form asks the ONS questions of 11-year-olds). schema_for_age() gives the
form a child of a given age is asked; every channel shows and checks answers against that form
(consultations.models.Invitation.asked_schema). Adults' forms are asked whole.
"""

import copy
from typing import Any

from django.utils.translation import gettext_lazy as _

from consultations.pictures import picture_set
from consultations.wellbeing import SCALE_TYPE, check_marker

FEELINGS = [
    {"value": "very_happy", "label": _("Very happy"), "picture": "face_very_happy"},
    {"value": "happy", "label": _("Happy"), "picture": "face_happy"},
    {"value": "ok", "label": _("OK"), "picture": "face_ok"},
    {"value": "sad", "label": _("Sad"), "picture": "face_sad"},
    {"value": "very_sad", "label": _("Very sad"), "picture": "face_very_sad"},
]
YES_NO_UNSURE = [
    {"value": "yes", "label": _("Yes"), "picture": "yes"},
    {"value": "no", "label": _("No"), "picture": "no"},
    {"value": "not_sure", "label": _("Not sure"), "picture": "not_sure"},
]
MEETING_PEOPLE = [
    {"value": "me", "label": _("Me"), "picture": "me"},
    {"value": "carer", "label": _("My carer"), "picture": "carer"},
    {"value": "mum", "label": _("Mum"), "picture": "mum"},
    {"value": "dad", "label": _("Dad"), "picture": "dad"},
    {"value": "brothers_sisters", "label": _("Brothers or sisters"), "picture": "brothers_sisters"},
    {"value": "social_worker", "label": _("My social worker"), "picture": "social_worker"},
    {"value": "teacher", "label": _("Someone from school"), "picture": "teacher"},
    {"value": "advocate", "label": _("My advocate"), "picture": "advocate"},
    {"value": "someone_else", "label": _("Someone else"), "picture": "someone_else"},
]
CHAIRING = [
    {"value": "chair", "label": _("I'd like to chair my meeting"), "picture": "chair"},
    {"value": "co_chair", "label": _("I'd like to help chair it"), "picture": "co_chair"},
    {"value": "no", "label": _("No thanks"), "picture": "no"},
    {"value": "not_sure", "label": _("Not sure"), "picture": "not_sure"},
]

# The ONS personal well-being questions' scale (ONS, Open Government Licence v3.0): 0 is "not at
# all" and 10 is "completely"; only the ends carry words.
SCALE_0_10: list[dict] = [
    {"value": "0", "label": _("0 (not at all)")},
    *({"value": str(point), "label": str(point)} for point in range(1, 10)),
    {"value": "10", "label": _("10 (completely)")},
]

# Question types whose choices are fixed, and what they are.
FIXED_CHOICES: dict[str, list[dict]] = {
    "feelings": FEELINGS,
    "yes_no_unsure": YES_NO_UNSURE,
    "meeting_people": MEETING_PEOPLE,
    "chairing": CHAIRING,
    "advocate_wanted": YES_NO_UNSURE,
    "see_iro_alone": YES_NO_UNSURE,
    SCALE_TYPE: SCALE_0_10,
}
SINGLE_CHOICE_TYPES = frozenset(
    {"single_choice", "feelings", "yes_no_unsure", "chairing", "advocate_wanted", "see_iro_alone", SCALE_TYPE}
)
MULTI_CHOICE_TYPES = frozenset({"multi_choice", "meeting_people"})
TEXT_TYPES = {"short_text": 200, "long_text": 3000, "meeting_place_time": 300, "not_shared": 3000}
QUESTION_TYPES = SINGLE_CHOICE_TYPES | MULTI_CHOICE_TYPES | frozenset(TEXT_TYPES)


# The ages a question may start from: the youngest child asked a form is 4, and care leavers are
# supported to 25.
FROM_AGES = range(4, 26)


class SchemaError(ValueError):
    """The form schema itself is wrong (a mistake in a form file or the admin)."""


def schema_for_age(schema: dict, age: int | None) -> dict:
    """Return the form as a child of this age is asked it: without the questions from an older age.

    None (an adult's form) asks every question. The schema is returned as it is unless a question is
    dropped; the translations keep every question's words, and only the questions asked are read.
    """
    if age is None:
        return schema
    asked = [question for question in schema["questions"] if question.get("from_age", 0) <= age]
    if len(asked) == len(schema["questions"]):
        return schema
    return {**schema, "questions": asked}


def localise(schema: dict, language: str) -> dict:
    """Return the schema with its words in the given language, where the form has them."""
    translation = schema.get("translations", {}).get(language.split("-")[0].lower())
    if not translation:
        return schema
    shown = copy.deepcopy(schema)
    for key in ("title", "intro"):
        if translation.get(key):
            shown[key] = translation[key]
    for question in shown["questions"]:
        words = translation.get("questions", {}).get(question["id"], {})
        for key in ("text", "help"):
            if words.get(key):
                question[key] = words[key]
        for choice in question.get("choices", []):
            choice["label"] = words.get("choices", {}).get(choice["value"], choice["label"])
    return shown


def choices_for(question: dict) -> list[dict]:
    """Return the choices a question offers."""
    return FIXED_CHOICES.get(question["type"]) or question.get("choices", [])


def max_length_for(question: dict) -> int:
    return int(question.get("max_length") or TEXT_TYPES.get(question["type"], 200))


def check_schema(schema: Any) -> None:
    """Raise SchemaError unless the schema is a well-formed form."""
    if not isinstance(schema, dict) or not isinstance(schema.get("questions"), list) or not schema["questions"]:
        raise SchemaError("A form needs a list of questions.")
    if not isinstance(schema.get("title"), str) or not schema["title"].strip():
        raise SchemaError("A form needs a title.")
    seen = set()
    for position, question in enumerate(schema["questions"], start=1):
        if not isinstance(question, dict):
            raise SchemaError(f"Question {position} is not an object.")
        qid, qtype = question.get("id"), question.get("type")
        if not isinstance(qid, str) or not qid.isidentifier():
            raise SchemaError(f"Question {position} needs an id made of letters, digits and _.")
        if qid in seen:
            raise SchemaError(f"Two questions have the id {qid!r}.")
        seen.add(qid)
        if qtype not in QUESTION_TYPES:
            raise SchemaError(f"Question {qid!r} has an unknown type {qtype!r}.")
        if not isinstance(question.get("text"), str) or not question["text"].strip():
            raise SchemaError(f"Question {qid!r} needs its text.")
        _check_from_age(question)
        if qtype in ("single_choice", "multi_choice"):
            choices = question.get("choices")
            if not isinstance(choices, list) or len(choices) < 2:
                raise SchemaError(f"Question {qid!r} needs at least two choices.")
            values = [c.get("value") for c in choices if isinstance(c, dict)]
            if len(values) != len(choices) or len(set(values)) != len(values) or not all(values):
                raise SchemaError(f"Question {qid!r} has choices without a unique value.")
        _check_pictures(question, symbols=bool(schema.get("symbols")))
        problem = check_marker(question, [str(choice.get("value")) for choice in choices_for(question)])
        if problem:
            raise SchemaError(problem)
    if all("from_age" in question for question in schema["questions"]):
        raise SchemaError("Every question has a from_age: a younger child would be asked nothing.")


def _check_from_age(question: dict) -> None:
    """Raise SchemaError unless a question's from_age, if it has one, is a whole number of years 4 to 25."""
    if "from_age" not in question:
        return
    age = question["from_age"]
    # bool is an int in Python: true is not an age.
    if not isinstance(age, int) or isinstance(age, bool) or age not in FROM_AGES:
        raise SchemaError(
            f"Question {question['id']!r}: from_age must be a whole number of years from {FROM_AGES[0]} "
            f"to {FROM_AGES[-1]} (the youngest age asked), not {age!r}."
        )


def _check_pictures(question: dict, *, symbols: bool) -> None:
    """Raise SchemaError unless every picture a question's choices name is one Heard has drawn."""
    known = picture_set(symbols=symbols)
    kind = "symbol" if symbols else "picture"
    for choice in choices_for(question):
        picture = choice.get("picture")
        if picture is None and symbols:
            # A symbols form shows every choice as a symbol with its word: none may be words alone.
            raise SchemaError(f"Question {question['id']!r}: choice {choice.get('value')!r} needs a symbol.")
        if picture is not None and (not isinstance(picture, str) or picture not in known):
            raise SchemaError(
                f"Question {question['id']!r}: choice {choice.get('value')!r} names the {kind} {picture!r}, "
                f"which Heard has not drawn. Use one of: {', '.join(sorted(known))}."
            )


def clean_answers(schema: dict, raw: Any, *, complete: bool) -> tuple[dict, dict[str, str]]:
    """Check answers against the schema; return (clean answers, errors by question id).

    A draft (complete=False) may leave questions out; a submission must answer the required ones.
    Answers to questions the form does not ask are dropped.
    """
    if not isinstance(raw, dict):
        return {}, {"answers": str(_("Answers must be an object keyed by question id."))}
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for question in schema["questions"]:
        qid, qtype = question["id"], question["type"]
        value = raw.get(qid)
        empty = value is None or value == "" or value == []
        if empty:
            if complete and question.get("required"):
                errors[qid] = str(_("Please answer this question."))
            continue
        allowed = {c["value"] for c in choices_for(question)}
        if qtype in SINGLE_CHOICE_TYPES:
            if not isinstance(value, str) or value not in allowed:
                errors[qid] = str(_("Choose one of the answers shown."))
                continue
        elif qtype in MULTI_CHOICE_TYPES:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) and v in allowed for v in value):
                errors[qid] = str(_("Choose from the answers shown."))
                continue
            value = sorted(set(value), key=[c["value"] for c in choices_for(question)].index)
        else:
            if not isinstance(value, str):
                errors[qid] = str(_("Write your answer as text."))
                continue
            value = value.replace("\x00", "").strip()
            limit = max_length_for(question)
            if len(value) > limit:
                errors[qid] = str(_("Please keep this under %(limit)s characters.") % {"limit": limit})
                continue
            if not value:
                if complete and question.get("required"):
                    errors[qid] = str(_("Please answer this question."))
                continue
        answers[qid] = value
    return answers, errors
