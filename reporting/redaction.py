"""Taking identifying details out of a child's words before anyone outside their care sees them.

Redaction is a first pass; a participation officer reads and approves every quote before the
Children in Care Council sees it.
"""

import re

import phonenumbers

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# UK postcodes, full or outward part with inward part.
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_SCHOOL = re.compile(
    r"\b(?:[A-Z][\w'-]*\s+){1,4}(?:Primary|Secondary|High|Grammar|Junior|Infant|Community)?\s*"
    r"(?:School|Academy|College|Sixth Form)\b"
)
# A capitalised word that does not start a sentence is probably a name or a place.
_PROPER = re.compile(r"(?<![.!?]\s)(?<!^)(?<![.!?])\b([A-Z][a-z']+)\b")
_KEEP = frozenset(
    {
        "I", "I'm", "I've", "I'll", "I'd", "IRO", "Mum", "Dad", "Nan", "Grandad", "Christmas", "Monday", "Tuesday",
        "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "English", "Maths", "Heard",
    }
)  # fmt: skip


def redact(text: str, *, names: list[str] | None = None) -> str:
    """Return the text with emails, phone numbers, postcodes, schools and names replaced."""
    text = text.replace("\u2019", "'")
    text = _EMAIL.sub("[email]", text)
    for match in reversed(list(phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE))):
        text = text[: match.start] + "[phone number]" + text[match.end :]
    text = _POSTCODE.sub("[postcode]", text)
    text = _SCHOOL.sub("[school]", text)
    for name in names or []:
        if name.strip():
            text = re.sub(rf"\b{re.escape(name.strip())}\b", "[name]", text, flags=re.IGNORECASE)

    def proper(match: re.Match) -> str:
        word = match.group(1)
        return word if word in _KEEP else "[name]"

    return _PROPER.sub(proper, text)
