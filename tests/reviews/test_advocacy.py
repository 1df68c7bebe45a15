"""A child asks for an advocate on the web; their IRO sees it; a manager assigns one."""

from django.urls import reverse

from reviews.models import AdvocacyRequest, AdvocateAssignment
from tests.conftest import client_for, make_user


def test_a_child_asks_on_the_web_and_sees_that_it_is_in_hand(child, child_user):
    client = client_for(child_user)
    page = client.get(reverse("reviews:my_advocate")).content.decode()
    assert "Ask for an advocate" in page
    client.post(reverse("reviews:my_advocate"), {"note": "help with contact"})
    client.post(reverse("reviews:my_advocate"), {"note": "again"})  # a second tap is the same request
    assert AdvocacyRequest.objects.get().note == "help with contact"
    assert "Someone will be in touch" in client.get(reverse("reviews:my_advocate")).content.decode()


def test_a_note_that_is_too_long_is_refused_with_the_words_kept(child, child_user):
    response = client_for(child_user).post(reverse("reviews:my_advocate"), {"note": "x" * 1001})
    assert response.status_code == 200
    assert "x" * 1001 in response.content.decode()
    assert not AdvocacyRequest.objects.exists()


def test_the_manager_assigns_an_advocate_and_the_request_is_answered(child, child_user, iro, manager, other_iro):
    AdvocacyRequest.objects.create(child=child, requested_by=child_user, note="please")
    new_advocate = make_user("quinn", "advocate")
    url = reverse("reviews:advocacy_requests")
    assert "HRD0001" in client_for(iro).get(url).content.decode()
    assert "HRD0001" not in client_for(other_iro).get(url).content.decode()
    assert client_for(child_user).get(url).status_code == 404

    request = AdvocacyRequest.objects.get()
    assign = reverse("reviews:advocacy_request_assign", args=[request.pk])
    page = client_for(manager).get(url).content.decode()
    not_wanted = reverse("reviews:advocacy_request_not_wanted", args=[request.pk])
    assert f'action="{assign}"' in page and f'action="{not_wanted}"' in page and 'name="action"' not in page
    assert client_for(manager).get(assign).status_code == 405
    unchosen = client_for(manager).post(assign, {"advocate": ""})
    assert unchosen.status_code == 400 and "Choose an advocate." in unchosen.content.decode()
    assigned = client_for(manager).post(assign, {"advocate": new_advocate.pk})
    assert assigned.status_code == 302 and assigned["Location"] == url
    request.refresh_from_db()
    assert request.outcome == "assigned" and request.resolved_by == manager
    assert AdvocateAssignment.objects.filter(child=child, advocate=new_advocate, ended_on__isnull=True).exists()
    # Answered, it can be neither assigned nor closed again.
    assert client_for(manager).post(assign, {"advocate": new_advocate.pk}).status_code == 404


def test_the_iro_records_that_the_child_decided_against_one(child, child_user, iro, other_iro):
    request = AdvocacyRequest.objects.create(child=child, requested_by=child_user)
    not_wanted = reverse("reviews:advocacy_request_not_wanted", args=[request.pk])
    assert client_for(other_iro).post(not_wanted).status_code == 404
    assert client_for(child_user).post(not_wanted).status_code == 404
    assert client_for(iro).post(reverse("reviews:advocacy_request_not_wanted", args=[999999])).status_code == 404
    assert client_for(iro).post(reverse("reviews:advocacy_requests"), {"request": request.pk}).status_code == 405
    closed = client_for(iro).post(not_wanted)
    assert closed.status_code == 302 and closed["Location"] == reverse("reviews:advocacy_requests")
    request.refresh_from_db()
    assert request.outcome == "not_wanted"
    assert client_for(iro).post(not_wanted).status_code == 404  # answered already
    # An IRO cannot assign: only managers do.
    second = AdvocacyRequest.objects.create(child=child, requested_by=child_user)
    refused = client_for(iro).post(
        reverse("reviews:advocacy_request_assign", args=[second.pk]), {"advocate": make_user("quinn", "advocate").pk}
    )
    assert refused.status_code == 400 and "Choose an advocate." in refused.content.decode()
    second.refresh_from_db()
    assert second.resolved_at is None
