"""Practice alerts: raised from a child's words, moved forward through the stages, resolved with an outcome."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from feedback.models import Category
from feedback.services import statement_submit
from reviews.models import PracticeAlert, PracticeAlertStage
from reviews.services import practice_alert_advance, practice_alert_raise
from tests.conftest import client_for

LONDON = ZoneInfo("Europe/London")


# The alert is raised on the day the page is used; its stages follow on later dates.
@time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=LONDON), tick=False)
def test_an_iro_raises_a_practice_alert_from_a_childs_words_and_takes_it_through_the_stages(child, child_user, iro):
    statement, _ = statement_submit(
        author=child_user, child=child, category=Category.SCHOOL, body="No PEP meeting since June", channel="web"
    )
    client = client_for(iro)
    new = reverse("reviews:practice_alert_new", args=[child.pk]) + f"?statement={statement.pk}"
    assert "No PEP meeting since June" in client.get(new).content.decode()
    response = client.post(
        new, {"statement": statement.pk, "category": "education", "description": "No PEP for 5 months."}
    )
    assert response.status_code == 302
    alert = PracticeAlert.objects.get()
    assert (alert.statement, alert.stage, alert.raised_by) == (statement, PracticeAlertStage.INFORMAL, iro)

    url = reverse("reviews:practice_alert_detail", args=[alert.pk])
    client.post(url, {"stage": "formal_1", "on": "2026-11-30", "note": "No response to informal contact"})
    refused = client.post(url, {"stage": "resolved", "on": "2026-12-10", "outcome": ""})
    assert "Record the outcome" in refused.content.decode()
    client.post(url, {"stage": "resolved", "on": "2026-12-10", "outcome": "PEP held 9 Dec."})
    alert.refresh_from_db()
    assert (alert.stage, alert.resolved_on, alert.outcome) == ("resolved", date(2026, 12, 10), "PEP held 9 Dec.")
    assert list(alert.steps.values_list("stage", flat=True)) == ["informal", "formal_1", "resolved"]


def test_a_practice_alert_only_moves_forward(child, iro):
    alert = practice_alert_raise(
        child=child, user=iro, category="drift", description="Plan drifting", raised_on=date(2026, 11, 1)
    )
    practice_alert_advance(alert=alert, user=iro, stage="formal_2", on=date(2026, 11, 10))
    with pytest.raises(ValidationError):
        practice_alert_advance(alert=alert, user=iro, stage="formal_1", on=date(2026, 11, 11))
    with pytest.raises(ValidationError):
        practice_alert_advance(alert=alert, user=iro, stage="formal_3", on=date(2026, 10, 1))


def test_another_iro_cannot_see_or_move_it(child, iro, other_iro, advocate):
    alert = practice_alert_raise(child=child, user=iro, category="visits", description="x", raised_on=date(2026, 11, 1))
    url = reverse("reviews:practice_alert_detail", args=[alert.pk])
    for user in (other_iro, advocate):
        assert client_for(user).post(url, {"stage": "formal_1", "on": "2026-11-30"}).status_code == 404
    assert client_for(other_iro).get(reverse("reviews:practice_alert_new", args=[child.pk])).status_code == 404
    alert.refresh_from_db()
    assert alert.stage == "informal"


def test_a_statement_from_another_child_cannot_be_attached(child, other_child, other_child_user, iro):
    statement, _ = statement_submit(
        author=other_child_user, child=other_child, category=Category.SCHOOL, body="x", channel="web"
    )
    with pytest.raises(ValidationError):
        practice_alert_raise(
            child=child, user=iro, category="other", description="x", raised_on=date(2026, 11, 1), statement=statement
        )
