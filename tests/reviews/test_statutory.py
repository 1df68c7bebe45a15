"""The review schedule follows reg 33 and England's working days, on real calendar edge cases."""

from datetime import date

import pytest

from reviews import statutory


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 12, 24), True),  # Christmas Eve is an ordinary working day
        (date(2025, 12, 25), False),  # Christmas Day
        (date(2025, 12, 26), False),  # Boxing Day
        (date(2026, 1, 1), False),  # New Year's Day
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 5, 4), False),  # Early May bank holiday
        (date(2026, 5, 25), False),  # Spring bank holiday
        (date(2026, 8, 31), False),  # Summer bank holiday (England, not Scotland)
        (date(2026, 12, 28), False),  # Boxing Day falls on a Saturday: the Monday is the substitute
        (date(2026, 3, 17), True),  # St Patrick's Day is a holiday only in Northern Ireland
        (date(2026, 11, 21), False),  # a Saturday
        (date(2026, 11, 22), False),  # a Sunday
    ],
)
def test_working_days_follow_england_and_wales_bank_holidays(day, working):
    assert statutory.is_working_day(day) is working


def test_first_review_counts_twenty_working_days_across_christmas_and_a_new_year():
    # Monday 15 Dec 2025: 25, 26 Dec and 1 Jan do not count, nor do weekends.
    assert statutory.first_review_due(date(2025, 12, 15)) == date(2026, 1, 15)


def test_first_review_counts_twenty_working_days_across_easter():
    # Friday 20 Mar 2026: Good Friday (3 Apr) and Easter Monday (6 Apr) do not count.
    assert statutory.first_review_due(date(2026, 3, 20)) == date(2026, 4, 21)


def test_first_review_from_a_weekend_starts_counting_on_monday():
    # Saturday 7 Nov 2026: the first working day is Monday 9 Nov; the 20th is Friday 4 Dec.
    assert statutory.first_review_due(date(2026, 11, 7)) == date(2026, 12, 4)


def test_second_review_is_within_three_months_of_the_first():
    assert statutory.second_review_due(date(2026, 1, 15)) == date(2026, 4, 15)
    # A month without the day ends on its last day.
    assert statutory.second_review_due(date(2025, 11, 30)) == date(2026, 2, 28)


def test_later_reviews_are_no_more_than_six_months_apart_across_a_year_boundary():
    assert statutory.later_review_due(date(2025, 8, 31)) == date(2026, 2, 28)
    assert statutory.later_review_due(date(2027, 8, 31)) == date(2028, 2, 29)  # a leap year


def test_next_review_due_picks_the_rule_by_how_many_reviews_were_held():
    became = date(2025, 12, 15)
    assert statutory.next_review_due(became_looked_after=became, reviews_held=[]) == date(2026, 1, 15)
    assert statutory.next_review_due(became_looked_after=became, reviews_held=[date(2026, 1, 14)]) == date(2026, 4, 14)
    held = [date(2026, 1, 14), date(2026, 4, 10)]
    assert statutory.next_review_due(became_looked_after=became, reviews_held=held) == date(2026, 10, 10)


def test_iro_allocation_is_due_within_five_working_days():
    # Wednesday 1 Apr 2026: Thu 2, (Good Friday), (Easter Monday), Tue 7, Wed 8, Thu 9, Fri 10.
    assert statutory.iro_allocation_due(date(2026, 4, 1)) == date(2026, 4, 10)
    assert statutory.working_days_between(date(2026, 4, 1), date(2026, 4, 10)) == 5
