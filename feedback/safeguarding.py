"""Recognising urgent words in a child's statement.

A phrase counts unless a negation directly governs it ("nobody hurts me", "I'm not going to run
away", "he never hits me"), so that a child saying they are fine does not set off an alert. A
negation reaches the phrase only across a few small words of its own clause ("going to", "want
to", "ever"): punctuation, a joining word ("but", "because", "and", "so", "when", "if") or any
other word ends its reach, so "Nobody knows he hits me" and "Please don't tell, he hits me"
alert. When in doubt the matcher errs towards alerting: a false alarm costs an IRO a phone
call, a miss costs far more.

Text and phrases are read the same way: capitals, accents and apostrophes do not matter ("dont"
is "don't"), a letter repeated for emphasis counts once ("hiiits" is "hits"), and common
text-speak is spelled out ("u", "wanna", "cos", "no1"). Phrases may use the small pattern
syntax described in the admin (feedback.models.PHRASE_HELP).
"""

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from backend.edited_rules import EditedRules
from feedback.models import URGENT_CATEGORIES, SafeguardingPhrase

# Words that deny what follows them. Written as children write them; compared after the same
# normalising as the text ("don't" and "dont" are one word, "stopped" is "stoped").
_NEGATIONS = {
    "not", "no", "never", "nobody", "nothing", "none", "neither", "nor", "cannot", "stopped",
    "don't", "doesn't", "didn't", "isn't", "wasn't", "aren't", "weren't", "won't", "wouldn't", "can't",
    "couldn't", "shouldn't", "haven't", "hasn't", "hadn't", "ain't",
}  # fmt: skip
# Words that end a clause, and with it a negation's reach, even where there is no punctuation.
_CLAUSE_WORDS = {
    "and", "but", "because", "so", "then", "when", "whenever", "if", "or", "though", "although",
    "while", "until", "till", "unless", "since", "after", "before",
}  # fmt: skip
# The only words that may stand between a negation and the phrase it denies ("I'm not going to
# run away", "nobody has ever hurt me", "I don't feel unsafe"). Pronouns are not among them: in
# "no he hits me" or "I don't want him to touch me" the negation does not deny the phrase. Nor
# is "let" ("don't let him hurt me") or "stop" ("he won't stop hitting me").
_BRIDGE_WORDS = {
    "am", "is", "are", "was", "were", "be", "been", "being", "do", "does", "did", "have", "has", "had",
    "will", "would", "shall", "should", "can", "could", "may", "might", "must", "going", "to", "want",
    "wants", "wanted", "need", "needs", "ever", "really", "even", "actually", "longer", "more",
    "feel", "feels", "felt", "feeling", "get", "gets", "got", "getting", "try", "tries", "tried",
    "trying", "plan", "planning", "of", "at", "all", "any", "anymore", "a", "the", "one",
}  # fmt: skip
# How many bridge words a negation reaches across.
_BRIDGE_LIMIT = 4
# Before an imperative "don't" ("please don't hurt me") there is only the start of a clause.
_PLEAS = {"please", "just", "pls", "plz"}

