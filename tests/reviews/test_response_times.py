"""Response times: from a child's message to first read and to acknowledgement, per IRO."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from feedback.alerts import alert_acknowledge
from feedback.models import Category
from feedback.receipts import statement_acknowledge, statement_mark_read
from feedback.services import statement_submit
from reporting.selectors import response_times_by_iro
from tests.conftest import client_for

LONDON = ZoneInfo("Europe/London")


def test_medians_per_iro_and_overall(child, child_user, other_child, other_child_user, iro, other_iro, manager):
    with time_machine.travel(datetime(2026, 11, 2, 9, 0, tzinfo=LONDON), tick=False) as clock:
        first, _ = statement_submit(author=child_user, child=child, category="school", body="a", channel="web")
        second, _ = statement_submit(author=child_user, child=child, category="school", body="b", channel="web")
        urgent, _ = statement_submit(author=child_user, child=child, category=Category.UNSAFE, body="c", channel="web")
        statement_submit(author=other_child_user, child=other_child, category="school", body="d", channel="web")
        clock.move_to(datetime(2026, 11, 2, 10, 0, tzinfo=LONDON))
        alert_acknowledge(alert=urgent.alert, user=iro)  # 1 hour, also reads and acknowledges it
        statement_mark_read(statement=first, reader=iro)  # 1 hour
        clock.move_to(datetime(2026, 11, 2, 13, 0, tzinfo=LONDON))
        statement_mark_read(statement=second, reader=iro)  # 4 hours
        statement_acknowledge(statement=second, iro=iro)  # 4 hours

        rows, overall = response_times_by_iro(
            since=datetime(2026, 11, 1, tzinfo=LONDON), until=datetime(2026, 11, 3, tzinfo=LONDON)
        )
    by_name = {row.label: row for row in rows}
    amara = by_name["amara"]
    assert (amara.statements, amara.unread, amara.median_hours_to_read) == (3, 0, 1.0)
    assert amara.median_hours_to_acknowledge == 2.5  # 1 and 4 hours
    assert (amara.alerts, amara.median_hours_alert_to_acknowledge) == (1, 1.0)
    ben = by_name["ben"]
    assert (ben.statements, ben.unread, ben.median_hours_to_read) == (1, 1, None)
    assert (overall.statements, overall.unread, overall.alerts) == (4, 1, 1)

    page = client_for(manager).get(reverse("reviews:response_times") + "?days=nonsense")
    assert page.status_code == 200
