"""The first path: a child writes in the browser, their IRO reads it, the child sees it was read."""

from datetime import date

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from backend.celery import app
from feedback.models import Category, Channel, Statement
from reviews.models import Review
from reviews.services import iro_allocate
from tests.conftest import client_for


def _post_statement(client, **fields):
    data = {"category": Category.FAMILY_TIME, "body": "I want to see my brother more.", "idempotency_key": "k1"}
    data.update(fields)
    return client.post(reverse("feedback:statement_new"), data)


def test_a_child_writes_and_it_reaches_their_iro_against_their_next_review(
    child, child_user, iro, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_statement(client_for(child_user))

    assert response.status_code == 302
    statement = Statement.objects.get()
    upcoming = Review.objects.get(child=child, held_on__isnull=True)
    assert statement.child == child
    assert statement.author == child_user
    assert statement.routed_to == iro
    assert statement.review == upcoming
    assert statement.channel == Channel.WEB
    assert statement.on_behalf is False
    assert statement.read_at is None
    # The IRO is told by email, without the child's words.
    assert [message.to for message in mail.outbox] == [[iro.email]]
    assert "brother" not in mail.outbox[0].body

    page = client_for(child_user).get(reverse("feedback:my_statements"))
    assert "I want to see my brother more." in page.content.decode()
    assert "your IRO hasn't read it yet" in page.content.decode()


def test_the_iro_sees_it_in_the_inbox_opens_it_and_the_child_sees_it_was_read(child, child_user, iro):
    _post_statement(client_for(child_user))
    statement = Statement.objects.get()
    iro_client = client_for(iro)

    inbox = iro_client.get(reverse("feedback:inbox"))
    assert inbox.status_code == 200
    assert child.case_reference in inbox.content.decode()
    assert reverse("feedback:statement_detail", args=[statement.pk]) in inbox.content.decode()

    opened = iro_client.get(reverse("feedback:statement_detail", args=[statement.pk]))
    assert opened.status_code == 200
    assert "I want to see my brother more." in opened.content.decode()
    statement.refresh_from_db()
    assert statement.read_by == iro
    assert statement.read_at is not None

    page = client_for(child_user).get(reverse("feedback:my_statements")).content.decode()
    assert "Read by your IRO on" in page


def test_a_manager_opening_a_statement_does_not_count_as_the_iro_reading_it(child, child_user, manager):
    _post_statement(client_for(child_user))
    statement = Statement.objects.get()
    assert client_for(manager).get(reverse("feedback:statement_detail", args=[statement.pk])).status_code == 200
    statement.refresh_from_db()
    assert statement.read_at is None


def test_the_iro_acknowledges_and_tags_a_statement_each_from_its_own_address(child, child_user, iro, manager):
    _post_statement(client_for(child_user))
    statement = Statement.objects.get()
    page = reverse("feedback:statement_detail", args=[statement.pk])
    acknowledge = reverse("feedback:statement_acknowledge", args=[statement.pk])
    tag = reverse("feedback:statement_tag", args=[statement.pk])
    client = client_for(iro)

    # The page only shows; each of its forms (or buttons) posts to its own step, which only takes posts.
    shown = client.get(page).content.decode()
    assert f'action="{reverse("feedback:statement_reply", args=[statement.pk])}"' in shown
    assert f'formaction="{acknowledge}"' in shown and f'action="{tag}"' in shown
    assert 'name="action"' not in shown
    assert client.post(page, {"action": "acknowledge"}).status_code == 405
    assert client.get(acknowledge).status_code == 405
    assert client_for(manager).post(acknowledge).status_code == 403  # only the child's IRO acknowledges
    acknowledged = client.post(acknowledge, follow=True)
    assert acknowledged.redirect_chain == [(page, 302)]
    assert "Acknowledged." in acknowledged.content.decode()
    statement.refresh_from_db()
    assert statement.acknowledged_at is not None and statement.read_by == iro

    refused = client.post(tag, {"themes": ["not-a-theme"]}, follow=True)
    assert refused.redirect_chain == [(page, 302)]
    assert "Choose from the council&#x27;s themes." in refused.content.decode()
    assert client_for(manager).post(tag, {"themes": ["friends"]}).status_code == 403
    tagged = client.post(tag, {"themes": ["friends"]})
    assert tagged.status_code == 302 and tagged["Location"] == page
    assert statement.themes.filter(theme__slug="friends", source="iro", tagged_by=iro).exists()


def test_the_statement_steps_keep_their_csrf_check(child, child_user, iro):
    _post_statement(client_for(child_user))
    statement = Statement.objects.get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(iro, backend="django.contrib.auth.backends.ModelBackend")
    for name in ("feedback:statement_reply", "feedback:statement_acknowledge", "feedback:statement_tag"):
        assert client.post(reverse(name, args=[statement.pk]), {"reply": "Hello"}).status_code == 403
    statement.refresh_from_db()
    assert (statement.reply, statement.acknowledged_at) == ("", None)


def test_html_in_a_statement_is_shown_as_text(child, child_user, iro):
    _post_statement(client_for(child_user), body="<script>alert('hi')</script> <b>bold</b>")
    statement = Statement.objects.get()
    page = client_for(iro).get(reverse("feedback:statement_detail", args=[statement.pk])).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;hi&#x27;)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;" in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body": "   "}, "Please write something before you send it."),
        ({"body": "x" * 5001}, "Please keep it under 5000 characters"),
        ({"category": "secret"}, "Select a valid choice"),
        ({"category": ""}, "Choose what your message is about."),
    ],
)
def test_bad_form_input_gets_a_clear_message_and_stores_nothing(child, child_user, fields, message):
    response = _post_statement(client_for(child_user), **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Statement.objects.exists()


def test_stray_control_characters_are_dropped(child, child_user):
    _post_statement(client_for(child_user), body="hello\x1b there\x07")
    assert Statement.objects.get().body == "hello there"


def test_a_null_character_gets_a_clear_message_not_a_database_error(child, child_user):
    response = _post_statement(client_for(child_user), body="hello\x00 there")
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert not Statement.objects.exists()


def test_submitting_the_same_form_twice_stores_it_once(child, child_user):
    client = client_for(child_user)
    _post_statement(client)
    _post_statement(client)
    assert Statement.objects.count() == 1


def test_a_failing_notification_loses_nothing(child, child_user, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.feedback.failing_email.BrokenEmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_statement(client_for(child_user))
    assert response.status_code == 302
    assert Statement.objects.filter(child=child).count() == 1


def test_an_advocate_writes_for_an_assigned_child_with_consent_recorded(child, advocate, iro):
    url = reverse("feedback:statement_new_on_behalf", args=[child.pk])
    client = client_for(advocate)

    refused = client.post(url, {"category": Category.SCHOOL, "body": "She wants a tutor.", "idempotency_key": "a"})
    assert refused.status_code == 200
    assert "Record that the child agreed" in refused.content.decode()
    assert not Statement.objects.exists()

    sent = client.post(
        url, {"category": Category.SCHOOL, "body": "She wants a tutor.", "consent_given": "on", "idempotency_key": "a"}
    )
    assert sent.status_code == 302
    statement = Statement.objects.get()
    assert (statement.author, statement.on_behalf, statement.consent_given) == (advocate, True, True)
    assert statement.routed_to == iro
    detail = client_for(iro).get(reverse("feedback:statement_detail", args=[statement.pk])).content.decode()
    assert "on the child's behalf" in detail


def test_an_advocate_cannot_write_for_a_child_not_assigned_to_them(child, other_child, advocate):
    url = reverse("feedback:statement_new_on_behalf", args=[other_child.pk])
    response = client_for(advocate).post(url, {"category": Category.SCHOOL, "body": "x", "consent_given": "on"})
    assert response.status_code == 404
    assert not Statement.objects.exists()


def test_after_reallocation_the_new_iro_sees_past_statements_and_the_old_one_does_not(
    child, child_user, iro, other_iro
):
    _post_statement(client_for(child_user))
    statement = Statement.objects.get()
    iro_allocate(child=child, iro=other_iro, allocated_on=date(2026, 1, 5))

    detail = reverse("feedback:statement_detail", args=[statement.pk])
    assert client_for(iro).get(detail).status_code == 404
    assert child.case_reference not in client_for(iro).get(reverse("feedback:inbox")).content.decode()
    assert client_for(other_iro).get(detail).status_code == 200
    assert child.case_reference in client_for(other_iro).get(reverse("feedback:inbox")).content.decode()
    statement.refresh_from_db()
    assert statement.read_by == other_iro


def test_a_new_statement_after_reallocation_goes_to_the_new_iro(child, child_user, other_iro):
    iro_allocate(child=child, iro=other_iro, allocated_on=date(2026, 1, 5))
    _post_statement(client_for(child_user))
    assert Statement.objects.get().routed_to == other_iro


def test_a_statement_is_stored_when_the_task_broker_is_unreachable(
    child, child_user, django_capture_on_commit_callbacks
):
    saved = {key: app.conf[key] for key in ("broker_url", "broker_connection_timeout", "broker_transport_options")}
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    app.conf.broker_connection_timeout = 1
    app.conf.broker_transport_options = {"max_retries": 0}
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = _post_statement(client_for(child_user))
    finally:
        app.conf.update(saved)
    assert response.status_code == 302
    assert Statement.objects.filter(child=child).count() == 1
