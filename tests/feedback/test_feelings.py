"""How I feel: an optional face beside a child's words, kept with the statement, shown to the IRO and in the pack."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from feedback.models import Category, Feeling, Statement
from feedback.services import statement_submit
from reviews.models import Review
from tests.conftest import client_for

LONDON = ZoneInfo("Europe/London")


def _write(client, **extra):
    body = {"category": Category.SCHOOL, "body": "Maths is hard.", "idempotency_key": "k1", **extra}
    return client.post(reverse("feedback:statement_new"), body)


def test_a_child_sends_a_face_with_their_words_on_the_web(child, child_user):
    response = _write(client_for(child_user), feeling="2")

    assert response.status_code == 302
    assert Statement.objects.get().feeling == Feeling.NOT_GOOD


@pytest.mark.parametrize("feeling", [None, ""])
def test_no_face_is_fine(child, child_user, feeling):
    extra = {} if feeling is None else {"feeling": feeling}
    response = _write(client_for(child_user), **extra)

    assert response.status_code == 302
    assert Statement.objects.get().feeling is None


@pytest.mark.parametrize("feeling", ["0", "6", "happy", "3.5", "-1", "true"])
def test_a_face_that_is_not_one_of_the_five_is_refused_in_words_for_a_child(child, child_user, feeling):
    response = _write(client_for(child_user), feeling=feeling)

    assert response.status_code == 200
    assert "Choose one of the five faces, or none if you&#x27;d rather not say." in response.content.decode()
    assert not Statement.objects.exists()


@pytest.mark.parametrize("feeling", [0, 6, "3", 3.0, True, "happy"])
def test_the_service_refuses_anything_but_one_to_five_or_none(child, child_user, feeling):
    with pytest.raises(ValidationError) as refused:
        statement_submit(
            author=child_user, child=child, category=Category.SCHOOL, body="hi", channel="web", feeling=feeling
        )
    assert list(refused.value.message_dict) == ["feeling"]
    assert not Statement.objects.exists()


def test_the_database_refuses_a_feeling_outside_the_scale(child, child_user):
    statement, _ = statement_submit(author=child_user, child=child, category=Category.SCHOOL, body="hi", channel="web")
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(feeling=9)


def test_an_advocate_may_give_the_childs_face_or_none(child, advocate):
    client = client_for(advocate)
    url = reverse("feedback:statement_new_on_behalf", args=[child.pk])
    page = client.get(url).content.decode()
    assert "How does the child say they feel?" in page

    for key, feeling in (("a", "4"), ("b", "")):
        sent = client.post(
            url,
            {"category": Category.SCHOOL, "body": f"For them {key}", "consent_given": "on", "idempotency_key": key}
            | ({"feeling": feeling} if feeling else {}),
        )
        assert sent.status_code == 302
    assert dict(Statement.objects.values_list("body", "feeling")) == {"For them a": 4, "For them b": None}
    assert set(Statement.objects.values_list("on_behalf", flat=True)) == {True}


def test_the_form_offers_five_drawn_faces_each_with_its_word_and_read_aloud(child, child_user):
    page = client_for(child_user).get(reverse("feedback:statement_new")).content.decode()

    fieldset = page.split('<fieldset class="feelings"')[1].split("</fieldset>")[0]
    assert "<legend>How do you feel?" in fieldset
    for feeling in Feeling:
        assert f'type="radio" name="feeling" value="{feeling.value}"' in fieldset
        assert f"heard/feelings/feeling-{feeling.value}.svg" in fieldset
        assert f"<span>{feeling.label}</span>" in fieldset
    # The question and every word, for the browser's own speech (static/heard/app.js reads the fieldset;
    # tests/browser/test_read_aloud_browser.py hears it).
    assert 'data-read-aloud="^fieldset"' in fieldset
    assert "checked" not in fieldset  # nothing chosen for the child


def test_the_child_sees_their_face_and_word_with_each_message(child, child_user):
    statement_submit(author=child_user, child=child, category=Category.SCHOOL, body="a", channel="web", feeling=5)
    statement_submit(author=child_user, child=child, category=Category.HEALTH, body="b", channel="web")

    page = client_for(child_user).get(reverse("feedback:my_statements")).content.decode()

    assert page.count("heard/feelings/feeling-") == 1
    assert "feeling-5.svg" in page and "How you felt: <strong>Really good</strong>" in page


def test_the_child_sees_the_word_in_their_language(child, child_user):
    statement_submit(author=child_user, child=child, category=Category.SCHOOL, body="a", channel="web", feeling=1)
    client = client_for(child_user)
    client.cookies["django_language"] = "ar"
    with translation.override("ar"):
        expected = str(Feeling.REALLY_BAD.label)

    page = client.get(reverse("feedback:my_statements"), headers={"Accept-Language": "ar"}).content.decode()

    assert expected != "Really bad" and expected in page


def test_the_iro_sees_the_face_and_word_in_the_inbox_and_on_the_message(child, child_user, iro):
    statement, _ = statement_submit(
        author=child_user, child=child, category=Category.SCHOOL, body="a", channel="web", feeling=2
    )
    client = client_for(iro)

    inbox = client.get(reverse("feedback:inbox")).content.decode()
    detail = client.get(reverse("feedback:statement_detail", args=[statement.pk])).content.decode()

    for page in (inbox, detail):
        assert "feeling-2.svg" in page and "Not good" in page


def test_another_iros_child_does_not_appear(child, child_user, other_child, other_child_user, iro, other_iro):
    statement_submit(author=child_user, child=child, category=Category.SCHOOL, body="mine", channel="web", feeling=1)
    statement_submit(
        author=other_child_user, child=other_child, category=Category.SCHOOL, body="theirs", channel="web", feeling=5
    )

    inbox = client_for(iro).get(reverse("feedback:inbox")).content.decode()

    assert "feeling-1.svg" in inbox and "Really bad" in inbox
    assert "feeling-5.svg" not in inbox and "Really good" not in inbox


def _pack_page(iro, child) -> str:
    review = Review.objects.get(child=child, held_on__isnull=True)
    return client_for(iro).get(reverse("consultations:pack", args=[review.pk])).content.decode()


def test_the_pack_shows_the_childs_feelings_oldest_first_as_a_chart_and_a_table(
    child, child_user, other_child, other_child_user, iro
):
    for day, feeling in ((3, 4), (1, 1), (2, None), (5, 3)):
        with time_machine.travel(datetime(2026, 11, day, 10, tzinfo=LONDON), tick=False):
            statement_submit(
                author=child_user, child=child, category=Category.SCHOOL, body=f"d{day}", channel="web", feeling=feeling
            )
    statement_submit(
        author=other_child_user, child=other_child, category=Category.SCHOOL, body="x", channel="web", feeling=5
    )

    page = _pack_page(iro, child)

    trend = page.split('class="card feelings-trend"')[1].split("</section>")[0]
    assert "<svg" in trend and 'role="img"' in trend and "<script" not in trend
    table = trend.split("<tbody>")[1].split("</tbody>")[0]
    assert [row.split("<td>")[2].split(" (")[0] for row in table.split("<tr>")[1:]] == ["Really bad", "Good", "OK"]
    assert "1 Nov 2026, 10:00" in table and "5 Nov 2026, 10:00" in table and "2 Nov" not in table
    assert "Really good (" not in table  # the other child's
    assert trend.count("<circle") == 3
    assert "Most recent: OK (5 Nov 2026)" in trend


def test_the_pack_without_any_face_says_so(child, child_user, iro):
    statement_submit(author=child_user, child=child, category=Category.SCHOOL, body="a", channel="web")

    page = _pack_page(iro, child)

    assert "has not chosen a face on any message since the last review" in page
    assert "<polyline" not in page
