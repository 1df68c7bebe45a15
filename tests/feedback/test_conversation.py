"""The conversation on a message: both sides reply, each reply is kept, read receipts go both ways,
a child's urgent words raise an alert, and the other side is told after commit, without words."""

from datetime import date, timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import NotifyBy
from backend.retention import retention_apply
from feedback import notifications, receipts
from feedback.alerts import alert_close
from feedback.models import AlertEventKind, Category, Reply, ReplyFrom, SafeguardingAlert, Statement
from feedback.receipts import replies_mark_read
from feedback.services import IdempotencyConflict, reply_post, statement_reply, statement_submit
from reviews.services import iro_allocate, review_record_held
from sms.transport import ConsoleTransport
from tests.conftest import client_for

pytestmark = pytest.mark.usefixtures("pinned_clock")

WORDS = "Can I see my brother at the weekend?"
URGENT = "My step dad hits me"


@pytest.fixture
def named(iro, advocate):
    """Staff are shown to children by first name."""
    iro.first_name, advocate.first_name = "Amara", "Riley"
    iro.save()
    advocate.save()


@pytest.fixture
def statement(child, child_user, named) -> Statement:
    return statement_submit(author=child_user, child=child, category=Category.FAMILY_TIME, body=WORDS, channel="web")[0]


@pytest.fixture
def pushed(monkeypatch) -> list[tuple[int, str, int]]:
    """The live inbox events sent, in order (the socket itself is tested in test_live_inbox.py)."""
    events: list[tuple[int, str, int]] = []

    def record(user_id: int, kind: str, object_id: int) -> None:
        events.append((user_id, kind, object_id))

    monkeypatch.setattr(notifications, "push_inbox_event", record)
    monkeypatch.setattr(receipts, "push_inbox_event", record)
    return events


def test_both_sides_reply_back_and_forth_and_no_reply_is_overwritten(statement, child_user, iro):
    statement_reply(statement=statement, iro=iro, text="Yes, I'll ask your social worker.")
    reply_post(statement=statement, author=child_user, body="Thank you! Saturday is best.")
    reply_post(statement=statement, author=iro, body="Saturday it is.")

    thread = list(Reply.objects.filter(statement=statement).values_list("sender", "author", "body"))
    assert thread == [
        (ReplyFrom.IRO, iro.pk, "Yes, I'll ask your social worker."),
        (ReplyFrom.CHILD, child_user.pk, "Thank you! Saturday is best."),
        (ReplyFrom.IRO, iro.pk, "Saturday it is."),
    ]
    statement.refresh_from_db()
    # The statement keeps the latest IRO reply for the lists that show one; replying is reading.
    assert (statement.reply, statement.replied_by, statement.read_by) == ("Saturday it is.", iro, iro)
    assert statement.acknowledged_at is not None


def test_only_the_child_their_advocate_who_wrote_it_and_their_iro_may_reply(
    statement, child, child_user, other_child_user, iro, other_iro, manager, advocate, other_advocate
):
    for outsider in (other_child_user, other_iro, manager, other_advocate, advocate):
        with pytest.raises(PermissionDenied):
            reply_post(statement=statement, author=outsider, body="hello")
    written_for, _ = statement_submit(
        author=advocate, child=child, category=Category.SCHOOL, body="For Alice", channel="web", consent_given=True
    )
    reply, created = reply_post(statement=written_for, author=advocate, body="Alice says thanks")
    assert (reply.sender, created) == (ReplyFrom.ADVOCATE, True)
    assert Reply.objects.count() == 1


def test_read_receipts_go_both_ways_and_a_manager_looking_leaves_none(statement, child_user, iro, manager):
    mine, _ = reply_post(statement=statement, author=child_user, body="Also, school is OK.")
    assert replies_mark_read(statement=statement, reader=manager) == 0
    assert replies_mark_read(statement=statement, reader=child_user) == 0  # their own replies are not "read"
    mine.refresh_from_db()
    assert mine.read_at is None

    client_for(iro).get(reverse("feedback:statement_detail", args=[statement.pk]))
    mine.refresh_from_db()
    assert (mine.read_by, mine.read_at is not None) == (iro, True)

    theirs, _ = reply_post(statement=statement, author=iro, body="Good to hear.")
    client_for(manager).get(reverse("feedback:statement_detail", args=[statement.pk]))
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client_for(child_user).get(reverse("feedback:my_statement", args=[statement.pk]))
    theirs.refresh_from_db()
    assert theirs.read_by == child_user


