"""The inbox's filters and search, read the same way from the page's query string and the API's."""

import json
from base64 import urlsafe_b64decode, urlsafe_b64encode
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from feedback.models import Category

SEARCH_MAX_LENGTH = 100
# A review within this many days is "due soon"; a year is the longest an IRO plans ahead.
REVIEW_WITHIN_MAX_DAYS = 365
# The values a yes/no filter accepts from a form's checkbox or an API caller.
_YES, _NO = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off", ""})


@dataclass(frozen=True)
class InboxFilter:
    """What the IRO asked the inbox to show; the empty filter shows everything."""

    search: str = ""
    category: str = ""
    unread: bool = False
    urgent: bool = False
    review_within: int | None = None
    child: int | None = None

    @property
    def on_messages(self) -> bool:
        """Whether it narrows the messages: a child's group then shows only if a message of theirs is left."""
        return bool(self.search or self.category or self.unread or self.urgent)

    @property
    def active(self) -> bool:
        return self.on_messages or self.review_within is not None or self.child is not None

    def review_by(self, today: date | None = None) -> date | None:
        """The last day a review may fall on to be shown, for `review_within`."""
        if self.review_within is None:
            return None
        return (today or timezone.localdate()) + timedelta(days=self.review_within)

    def query(self) -> dict[str, str]:
        """The filter as query parameters, to carry it into the next page's link."""
        pairs = {
            "q": self.search,
            "category": self.category,
            "unread": "1" if self.unread else "",
            "urgent": "1" if self.urgent else "",
            "review_within": "" if self.review_within is None else str(self.review_within),
            "child": "" if self.child is None else str(self.child),
        }
        return {name: value for name, value in pairs.items() if value}


def _one(params: Mapping[str, object], name: str) -> str:
    getlist = getattr(params, "getlist", None)
    values: Sequence[object] = getlist(name) if getlist else ([params[name]] if name in params else [])
    if len(values) > 1:
        raise ValidationError({name: "Give this once."})
    return str(values[0]).strip() if values else ""


def _yes_no(params: Mapping[str, object], name: str) -> bool:
    value = _one(params, name).lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValidationError({name: "Use 1 (yes) or 0 (no)."})


def _whole(params: Mapping[str, object], name: str, low: int, high: int, message: str) -> int | None:
    value = _one(params, name)
    if not value:
        return None
    if not value.isdigit() or not low <= int(value) <= high:  # isdigit: no sign, no spaces, no decimals
        raise ValidationError({name: message})
    return int(value)


def inbox_filter_from(params: Mapping[str, object]) -> InboxFilter:
    """Read the filter from query parameters; anything Heard cannot use is a ValidationError naming the field."""
    errors: dict[str, list[str]] = {}
    found: dict[str, object] = {}
    readers = {
        "search": lambda: _one(params, "q"),
        "category": lambda: _one(params, "category"),
        "unread": lambda: _yes_no(params, "unread"),
        "urgent": lambda: _yes_no(params, "urgent"),
        "review_within": lambda: _whole(
            params,
            "review_within",
            0,
            REVIEW_WITHIN_MAX_DAYS,
            f"Use a number of days from 0 to {REVIEW_WITHIN_MAX_DAYS}.",
        ),
        "child": lambda: _whole(params, "child", 1, 2**63 - 1, "Choose a child from the list."),
    }
    for field, read in readers.items():
        try:
            found[field] = read()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(name, []).extend(messages)
    search = str(found.get("search", ""))
    if len(search) > SEARCH_MAX_LENGTH:
        errors.setdefault("q", []).append(f"Search for at most {SEARCH_MAX_LENGTH} characters.")
    if "\x00" in search:
        errors.setdefault("q", []).append("Search for words, not control characters.")
    if found.get("category") and found["category"] not in Category.values:
        errors.setdefault("category", []).append("Choose a topic from the list.")
    if errors:
        raise ValidationError(errors)
    return InboxFilter(**found)  # type: ignore[arg-type]


def inbox_cursor(position: tuple[date, str]) -> str:
    """The cursor for the page after this inbox position (feedback.selectors.inbox_position)."""
    return urlsafe_b64encode(json.dumps([position[0].isoformat(), position[1]]).encode()).decode()


def inbox_after(params: Mapping[str, object]) -> tuple[date, str] | None:
    """The position the `cursor` parameter names; anything Heard did not give is a ValidationError, not a 500."""
    value = _one(params, "cursor")
    if not value:
        return None
    try:
        day, reference = json.loads(urlsafe_b64decode(value.encode("ascii")))
        if not isinstance(reference, str) or not isinstance(day, str):
            raise ValueError("not a position")
        return date.fromisoformat(day), reference
    except (ValueError, TypeError, UnicodeError) as exc:  # binascii.Error and JSONDecodeError are ValueErrors
        raise ValidationError({"cursor": "This is not a cursor from Heard: start again without it."}) from exc