# Text-speak and run-together words, spelled out. Each word becomes one or more words, in text
# and phrases alike, so "no1", "noone", "no-one" and "nobody" all read as "no one".
_SPELLINGS = {
    "u": "you", "ya": "you", "yu": "you", "ur": "your", "urself": "your self", "r": "are", "y": "why",
    "n": "and", "nd": "and", "b4": "before", "2": "to", "4": "for", "bf": "boyfriend",
    "gf": "girlfriend", "ppl": "people", "pls": "please", "plz": "please", "nite": "night",
    "tonite": "tonight", "2nite": "tonight", "2night": "tonight", "wanna": "want to", "wana": "want to",
    "wnt": "want", "gonna": "going to", "gona": "going to", "gunna": "going to", "gotta": "got to",
    "hafta": "have to", "tryna": "trying to", "cos": "because", "coz": "because", "cuz": "because",
    "cus": "because", "cause": "because", "bc": "because", "bcz": "because", "bcos": "because",
    "bcoz": "because", "bcuz": "because", "becos": "because", "becoz": "because", "becuz": "because",
    "dnt": "don't", "didnt": "didn't", "dint": "didn't", "cnt": "can't", "carnt": "can't",
    "wudnt": "wouldn't", "cudnt": "couldn't", "shudnt": "shouldn't", "wud": "would", "cud": "could",
    "shud": "should", "nvr": "never", "neva": "never", "nevr": "never", "nobody": "no one",
    "noone": "no one", "no1": "no one", "nobdy": "no one", "nbdy": "no one", "sum1": "someone",
    "some1": "someone", "ne1": "anyone", "any1": "anyone", "every1": "everyone", "evry1": "everyone",
    "wiv": "with", "wif": "with", "wen": "when", "tho": "though", "wat": "what", "wot": "what",
    "anymore": "any more", "myself": "my self", "yourself": "your self", "myslef": "my self",
    "myslf": "my self", "mysef": "my self", "meself": "my self", "maself": "my self", "m8": "mate",
    "h8": "hate", "idk": "i don't know", "dunno": "don't know", "ngl": "not going to lie",
    "tbh": "to be honest", "rn": "right now",
}  # fmt: skip

_APOSTROPHES = re.compile("['\u2019\u2018\u201b`\u00b4\u02bc\u2032]")
_IN_WORD_HYPHEN = re.compile(r"(?<=[^\W_])[-\u2010\u2011]+(?=[^\W_])")
_IN_WORD_STARS = re.compile(r"(?<=[^\W_])\*+(?=[^\W_])")  # "sh*t" is one word
_REPEATS = re.compile(r"([^\W\d_])\1+")
# A word, or one mark that ends a clause: any punctuation or symbol (emoji too), a dash, a new line.
_TOKENS = re.compile(r"[^\W_]+|[^\w\s]|_|\n")


def _prepare(text: str) -> str:
    """Return the text in lower case without accents or apostrophes, letters repeated once."""
    text = _APOSTROPHES.sub("", text.casefold())
    if not text.isascii():
        text = "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))
    text = text.replace("&", " and ")
    text = _IN_WORD_HYPHEN.sub(" ", text)
    return _REPEATS.sub(r"\1", _IN_WORD_STARS.sub("", text))


def _spelled(word: str) -> tuple[str, ...]:
    return _SPELLING_WORDS.get(word, (word,))


def _plain_words(text: str) -> list[str]:
    return [token for token in _TOKENS.findall(_prepare(text)) if token[0].isalnum()]


_SPELLING_WORDS = {_prepare(key): tuple(_plain_words(value)) for key, value in _SPELLINGS.items()}


def _canonical_set(words: Iterable[str]) -> frozenset[str]:
    return frozenset(spelled for word in words for raw in _plain_words(word) for spelled in _spelled(raw))


_NEGATION_WORDS = _canonical_set(_NEGATIONS) - {"one"}  # "nobody" is "no one": the "no" denies
_CLAUSE_WORD_SET = _canonical_set(_CLAUSE_WORDS)
_BRIDGE_WORD_SET = _canonical_set(_BRIDGE_WORDS) - _CLAUSE_WORD_SET - _NEGATION_WORDS
_PLEA_WORDS = _canonical_set(_PLEAS)
_DO, _DONT, _NOT = "do", "dont", "not"