def test_empty_or_too_long_replies_are_refused_with_why(statement, child_user, iro, settings):
    settings.HEARD_STATEMENT_MAX_LENGTH = 50
    with pytest.raises(ValidationError) as empty:
        reply_post(statement=statement, author=child_user, body=" \x00 ")
    assert "Please write something" in str(empty.value)
    with pytest.raises(ValidationError) as long:
        reply_post(statement=statement, author=child_user, body="x" * 51)
    assert "under 50 characters" in str(long.value)
    with pytest.raises(ValidationError) as staff_long:
        reply_post(statement=statement, author=iro, body="x" * 1001)
    assert "under 1000 characters" in str(staff_long.value)
    assert not Reply.objects.exists()


def test_a_retried_reply_is_stored_once_and_a_reused_key_for_other_words_is_refused(statement, child_user):
    first, created = reply_post(statement=statement, author=child_user, body="See you soon", idempotency_key="k1")
    again, created_again = reply_post(statement=statement, author=child_user, body="See you soon", idempotency_key="k1")
    assert (created, created_again, again.pk) == (True, False, first.pk)
    with pytest.raises(IdempotencyConflict):
        reply_post(statement=statement, author=child_user, body="Other words", idempotency_key="k1")
    assert Reply.objects.count() == 1


def test_a_childs_urgent_words_in_a_reply_raise_an_alert_as_in_a_statement(
    statement, child, child_user, iro, manager, django_capture_on_commit_callbacks
):
    as_a_statement, _ = statement_submit(author=child_user, child=child, category="school", body=URGENT, channel="web")
    with django_capture_on_commit_callbacks(execute=True):
        reply, _ = reply_post(statement=statement, author=child_user, body=URGENT)

    assert reply.is_urgent and reply.urgent_reasons == as_a_statement.urgent_reasons != []
    alert = SafeguardingAlert.objects.get(statement=statement)
    assert (alert.assigned_to, alert.closed_at) == (iro, None)
    raised = alert.events.get(kind=AlertEventKind.RAISED)
    assert raised.detail.startswith(f"reply {reply.pk}")
    # Told as for any alert: the IRO and the duty manager, by email, with a link and no words.
    urgent = [m for m in mail.outbox if m.subject.startswith("URGENT") and f"/inbox/alerts/{alert.pk}/" in m.body]
    assert {address for m in urgent for address in m.to} >= {iro.email}
    assert all(URGENT not in m.body for m in mail.outbox)
    page = client_for(iro).get(reverse("feedback:alert_detail", args=[alert.pk])).content.decode()
    assert URGENT in page and "Replied" in page


def test_more_urgent_words_join_an_open_alert_and_raise_a_closed_one_again(statement, child_user, iro):
    reply_post(statement=statement, author=child_user, body=URGENT)
    alert = SafeguardingAlert.objects.get(statement=statement)
    reply_post(statement=statement, author=child_user, body="He hits me again")
    alert.refresh_from_db()
    assert SafeguardingAlert.objects.count() == 1
    assert alert.events.filter(kind=AlertEventKind.ADDED).count() == 1

    alert_close(alert=alert, user=iro, action_taken="Visited; safety plan agreed.")
    reply_post(statement=statement, author=child_user, body="he hits me when you leave")
    alert.refresh_from_db()
    assert (alert.closed_at, alert.acknowledged_at) == (None, None)
    assert alert.events.filter(kind=AlertEventKind.RAISED).count() == 2
    assert alert.events.filter(kind=AlertEventKind.CLOSED).exists()  # what was done before stays on record


def test_an_iros_words_never_raise_an_alert(statement, iro):
    reply, _ = reply_post(statement=statement, author=iro, body="Does anyone hit you? My step dad hits me is a phrase")
    assert not reply.is_urgent and not SafeguardingAlert.objects.exists()


