"""The child chooses who hears (issue #18): routing by choice, the gates, alerts to the IRO and social worker."""

import json
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from feedback.models import AlertEvent, AlertEventKind, Category, Recipient, Statement
from feedback.services import reply_post, statement_submit
from reviews.models import WorkerAllocation, WorkerKind
from reviews.services import worker_allocate
from tests.conftest import client_for, make_user, problem_fields

pytestmark = pytest.mark.usefixtures("pinned_clock")

URL = "/api/v1/statements/"
WORDS = "Only the people I chose may read this: I want to see my nan at Christmas."


@pytest.fixture
def social_worker(db, child):
    worker = make_user("sam", Role.SOCIAL_WORKER, email="sam@council.example", first_name="Sam")
    WorkerAllocation.objects.create(
        child=child, worker=worker, kind=WorkerKind.SOCIAL_WORKER, allocated_on=date(2026, 1, 5)
    )
    return worker


@pytest.fixture
def personal_adviser(db, child):
    adviser = make_user("pat", Role.PERSONAL_ADVISER, email="pat@council.example", first_name="Pat")
    child.date_of_birth = date(2009, 5, 17)  # a personal adviser is for young people from 16
    child.save(update_fields=["date_of_birth"])
    worker_allocate(child=child, worker=adviser, kind=WorkerKind.PERSONAL_ADVISER, on=date(2026, 3, 2))
    return adviser


@pytest.fixture
def other_social_worker(db):
    return make_user("sol", Role.SOCIAL_WORKER, email="sol@council.example")


def _send(user, body, **extra):
    return client_for(user).post(
        URL, json.dumps({"category": Category.WHERE_I_LIVE, "body": body, **extra}), content_type="application/json"
    )


def _reads(user, statement) -> tuple[int, int]:
    """What this user gets for the statement: the API's status and the web page's."""
    api = client_for(user).get(f"{URL}{statement.pk}/").status_code
    page = client_for(user).get(reverse("feedback:statement_detail", args=[statement.pk])).status_code
    return api, page


