"""The child meets their IRO and advocate as people: a name, a photo (or a drawing) and their own words."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.services import user_set_profile
from tests.accounts.photo_files import small_png
from tests.conftest import app_token, client_for

AMARA_ABOUT = "Hi, I'm Amara. I chair your reviews and I read every message you send me."
RILEY_ABOUT = "I'm Riley: I'm on your side, and I can speak for you."
PLACEHOLDER = "/static/heard/art/person-placeholder.svg"


@pytest.fixture
def people(child, iro, advocate, settings, tmp_path):
    settings.HEARD_PHOTOS_DIR = tmp_path
    user_set_profile(user=iro, first_name="Amara", about_me=AMARA_ABOUT, photo=small_png())
    user_set_profile(user=advocate, first_name="Riley", about_me=RILEY_ABOUT)
    return iro, advocate


def _card(html: str, person) -> str:
    start = html.index(f'aria-labelledby="person-{person.pk}-name"')
    return html[start : html.index("</section>", start)]


def test_where_the_child_writes_they_see_their_iros_name_photo_and_about_me(people, child_user):
    iro, _ = people
    html = client_for(child_user).get(reverse("feedback:statement_new")).content.decode()
    card = _card(html, iro)
    assert "Your IRO" in card and ">Amara</h2>" in card
    assert AMARA_ABOUT.replace("'", "&#x27;") in card
    assert f'src="{iro.photo_url}"' in card and PLACEHOLDER not in card
    assert "/static/heard/art/write-hero.svg" in html


def test_my_reviews_names_the_iro_as_a_person(people, child_user):
    iro, _ = people
    html = client_for(child_user).get(reverse("reviews:my_reviews")).content.decode()
    assert ">Amara</h2>" in _card(html, iro)
    # Nothing written yet: a friendly drawing says so.
    assert "/static/heard/art/nothing-due.svg" in html


def test_the_advocate_page_shows_the_advocate_with_a_drawing_when_they_have_no_photo(people, child_user):
    _, advocate = people
    html = client_for(child_user).get(reverse("reviews:my_advocate")).content.decode()
    card = _card(html, advocate)
    assert "Your advocate" in card and ">Riley</h2>" in card and "on your side" in card
    assert PLACEHOLDER in card


def test_the_card_speaks_the_childs_language(people, child_user, child):
    child.preferred_language = "pl"
    child.save()
    html = client_for(child_user).get(reverse("feedback:statement_new")).content.decode()
    assert "Twój IRO" in _card(html, people[0])


def test_a_child_with_no_iro_yet_sees_no_card(child_user, child):
    child.iro_allocations.update(ended_on="2025-10-01")
    html = client_for(child_user).get(reverse("feedback:statement_new")).content.decode()
    assert "person-card" not in html


def test_another_childs_iro_is_not_shown(people, other_child, other_child_user):
    html = client_for(other_child_user).get(reverse("feedback:statement_new")).content.decode()
    assert AMARA_ABOUT.replace("'", "&#x27;") not in html and "Amara" not in html


def test_the_api_gives_the_iro_and_advocate_as_people_with_a_guarded_photo_link(people, child_user, other_child_user):
    iro, _ = people
    client = client_for(child_user)
    me = client.get("/api/v1/me/").json()
    assert me["iro"]["first_name"] == "Amara" and me["iro"]["about_me"] == AMARA_ABOUT
    version = iro.photo_url.partition("?")[2]
    assert me["iro"]["photo_url"] == f"http://testserver/api/v1/people/{iro.pk}/photo/?{version}"
    assert me["advocates"] == [{"first_name": "Riley", "about_me": RILEY_ABOUT, "photo_url": ""}]
    # The link works for this child, and for no other.
    assert client.get(me["iro"]["photo_url"]).status_code == 200
    assert client_for(other_child_user).get(me["iro"]["photo_url"]).status_code == 404


def test_the_app_fetches_the_photo_with_its_own_session_token(people, child_user, other_child_user, advocate):
    token = app_token(child_user.username)
    me = Client().get("/api/v1/me/", headers={"X-Session-Token": token}).json()
    photo = Client().get(me["iro"]["photo_url"], headers={"X-Session-Token": token})
    assert (photo.status_code, photo["Content-Type"]) == (200, "image/jpeg")
    assert b"".join(photo.streaming_content)[:2] == b"\xff\xd8"  # a JPEG
    assert photo["Cache-Control"] == "private, no-store"  # phones are shared: the app keeps nothing
    other = Client().get(me["iro"]["photo_url"], headers={"X-Session-Token": app_token(other_child_user.username)})
    assert other.status_code == 404 and other["Content-Type"] == "application/problem+json"
    assert Client().get(me["iro"]["photo_url"]).status_code == 401  # not signed in
    no_photo = Client().get(f"/api/v1/people/{advocate.pk}/photo/", headers={"X-Session-Token": token})
    assert no_photo.status_code == 404  # her advocate, who has no photo


def test_staff_get_no_iro_or_advocates_in_their_profile(iro):
    me = client_for(iro).get("/api/v1/me/").json()
    assert (me["iro"], me["advocates"], me["avatar"]) == (None, [], "")
