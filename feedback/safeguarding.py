"""Recognising urgent words in a child's statement.

A phrase counts unless a negation stands just before it ("nobody hurts me", "I'm not going to
run away"), so that a child saying they are fine does not set off an alert. When in doubt the
matcher errs towards alerting: a false alarm costs an IRO a phone call, a miss costs far more.
"""

import re
from collections.abc import Iterable

from feedback.models import URGENT_CATEGORIES, SafeguardingPhrase

_NEGATIONS = frozenset(
    {
        "not", "no", "never", "nobody", "noone", "nothing", "don't", "dont", "doesn't", "doesnt",
        "didn't", "didnt", "isn't", "isnt", "wasn't", "wasnt", "won't", "wont", "wouldn't", "wouldnt",
        "can't", "cant", "cannot", "aren't", "arent", "haven't", "havent", "stopped",
    }
)  # fmt: skip
# How many words before a phrase are looked at for a negation.
_NEGATION_WINDOW = 3
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


def normalise(text: str) -> str:
    """Lower-case the text, straighten apostrophes and reduce everything else to single spaces."""
    text = text.translate(_APOSTROPHES).lower()
    return " ".join(re.sub(r"[^a-z0-9'\-]+", " ", text).split())


def _negated(before: str) -> bool:
    words = before.split()[-_NEGATION_WINDOW:]
    return any(word in _NEGATIONS for word in words)


def matching_phrases(text: str, phrases: Iterable[str]) -> list[str]:
    """Return the phrases found in the text that are not negated, in the order of the list."""
    clean = normalise(text)
    found = []
    for phrase in phrases:
        wanted = normalise(phrase)
        if not wanted:
            continue
        pattern = re.compile(rf"(?<![a-z0-9']){re.escape(wanted)}(?![a-z0-9])")
        for match in pattern.finditer(clean):
            # A phrase that is itself a negation ("don't feel safe") is judged by what precedes it.
            if not _negated(clean[: match.start()]):
                found.append(phrase)
                break
    return found


def assess_urgency(*, category: str, body: str) -> list[str]:
    """Return why a statement is urgent (empty when it is not)."""
    reasons = []
    if category in URGENT_CATEGORIES:
        reasons.append(f"child chose: {category}")
    active = SafeguardingPhrase.objects.filter(active=True).values_list("phrase", flat=True)
    reasons.extend(f"phrase: {phrase}" for phrase in matching_phrases(body, active))
    return reasons
