"""A member of staff's profile for children: first name, "about me" and a photo, checked, cleaned and guarded."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts.models import User
from accounts.photos import PHOTO_MAX_BYTES, PHOTO_SIDE
from accounts.services import user_set_profile
from reviews.services import iro_absence_record
from tests.accounts.photo_files import gps_exif, picture_bytes, small_png
from tests.conftest import client_for

PROFILE = "/staff/profile/"


@pytest.fixture(autouse=True)
def photos_dir(settings, tmp_path):
    settings.HEARD_PHOTOS_DIR = tmp_path / "photos"
    return settings.HEARD_PHOTOS_DIR


def _post(user: User, photo=None, **fields):
    data = {"first_name": "Amara", "about_me": "I like cats.", **fields}
    if photo is not None:
        data["photo"] = photo
    return client_for(user).post(PROFILE, data)


def _saved_image(user: User) -> Image.Image:
    user.refresh_from_db()
    with user.photo.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def test_the_staff_navigation_links_to_my_profile(iro, advocate):
    for person in (iro, advocate):
        assert (
            f'href="{PROFILE}">My profile</a>' in client_for(person).get(reverse("home"), follow=True).content.decode()
        )


def test_an_iro_writes_their_first_name_and_about_me(iro):
    answer = _post(iro, first_name="  Amara ", about_me="I chair your reviews. I love baking.")
    assert answer.status_code == 302
    iro.refresh_from_db()
    assert (iro.first_name, iro.about_me, iro.photo.name) == ("Amara", "I chair your reviews. I love baking.", "")
    page = client_for(iro).get(PROFILE).content.decode()
    assert "How children see you" in page and "I chair your reviews. I love baking." in page


def test_about_me_longer_than_300_characters_is_refused_and_nothing_changes(iro):
    answer = _post(iro, about_me="x" * 301)
    assert answer.status_code == 400
    assert "Keep it to 300 characters or fewer." in answer.content.decode()
    iro.refresh_from_db()
    assert (iro.first_name, iro.about_me) == ("", "")


def test_a_first_name_is_needed(iro):
    answer = _post(iro, first_name=" ")
    assert answer.status_code == 400
    assert "Write the first name children will know you by." in answer.content.decode()


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")]
)
def test_a_photo_is_kept_as_a_fresh_small_jpeg(iro, photos_dir, fmt, content_type):
    upload = SimpleUploadedFile(
        "amara-smith-at-home.x", picture_bytes(fmt, size=(1200, 900)), content_type=content_type
    )
    assert _post(iro, photo=upload).status_code == 302
    image = _saved_image(iro)
    assert image.format == "JPEG"
    assert max(image.size) == PHOTO_SIDE and image.size == (400, 300)
    # A new name of Heard's own (the uploaded one might carry a person's name), in the private directory only.
    assert "amara" not in iro.photo.name and iro.photo.name.endswith(".jpg")
    assert [path.name for path in photos_dir.iterdir()] == [iro.photo.name]


def test_camera_details_and_location_are_removed(iro):
    original = picture_bytes("JPEG", exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif()  # the file did carry them
    upload = SimpleUploadedFile("me.jpg", original, content_type="image/jpeg")
    assert _post(iro, photo=upload).status_code == 302
    image = _saved_image(iro)
    assert not image.getexif()
    assert not image.info.get("exif") and not image.info.get("icc_profile")
    with iro.photo.open("rb") as handle:
        stored = handle.read()
    assert b"Secret Phone" not in stored and b"PhoneMaker" not in stored


NOT_A_PHOTO = "Choose a photo saved as JPEG, PNG or WebP."


@pytest.mark.parametrize(
    ("name", "content", "content_type", "error"),
    [
        ("me.png", b"this is not a picture at all", "image/png", NOT_A_PHOTO),
        ("me.jpg", b"%PDF-1.4 a document", "image/jpeg", NOT_A_PHOTO),
        ("me.gif", picture_bytes("GIF"), "image/gif", NOT_A_PHOTO),
        ("me.png", picture_bytes("PNG")[:60], "image/png", NOT_A_PHOTO),  # cut short
        ("me.png", b"", "image/png", "The submitted file is empty."),
    ],
)
def test_a_file_that_is_not_a_usable_photo_gets_a_clear_error_and_the_old_photo_stays(
    iro, name, content, content_type, error
):
    user_set_profile(user=iro, first_name="Amara", about_me="", photo=small_png())
    before = iro.photo.name
    answer = _post(iro, photo=SimpleUploadedFile(name, content, content_type=content_type), about_me="Changed")
    assert answer.status_code == 400
    assert error in answer.content.decode()
    iro.refresh_from_db()
    assert (iro.photo.name, iro.about_me) == (before, "")


def test_a_photo_over_5_mb_is_refused(iro):
    too_big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * PHOTO_MAX_BYTES, content_type="image/png")
    answer = _post(iro, photo=too_big)
    assert answer.status_code == 400
    assert "That photo is too big: choose one under 5 MB." in answer.content.decode()
    iro.refresh_from_db()
    assert not iro.photo


def test_a_picture_claiming_enormous_dimensions_is_refused_before_it_is_decoded(iro):
    bomb = SimpleUploadedFile("bomb.png", picture_bytes("PNG", size=(10000, 5000)), content_type="image/png")
    answer = _post(iro, photo=bomb)
    assert answer.status_code == 400
    assert "That photo is too large to use: choose a smaller one." in answer.content.decode()


def test_a_new_photo_replaces_the_old_file_and_removing_it_deletes_it(
    iro, photos_dir, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user_set_profile(user=iro, first_name="Amara", about_me="", photo=small_png())
    first = iro.photo.name
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(iro, photo=small_png()).status_code == 302
    iro.refresh_from_db()
    assert iro.photo.name != first
    assert [path.name for path in photos_dir.iterdir()] == [iro.photo.name]
    with django_capture_on_commit_callbacks(execute=True):
        assert _post(iro, remove_photo="on").status_code == 302
    iro.refresh_from_db()
    assert not iro.photo
    assert list(photos_dir.iterdir()) == []


def test_children_and_the_cicc_have_no_profile_page(child_user, cicc):
    for person in (child_user, cicc):
        assert client_for(person).get(PROFILE).status_code == 404
        assert client_for(person).post(PROFILE, {"first_name": "X"}).status_code == 404


def _photo(viewer: User | None, person: User):
    return client_for(viewer).get(reverse("accounts:person_photo", args=[person.pk]))


def test_the_photo_is_served_to_the_iros_own_child_and_staff_only(
    child, child_user, other_child, other_child_user, iro, manager, cicc
):
    user_set_profile(user=iro, first_name="Amara", about_me="", photo=small_png())
    for viewer in (child_user, iro, manager):
        answer = _photo(viewer, iro)
        assert answer.status_code == 200
        assert answer["Content-Type"] == "image/jpeg"
        assert "private" in answer["Cache-Control"]
        assert Image.open(io.BytesIO(b"".join(answer.streaming_content))).format == "JPEG"
    for viewer in (other_child_user, cicc):
        assert _photo(viewer, iro).status_code == 404
    assert _photo(None, iro).status_code == 302  # sign in first


@pytest.mark.usefixtures("pinned_clock")
def test_a_child_sees_their_advocates_photo_and_their_cover_iros_while_covering(child, child_user, iro, other_iro):
    advocate = child.advocate_assignments.get().advocate
    user_set_profile(user=advocate, first_name="Riley", about_me="", photo=small_png())
    user_set_profile(user=other_iro, first_name="Ben", about_me="", photo=small_png())
    assert _photo(child_user, advocate).status_code == 200
    assert _photo(child_user, other_iro).status_code == 404
    # Ben covers Amara this week (the pinned day is 23 November 2026): Alice's words go to him, so she may see him.
    iro_absence_record(iro=iro, starts_on=date(2026, 11, 23), ends_on=date(2026, 11, 27), cover_iro=other_iro)
    assert _photo(child_user, other_iro).status_code == 200


def test_no_photo_and_no_such_person_are_404_alike(child_user, iro):
    assert _photo(child_user, iro).status_code == 404
    assert client_for(child_user).get("/people/999999/photo/").status_code == 404
    # A child is never shown through this view, whoever asks.
    assert _photo(iro, child_user).status_code == 404


def test_a_photo_is_never_under_a_public_url(iro, settings):
    user_set_profile(user=iro, first_name="Amara", about_me="", photo=small_png())
    assert iro.photo_url.startswith(f"/people/{iro.pk}/photo/?v=")
    assert not str(settings.HEARD_PHOTOS_DIR).startswith(str(settings.STATIC_ROOT))
    assert client_for(iro).get(f"/static/{iro.photo.name}").status_code == 404
