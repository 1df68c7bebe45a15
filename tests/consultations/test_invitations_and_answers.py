"""Invitations before each review, the links they carry, and answering by link, signed in or with an adult."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail, signing
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from consultations.models import ChildContact, EntryMode, Invitation, Response
from consultations.services import invitations_create_for_review, invitations_due, response_submit
from reviews.models import Review
from sms.models import OutboundMessage, Purpose
from sms.transport import ConsoleTransport
from tests.conftest import client_for, make_child

# The review is booked for a fixed day; its links stop working after it.
pytestmark = pytest.mark.usefixtures("pinned_clock")

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def review(child):
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = date(2027, 1, 6)  # a Wednesday after Christmas and New Year
    review.save()
    return review


@pytest.fixture
def adults(child):
    return [
        ChildContact.objects.create(child=child, role="carer", name="Pat Carer", email="pat@example.org"),
        ChildContact.objects.create(
            child=child, role="parent", name="Sam Parent", phone="+447700900301", channel="sms"
        ),
        ChildContact.objects.create(
            child=child, role="professional", name="Jo Social", relationship="social worker", email="jo@example.org"
        ),
    ]


def _links(django_capture_on_commit_callbacks, review):
    """Create the review's invitations and return each recipient's link, read from what was sent."""
    with django_capture_on_commit_callbacks(execute=True):
        invitations_create_for_review(review=review)
    found = {}
    for to, body in ConsoleTransport.sent:
        found[to] = re.search(r"(https?://\S+/c/\S+/)", body).group(1)
    for message in mail.outbox:
        found[message.to[0]] = re.search(r"(https?://\S+/c/\S+/)", message.body).group(1)
    return {key: value.split("127.0.0.1:8000")[-1] for key, value in found.items()}


@pytest.mark.parametrize(
    ("today", "invited"),
    [
        (date(2026, 12, 17), False),  # 11 working days before 6 Jan 2027
        (date(2026, 12, 18), True),  # 10 working days before, skipping 25, 28 Dec (Boxing Day's substitute) and 1 Jan
        (date(2027, 1, 6), True),  # still in time on the day
    ],
)
def test_invitations_go_out_ten_working_days_before_across_bank_holidays(review, adults, today, invited):
    created, _ = invitations_due(today=today)
    assert (created == 4) is invited
    assert Invitation.objects.filter(review=review).count() == (4 if invited else 0)
    invitations_due(today=today)
    assert Invitation.objects.filter(review=review).count() == (4 if invited else 0)  # never twice


def test_each_gets_the_right_form_by_their_channel_and_nothing_about_the_child_in_links_or_texts(
    review, adults, child, child_user, django_capture_on_commit_callbacks
):
    links = _links(django_capture_on_commit_callbacks, review)
    invitations = {i.audience: i for i in Invitation.objects.filter(review=review)}
    assert invitations["young_12_15"].channel == "sms"  # Alice is 14 on the day and has a phone
    assert (invitations["carer"].channel, invitations["parent"].channel) == ("email", "sms")
    assert set(links) == {child_user.phone, "+447700900301", "pat@example.org", "jo@example.org"}
    for link in links.values():
        assert child.case_reference not in link and "alice" not in link.lower()
    for _, body in ConsoleTransport.sent:
        assert "review" not in body.lower() and "care" not in body.lower() and "HRD" not in body
    # Only a hash of each token is stored.
    for link in links.values():
        token = link.rstrip("/").split("/")[-1]
        assert not Invitation.objects.filter(token_hash=token).exists()


def test_a_link_works_once_then_says_so_kindly(review, adults, django_capture_on_commit_callbacks, client):
    link = _links(django_capture_on_commit_callbacks, review)["pat@example.org"]
    page = client.get(link)
    assert page.status_code == 200 and "Your views before the child" in page.content.decode()

    sent = client.post(link + "send/", {"q_progress": "Settled well.", "q_plan_working": "yes"})
    assert sent.status_code == 200 and "Thank you" in sent.content.decode()
    assert client.post(link + "send/", {"q_progress": "Changed my mind."}).status_code == 410
    assert client.post(link + "save/", {"q_progress": "Changed my mind."}).status_code == 410
    again = client.get(link)
    assert again.status_code == 410
    assert "already sent your answers" in again.content.decode()
    assert "tell your IRO" in again.content.decode()


def test_an_expired_link_says_so_kindly(review, adults, django_capture_on_commit_callbacks, client):
    link = _links(django_capture_on_commit_callbacks, review)["pat@example.org"]
    with time_machine.travel(datetime(2027, 1, 7, 9, tzinfo=LONDON)):
        response = client.get(link)
    assert response.status_code == 410
    assert "run out" in response.content.decode()


@pytest.mark.parametrize("mangle", [lambda t: t[:-3] + "abc", lambda t: "nonsense", lambda t: t + "x"])
def test_a_made_up_or_altered_link_opens_nothing(review, adults, django_capture_on_commit_callbacks, client, mangle):
    link = _links(django_capture_on_commit_callbacks, review)["pat@example.org"]
    token = link.rstrip("/").split("/")[-1]
    response = client.get(reverse("consultations:by_link", args=[mangle(token)]))
    assert response.status_code == 404
    assert "We don't recognise this link" in response.content.decode()


def test_one_childs_link_never_opens_another_childs_form(
    review, adults, other_child, django_capture_on_commit_callbacks, client
):
    link = _links(django_capture_on_commit_callbacks, review)["pat@example.org"]
    other_review = Review.objects.get(child=other_child, held_on__isnull=True)
    invitations_create_for_review(review=other_review)
    token = link.rstrip("/").split("/")[-1]

    data = signing.loads(token, salt="heard.consultation-link")
    other_invitation = Invitation.objects.filter(review=other_review).first()
    forged = signing.dumps({"i": other_invitation.pk, "n": data["n"]}, salt="heard.consultation-link", compress=True)
    assert client.get(reverse("consultations:by_link", args=[forged])).status_code == 404


def test_drafts_are_kept_and_sending_twice_stores_once(review, adults, django_capture_on_commit_callbacks, client):
    link = _links(django_capture_on_commit_callbacks, review)["jo@example.org"]
    saved = client.post(link + "save/", {"q_role": "Social worker, Heard LA"}, follow=True)
    assert saved.redirect_chain == [(link, 302)]
    assert "Saved" in saved.content.decode()
    assert 'value="Social worker, Heard LA"' in saved.content.decode()
    incomplete = client.post(link + "send/", {"q_role": "Social worker, Heard LA"})
    assert incomplete.status_code == 400
    assert "Please answer this question." in incomplete.content.decode()
    assert Response.objects.get().submitted_at is None

    sent = client.post(link + "send/", {"q_role": "Social worker", "q_progress": "Good progress"})
    assert sent.status_code == 200
    invitation = Invitation.objects.get(contact__email="jo@example.org")
    response, created = response_submit(invitation=invitation, answers={"q_progress": "changed"})
    assert created is False
    assert response.answers["progress"] == "Good progress"
    assert Response.objects.filter(submitted_at__isnull=False).count() == 1


def test_autosave_answers_in_json(review, adults, django_capture_on_commit_callbacks, client):
    link = _links(django_capture_on_commit_callbacks, review)["jo@example.org"]
    ok = client.post(link + "save/", {"q_role": "SW"}, headers={"X-Requested-With": "fetch"})
    assert (ok.status_code, ok.json()) == (200, {"saved": True})
    bad = client.post(link + "save/", {"q_role": "x" * 500}, headers={"X-Requested-With": "fetch"})
    assert bad.status_code == 400
    assert "under 200 characters" in bad.json()["errors"]["role"]


def test_a_child_fills_in_their_form_signed_in(review, child_user, django_capture_on_commit_callbacks):
    _links(django_capture_on_commit_callbacks, review)
    invitation = Invitation.objects.get(review=review, contact__isnull=True)
    client = client_for(child_user)
    assert invitation.version.schema["title"] in client.get(reverse("consultations:mine")).content.decode()
    url = reverse("consultations:mine_detail_send", args=[invitation.pk])
    response = client.post(url, {"q_home_feeling": "happy", "q_chairing": "co_chair"})
    assert response.status_code == 200
    saved = Response.objects.get(invitation=invitation)
    assert (saved.entered_by, saved.entry_mode, saved.answers["chairing"]) == (child_user, "own_words", "co_chair")
    assert saved.version == invitation.version


def test_a_form_is_read_with_get_and_saved_or_sent_by_a_post_of_its_own(
    review, child_user, other_child_user, django_capture_on_commit_callbacks
):
    _links(django_capture_on_commit_callbacks, review)
    invitation = Invitation.objects.get(review=review, contact__isnull=True)
    page_url = reverse("consultations:mine_detail", args=[invitation.pk])
    save_url = reverse("consultations:mine_detail_save", args=[invitation.pk])
    send_url = reverse("consultations:mine_detail_send", args=[invitation.pk])
    client = client_for(child_user)
    page = client.get(page_url).content.decode()
    assert f'action="{send_url}" data-save-url="{save_url}"' in page
    assert f'formaction="{save_url}"' in page
    assert client.post(page_url, {"q_home_feeling": "happy"}).status_code == 405
    assert client.get(send_url).status_code == 405
    assert client.get(save_url).status_code == 405
    assert client_for(other_child_user).post(save_url, {"q_home_feeling": "happy"}).status_code == 404
    assert client_for(other_child_user).post(send_url, {"q_home_feeling": "happy"}).status_code == 404
    assert not Response.objects.exists()

    saved = client.post(save_url, {"q_home_feeling": "happy"})
    assert (saved.status_code, saved["Location"]) == (302, page_url)
    assert Response.objects.get().answers == {"home_feeling": "happy"}
    assert client.post(send_url, {"q_home_feeling": "happy", "q_chairing": "co_chair"}).status_code == 200
    assert Response.objects.get().submitted_at is not None
    for url in (page_url, save_url, send_url):
        used = client.get(url) if url == page_url else client.post(url, {"q_home_feeling": "sad"})
        assert used.status_code == 410
    assert Response.objects.get().answers["home_feeling"] == "happy"


def test_an_advocate_fills_it_in_with_the_child_recording_how_and_consent(
    review, child, advocate, other_advocate, django_capture_on_commit_callbacks
):
    _links(django_capture_on_commit_callbacks, review)
    invitation = Invitation.objects.get(review=review, contact__isnull=True)
    url = reverse("consultations:on_behalf_send", args=[invitation.pk])
    assert client_for(other_advocate).get(reverse("consultations:on_behalf", args=[invitation.pk])).status_code == 404

    answers = {"q_home_feeling": "ok", "entry_mode": EntryMode.HELPED}
    refused = client_for(advocate).post(url, answers)
    assert refused.status_code == 400
    assert "Record that the child agreed" in refused.content.decode()
    done = client_for(advocate).post(url, {**answers, "consent_given": "on"})
    assert done.status_code == 200
    saved = Response.objects.get(invitation=invitation)
    assert (saved.entered_by, saved.entry_mode, saved.consent_given) == (advocate, "helped", True)


def test_the_one_reminder_has_a_fresh_link_and_the_old_one_stops(
    review, adults, django_capture_on_commit_callbacks, client
):
    links = _links(django_capture_on_commit_callbacks, review)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _, reminded = invitations_due(today=date(2026, 12, 30))
        invitations_due(today=date(2026, 12, 31))
    assert reminded == 4
    assert Invitation.objects.filter(reminded_at__isnull=False).count() == 4
    assert OutboundMessage.objects.filter(purpose=Purpose.REMINDER).count() == 2
    new_link = re.search(r"(/c/\S+/)", next(m for m in mail.outbox if m.to == ["pat@example.org"]).body).group(1)
    assert client.get(links["pat@example.org"]).status_code == 404
    assert client.get(new_link).status_code == 200


def test_a_child_under_four_is_not_sent_a_form_but_the_adults_are(db, iro, django_capture_on_commit_callbacks):
    baby = make_child("HRD0800", born=date(2024, 6, 1), looked_after=date(2025, 9, 1))
    ChildContact.objects.create(child=baby, role="carer", name="Pat", email="pat@example.org")
    review = Review.objects.get(child=baby)
    with django_capture_on_commit_callbacks(execute=True):
        invitations = invitations_create_for_review(review=review)
    assert [i.audience for i in invitations] == ["carer"]


def test_a_contact_without_a_way_to_reach_them_cannot_be_saved(child):
    with pytest.raises(IntegrityError), transaction.atomic():
        ChildContact.objects.create(child=child, role="carer", name="Nobody", channel="email")


def test_a_late_review_date_moves_nothing_already_sent(review, adults, django_capture_on_commit_callbacks):
    _links(django_capture_on_commit_callbacks, review)
    review.scheduled_for = review.scheduled_for + timedelta(days=7)
    review.save()
    assert invitations_create_for_review(review=review) == []


def test_a_review_booked_at_short_notice_gets_its_invitations_but_no_reminder_on_top(
    review, adults, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2027, 1, 4, 9, tzinfo=LONDON)):
        invited, reminded = invitations_due(today=date(2027, 1, 4))
    assert (invited, reminded) == (4, 0)


def test_a_childs_form_opened_by_link_wears_the_childrens_look_and_an_adults_does_not(
    review, adults, child_user, django_capture_on_commit_callbacks
):
    links = _links(django_capture_on_commit_callbacks, review)
    childs = Client().get(links[child_user.phone]).content.decode()
    carers = Client().get(links["pat@example.org"]).content.decode()
    assert 'class="theme-child"' in childs
    assert 'class="theme-staff"' in carers and "theme-child" not in carers