class _Words:
    """A statement as the matcher reads it: its words, where each clause starts, and the text."""

    def __init__(self, text: str) -> None:
        self.words: list[str] = []
        self.clause_starts: list[bool] = []
        boundary = True
        for token in _TOKENS.findall(_prepare(text)):
            if not token[0].isalnum():
                boundary = True
                continue
            for word in _spelled(token):
                self.words.append(word)
                self.clause_starts.append(boundary)
                boundary = False
        # Padded with spaces so that a phrase's pattern can insist on whole words.
        self.text = " " + " ".join(self.words) + " "
        self._index_at: dict[int, int] = {}
        offset = 1
        for index, word in enumerate(self.words):
            self._index_at[offset] = index
            offset += len(word) + 1

    def index_at(self, offset: int) -> int:
        """Return the index of the word that starts at this offset of the padded text."""
        return self._index_at[offset]

    def _governing_negation(self, index: int) -> int | None:
        """Return the negation that directly governs the word at index, if there is one."""
        bridged = 0
        while not self.clause_starts[index]:
            before = self.words[index - 1]
            if before in _NEGATION_WORDS:
                return index - 1
            if before in _CLAUSE_WORD_SET or before not in _BRIDGE_WORD_SET or bridged == _BRIDGE_LIMIT:
                return None
            bridged += 1
            index -= 1
        return None

    def _is_imperative(self, negation: int) -> bool:
        # "don't hurt me", "please do not touch me": a plea, not a denial.
        word = self.words[negation]
        if word == _NOT and negation > 0 and self.words[negation - 1] == _DO and not self.clause_starts[negation]:
            negation -= 1
        elif word != _DONT:
            return False
        while not self.clause_starts[negation] and self.words[negation - 1] in _PLEA_WORDS:
            negation -= 1
        return self.clause_starts[negation] or self.words[negation - 1] in _CLAUSE_WORD_SET

    def denied(self, index: int) -> bool:
        """Return whether a negation denies the phrase that starts at the word at index.

        Negations that govern one another cancel out ("he never stopped hitting me").
        """
        denied = False
        negation = self._governing_negation(index)
        while negation is not None and not self._is_imperative(negation):
            denied = not denied
            negation = self._governing_negation(negation)
        return denied


class PhraseSyntaxError(ValueError):
    """A phrase whose pattern cannot be read."""


_WORD_CHARS = r"[^\W_]"
_GAP = r"(?: [^ ]+){0,3}"
_SYNTAX = re.compile(r"(\[|\]|\.\.\.)")


def _alternative(text: str) -> str:
    if text.endswith("*"):
        # The words before a hyphen ("self-harm*") are whole; the last is the start of a word.
        stem = _plain_words(text[:-1])
        if not stem or "*" in text[:-1] or not text[-2:-1].isalnum():
            raise PhraseSyntaxError(f"“{text}”: put * straight after the start of a word, as in hit*.")
        return " ".join(re.escape(word) for word in stem) + _WORD_CHARS + "*"
    words = [spelled for word in _plain_words(text) for spelled in _spelled(word)]
    if not words:
        raise PhraseSyntaxError(f"“{text}” has no letters or numbers in it.")
    return " ".join(re.escape(word) for word in words)


def phrase_pattern(phrase: str) -> str:
    """Return the regular expression a phrase stands for, or raise PhraseSyntaxError."""
    prepared = unicodedata.normalize("NFKC", phrase).replace("\u2026", "...")
    parts: list[str] = []
    optional: list[str] | None = None
    required = 0
    for term in _SYNTAX.sub(r" \1 ", prepared).split():
        if term == "[":
            if optional is not None:
                raise PhraseSyntaxError("Optional words in [ ] cannot be nested.")
            optional = []
        elif term == "]":
            if not optional:
                raise PhraseSyntaxError("Each ] needs a [ before it, with a word in between.")
            parts.append("(?:" + "".join(optional) + ")?")
            optional = None
        elif term == "...":
            if optional is not None or not parts or parts[-1] == _GAP:
                raise PhraseSyntaxError("Put ... between two words, as in touch* ... private*.")
            parts.append(_GAP)
        else:
            choices = term.split("/")
            if any(not choice for choice in choices):
                raise PhraseSyntaxError(f"“{term}”: put a word on each side of every /.")
            piece = " " + "(?:" + "|".join(_alternative(choice) for choice in choices) + ")"
            if optional is None:
                required += 1
                parts.append(piece)
            else:
                optional.append(piece)
    if optional is not None:
        raise PhraseSyntaxError("Each [ needs a ] after it.")
    if parts and parts[-1] == _GAP:
        raise PhraseSyntaxError("Put ... between two words, as in touch* ... private*.")
    if not required:
        raise PhraseSyntaxError("A phrase needs at least one word that is not optional.")
    return "".join(parts) + "(?= )"


