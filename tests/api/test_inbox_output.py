"""The inbox API builds its answer directly (for speed); it must say exactly what its serializers say."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine
from rest_framework.renderers import JSONRenderer

from feedback.models import Statement
from feedback.receipts import statement_acknowledge, statement_mark_read
from feedback.selectors import inbox_read, open_alerts_for
from feedback.services import statement_reply, statement_submit
from mobile_api.apis.staff import InboxOutput
from mobile_api.apis.statements import StatementOutput, statement_data
from reviews.models import Review
from tests.conftest import client_for

LONDON = ZoneInfo("Europe/London")


def _as_json(data) -> object:
    return json.loads(JSONRenderer().render(data))


def _statements_in_every_state(child, child_user, advocate, iro) -> list[Statement]:
    statement_submit(author=child_user, child=child, category="school", body="plain", channel="app")
    statement_submit(author=child_user, child=child, category="unsafe", body="help", channel="app")
    replied, _ = statement_submit(
        author=child_user, child=child, category="where_i_live", body="a reply?", channel="sms"
    )
    statement_reply(statement=replied, iro=iro, text="I will ask at the review.")
    taken_in, _ = statement_submit(author=child_user, child=child, category="family_time", body="seen", channel="web")
    statement_mark_read(statement=taken_in, reader=iro)
    statement_acknowledge(statement=taken_in, iro=iro)
    statement_submit(
        author=advocate, child=child, category="something_else", body="for them", channel="web", consent_given=True
    )
    loose, _ = statement_submit(author=child_user, child=child, category="school", body="no review", channel="app")
    Statement.objects.filter(pk=loose.pk).update(review=None)
    return list(Statement.objects.select_related("child", "review").order_by("pk"))


def test_statement_data_is_what_the_statement_serializer_says(child, child_user, advocate, iro):
    # Summer time, so the UK offset shows in every moment.
    with time_machine.travel(datetime(2026, 7, 14, 16, 5, tzinfo=LONDON), tick=False):
        statements = _statements_in_every_state(child, child_user, advocate, iro)
    assert len(statements) == 6 and any(s.review is None for s in statements)
    for statement in statements:
        assert statement_data(statement) == _as_json(StatementOutput(statement).data)
    assert list(statement_data(statements[0])) == StatementOutput.Meta.fields


def test_the_inbox_answer_is_what_its_serializer_says(child, child_user, advocate, iro):
    with time_machine.travel(datetime(2026, 7, 14, 16, 5, tzinfo=LONDON), tick=False):
        _statements_in_every_state(child, child_user, advocate, iro)
        Review.objects.filter(child=child, held_on__isnull=True).update(scheduled_for=date(2026, 8, 3))
        answer = client_for(iro).get("/api/v1/inbox/")
        groups = inbox_read(iro, page_extras=False).groups
        expected = {
            "alerts": [
                {
                    "id": alert.pk,
                    "child": alert.child,
                    "raised_at": alert.raised_at,
                    "acknowledged": alert.acknowledged_at is not None,
                    "out_of_hours": alert.passed_to_edt_at is not None,
                }
                for alert in open_alerts_for(iro)
            ],
            "groups": [
                {
                    "child": group.child,
                    "review": group.review and {**vars(group.review), "date": group.review.date, "booked": True},
                    "unread": group.unread_count,
                    "statements": group.statements,
                }
                for group in groups
            ],
        }
    assert answer.status_code == 200
    body = answer.json()
    assert body == _as_json(InboxOutput(expected).data)
    assert len(body["alerts"]) == 1 and len(body["groups"][0]["statements"]) == 6
