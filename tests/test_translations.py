"""Every word a child may read is in every language Heard ships, as well as English.

The shipped languages are settings.LANGUAGES. The strings are found as makemessages finds them
(Django's own templatize for templates, the gettext calls in Python), then looked up in each
language's locale/<code>/: the .po must translate each one, not fuzzily, and the compiled .mo must
say the same (so compilemessages was run). Each .po says at its head that a native speaker must
review it, and a right-to-left one keeps phone numbers and dates in order. Child-facing templates
must also mark all their words for translation, or a new sentence would stay English without
anyone noticing; each child's form file carries its words in every shipped language.
"""

import ast
import gettext
import io
import json
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.utils.translation.template import templatize

from consultations.models import CHILD_AUDIENCES

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
LOCALE = ROOT / "locale"
# Every language a child can choose besides English, which is the source text.
SHIPPED = [code for code, _ in settings.LANGUAGES if code.split("-")[0] != "en"]
APPS = [
    "accounts",
    "backend",
    "complaints",
    "consultations",
    "feedback",
    "integrations",
    "mobile_api",
    "reporting",
    "reviews",
    "sms",
]

# Strings marked for translation that only staff read: the DfE's participation codes, for the IRO.
STAFF_ONLY_SOURCES = {"reviews/participation.py"}

# Pages and messages a child reads (the sign-in pages are shared with staff). Every word in them
# must be marked for translation; staff-only templates are English and are not listed.
CHILD_FACING_TEMPLATES = [
    "account/",
    "mfa/",
    "accounts/my_data.html",
    "accounts/privacy.html",
    "complaints/mine.html",
    "consultations/form.html",
    "consultations/link_problem.html",
    "consultations/little_form.html",
    "consultations/mine.html",
    "consultations/thanks.html",
    "feedback/my_preferences.html",
    "feedback/my_statement.html",
    "feedback/my_statements.html",
    "feedback/service_feedback.html",
    "feedback/service_feedback_thanks.html",
    "feedback/statement_form.html",
    "includes/read_aloud.html",
    "reporting/you_said_we_did.html",
    "reviews/my_advocate.html",
    "reviews/my_reviews.html",
]

# gettext functions and which of their arguments are (context, singular) for the catalogue key.
_CALLS = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}


@dataclass(frozen=True)
class Msg:
    context: str | None
    msgid: str
    where: str


def _calls_in(source: str, where: str) -> list[Msg]:
    """Return the literal strings passed to gettext functions in Python (or templatize's output)."""
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type != tokenize.NL]
    found = []
    for i, token in enumerate(tokens[:-2]):
        if token.type != tokenize.NAME or token.string not in _CALLS or tokens[i + 1].string != "(":
            continue
        if i and tokens[i - 1].string == "def":
            continue
        args: list[str | None] = []
        current: str | None = ""
        depth = 0
        for arg_token in tokens[i + 2 :]:
            if arg_token.string in "([{" and arg_token.type == tokenize.OP:
                depth += 1
            elif arg_token.string in ")]}" and arg_token.type == tokenize.OP:
                if depth == 0:
                    args.append(current)
                    break
                depth -= 1
            elif arg_token.string == "," and depth == 0:
                args.append(current)
                current = ""
            elif arg_token.type == tokenize.STRING and current is not None and depth == 0:
                current += ast.literal_eval(arg_token.string)  # "a" "b" is one string
            else:
                current = None  # not a literal: nothing to look up
        context_at, msgid_at = _CALLS[token.string]
        if len(args) > msgid_at and args[msgid_at]:
            context = args[context_at] if context_at is not None else None
            found.append(Msg(context, args[msgid_at], f"{where}:{token.start[0]}"))
    return found


def _marked_strings() -> list[Msg]:
    """Every string marked for translation that a child may read, where makemessages would find it."""
    found = []
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix in (".html", ".txt"):
            where = str(path.relative_to(ROOT))
            found += _calls_in(templatize(path.read_text(), origin=str(path)), where)
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            where = str(path.relative_to(ROOT))
            if "migrations" not in path.parts and where not in STAFF_ONLY_SOURCES:
                found += _calls_in(path.read_text(), where)
    return found


@dataclass
class PoEntry:
    msgstrs: list[str]
    fuzzy: bool


def _read_po(path: Path) -> dict[tuple[str | None, str], PoEntry]:
    """Return the .po file's entries by (context, msgid), leaving out obsolete ones."""
    entries = {}
    for block in path.read_text().split("\n\n"):
        fields: dict[str, str] = {}
        flags: set[str] = set()
        key = ""
        for line in block.splitlines():
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[key] += ast.literal_eval(line)
            elif line.strip():
                key, _, value = line.partition(" ")
                fields[key] = ast.literal_eval(value)
        if fields.get("msgid"):
            msgstrs = [value for name, value in fields.items() if name.startswith("msgstr")]
            entries[(fields.get("msgctxt"), fields["msgid"])] = PoEntry(msgstrs, "fuzzy" in flags)
    return entries


