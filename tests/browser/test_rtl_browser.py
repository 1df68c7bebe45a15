"""In Chromium at phone size, Arabic and Pashto pages are laid out right to left, and stay on the screen."""

import pytest
from django.urls import reverse

from tests.browser.phone import AXE, ORIGIN, PHONE, axe_violations, phone

pytestmark = pytest.mark.browser

CHILD_PAGES = [
    "feedback:statement_new",
    "feedback:my_statements",
    "feedback:my_preferences",
    "consultations:mine",
    "reviews:my_reviews",
    "reviews:my_advocate",
]

# Where on the screen an element's first line of text starts and ends (its words, not its box).
TEXT_EDGES = """element => {
  const range = document.createRange();
  range.selectNodeContents(element);
  const line = range.getClientRects()[0];
  const box = element.getBoundingClientRect();
  return {textLeft: line.left, textRight: line.right, boxLeft: box.left, boxRight: box.right};
}"""


def _layout(page) -> dict:
    return page.evaluate(
        """() => ({
          dir: document.documentElement.dir,
          direction: getComputedStyle(document.body).direction,
          overflow: document.scrollingElement.scrollWidth - window.innerWidth,
        })"""
    )


@pytest.mark.parametrize("language", ["ar", "ps"])
def test_each_child_page_runs_right_to_left_without_spilling_off_the_screen(browser, child, child_user, language):
    if not AXE.exists():
        pytest.skip("axe-core is not installed (make install runs npm ci)")
    child.preferred_language = language
    child.save(update_fields=["preferred_language"])
    context, page = phone(browser, child_user)
    for name in CHILD_PAGES:
        page.goto(ORIGIN + reverse(name))
        assert _layout(page) == {"dir": "rtl", "direction": "rtl", "overflow": 0}, name
        heading = page.locator("main h1").first.evaluate(TEXT_EDGES)
        # The heading's words sit against the right edge of its box, with the space on their left.
        assert abs(heading["textRight"] - heading["boxRight"]) <= 2, (name, heading)
        assert heading["textLeft"] - heading["boxLeft"] >= 0, (name, heading)
        assert axe_violations(page) == [], (name, language)
    context.close()


def test_the_message_page_mirrors_in_arabic_and_not_in_english(browser, child, child_user):
    context, page = phone(browser, child_user)

    def faces_and_box() -> tuple[list[float], dict]:
        page.goto(ORIGIN + reverse("feedback:statement_new"))
        faces = [box["x"] for box in (face.bounding_box() for face in page.locator("label.feeling").all()) if box]
        text_box = page.locator("textarea").first.evaluate("e => getComputedStyle(e).direction")
        return faces, {"textarea": text_box}

    english_faces, english = faces_and_box()
    child.preferred_language = "ar"
    child.save(update_fields=["preferred_language"])
    context.close()
    context, page = phone(browser, child_user)  # signed in again: the language is read at sign-in
    arabic_faces, arabic = faces_and_box()

    assert len(english_faces) == len(arabic_faces) == 5
    assert english_faces == sorted(english_faces)  # "really bad" on the left, reading left to right
    assert arabic_faces == sorted(arabic_faces, reverse=True)  # and on the right in Arabic
    assert (english, arabic) == ({"textarea": "ltr"}, {"textarea": "rtl"})
    for x in arabic_faces:
        assert 0 <= x <= PHONE["width"] - 44
    context.close()