@lru_cache(maxsize=4096)
def _compiled(phrase: str) -> re.Pattern[str] | None:
    try:
        pattern = phrase_pattern(phrase)
    except PhraseSyntaxError:
        # A phrase that slipped past the admin's check still counts, read as plain words.
        words = [spelled for word in _plain_words(phrase) for spelled in _spelled(word)]
        if not words:
            return None
        pattern = "".join(" " + re.escape(word) for word in words) + "(?= )"
    return re.compile(pattern)


def normalise(text: str) -> str:
    """Return the text as the matcher reads it: plain lower-case words, text-speak spelled out."""
    return " ".join(_Words(text).words)


def matching_phrases(text: str, phrases: Iterable[str]) -> list[str]:
    """Return the phrases found in the text that are not negated, in the order of the list.

    Words already reported under an earlier phrase that starts at the same word ("hits me"
    after "hit* me", "self-harm" after "self harm") are not reported again.
    """
    words = _Words(text)
    found = []
    # Where each reported match starts, and the furthest it reaches from there.
    reported: dict[int, int] = {}
    for phrase in phrases:
        pattern = _compiled(phrase)
        if pattern is None or pattern.search(words.text) is None:
            continue
        new = False
        for match in pattern.finditer(words.text):
            start, end = match.span()
            if words.denied(words.index_at(start + 1)):
                continue
            if reported.get(start, -1) < end:
                new = True
                reported[start] = end
        if new:
            found.append(phrase)
    return found


# A word as written, with the apostrophes, in-word hyphens and stars that the matcher reads through,
# or an ampersand (which it reads as "and"): the pieces the matcher's words came from.
_WRITTEN_WORDS = re.compile(r"[^\W_]+(?:(?:" + _APOSTROPHES.pattern + r"|[-\u2010\u2011]+|\*+)[^\W_]+)*|&")


def _written_spans(text: str, words: _Words) -> list[tuple[int, int]] | None:
    """Return where in the text each of the matcher's words was written, or None if they do not line up."""
    spans = [written.span() for written in _WRITTEN_WORDS.finditer(text) for _word in _Words(written.group()).words]
    return spans if len(spans) == len(words.words) else None


def matched_words(text: str, phrase: str) -> list[str]:
    """Return the words in the text that the phrase matched and no negation denied, as the child wrote them.

    So "my uncle HIIITS me" under "hit* me" gives "HIIITS me": the words, not the pattern, for staff to read.
    """
    pattern = _compiled(phrase)
    if pattern is None:
        return []
    words = _Words(text)
    spans = _written_spans(text, words)
    found: list[str] = []
    for match in pattern.finditer(words.text):
        first = words.index_at(match.start() + 1)
        if words.denied(first):
            continue
        if spans is None:  # written in a way the two readings split differently: the matcher's words
            said = match.group().strip()
        else:
            last = first + len(match.group().split()) - 1
            said = " ".join(text[spans[first][0] : spans[last][1]].split())
        if said not in found:
            found.append(said)
    return found


# The active phrases and the kind of each, in the order they are checked.
active_phrases: EditedRules[dict[str, str]] = EditedRules(
    lambda: dict(
        SafeguardingPhrase.objects.filter(active=True).order_by("kind", "phrase").values_list("phrase", "kind")
    ),
    models=(SafeguardingPhrase,),
)


def assess_urgency(*, category: str, body: str) -> list[str]:
    """Return why a statement is urgent (empty when it is not)."""
    reasons = []
    if category in URGENT_CATEGORIES:
        reasons.append(f"child chose: {category}")
    reasons.extend(f"phrase: {phrase}" for phrase in matching_phrases(body, active_phrases.get()))
    return reasons
