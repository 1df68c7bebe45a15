"""A child with nothing yet sees one of Heard's drawings and what to do next, not a bare sentence."""

from django.urls import reverse

from tests.conftest import client_for


def test_no_messages_yet_shows_the_drawing_and_a_button_to_write(child, child_user):
    page = client_for(child_user).get(reverse("feedback:my_statements")).content.decode()
    assert 'class="empty-state"' in page and "heard/art/empty-messages.svg" in page
    assert "You haven&#x27;t sent any messages yet." in page or "You haven't sent any messages yet." in page
    assert f'href="{reverse("feedback:statement_new")}"' in page.split('class="empty-state"')[1]


def test_no_forms_yet_shows_the_drawing(child, child_user):
    page = client_for(child_user).get(reverse("consultations:mine")).content.decode()
    assert 'class="empty-state"' in page and "heard/art/empty-forms.svg" in page


def test_in_welsh_the_empty_state_is_welsh(child, child_user):
    child.preferred_language = "cy"
    child.save(update_fields=["preferred_language"])
    page = client_for(child_user).get(reverse("feedback:my_statements")).content.decode()
    assert 'class="empty-state"' in page and "You haven" not in page