def _catalogue(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def _untranslated(marked: list[Msg], po: dict, mo: gettext.GNUTranslations) -> list[str]:
    """Return a line for each marked string the catalogue does not translate."""
    problems = []
    for msg in marked:
        entry = po.get((msg.context, msg.msgid))
        catalogue_key = f"{msg.context}\x04{msg.msgid}" if msg.context else msg.msgid
        compiled = mo._catalog.get(catalogue_key, mo._catalog.get((catalogue_key, 0)))  # type: ignore[attr-defined]
        if entry is None:
            problem = "not in django.po (run makemessages)"
        elif entry.fuzzy:
            problem = "fuzzy in django.po"
        elif not all(entry.msgstrs):
            problem = "no msgstr in django.po"
        elif compiled != entry.msgstrs[0]:
            problem = "django.mo differs from django.po (run compilemessages)"
        else:
            continue
        problems.append(f"{msg.msgid!r} ({msg.where}): {problem}")
    return sorted(set(problems))


def test_polish_welsh_arabic_pashto_tigrinya_and_ukrainian_are_shipped():
    assert {"pl", "cy", "ar", "ps", "ti", "uk"} <= set(SHIPPED)


@pytest.mark.parametrize("language", SHIPPED)
def test_every_string_a_child_may_read_is_translated(language):
    marked = _marked_strings()
    assert len(marked) > 200  # the finder found the strings: this is not passing on nothing
    po = _catalogue(language)
    with po.with_suffix(".mo").open("rb") as compiled:
        problems = _untranslated(marked, _read_po(po), gettext.GNUTranslations(compiled))
    assert not problems, f"Strings with no {language} translation:\n" + "\n".join(problems)


# In a right-to-left sentence a phone number's groups swap places ("0800 1111" shows as "1111 0800") unless
# the number is isolated left to right (U+2066 ... U+2069), and so does a date with an English month name.
_PHONE = re.compile(r"%\((?:number|phone)\)s|\d+(?: \d+)+")
_DATE = re.compile(r"%\((?:day|when)\)s")


def _unisolated_numbers(msgstr: str) -> list[str]:
    """Return the phone numbers and dates in a translation that are not isolated from the words around them."""

    def isolated(match: re.Match, openers: str) -> bool:
        before, after = msgstr[match.start() - 1 : match.start()], msgstr[match.end() : match.end() + 1]
        return bool(before) and before in openers and after == "\u2069"

    return [m.group() for m in _PHONE.finditer(msgstr) if not isolated(m, "\u2066")] + [
        m.group() for m in _DATE.finditer(msgstr) if not isolated(m, "\u2066\u2068")
    ]


@pytest.mark.parametrize("language", [code for code in SHIPPED if code in settings.LANGUAGES_BIDI])
def test_right_to_left_translations_keep_numbers_and_dates_in_order(language):
    po = _read_po(_catalogue(language))
    problems = {msgid: found for (_, msgid), entry in po.items() if (found := _unisolated_numbers(entry.msgstrs[0]))}
    assert not problems, f"Numbers or dates not isolated in {language}: {problems}"


def test_the_isolation_check_sees_a_bare_number():
    assert _unisolated_numbers("اتصل بالرقم 0800 1111 أو %(number)s في %(day)s") == [
        "0800 1111",
        "%(number)s",
        "%(day)s",
    ]
    assert _unisolated_numbers("اتصل \u20660800 1111\u2069 في \u2068%(day)s\u2069") == []


@pytest.mark.parametrize("po", sorted(LOCALE.glob("*/LC_MESSAGES/django.po")), ids=lambda p: p.parts[-3])
def test_every_catalogue_says_a_native_speaker_must_review_it(po):
    head = " ".join(
        line.lstrip("# ") for line in po.read_text().split('msgid ""', 1)[0].splitlines() if line.startswith("#")
    )
    assert re.search(r"MUST be reviewed by a native speaker", head), f"{po} does not say it needs review"
    assert re.search(r"Report corrections", head), f"{po} does not say where to report corrections"


def test_the_check_fails_on_an_untranslated_or_fuzzy_string(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid "Sign in"\nmsgstr ""\n\n#, fuzzy\nmsgid "Sign out"\nmsgstr "Wyloguj się"\n\nmsgid "Code"\nmsgstr "Kod"\n'
    )
    marked = _calls_in(templatize('{% load i18n %}{% trans "Sign in" %}{% trans "Sign out" %}'), "t.html")
    marked += _calls_in('_("Code")\n_("Never " "translated")\n', "t.py")
    with _catalogue("pl").with_suffix(".mo").open("rb") as compiled:
        problems = _untranslated(marked, _read_po(po), gettext.GNUTranslations(compiled))
    assert problems == [
        "'Never translated' (t.py:2): not in django.po (run makemessages)",
        "'Sign in' (t.html:1): no msgstr in django.po",
        "'Sign out' (t.html:1): fuzzy in django.po",
    ]


def _child_facing_templates() -> list[Path]:
    paths = []
    for name in CHILD_FACING_TEMPLATES:
        path = TEMPLATES / name
        paths += sorted(p for p in path.rglob("*") if p.is_file()) if name.endswith("/") else [path]
    return paths


_BLOCKS_WITH_THEIR_OWN_TEXT = {"blocktrans", "blocktranslate", "comment"}
_ATTRIBUTES_READ_ALOUD = re.compile(r'\b(?:alt|title|placeholder|aria-label)="([^"]*)"')


def _unmarked_words(source: str) -> list[str]:
    """Return the words in a template that are not inside a translation tag."""
    text = []
    inside = None
    for token in Lexer(source).tokenize():
        name = token.contents.split()[0] if token.token_type == TokenType.BLOCK and token.contents else ""
        if inside:
            if name == f"end{inside}":
                inside = None
        elif name in _BLOCKS_WITH_THEIR_OWN_TEXT:
            inside = name
        elif token.token_type == TokenType.TEXT:
            text.append(token.contents)
        else:
            text.append("\x00")  # a tag or variable: not words, but it ends a word
    html = "".join(text)
    words = _ATTRIBUTES_READ_ALOUD.findall(html)
    words.append(re.sub(r"<[^>]*>|&\w+;|&#\d+;", " ", html))
    return [w for w in (" ".join(re.findall(r"[A-Za-z][A-Za-z']+", part)) for part in words) if w]


def test_child_facing_templates_mark_every_word_for_translation():
    unmarked = {}
    for path in _child_facing_templates():
        words = _unmarked_words(path.read_text())
        if words:
            unmarked[str(path.relative_to(ROOT))] = words
    assert not unmarked, f"Words not marked for translation: {unmarked}"


def test_the_word_check_sees_plain_text_and_attributes():
    source = (
        '{% load i18n %}<p>{% trans "Hi" %}</p><p title="Look">Sign in</p>{% blocktrans %}Ok {{ x }}{% endblocktrans %}'
    )
    assert _unmarked_words(source) == ["Look", "Sign in"]


CHILD_FORMS = [
    p
    for p in sorted((ROOT / "consultations" / "forms").glob("*.json"))
    if json.loads(p.read_text())["audience"] in CHILD_AUDIENCES
]


def _untranslated_form_words(schema: dict, language: str) -> list[str]:
    """Return the keys of a form's words that its translation into the language lacks."""
    translated = schema.get("translations", {}).get(language, {})
    missing = [key for key in ("title", "intro") if schema.get(key) and not translated.get(key)]
    for question in schema["questions"]:
        words = translated.get("questions", {}).get(question["id"], {})
        missing += [f"{question['id']}.{key}" for key in ("text", "help") if question.get(key) and not words.get(key)]
        missing += [
            f"{question['id']}.choices.{choice['value']}"
            for choice in question.get("choices", [])
            if not words.get("choices", {}).get(choice["value"])
        ]
    return missing


@pytest.mark.parametrize("language", SHIPPED)
@pytest.mark.parametrize("path", CHILD_FORMS, ids=lambda p: p.stem)
def test_every_childs_form_is_in_every_shipped_language(path, language):
    missing = _untranslated_form_words(json.loads(path.read_text())["schema"], language)
    assert not missing, f"{path.name} has no {language} for: {missing}"


def test_the_form_check_sees_a_missing_question_or_choice():
    schema = {
        "title": "T",
        "questions": [
            {"id": "a", "type": "short_text", "text": "Q", "help": "H"},
            {"id": "b", "type": "single_choice", "text": "R", "choices": [{"value": "x", "label": "X"}]},
        ],
        "translations": {"cy": {"title": "T", "questions": {"a": {"text": "C"}, "b": {"text": "S", "choices": {}}}}},
    }
    assert _untranslated_form_words(schema, "cy") == ["a.help", "b.choices.x"]
    assert _untranslated_form_words(schema, "uk") == ["title", "a.text", "a.help", "b.text", "b.choices.x"]
