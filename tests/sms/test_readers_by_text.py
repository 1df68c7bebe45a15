"""Choosing who reads a text (issue #18): a code at the start, "SW:" or "ALL:", as the page's choice."""

from datetime import date

import pytest

from accounts.models import Role
from feedback.models import Statement
from reviews.models import WorkerKind
from reviews.services import worker_allocate
from sms.models import InboundMessage
from tests.conftest import make_user
from tests.sms.test_inbound import text

pytestmark = pytest.mark.usefixtures("pinned_clock")

WORDS = "I want to see my nan at Christmas."


@pytest.fixture
def social_worker(child):
    worker = make_user("sam", Role.SOCIAL_WORKER, email="sam@council.example", first_name="Sam")
    worker_allocate(child=child, worker=worker, kind=WorkerKind.SOCIAL_WORKER, on=date(2026, 1, 5))
    return worker


def test_a_text_starting_sw_goes_to_the_social_worker(client, child, social_worker):
    text(client, f"SW: {WORDS}")
    _, reply = text(client, "5")

    statement = Statement.objects.get()
    assert (statement.recipients, statement.body, statement.routed_to) == (["social_worker"], WORDS, None)
    assert "the people you chose will read this" in reply


def test_all_sends_to_everyone_who_works_with_the_child(client, child, social_worker):
    text(client, "5")
    text(client, f"all: {WORDS}")

    statement = Statement.objects.get()
    assert statement.recipients == ["iro", "social_worker", "personal_adviser", "advocate"]
    assert statement.body == WORDS


def test_a_text_for_someone_the_child_does_not_have_goes_to_the_iro_and_says_so(client, child, iro):
    text(client, f"pa - {WORDS}")
    _, reply = text(client, "5")

    statement = Statement.objects.get()
    assert (statement.recipients, statement.body, statement.routed_to) == (["iro"], WORDS, iro)
    assert "your IRO will read it" in reply
    assert InboundMessage.objects.count() == 2


@pytest.mark.parametrize("words", ["All my stuff is still at the old house", "Sw eating is my new hobby", "PA:"])
def test_words_that_only_look_like_a_code_are_kept_whole_or_refused(client, child, social_worker, words):
    text(client, words)
    text(client, "5")

    statement = Statement.objects.filter().first()
    if words == "PA:":  # a code and no words: nothing to send, and the child is told so
        assert statement is None
        return
    assert (statement.recipients, statement.body) == (["iro"], words)


def test_help_says_how_to_choose(client, child):
    _, reply = text(client, "HELP")
    assert "SW: for your social worker" in reply and "ALL: everyone" in reply
