"""The inbox and its alerts read together (#21): the same alerts as open_alerts_for, whoever reads them."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from feedback.alerts import alert_close
from feedback.inbox_filters import InboxFilter
from feedback.selectors import inbox_read, open_alerts_for
from feedback.services import statement_submit
from reviews.models import Child, WorkerAllocation, WorkerKind
from reviews.services import iro_allocate
from tests.conftest import client_for, make_child, make_user

pytestmark = pytest.mark.usefixtures("pinned_clock")


def _unsafe(child: Child, words: str) -> None:
    statement_submit(author=child.user, child=child, category="unsafe", body=words, channel="app")


@pytest.fixture
def readers(child, other_child, iro, other_iro, manager):
    """Alice (in care) and Cara (left care, her allocation still open) are Amara's; Bob is Ben's. Each has an alert."""
    cara = make_child("HRD0003", user=make_user("cara", Role.CHILD))
    iro_allocate(child=cara, iro=iro, allocated_on=date(2025, 9, 4))
    for who in (child, cara, other_child):
        _unsafe(who, f"{who.case_reference}: I am not safe at home.")
    Child.objects.filter(pk=cara.pk).update(left_care=date(2026, 2, 1))
    social_worker = make_user("sam", Role.SOCIAL_WORKER, email="sam@council.example")
    WorkerAllocation.objects.create(
        child=cara, worker=social_worker, kind=WorkerKind.SOCIAL_WORKER, allocated_on=date(2026, 1, 5)
    )
    adviser = make_user("pat", Role.PERSONAL_ADVISER, email="pat@council.example")
    edt = make_user("eddie", Role.EDT, email="edt@council.example")
    return {
        "iro": iro,
        "other_iro": other_iro,
        "manager": manager,
        "social_worker": social_worker,
        "adviser": adviser,
        "edt": edt,
        "cara": cara,
    }


@pytest.mark.parametrize("who", ["iro", "other_iro", "manager", "social_worker", "adviser", "edt"])
@pytest.mark.parametrize("page_extras", [True, False])
def test_the_inbox_alerts_are_the_readers_open_alerts(readers, who, page_extras):
    user = readers[who]
    inbox = inbox_read(user, page_extras=page_extras, alerts=True)
    assert [a.pk for a in inbox.alerts] == [a.pk for a in open_alerts_for(user, people=page_extras)]
    assert [g.child.pk for g in inbox.groups] == [g.child.pk for g in inbox_read(user, page_extras=page_extras).groups]


def test_a_child_who_left_care_has_no_group_but_their_open_alert_stays(readers, child, other_child):
    inbox = inbox_read(readers["iro"], alerts=True)
    assert [g.child for g in inbox.groups] == [child]
    assert {a.child for a in inbox.alerts} == {child, readers["cara"]}
    assert {a.child for a in inbox_read(readers["social_worker"], alerts=True).alerts} == {readers["cara"]}
    assert {a.child for a in inbox_read(readers["manager"], alerts=True).alerts} == {
        child,
        readers["cara"],
        other_child,
    }


def test_a_closed_alert_leaves_the_inbox(readers, child):
    inbox = inbox_read(readers["iro"], alerts=True)
    mine = next(alert for alert in inbox.alerts if alert.child == child)
    alert_close(alert=mine, user=readers["iro"], action_taken="Spoke to Alice and her carer: she is safe.")
    assert {a.child for a in inbox_read(readers["iro"], alerts=True).alerts} == {readers["cara"]}


def test_a_filter_on_one_child_narrows_the_groups_not_the_alerts(readers, child):
    inbox = inbox_read(readers["iro"], alerts=True, filters=InboxFilter(child=readers["cara"].pk))
    assert inbox.groups == []  # Cara has left care
    assert {a.child for a in inbox.alerts} == {child, readers["cara"]}


def test_the_alerts_are_read_only_when_asked_for_in_one_query(readers):
    with CaptureQueriesContext(connection) as queries:
        inbox = inbox_read(readers["iro"], page_extras=False)
    assert inbox.alerts == []
    made = [q["sql"] for q in queries.captured_queries]  # the children, their reviews and their messages
    assert len(made) == 3 and not any(sql.startswith('SELECT "feedback_safeguardingalert"') for sql in made)
    with CaptureQueriesContext(connection) as queries:
        inbox_read(readers["iro"], page_extras=False, alerts=True)
    assert sum(q["sql"].startswith('SELECT "feedback_safeguardingalert"') for q in queries.captured_queries) == 1


def test_the_api_lists_the_alert_of_a_child_who_left_care_on_the_first_page_only(readers):
    dana = make_child("HRD0004", user=make_user("dana", Role.CHILD))
    iro_allocate(child=dana, iro=readers["iro"], allocated_on=date(2025, 9, 5))
    api = client_for(readers["iro"])
    first = api.get("/api/v1/inbox/", {"page_size": 1}).json()
    assert {a["child"]["case_reference"] for a in first["alerts"]} == {"HRD0001", "HRD0003"}
    assert len(first["groups"]) == 1 and first["next"]
    second = api.get(first["next"]).json()
    assert second["alerts"] == []
    shown = [g["child"]["case_reference"] for g in first["groups"] + second["groups"]]
    assert sorted(shown) == ["HRD0001", "HRD0004"]  # Cara, who left care, has no group
