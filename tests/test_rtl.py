"""Arabic and Pashto pages run right to left; every other language left to right."""

import pytest
from django.urls import reverse

from tests.conftest import client_for

# The <html> tag a child's page opens with, in each shipped language.
HTML_TAG = {
    "en-gb": '<html lang="en-gb">',
    "pl": '<html lang="pl">',
    "cy": '<html lang="cy">',
    "ar": '<html lang="ar" dir="rtl">',
    "ps": '<html lang="ps" dir="rtl">',
    "ti": '<html lang="ti">',
    "uk": '<html lang="uk">',
}


def test_an_arabic_child_page_runs_right_to_left(child, child_user):
    client = client_for(child_user)
    client.post(reverse("set_language"), {"language": "ar", "next": "/"})
    page = client.get(reverse("feedback:statement_new")).content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    # "Write a message" (Alice's advocate works with her too, so she chooses who reads it): in Arabic.
    assert "اكتب رسالة" in page


@pytest.mark.parametrize(("language", "html_tag"), HTML_TAG.items())
def test_each_language_sets_its_direction_when_the_browser_asks(child, child_user, language, html_tag):
    page = client_for(child_user).get(reverse("feedback:my_statements"), headers={"Accept-Language": language})
    assert html_tag in page.content.decode()


def test_every_shipped_language_has_an_expected_direction(settings):
    assert {code for code, _ in settings.LANGUAGES} == set(HTML_TAG)
