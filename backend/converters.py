"""Path converters: record ids in URLs."""

from django.urls import register_converter

# The largest id a bigint primary key can hold; a longer number is no record, so 404, not a database error.
MAX_ID = 2**63 - 1


class IdConverter:
    """A record id: digits that fit a bigint primary key."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("too large for an id")  # Django then tries the next pattern, and answers 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)


def register() -> None:
    """Make <id:...> available to every urls module."""
    register_converter(IdConverter, "id")
