"""Child-facing pages and forms come in Polish as well as English."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from consultations.models import Invitation
from consultations.schema import localise
from consultations.services import invitations_create_for_review
from reviews.models import Review
from tests.conftest import client_for


def test_a_child_reads_their_form_in_polish(child, child_user):
    review = Review.objects.get(child=child, held_on__isnull=True)
    review.scheduled_for = timezone.localdate() + timedelta(days=10)
    review.save()
    invitations_create_for_review(review=review)
    invitation = Invitation.objects.get(review=review, contact__isnull=True)
    client = client_for(child_user)
    client.post(reverse("set_language"), {"language": "pl", "next": "/"})

    waiting = client.get(reverse("consultations:mine")).content.decode()
    assert "<h2>Twój przegląd: powiedz, co myślisz</h2>" in waiting  # the form's title, in the list too
    page = client.get(reverse("consultations:mine_detail", args=[invitation.pk])).content.decode()
    assert '<html lang="pl">' in page
    assert "Twój przegląd: powiedz, co myślisz" in page  # the form's own words
    assert "Szczęśliwy" in page  # the fixed feelings scale
    assert "Wyślij do mojego IRO" in page  # the page around it
    errors = client.post(reverse("consultations:mine_detail_send", args=[invitation.pk]))
    assert errors.status_code == 400
    assert "Odpowiedz, proszę, na to pytanie." in errors.content.decode()


def test_the_message_page_is_in_polish_when_the_browser_asks(child, child_user):
    page = client_for(child_user).get(reverse("feedback:statement_new"), headers={"Accept-Language": "pl"})
    # "Write a message": Alice's advocate works with her too, so she chooses who reads it.
    assert "Napisz wiadomość" in page.content.decode() and "Kto ma to przeczytać?" in page.content.decode()
    assert "Nie czuję się bezpiecznie" in page.content.decode()


def test_a_form_without_a_translation_stays_in_english():
    schema = {"title": "T", "questions": [{"id": "a", "type": "short_text", "text": "Q"}]}
    assert localise(schema, "pl") is schema