def test_the_childs_reply_reaches_their_iros_inbox_live_and_by_email_only_after_commit(
    statement, child_user, iro, pushed, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        reply_post(statement=statement, author=child_user, body="One more thing")
    assert (pushed, mail.outbox) == ([], [])
    for callback in waiting:
        callback()
    assert pushed == [(iro.pk, "reply", statement.pk)]
    [email] = mail.outbox
    assert email.to == [iro.email] and "/inbox/" in email.body and "One more thing" not in email.body

    with django_capture_on_commit_callbacks(execute=True):
        client_for(iro).get(reverse("feedback:statement_detail", args=[statement.pk]))
    assert pushed[-1] == (iro.pk, "reply_read", statement.pk)


@pytest.mark.parametrize(
    ("notify_by", "texts", "emails"), [(NotifyBy.APP, 0, 0), (NotifyBy.SMS, 1, 0), (NotifyBy.EMAIL, 0, 1)]
)
def test_an_iros_reply_reaches_the_child_by_the_channel_they_chose_with_no_words(
    statement, child, child_user, iro, notify_by, texts, emails, django_capture_on_commit_callbacks
):
    child_user.email, child_user.notify_by = "alice@example.org", notify_by
    child_user.save()
    child.preferred_language = "cy"
    child.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply_post(statement=statement, author=iro, body="Saturday works for your brother.")
        assert ConsoleTransport.sent == [] and mail.outbox == []  # nothing before commit
    # Replying is reading: the read notice is its own (tests/feedback/test_child_loop.py).
    with translation.override("cy"):
        read_notice = gettext("Heard: your IRO has read your message.")
    sent = [body for to, body in ConsoleTransport.sent if to == child_user.phone and body != read_notice]
    to_child = [m for m in mail.outbox if m.to == [child_user.email]]
    assert (len(sent), len(to_child)) == (texts, emails)
    for words in [*sent, *(m.subject + m.body for m in to_child)]:
        # In Welsh, and nothing of what was said or who said it.
        assert "IRO" in words and ("ateb" in words or "atebodd" in words)
        for secret in ("Saturday", "brother", "Amara", "amara", "alice", "HRD0001", "Alice"):
            assert secret not in words
    if to_child:
        assert "/accounts/login/" in to_child[0].body


def test_each_iro_reply_is_its_own_notice(statement, child_user, iro, django_capture_on_commit_callbacks):
    child_user.notify_by = NotifyBy.SMS
    child_user.save()
    for words in ("First", "Second"):
        with django_capture_on_commit_callbacks(execute=True):
            reply_post(statement=statement, author=iro, body=words)
    replied = [body for to, body in ConsoleTransport.sent if to == child_user.phone and "replied" in body]
    assert len(replied) == 2


def test_a_child_may_choose_email_only_with_an_address(child, child_user):
    response = client_for(child_user).post(reverse("feedback:my_preferences"), {"notify_by": NotifyBy.EMAIL})
    assert response.status_code == 200 and "have an email address for you" in response.content.decode()
    child_user.email = "alice@example.org"
    child_user.save()
    assert client_for(child_user).post(reverse("feedback:my_preferences"), {"notify_by": "email"}).status_code == 302
    child_user.refresh_from_db()
    assert child_user.notify_by == NotifyBy.EMAIL


# --- Pages --------------------------------------------------------------------------------


def test_the_childs_page_shows_the_conversation_with_receipts_and_takes_a_reply(statement, child_user, iro):
    page = client_for(child_user).get(reverse("feedback:my_statement", args=[statement.pk])).content.decode()
    assert WORDS.replace("?", "") in page and "Not read yet" in page and 'name="body"' in page
    statement_reply(statement=statement, iro=iro, text="Yes, this Saturday.")
    page = client_for(child_user).get(reverse("feedback:my_statement", args=[statement.pk])).content.decode()
    assert "Amara read your message" in page and "Yes, this Saturday." in page

    client = client_for(child_user)
    url = reverse("feedback:my_statement", args=[statement.pk])
    response = client.post(url, {"body": "Thanks Amara!", "idempotency_key": "web-1"})
    assert response.status_code == 302 and response["Location"] == url
    assert client.post(url, {"body": "Thanks Amara!", "idempotency_key": "web-1"}).status_code == 302
    assert Reply.objects.filter(sender=ReplyFrom.CHILD).count() == 1  # a double tap is one reply
    client_for(iro).get(reverse("feedback:statement_detail", args=[statement.pk]))
    page = client.get(url).content.decode()
    assert "Read by Amara" in page and "Thanks Amara!" in page


def test_an_empty_reply_on_the_page_says_why_and_stores_nothing(statement, child_user):
    response = client_for(child_user).post(reverse("feedback:my_statement", args=[statement.pk]), {"body": "  "})
    assert response.status_code == 400 and "Please write something before you send it." in response.content.decode()
    assert not Reply.objects.exists()


def test_the_childs_page_is_in_their_language(statement, child, child_user):
    child.preferred_language = "pl"
    child.save()
    client = client_for(child_user)
    client.post(reverse("feedback:my_preferences"), {"notify_by": "app", "preferred_language": "pl"})
    page = client.get(reverse("feedback:my_statement", args=[statement.pk])).content.decode()
    assert "Wyślij odpowiedź" in page and "Jeszcze nieprzeczytane" in page


def test_nobody_else_sees_or_posts_on_a_childs_conversation(statement, other_child_user, iro, advocate):
    url = reverse("feedback:my_statement", args=[statement.pk])
    assert client_for(other_child_user).get(url).status_code == 404
    assert client_for(other_child_user).post(url, {"body": "hi"}).status_code == 404
    assert client_for(iro).get(url).status_code == 404  # staff read it in their inbox, not the child's page
    assert not Reply.objects.exists()


def test_the_iro_sees_the_thread_and_replies_from_their_page(statement, child_user, iro):
    reply_post(statement=statement, author=child_user, body="Please can you call me?")
    client = client_for(iro)
    detail = reverse("feedback:statement_detail", args=[statement.pk])
    page = client.get(detail).content.decode()
    assert "Conversation" in page and "The child replied" in page and "Please can you call me?" in page
    assert (
        client.post(reverse("feedback:statement_reply", args=[statement.pk]), {"reply": "I will."}).status_code == 302
    )
    page = client.get(detail).content.decode()
    assert "I will." in page and "not yet read by the child" in page
    assert list(Reply.objects.values_list("sender", flat=True)) == [ReplyFrom.CHILD, ReplyFrom.IRO]


def test_the_inbox_shows_a_new_reply_on_an_old_message_until_the_iro_opens_it(statement, child_user, iro):
    client = client_for(iro)
    client.get(reverse("feedback:statement_detail", args=[statement.pk]))  # read
    review = statement.review
    review_record_held(review=review, held_on=review.due_by, late_reason="")  # over: the message leaves the inbox
    assert 'class="new-reply"' not in client.get(reverse("feedback:inbox")).content.decode()
    reply_post(statement=statement, author=child_user, body="One more thing")
    inbox = client.get(reverse("feedback:inbox")).content.decode()
    assert 'class="new-reply"' in inbox and reverse("feedback:statement_detail", args=[statement.pk]) in inbox
    client.get(reverse("feedback:statement_detail", args=[statement.pk]))
    assert 'class="new-reply"' not in client.get(reverse("feedback:inbox")).content.decode()


def test_a_former_iro_after_reallocation_cannot_reply(statement, child, iro, other_iro):
    iro_allocate(child=child, iro=other_iro, allocated_on=date(2026, 11, 23))
    assert client_for(iro).get(reverse("feedback:statement_detail", args=[statement.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        reply_post(statement=statement, author=iro, body="Still me")
    reply, _ = reply_post(statement=statement, author=other_iro, body="I'm your new IRO.")
    assert reply.sender == ReplyFrom.IRO


# --- The old single reply moves into the conversation -------------------------------------


def test_the_data_migration_moves_each_old_reply_into_the_conversation_once(statement, child, iro):
    move = import_module("feedback.migrations.0014_replies_from_statements").replies_from_statements
    nobody = statement_submit(author=statement.author, child=child, category="school", body="x", channel="web")[0]
    Statement.objects.filter(pk=statement.pk).update(reply="Old reply", replied_at=statement.created_at, replied_by=iro)
    Statement.objects.filter(pk=nobody.pk).update(reply="")
    move(apps, None)
    move(apps, None)  # run again (a retried deploy): nothing twice
    [moved] = Reply.objects.all()
    assert (moved.statement_id, moved.author, moved.sender, moved.body) == (statement.pk, iro, "iro", "Old reply")
    assert moved.created_at == statement.created_at
    # The statement itself is unchanged: it still holds its latest reply.
    assert Statement.objects.get(pk=statement.pk).reply == "Old reply"


# --- What is kept, and for how long --------------------------------------------------------


def test_retention_takes_the_words_of_old_replies_and_keeps_recent_ones(statement, child_user, iro, pinned_clock):
    old, _ = reply_post(statement=statement, author=child_user, body="Old words")
    pinned_clock.shift(timedelta(days=settings.HEARD_RETENTION_DAYS["childrens_words"] - 10))
    recent, _ = reply_post(statement=statement, author=iro, body="Recent words")
    pinned_clock.shift(timedelta(days=11))
    run = retention_apply()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.body, recent.body, run.removed["reply words"]) == ("", "Recent words", 1)


def test_the_childs_copy_of_their_data_holds_the_whole_conversation(statement, child_user, iro):
    statement_reply(statement=statement, iro=iro, text="I'll ask.")
    reply_post(statement=statement, author=child_user, body="Thanks")
    data = client_for(child_user).get("/api/v1/me/data/").json()
    assert [(c["from"], c["name"], c["words"]) for c in data["messages"][0]["conversation"]] == [
        ("your IRO", "Amara", "I'll ask."),
        ("you", "", "Thanks"),
    ]
    page = client_for(child_user).get(reverse("accounts:my_data")).content.decode()
    assert "I&#x27;ll ask." in page and "Thanks" in page
