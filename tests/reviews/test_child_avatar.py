"""The picture a child chooses: one service for the settings page and the API, shown in their header."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import NotifyBy
from reviews.models import Avatar, Child
from reviews.services import child_set_avatar
from tests.conftest import client_for, problem_fields

FOX_IN_HEADER = 'class="me" href="/my/settings/"><img src="/static/heard/avatars/fox.svg"'


def test_the_service_records_a_picture_and_clears_it(child):
    child_set_avatar(child=child, avatar=Avatar.OWL)
    assert Child.objects.get(pk=child.pk).avatar == "owl"
    child_set_avatar(child=child, avatar="")
    assert Child.objects.get(pk=child.pk).avatar == ""


@pytest.mark.parametrize("bad", ["unicorn", "FOX", "fox ", "../robot", "x" * 40])
def test_the_service_refuses_a_picture_it_does_not_have(child, bad):
    child_set_avatar(child=child, avatar=Avatar.CAT)
    with pytest.raises(ValidationError) as refused:
        child_set_avatar(child=child, avatar=bad)
    assert refused.value.message_dict == {"avatar": ["Choose one of the pictures shown."]}
    assert Child.objects.get(pk=child.pk).avatar == "cat"


def test_every_picture_is_drawn_for_heard(settings):
    for value in Avatar.values:
        drawing = (settings.BASE_DIR / "static" / "heard" / "avatars" / f"{value}.svg").read_text()
        assert drawing.startswith("<svg ") and "Drawn for Heard" in drawing
        assert "http" not in drawing.replace("http://www.w3.org/2000/svg", "")  # nothing fetched from elsewhere


def test_the_settings_page_offers_every_picture_as_a_big_button(child, child_user):
    page = client_for(child_user).get(reverse("feedback:my_preferences")).content.decode()
    for value, label in Avatar.choices:
        assert f'value="{value}"' in page and f"<span>{label}</span>" in page
        assert f"/static/heard/avatars/{value}.svg" in page
    assert page.count('class="avatar-choice"') == len(Avatar.values)
    # No picture yet: "No picture" is the one chosen, and the header asks the child to choose.
    assert '<input type="radio" name="avatar" value="" id="id_avatar_0" checked>' in page
    assert "My settings: choose a picture" in page


def test_the_child_chooses_a_picture_on_the_settings_page_and_sees_it_in_the_header(child, child_user):
    client = client_for(child_user)
    saved = client.post(reverse("feedback:my_preferences"), {"notify_by": NotifyBy.APP, "avatar": "fox"})
    assert saved.status_code == 302
    assert Child.objects.get(pk=child.pk).avatar == "fox"
    for page in ("feedback:my_statements", "feedback:statement_new", "reviews:my_reviews"):
        html = client.get(reverse(page)).content.decode()
        assert FOX_IN_HEADER in html, page
        assert "My settings (my picture: Fox)" in html


def test_an_unknown_picture_is_refused_on_the_page_and_nothing_is_saved(child, child_user):
    child_set_avatar(child=child, avatar=Avatar.BEAR)
    client = client_for(child_user)
    page = client.post(
        reverse("feedback:my_preferences"),
        {"notify_by": NotifyBy.SMS, "avatar": "unicorn", "preferred_language": "pl"},
    )
    assert page.status_code == 400
    assert "Choose one of the pictures shown." in page.content.decode()
    child.refresh_from_db()
    child_user.refresh_from_db()
    assert (child.avatar, child.preferred_language, child_user.notify_by) == ("bear", "", NotifyBy.APP)


def test_an_older_settings_page_without_pictures_keeps_the_one_chosen(child, child_user):
    child_set_avatar(child=child, avatar=Avatar.WHALE)
    saved = client_for(child_user).post(reverse("feedback:my_preferences"), {"notify_by": NotifyBy.APP})
    assert saved.status_code == 302
    assert Child.objects.get(pk=child.pk).avatar == "whale"


def test_the_picture_is_read_once_a_session_not_on_every_page(child, child_user):
    child_set_avatar(child=child, avatar=Avatar.ROBOT)
    client = client_for(child_user)  # noted in the session at sign-in
    assert client.session["heard_child_avatar"] == "robot"
    # Changed behind the session's back (by the API on another phone): this session keeps its copy, no query.
    Child.objects.filter(pk=child.pk).update(avatar="owl")
    assert "/static/heard/avatars/robot.svg" in client.get(reverse("reviews:my_advocate")).content.decode()


def test_staff_pages_have_no_picture_and_keep_their_plain_look(iro):
    page = client_for(iro).get(reverse("feedback:inbox")).content.decode()
    assert 'class="theme-staff"' in page and "theme-child" not in page
    assert 'class="me"' not in page


def test_the_child_chooses_a_picture_through_the_api(child, child_user):
    client = client_for(child_user)
    answer = client.patch("/api/v1/me/", {"avatar": "penguin"}, content_type="application/json")
    assert answer.status_code == 200
    assert answer.json()["avatar"] == "penguin"
    assert Child.objects.get(pk=child.pk).avatar == "penguin"
    assert client.get("/api/v1/me/").json()["avatar"] == "penguin"
    # The web pages of the same session follow at once.
    assert "/static/heard/avatars/penguin.svg" in client.get(reverse("feedback:my_preferences")).content.decode()
    cleared = client.patch("/api/v1/me/", {"avatar": ""}, content_type="application/json")
    assert cleared.json()["avatar"] == ""


@pytest.mark.parametrize("bad", ["unicorn", 7, None, ["fox"], {"name": "fox"}])
def test_the_api_refuses_an_unknown_picture_with_a_clear_problem(child, child_user, bad):
    child_set_avatar(child=child, avatar=Avatar.DRAGON)
    answer = client_for(child_user).patch("/api/v1/me/", {"avatar": bad}, content_type="application/json")
    assert answer.status_code == 400
    assert "avatar" in problem_fields(answer)
    assert Child.objects.get(pk=child.pk).avatar == "dragon"


def test_only_a_child_chooses_a_picture_through_the_api(iro):
    answer = client_for(iro).patch("/api/v1/me/", {"avatar": "fox"}, content_type="application/json")
    assert answer.status_code == 400
    assert problem_fields(answer) == {"avatar": "Only a child chooses a picture here."}
