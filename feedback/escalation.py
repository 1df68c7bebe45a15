"""The escalation clock: safeguarding alerts run on the council's working hours; out of hours is the EDT's.

The hours are the council's setting, not statute (HEARD_WORKING_HOURS, default 09:00-17:00);
working days are England's, from reviews.statutory.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from reviews.statutory import is_working_day


def _working_window(day) -> tuple[datetime, datetime]:
    zone = ZoneInfo(settings.TIME_ZONE)
    start, end = settings.HEARD_WORKING_HOURS
    return (
        datetime.combine(day, time.fromisoformat(start), tzinfo=zone),
        datetime.combine(day, time.fromisoformat(end), tzinfo=zone),
    )


def add_working_hours(moment: datetime, hours: float) -> datetime:
    """Return the moment that is this many working hours after the given one.

    Time outside working hours does not count: an alert raised on Friday evening with two
    working hours to run escalates at 11:00 on Monday (or Tuesday after a bank holiday).
    """
    remaining = timedelta(hours=hours)
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    day = local.date()
    while True:
        if is_working_day(day):
            opens, closes = _working_window(day)
            start = max(local, opens)
            if start < closes:
                available = closes - start
                if remaining <= available:
                    return start + remaining
                remaining -= available
        day += timedelta(days=1)
        local = _working_window(day)[0]


def is_out_of_hours(moment: datetime) -> bool:
    """Return whether the moment falls outside the council's working hours on a working day.

    Evenings, nights, weekends, Christmas Day, Good Friday and England's bank holidays are out of
    hours: the emergency duty team is on, the IRO service is not.
    """
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    if not is_working_day(local.date()):
        return True
    opens, closes = _working_window(local.date())
    return not opens <= local < closes
