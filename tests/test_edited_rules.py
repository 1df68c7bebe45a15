"""Phrases and themes are read once per process and reloaded after an admin's edit, in every process."""

import pytest
from django.core.cache import cache

from backend import edited_rules
from backend.edited_rules import EDITION_KEY, EditedRules
from feedback.models import Category, SafeguardingPhrase
from feedback.safeguarding import assess_urgency
from feedback.services import statement_submit
from reporting.models import Theme


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> _Clock:
    fake = _Clock()
    monkeypatch.setattr(edited_rules.time, "monotonic", fake)
    return fake


@pytest.fixture
def counted(clock):
    loads: list[int] = []
    rules = EditedRules(lambda: loads.append(1) or len(loads), models=())
    yield rules, loads
    edited_rules._copies.remove(rules)


def test_a_process_loads_the_rules_once_and_keeps_them(counted, clock):
    rules, loads = counted
    assert [rules.get() for _ in range(5)] == [1, 1, 1, 1, 1]
    clock.now += 60
    assert rules.get() == 1  # the edition is unchanged: still no second load
    assert len(loads) == 1


def test_an_edit_in_another_process_is_seen_within_a_second(counted, clock):
    rules, _ = counted
    rules.get()
    cache.set(EDITION_KEY, "another process's edit")
    clock.now += 0.5
    assert rules.get() == 1  # checked less than a second ago
    clock.now += 0.6
    assert rules.get() == 2


def test_with_the_cache_unreachable_a_process_reads_the_database_again_each_second(counted, clock, monkeypatch):
    rules, _ = counted
    monkeypatch.setattr(edited_rules.cache, "get", lambda *args, **kwargs: None)
    monkeypatch.setattr(edited_rules.cache, "add", lambda *args, **kwargs: False)
    rules.get()
    clock.now += 1.1
    rules.get()
    clock.now += 1.1
    assert rules.get() == 3


def test_an_admins_edit_applies_at_once_here_and_renews_the_edition_on_commit(
    db, clock, django_capture_on_commit_callbacks
):
    assert assess_urgency(category=Category.SCHOOL, body="I get bullied") == []
    before = cache.get(EDITION_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        SafeguardingPhrase.objects.create(phrase="bullied", kind="other")
    assert cache.get(EDITION_KEY) != before
    assert assess_urgency(category=Category.SCHOOL, body="I get bullied") == ["phrase: bullied"]


def test_a_theme_the_admin_adds_is_used_for_the_next_statement(db, clock, child, child_user):
    Theme.objects.filter(slug="education").delete()
    first, _ = statement_submit(author=child_user, child=child, category=Category.SCHOOL, body="maths", channel="web")
    assert list(first.themes.all()) == []
    Theme.objects.create(slug="education", name="School and learning")
    second, _ = statement_submit(author=child_user, child=child, category=Category.SCHOOL, body="art", channel="web")
    assert [t.theme.name for t in second.themes.all()] == ["School and learning"]
