"""Reporting periods: the council's reporting year (April to March) unless another is asked for."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone


@dataclass(frozen=True)
class Period:
    """An inclusive range of days."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValidationError({"to": "The period must end on or after the day it starts."})
        if (self.end - self.start).days > 366 * 10:
            raise ValidationError({"to": "A report covers at most ten years."})

    @property
    def label(self) -> str:
        return f"{self.start:%d %b %Y} to {self.end:%d %b %Y}"

    def moments(self) -> tuple[datetime, datetime]:
        """The first moment of the first day and of the day after the last, in the council's time zone.

        `created_at >= first and created_at < after` can use an index on created_at, which
        `created_at__date__range` (a conversion of every row) cannot.
        """
        zone = timezone.get_current_timezone()
        first = datetime.combine(self.start, time.min, tzinfo=zone)
        after = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone)
        return first, after

    def previous(self) -> "Period":
        """The period just before this one: the year before for a whole year, else the same length."""
        if self.start.month == 4 and self.start.day == 1 and self.end == date(self.start.year + 1, 3, 31):
            return Period(date(self.start.year - 1, 4, 1), date(self.start.year, 3, 31))
        length = self.end - self.start
        end = self.start - timedelta(days=1)
        return Period(end - length, end)


def reporting_year(containing: date) -> Period:
    """Return the April-to-March year that contains the day (the IRO annual report's year)."""
    first = containing.year if containing.month >= 4 else containing.year - 1
    return Period(date(first, 4, 1), date(first + 1, 3, 31))


def collection_year(year: int) -> Period:
    """Return the DfE SSDA903 collection year ending on 31 March of `year`."""
    return Period(date(year - 1, 4, 1), date(year, 3, 31))


# Far enough either way for any council's records, and far from the calendar's ends (year 1 and
# 9999), where the period before or the day after would not exist.
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2199, 12, 31)


def parse_day(value: str, field: str) -> date:
    """Read a YYYY-MM-DD date from 1900 to 2199, or raise a ValidationError naming the field."""
    try:
        day = date.fromisoformat(value.strip())
    except (ValueError, AttributeError) as exc:
        raise ValidationError({field: f"{value!r} is not a date: use YYYY-MM-DD, like 2025-04-01."}) from exc
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationError({field: f"{value!r} is out of range: reports cover 1900 to 2199."})
    return day


def period_from(start: str | None, end: str | None, *, today: date) -> Period:
    """Return the asked-for period, or the current reporting year when none is given."""
    if not start and not end:
        return reporting_year(today)
    if not start or not end:
        raise ValidationError({"from": "Give both --from and --to, or neither for this reporting year."})
    return Period(parse_day(start, "from"), parse_day(end, "to"))
