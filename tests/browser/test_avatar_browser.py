"""In a real Chromium at phone size: a child chooses their picture, and meets their IRO where they write."""

import pytest
from django.test import Client

from accounts.services import user_set_profile
from reviews.models import Child
from tests.accounts.photo_files import small_png
from tests.browser.phone import WORDS_QUESTION

pytestmark = pytest.mark.browser

AMARA_ABOUT = "Hi, I'm Amara. I chair your reviews, and I love baking."


@pytest.fixture
def photos_shared(monkeypatch, settings, tmp_path):
    """One photo directory for this test and the live server (requested before it, so the server sees it)."""
    monkeypatch.setenv("HEARD_PHOTOS_DIR", str(tmp_path / "photos"))
    settings.HEARD_PHOTOS_DIR = tmp_path / "photos"


def _phone(browser, server: str, user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server}])
    return context, context.new_page()


def _box(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["width"], box["height"]


def test_a_child_chooses_a_picture_and_sees_it_in_the_header(
    photos_shared, browser, live_asgi_server, child, child_user
):
    context, page = _phone(browser, live_asgi_server, child_user)
    page.goto(f"{live_asgi_server}/my/settings/")
    assert page.locator("body.theme-child").count() == 1
    pictures = page.locator(".avatar-choice")
    assert pictures.count() == 10
    for index in range(10):
        width, height = _box(pictures.nth(index))
        assert width >= 44 and height >= 44, index
    # Not chosen yet: the header asks for a picture.
    assert "choose-avatar.svg" in page.locator("header .me img").get_attribute("src")

    page.get_by_label("Fox", exact=True).check()
    assert page.locator(".avatar-choice:has(input:checked)").inner_text().strip() == "Fox"
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_asgi_server}/my/messages/")

    header_picture = page.locator("header .me img")
    assert header_picture.get_attribute("src").endswith("/static/heard/avatars/fox.svg")
    assert header_picture.evaluate("img => img.complete && img.naturalWidth > 0")  # drawn, not a broken image
    assert _box(page.locator("header .me")) >= (44, 44)
    assert Child.objects.get(pk=child.pk).avatar == "fox"
    # The settings page opens again with the fox chosen.
    page.goto(f"{live_asgi_server}/my/settings/")
    assert page.get_by_label("Fox", exact=True).is_checked()
    context.close()


def test_where_the_child_writes_they_see_their_iros_name_photo_and_about_me(
    photos_shared, browser, live_asgi_server, child, child_user, iro
):
    user_set_profile(user=iro, first_name="Amara", about_me=AMARA_ABOUT, photo=small_png())
    context, page = _phone(browser, live_asgi_server, child_user)
    page.goto(f"{live_asgi_server}/my/messages/new/")
    card = page.locator(".person-card")
    assert card.get_by_role("heading", name="Amara").is_visible()
    assert card.get_by_text(AMARA_ABOUT).is_visible()
    assert card.get_by_text("Your IRO").is_visible()
    photo = card.locator("img.person-photo")
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")  # served by the guarded view
    assert photo.get_attribute("src").startswith(f"/people/{iro.pk}/photo/")
    # The card sits above the form, within the phone's width.
    width, _ = _box(card)
    assert width <= 390
    assert card.bounding_box()["y"] < page.get_by_label(WORDS_QUESTION).bounding_box()["y"]
    context.close()


CHILD_PAGES = [
    "/my/messages/new/",
    "/my/messages/",
    "/my/settings/",
    "/my/reviews/",
    "/my/advocate/",
    "/my/forms/",
    "/my/data/",
    "/you-said-we-did/",
    "/privacy/",
]
# Every control a child taps; a text box's own label is not one (the box is, and is far bigger).
SMALL_TARGETS = """() => [...document.querySelectorAll(
        'a, button, summary, label, input:not([type=hidden]):not([type=radio]):not([type=checkbox]), textarea, select')]
    .filter(el => el.offsetParent !== null)
    .filter(el => !(el.tagName === 'LABEL' && el.control && el.control.tagName === 'TEXTAREA'))
    .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect()])
    .filter(([, box]) => box.width < 44 || box.height < 44)
    .map(([html]) => html)"""


def test_every_control_on_the_childs_pages_is_at_least_44_px(
    photos_shared, browser, live_asgi_server, child, child_user
):
    context, page = _phone(browser, live_asgi_server, child_user)
    for path in CHILD_PAGES:
        page.goto(f"{live_asgi_server}{path}")
        page.evaluate("() => document.querySelectorAll('details').forEach(details => { details.open = true })")
        assert page.evaluate(SMALL_TARGETS) == [], path
    context.close()
