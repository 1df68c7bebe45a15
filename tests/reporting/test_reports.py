"""Reports from known populations: exact counts, percentages and bases."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from feedback.alerts import alert_acknowledge
from feedback.models import Category
from feedback.receipts import statement_acknowledge, statement_mark_read
from feedback.services import statement_submit
from reporting.periods import Period, collection_year, period_from, reporting_year
from reporting.reports import report
from reporting.selectors import response_times_by_iro
from reporting.tables import percent
from reviews.models import Review
from reviews.selectors import children_visible_to
from reviews.services import iro_allocate, practice_alert_raise
from tests.conftest import make_child

YEAR = Period(date(2025, 4, 1), date(2026, 3, 31))


def held(child, code: str, held_on: date, sequence: int = 1, late: bool = False) -> Review:
    """Put a held review straight into the record (the service's own rules are tested elsewhere)."""
    Review.objects.filter(child=child, held_on__isnull=True).delete()
    due = held_on if not late else date(held_on.year, held_on.month, 1)
    return Review.objects.create(
        child=child, sequence=sequence, due_by=due, held_on=held_on, participation_code=code,
        late_reason="Child unwell" if late else "",
    )  # fmt: skip


@pytest.fixture
def population(db):
    """Ten reviews in 2025-26: codes PN1 x3, PN6 x3, PN7 x1, PN4 x1 for 4+, and PN0 x2; one the year before."""
    codes = ["PN1", "PN1", "PN1", "PN6", "PN6", "PN6", "PN7", "PN4"]
    for number, code in enumerate(codes):
        child = make_child(f"R{number:04d}", born=date(2012, 1, 1), looked_after=date(2024, 1, 8))
        held(child, code, date(2025, 6, 2 + number), late=number == 7)
    for number in range(2):
        baby = make_child(f"B{number:04d}", born=date(2024, 1, 1), looked_after=date(2024, 6, 3))
        held(baby, "PN0", date(2025, 7, 1 + number))
    old = make_child("OLD0001", born=date(2010, 1, 1), looked_after=date(2020, 1, 6))
    held(old, "PN1", date(2025, 3, 31))


def _rows(table):
    return {(row.group, row.label[:3]): (row.count, row.base, row.percent) for row in table.rows}


def test_participation_counts_children_aged_four_and_over_and_pn0_apart(population):
    table = report("participation", YEAR)
    rows = _rows(table)
    assert rows[("", "PN1")] == (3, 8, Decimal("37.5"))
    assert rows[("", "PN6")] == (3, 8, Decimal("37.5"))
    assert rows[("", "PN7")] == (1, 8, Decimal("12.5"))
    assert rows[("", "PN4")] == (1, 8, Decimal("12.5"))
    assert rows[("", "PN2")] == (0, 8, Decimal("0.0"))
    assert rows[("Children under 4", "PN0")] == (2, 10, Decimal("20.0"))
    assert "aged 4 and over" in table.base_label
    # The year before (April 2024 to March 2025) had one PN1.
    pn1 = next(row for row in table.rows if row.label.startswith("PN1"))
    assert (pn1.previous_count, pn1.previous_base, pn1.previous_percent) == (1, 1, Decimal("100.0"))


def test_percentages_round_half_up_to_one_place():
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 3) == Decimal("33.3")
    assert percent(2, 3) == Decimal("66.7")
    assert percent(1, 16) == Decimal("6.3")  # 6.25 rounds up, as councils' tables do
    assert percent(0, 0) is None


def test_participation_by_age_uses_age_on_the_review_date(population):
    rows = _rows(report("participation-by-age", YEAR))
    assert rows[("12 to 15", "PN1")] == (3, 8, Decimal("37.5"))
    assert rows[("4 to 7", "PN1")] == (0, 0, None)  # no one in this band: no base, no percentage


