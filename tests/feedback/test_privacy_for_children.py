"""A child's rights over their words: see and download all of them, take one back before it is read."""

import json

from django.urls import reverse

from complaints.services import complaint_make
from feedback.forms import StatementForm
from feedback.models import Statement
from feedback.receipts import statement_mark_read
from feedback.services import statement_reply, statement_submit
from reviews.models import AdvocacyRequest
from tests.conftest import client_for, problem_fields


def _send(child, child_user, words="I'd like to see my brother more.", category="family_time"):
    statement, _ = statement_submit(author=child_user, child=child, category=category, body=words, channel="web")
    return statement


def test_a_child_takes_back_a_message_before_it_is_read(child, child_user, iro, django_capture_on_commit_callbacks):
    statement = _send(child, child_user)
    page = client_for(child_user).get(reverse("feedback:my_statements")).content.decode()
    assert "Take this message back" in page
    client_for(child_user).post(reverse("feedback:statement_withdraw", args=[statement.pk]), {"confirm": "yes"})
    assert not Statement.objects.exists()
    assert client_for(iro).get(reverse("feedback:statement_detail", args=[statement.pk])).status_code == 404


def test_once_read_it_stays(child, child_user, iro):
    statement = _send(child, child_user)
    statement_mark_read(statement=statement, reader=iro)
    response = client_for(child_user).delete(f"/api/v1/statements/{statement.pk}/")
    assert response.status_code == 400
    assert "already read" in problem_fields(response)["statement"]
    assert Statement.objects.count() == 1


def test_a_message_that_raised_a_safeguarding_alert_stays_and_the_child_is_told_why(child, child_user):
    statement = _send(child, child_user, "I don't feel safe at home", category="unsafe")
    page = client_for(child_user).get(reverse("feedback:my_statements")).content.decode()
    assert "Take this message back" not in page
    response = client_for(child_user).post(
        reverse("feedback:statement_withdraw", args=[statement.pk]), {"confirm": "yes"}, follow=True
    )
    assert "someone needs to check on you" in response.content.decode()
    assert Statement.objects.filter(pk=statement.pk).exists()


def test_only_the_child_takes_back_their_own(child, other_child_user, advocate, iro, child_user):
    statement = _send(child, child_user)
    assert client_for(other_child_user).delete(f"/api/v1/statements/{statement.pk}/").status_code == 404
    assert client_for(iro).delete(f"/api/v1/statements/{statement.pk}/").status_code == 403
    on_behalf, _ = statement_submit(
        author=advocate, child=child, category="school", body="for her", channel="web", consent_given=True
    )
    assert client_for(child_user).delete(f"/api/v1/statements/{on_behalf.pk}/").status_code == 403
    assert Statement.objects.count() == 2


def test_a_child_sees_and_downloads_everything_they_said_and_nothing_of_anyone_else(
    child, child_user, other_child, other_child_user, iro
):
    mine = _send(child, child_user, "Mine: football on Saturdays")
    _send(other_child, other_child_user, "Bob's: a different school")

    statement_reply(statement=mine, iro=iro, text="I'll ask your carer.")
    AdvocacyRequest.objects.create(child=child, requested_by=child_user, note="help at my review")
    complaint_make(child=child, by=child_user, words="Mine: my room is cold", channel="web")
    complaint_make(child=other_child, by=other_child_user, words="Bob's: the bus is late", channel="web")

    page = client_for(child_user).get(reverse("accounts:my_data")).content.decode()
    assert "Mine: football on Saturdays" in page and "I&#x27;ll ask your carer." in page
    download = client_for(child_user).get(reverse("accounts:my_data_download"))
    assert download["Content-Disposition"].startswith("attachment;")
    data = json.loads(download.content)
    assert [m["words"] for m in data["messages"]] == ["Mine: football on Saturdays"]
    assert data["messages"][0]["reply"] == "I'll ask your carer."
    assert data["asked_for_an_advocate"][0]["note"] == "help at my review"
    assert [c["words"] for c in data["complaints"]] == ["Mine: my room is cold"]
    assert "Bob" not in download.content.decode()
    assert client_for(child_user).get("/api/v1/me/data/").json()["messages"] == data["messages"]


def test_staff_have_no_subject_access_page_of_their_own(iro, manager):
    for user in (iro, manager):
        assert client_for(user).get(reverse("accounts:my_data")).status_code == 404
        assert client_for(user).get(reverse("accounts:my_data_download")).status_code == 404


def test_privacy_information_is_given_where_a_child_shares(child, child_user, client):
    form = client_for(child_user).get(reverse("feedback:statement_new")).content.decode()
    assert "Who will read this?" in form
    assert "might not be safe" in form
    privacy = client.get(reverse("accounts:privacy"))
    assert privacy.status_code == 200
    assert "We never put your name or your words in a text message" in privacy.content.decode()


def test_high_privacy_defaults(child_user):
    assert child_user.notify_by == "app"  # no texts unless the child chooses them

    assert StatementForm().fields["quote_consent"].initial in (None, False)  # never quoted unless they say so