def test_a_message_for_the_social_worker_only_is_theirs_and_the_iro_gets_404(
    child_user, iro, manager, social_worker, personal_adviser, other_social_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(child_user, WORDS, recipients=[Recipient.SOCIAL_WORKER])

    assert response.status_code == 201, response.content
    assert response.json()["recipients"] == ["social_worker"]
    statement = Statement.objects.get()
    assert (statement.for_iro, statement.for_social_worker, statement.routed_to) == (False, True, None)
    assert _reads(social_worker, statement) == (200, 200)
    assert _reads(manager, statement) == (200, 200)
    # Not chosen, or not this child's: as if it did not exist.
    assert _reads(iro, statement) == (404, 404)
    assert _reads(personal_adviser, statement) == (404, 404)
    assert _reads(other_social_worker, statement) == (404, 404)
    assert WORDS not in client_for(iro).get(reverse("feedback:inbox")).content.decode()
    assert client_for(iro).get(URL).json()["results"] == []
    # The social worker's own inbox lists it, and they were told by email (no words in it).
    inbox = client_for(social_worker).get(reverse("feedback:inbox")).content.decode()
    assert reverse("feedback:statement_detail", args=[statement.pk]) in inbox
    assert [m.to for m in mail.outbox] == [["sam@council.example"]]
    assert WORDS not in mail.outbox[0].body


def test_everyone_who_works_with_me_reaches_each_of_them(
    child_user, iro, advocate, social_worker, personal_adviser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(child_user, WORDS, recipients=["everyone"])

    assert response.status_code == 201, response.content
    statement = Statement.objects.get()
    assert statement.recipients == ["iro", "social_worker", "personal_adviser", "advocate"]
    for reader in (iro, social_worker, personal_adviser):
        assert _reads(reader, statement) == (200, 200), reader
    assert client_for(advocate).get(f"{URL}{statement.pk}/").status_code == 200
    assert sorted(to for m in mail.outbox for to in m.to) == sorted(
        [iro.email, "sam@council.example", "pat@council.example", advocate.email]
    )


def test_the_access_ends_with_the_allocation(child_user, social_worker):
    _send(child_user, WORDS, recipients=[Recipient.SOCIAL_WORKER])
    statement = Statement.objects.get()
    assert _reads(social_worker, statement) == (200, 200)

    WorkerAllocation.objects.filter(worker=social_worker).update(ended_on=date(2026, 11, 30))

    assert _reads(social_worker, statement) == (404, 404)


def test_a_reader_the_child_does_not_have_is_refused_clearly_and_nothing_is_stored(child_user, social_worker):
    response = _send(child_user, WORDS, recipients=[Recipient.PERSONAL_ADVISER])

    assert response.status_code == 400
    assert "Choose from the people offered" in problem_fields(response)["recipients"]
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    "recipients", [[], ["boss"], "social_worker", [1], [None], {"social_worker": True}, ["iro"] * 9]
)
def test_bad_recipients_get_a_clear_error_not_a_500(child_user, social_worker, recipients):
    response = _send(child_user, WORDS, recipients=recipients)

    assert response.status_code == 400, response.content
    assert any(name.startswith("recipients") for name in problem_fields(response))
    assert not Statement.objects.exists()


def test_urgent_words_reach_the_iro_and_social_worker_whoever_the_child_chose(
    child_user, iro, social_worker, personal_adviser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(child_user, "He hits me when I get home.", recipients=[Recipient.PERSONAL_ADVISER])

    assert response.status_code == 201, response.content
    statement = Statement.objects.get()
    assert statement.is_urgent and statement.routed_to == iro
    for reader in (iro, social_worker, personal_adviser):
        assert _reads(reader, statement) == (200, 200), reader
    assert client_for(social_worker).get(reverse("feedback:alert_detail", args=[statement.alert.pk])).status_code == 200
    told = set(AlertEvent.objects.filter(kind=AlertEventKind.NOTIFIED).values_list("recipient__username", flat=True))
    assert {"sam", iro.username} <= told
    # The social worker may take charge of it as the IRO may.
    taken = client_for(social_worker).post(reverse("feedback:alert_acknowledge", args=[statement.alert.pk]))
    assert taken.status_code == 302
    statement.alert.refresh_from_db()
    assert statement.alert.acknowledged_by == social_worker


def test_words_in_a_reply_that_raise_an_alert_open_the_message_to_the_iro(child, child_user, iro, social_worker):
    statement, _ = statement_submit(
        author=child_user, child=child, category="school", body=WORDS, channel="web", recipients=["social_worker"]
    )
    assert _reads(iro, statement) == (404, 404)

    reply_post(statement=statement, author=child_user, body="I want to kill myself")

    assert _reads(iro, statement) == (200, 200)


def test_the_social_worker_reads_and_replies_and_the_child_sees_it(child, child_user, iro, social_worker):
    statement, _ = statement_submit(
        author=child_user, child=child, category="school", body=WORDS, channel="web", recipients=["social_worker"]
    )
    sw = client_for(social_worker)
    sw.get(reverse("feedback:statement_detail", args=[statement.pk]))
    answered = sw.post(reverse("feedback:statement_reply", args=[statement.pk]), {"reply": "I'll ask your nan."})

    assert answered.status_code == 302
    statement.refresh_from_db()
    assert (statement.read_by, statement.reply) == (social_worker, "I'll ask your nan.")
    page = client_for(child_user).get(reverse("feedback:my_statement", args=[statement.pk])).content.decode()
    assert "I&#x27;ll ask your nan." in page and "Sam" in page
    # The IRO, not chosen, may not answer in this conversation.
    assert (
        client_for(iro).post(reverse("feedback:statement_reply", args=[statement.pk]), {"reply": "x"}).status_code
        == 404
    )


def test_the_child_chooses_on_the_page_when_someone_besides_the_iro_works_with_them(child_user, social_worker):
    child_page = client_for(child_user)
    page = child_page.get(reverse("feedback:statement_new")).content.decode()
    assert "Who should read this?" in page and "My social worker: Sam" in page and "Everyone who works with me" in page

    sent = child_page.post(
        reverse("feedback:statement_new"),
        {"category": "school", "body": WORDS, "recipients": ["social_worker"], "recipients_offered": "1"},
    )

    assert sent.status_code == 302
    statement = Statement.objects.get()
    assert statement.recipients == ["social_worker"]


def test_unticking_everyone_on_the_page_is_refused_with_the_words_kept(child_user, social_worker):
    response = client_for(child_user).post(
        reverse("feedback:statement_new"), {"category": "school", "body": WORDS, "recipients_offered": "1"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose who should read your message." in page and "nan at Christmas" in page
    assert not Statement.objects.exists()


def test_a_child_with_only_an_iro_is_not_asked(other_child, other_child_user):
    page = client_for(other_child_user).get(reverse("feedback:statement_new")).content.decode()
    assert "Who will read this?" in page and "Your IRO, and their manager if needed." in page
    assert 'name="recipients"' not in page and "Who should read this?" not in page


def test_a_message_for_the_advocate_is_on_their_page_and_not_the_iros(child, child_user, iro, advocate, other_advocate):
    _send(child_user, WORDS, recipients=[Recipient.ADVOCATE])

    page = client_for(advocate).get(reverse("feedback:advocacy")).content.decode()
    assert "nan at Christmas" in page and "the child sent it to you" in page
    assert "nan at Christmas" not in client_for(other_advocate).get(reverse("feedback:advocacy")).content.decode()
    assert _reads(iro, Statement.objects.get()) == (404, 404)