def test_timeliness_on_time_late_with_reasons_first_reviews_and_allocation(population, iro):
    child = make_child("T0001", looked_after=date(2025, 9, 1))
    iro_allocate(child=child, iro=iro, allocated_on=date(2025, 9, 5))  # 4th working day
    late = make_child("T0002", looked_after=date(2025, 9, 1))
    iro_allocate(child=late, iro=iro, allocated_on=date(2025, 9, 12))  # 9th working day
    rows = {row.label: (row.count, row.base) for row in report("timeliness", YEAR).rows}
    assert rows["Reviews held on time (out of reviews held)"] == (9, 10)
    assert rows["Reviews held late (out of reviews held)"] == (1, 10)
    assert rows["First reviews held within 20 working days of coming into care (out of first reviews)"] == (9, 10)
    assert rows[
        "Children given an IRO within 5 working days of coming into care (out of children who came into care)"
    ] == (1, 2)
    assert rows["Child unwell"] == (1, 1)


def test_statements_by_channel_and_category(child, child_user):
    for channel, category in (("web", Category.SCHOOL), ("sms", Category.SCHOOL), ("sms", Category.HEALTH)):
        statement_submit(author=child_user, child=child, category=category, body="x", channel=channel)
    today = date.today()  # noqa: DTZ011 (statements are stamped with today's date)
    rows = _rows(report("statements", reporting_year(today)))
    assert rows[("How the message was sent", "Tex")] == (2, 3, Decimal("66.7"))
    assert rows[("What the child said it was about", "Sch")] == (2, 3, Decimal("66.7"))


def test_practice_alerts_by_category_and_stage(child, iro):
    for category in ("drift", "drift", "health"):
        practice_alert_raise(child=child, user=iro, category=category, description="x", raised_on=date(2025, 5, 1))
    rows = {(row.group, row.label): row.count for row in report("practice-alerts", YEAR).rows}
    assert rows[("What the concern was about", "Drift or delay in care planning")] == 2
    assert rows[("How far it has gone in the dispute process", "Informal resolution")] == 3


