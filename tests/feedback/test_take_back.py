"""Taking a message back asks first: a mis-tap deletes nothing; only the confirm button does."""

import re

import pytest
from django.urls import reverse

from feedback.models import Statement
from feedback.receipts import statement_mark_read
from feedback.services import statement_submit
from tests.conftest import client_for


@pytest.fixture
def message(child, child_user):
    statement, _ = statement_submit(
        author=child_user, child=child, category="family_time", body="I'd like to see my brother more.", channel="web"
    )
    return statement


def _url(statement) -> str:
    return reverse("feedback:statement_withdraw", args=[statement.pk])


def test_the_list_offers_a_big_button_to_the_page_that_asks_not_a_form_that_deletes(child_user, message):
    page = client_for(child_user).get(reverse("feedback:my_statements")).content.decode()
    assert re.search(rf'<a class="button take-back" href="{_url(message)}">Take this message back</a>', page)
    assert f'action="{_url(message)}"' not in page


def test_opening_the_page_asks_first_and_deletes_nothing(child_user, message):
    response = client_for(child_user).get(_url(message))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Are you sure?" in page and "I&#x27;d like to see my brother more." in page
    assert re.search(r'<button type="submit" name="confirm" value="yes"[^>]*>Yes, take it back</button>', page)
    assert f'<a class="button primary" href="{reverse("feedback:my_statements")}">Keep it</a>' in page
    assert Statement.objects.filter(pk=message.pk).exists()


def test_an_old_one_step_post_from_the_list_deletes_nothing_and_asks_first(child_user, message):
    response = client_for(child_user).post(_url(message), follow=True)
    assert response.redirect_chain == [(_url(message), 302)]
    assert "Are you sure?" in response.content.decode()
    assert Statement.objects.filter(pk=message.pk).exists()


def test_confirming_takes_it_back(child_user, message, iro):
    response = client_for(child_user).post(_url(message), {"confirm": "yes"}, follow=True)
    assert response.redirect_chain == [(reverse("feedback:my_statements"), 302)]
    assert "Your message was taken back and deleted. Your IRO won&#x27;t see it." in response.content.decode()
    assert not Statement.objects.filter(pk=message.pk).exists()
    assert client_for(iro).get(reverse("feedback:statement_detail", args=[message.pk])).status_code == 404


def test_a_message_read_meanwhile_stays_even_when_confirmed(child_user, message, iro):
    statement_mark_read(statement=message, reader=iro)
    response = client_for(child_user).post(_url(message), {"confirm": "yes"}, follow=True)
    assert "already read this message" in response.content.decode()
    assert Statement.objects.filter(pk=message.pk).exists()


def test_a_message_that_raised_an_alert_has_no_button_and_stays_even_when_confirmed(child, child_user):
    urgent, _ = statement_submit(author=child_user, child=child, category="unsafe", body="help", channel="web")
    assert _url(urgent) not in client_for(child_user).get(reverse("feedback:my_statements")).content.decode()
    response = client_for(child_user).post(_url(urgent), {"confirm": "yes"}, follow=True)
    assert "someone needs to check on you" in response.content.decode()
    assert Statement.objects.filter(pk=urgent.pk).exists()


def test_a_message_the_advocate_sent_stays(child, child_user, advocate):
    theirs, _ = statement_submit(
        author=advocate, child=child, category="school", body="for her", channel="web", consent_given=True
    )
    assert _url(theirs) not in client_for(child_user).get(reverse("feedback:my_statements")).content.decode()
    client_for(child_user).post(_url(theirs), {"confirm": "yes"})
    assert Statement.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("who", ["other_child_user", "iro", "advocate", "manager"])
def test_nobody_else_sees_the_page_or_takes_it_back(request, message, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get(_url(message)).status_code == 404
    assert client.post(_url(message), {"confirm": "yes"}).status_code == 404
    assert Statement.objects.filter(pk=message.pk).exists()
