"""The statutory clock for looked-after reviews in England, in one place.

Sources:
- The Care Planning, Placement and Case Review (England) Regulations 2010, reg 33: first review
  within 20 working days of the child becoming looked after; second within 3 months of the first;
  later reviews at intervals of no more than 6 months.
- IRO Handbook (DCSF, 2010): an IRO is appointed within 5 working days of the child becoming
  looked after.
- "Working day" in reg 2 of the 2010 Regulations: any day other than a Saturday, Sunday,
  Christmas Day, Good Friday or a bank holiday in England and Wales.
"""

from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

# IRO Handbook (DCSF, 2010), para 7.15: a caseload of 50-70 looked-after children for a
# full-time equivalent IRO is good practice.
CASELOAD_PER_FTE_LOW = 50
CASELOAD_PER_FTE_HIGH = 70


def caseload_capacity(fte: Decimal | float) -> int:
    """The most children an IRO working `fte` of full time should hold (the top of the guidance)."""
    return int(CASELOAD_PER_FTE_HIGH * float(fte))


FIRST_REVIEW_WORKING_DAYS = 20
SECOND_REVIEW_MONTHS = 3
LATER_REVIEW_MONTHS = 6
IRO_ALLOCATION_WORKING_DAYS = 5
# A personal adviser is for a young person from 16: an eligible child (Children Act 1989 Sch 2 para 19C)
# and, after care, a relevant or former relevant child (s.23B, s.23C) up to 25 (s.23CZB).
PERSONAL_ADVISER_FROM_AGE = 16


@lru_cache(maxsize=64)
def _england_holidays(year: int) -> frozenset[date]:
    # holidays' ENG subdivision covers England and Wales bank holidays, including Good Friday
    # and Christmas Day, with substitute days when one falls at a weekend.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    """Return True unless the day is a weekend, Christmas Day, Good Friday or a bank holiday."""
    return day.weekday() < 5 and day not in _england_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """Return the date that is this many working days after start (start itself not counted)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def subtract_working_days(end: date, days: int) -> date:
    """Return the date that is this many working days before end."""
    current = end
    remaining = days
    while remaining > 0:
        current -= timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Return how many working days fall after start, up to and including end."""
    if end <= start:
        return 0
    return sum(1 for offset in range(1, (end - start).days + 1) if is_working_day(start + timedelta(offset)))


def first_review_due(became_looked_after: date) -> date:
    """Return the last day the first review may be held (reg 33(1)(a): 20 working days)."""
    return add_working_days(became_looked_after, FIRST_REVIEW_WORKING_DAYS)


def second_review_due(first_review_held: date) -> date:
    """Return the last day for the second review (reg 33(1)(b): within 3 months of the first)."""
    return first_review_held + relativedelta(months=SECOND_REVIEW_MONTHS)


def later_review_due(previous_review_held: date) -> date:
    """Return the last day for a third or later review (reg 33(1)(c): no more than 6 months on)."""
    return previous_review_held + relativedelta(months=LATER_REVIEW_MONTHS)


def next_review_due(*, became_looked_after: date, reviews_held: list[date]) -> date:
    """Return when the next review is due, given the dates of the reviews already held."""
    if not reviews_held:
        return first_review_due(became_looked_after)
    last = max(reviews_held)
    if len(reviews_held) == 1:
        return second_review_due(last)
    return later_review_due(last)


def iro_allocation_due(became_looked_after: date) -> date:
    """Return the last day an IRO may be allocated (5 working days)."""
    return add_working_days(became_looked_after, IRO_ALLOCATION_WORKING_DAYS)