def test_the_command_prints_json_with_count_percentage_and_base_for_every_row(population):
    out = StringIO()
    call_command(
        "heard_report", "participation", "--from", "2025-04-01", "--to", "2026-03-31", "--format", "json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert data["period"] == "01 Apr 2025 to 31 Mar 2026"
    first = data["rows"][0]
    assert {"label", "count", "percent", "base"} <= set(first)
    assert (first["count"], first["base"], first["percent"]) == (3, 8, 37.5)


def test_the_command_prints_csv_and_a_table(population):
    out = StringIO()
    call_command(
        "heard_report", "participation", "--from", "2025-04-01", "--to", "2026-03-31", "--format", "csv", stdout=out
    )
    assert (
        out.getvalue().splitlines()[0]
        == "Group,What is counted,Number,Out of,%,Period before: number,Period before: out of,Period before: %"
    )
    out = StringIO()
    call_command("heard_report", "timeliness", "--from", "2025-04-01", "--to", "2026-03-31", stdout=out)
    assert "Reviews held on time" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2025-13-01", "--to", "2026-03-31"], "is not a date"),
        (["--from", "2026-04-01", "--to", "2025-03-31"], "must end on or after"),
        (["--from", "2025-04-01"], "Give both --from and --to"),
    ],
)
def test_a_wrong_period_gets_a_clear_error(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("heard_report", "participation", *args, stdout=StringIO())


def test_an_unknown_report_gets_a_clear_error(db):
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("heard_report", "everything", stdout=StringIO())


def test_periods():
    assert reporting_year(date(2026, 3, 31)) == Period(date(2025, 4, 1), date(2026, 3, 31))
    assert reporting_year(date(2026, 4, 1)) == Period(date(2026, 4, 1), date(2027, 3, 31))
    assert collection_year(2025) == Period(date(2024, 4, 1), date(2025, 3, 31))
    assert YEAR.previous() == Period(date(2024, 4, 1), date(2025, 3, 31))
    assert period_from(None, None, today=date(2026, 11, 23)) == Period(date(2026, 4, 1), date(2027, 3, 31))


def test_messages_count_on_the_day_they_arrived_in_london(child, child_user):
    # 23:30 UTC on 31 March 2026 is 00:30 on 1 April in London (BST began on 29 March): the
    # next reporting year. The period is a range of instants so an index on created_at serves it.
    for moment in (datetime(2026, 3, 31, 22, 30, tzinfo=UTC), datetime(2026, 3, 31, 23, 30, tzinfo=UTC)):
        with time_machine.travel(moment):
            statement_submit(author=child_user, child=child, category=Category.SCHOOL, body="x", channel="web")
    this_year = _rows(report("statements", YEAR))
    next_year = _rows(report("statements", Period(date(2026, 4, 1), date(2027, 3, 31))))
    assert this_year[("How the message was sent", "Web")][:2] == (1, 1)
    assert next_year[("How the message was sent", "Web")][:2] == (1, 1)
    times = {row.label: row.base for row in report("response-times", YEAR).rows}
    assert times["Messages read by the IRO within a day"] == 1


LONDON = ZoneInfo("Europe/London")
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def waits(child, child_user, iro):
    """Four messages from Monday 2 November 09:00, read and acknowledged after known waits."""
    with time_machine.travel(datetime(2026, 11, 2, 9, tzinfo=LONDON), tick=False) as clock:
        on_the_day, _ = statement_submit(author=child_user, child=child, category="school", body="a", channel="web")
        a_second_late, _ = statement_submit(author=child_user, child=child, category="school", body="b", channel="web")
        statement_submit(author=child_user, child=child, category="school", body="never read", channel="web")
        urgent, _ = statement_submit(author=child_user, child=child, category=Category.UNSAFE, body="c", channel="web")
        clock.move_to(datetime(2026, 11, 2, 11, tzinfo=LONDON))
        alert_acknowledge(alert=urgent.alert, user=iro)  # 2 hours: reads and acknowledges the message too
        clock.move_to(datetime(2026, 11, 3, 9, tzinfo=LONDON))
        statement_mark_read(statement=on_the_day, reader=iro)  # exactly a day
        clock.move_to(datetime(2026, 11, 3, 9, 0, 1, tzinfo=LONDON))
        statement_mark_read(statement=a_second_late, reader=iro)  # a day and a second
        clock.move_to(datetime(2026, 11, 9, 9, tzinfo=LONDON))
        statement_acknowledge(statement=a_second_late, iro=iro)  # exactly a week


def test_response_times_count_each_wait_up_to_and_including_its_limit(waits, other_iro):
    rows = {row.label: (row.count, row.base) for row in report("response-times", NOVEMBER).rows}
    assert rows == {
        "Messages read by the IRO within a day": (2, 4),  # the exact day and the alert's 2 hours
        "Messages read by the IRO within a week": (3, 4),
        "Messages acknowledged within a week": (2, 4),  # the exact week and the alert's
        "Safeguarding alerts acknowledged within 2 hours": (1, 1),
    }
    theirs = report("response-times", NOVEMBER, children_visible_to(other_iro)).rows
    assert [(row.count, row.base) for row in theirs] == [(0, 0)] * 4


def test_response_times_per_iro_are_medians_of_the_same_waits(waits, other_child, other_child_user):
    with time_machine.travel(datetime(2026, 11, 4, 9, tzinfo=LONDON), tick=False):
        statement_submit(author=other_child_user, child=other_child, category="school", body="d", channel="web")
    rows, overall = response_times_by_iro(
        since=datetime(2026, 11, 1, tzinfo=LONDON), until=datetime(2026, 12, 1, tzinfo=LONDON)
    )
    amara, ben = rows
    assert (amara.label, amara.statements, amara.unread, amara.alerts) == ("amara", 4, 1, 1)
    assert amara.median_hours_to_read == 24.0  # 2, 24 and 24 hours and a second
    assert amara.median_hours_to_acknowledge == 85.0  # 2 and 168 hours
    assert amara.median_hours_alert_to_acknowledge == 2.0
    assert (ben.label, ben.statements, ben.unread, ben.median_hours_to_read) == ("ben", 1, 1, None)
    assert (overall.statements, overall.unread, overall.alerts, overall.median_hours_to_read) == (5, 2, 1, 24.0)
