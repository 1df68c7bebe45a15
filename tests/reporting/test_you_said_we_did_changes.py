"""The CiCC checks "you said, we did" before it is published, changes it (keeping the old words) and withdraws it."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from reporting.models import Theme, YouSaidWeDid, YouSaidWeDidVersion
from reporting.services import you_said_we_did_edit, you_said_we_did_publish, you_said_we_did_withdraw
from tests.conftest import PINNED_MOMENT, client_for, make_user

pytestmark = pytest.mark.usefixtures("pinned_clock")

NEWS = "/api/v1/you-said-we-did/"
HOMEWORK = {"you_said": "More help with homework", "we_did": "Homework clubs in every library"}


def _publish(cicc, you_said=HOMEWORK["you_said"], we_did=HOMEWORK["we_did"], slug="education") -> YouSaidWeDid:
    return you_said_we_did_publish(
        member=cicc, theme=Theme.objects.get(slug=slug), period_start=date(2026, 7, 1), period_end=date(2026, 9, 30),
        you_said=you_said, we_did=we_did,
    )  # fmt: skip


def _just_now(moment) -> bool:
    """The pinned clock ticks on from its moment: a write stamped now lands within a minute of it."""
    return moment is not None and timedelta(0) <= moment - PINNED_MOMENT < timedelta(minutes=1)


def _children_page(child_user) -> str:
    return client_for(child_user).get(reverse("reporting:you_said_we_did")).content.decode()


def _news(user) -> list[dict]:
    return client_for(user).get(NEWS).json()["results"]


def _edit_url(item) -> str:
    return reverse("reporting:you_said_we_did_edit", args=[item.pk])


def _withdraw_url(item) -> str:
    return reverse("reporting:you_said_we_did_withdraw", args=[item.pk])


def test_the_first_post_shows_the_item_as_children_will_see_it_and_stores_nothing(child_user, cicc):
    theme = Theme.objects.get(slug="education")
    words = {"theme": theme.pk, **HOMEWORK}
    check = client_for(cicc).post(reverse("reporting:cicc"), words)
    assert check.status_code == 200
    page = check.content.decode()
    assert "Check before you publish" in page
    assert theme.name in page
    assert "01 Jul 2026 to 30 Sep 2026" in page  # the last closed quarter on the pinned day
    assert HOMEWORK["you_said"] in page and HOMEWORK["we_did"] in page
    assert 'name="confirmed" value="1"' in page
    assert not YouSaidWeDid.objects.exists()
    assert HOMEWORK["we_did"] not in _children_page(child_user)

    # "Change it" brings the form back with the words in it, still storing nothing.
    again = client_for(cicc).post(reverse("reporting:cicc"), {**words, "confirmed": "1", "change": "1"})
    assert again.status_code == 200
    assert f'<textarea id="we_did" name="we_did" rows="3">{HOMEWORK["we_did"]}</textarea>' in again.content.decode()
    assert not YouSaidWeDid.objects.exists()

    published = client_for(cicc).post(reverse("reporting:cicc"), {**words, "confirmed": "1"})
    assert (published.status_code, published["Location"]) == (302, reverse("reporting:cicc"))
    item = YouSaidWeDid.objects.get()
    assert (item.theme, item.you_said, item.we_did, item.published_by) == (theme, *HOMEWORK.values(), cicc)
    assert (item.period_start, item.period_end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert HOMEWORK["we_did"] in _children_page(child_user)


@pytest.mark.parametrize("confirmed", ["", "1"])
@pytest.mark.parametrize(
    ("posted", "error"),
    [
        ({"you_said": "  ", "we_did": "Homework clubs"}, "Say what children said and what was done."),
        ({"you_said": "Homework", "we_did": "x" * 2001}, "Keep each part to 2000 characters or fewer (this has 2001)."),
        ({"theme": "999999", "you_said": "Homework", "we_did": "Clubs"}, "Choose a theme."),
    ],
)
def test_bad_words_are_refused_with_the_reason_and_the_form_kept(cicc, posted, error, confirmed):
    words = {"theme": Theme.objects.get(slug="education").pk, **posted, "confirmed": confirmed}
    response = client_for(cicc).post(reverse("reporting:cicc"), words)
    assert response.status_code == 400
    page = response.content.decode()
    assert error in page
    assert f">{posted['you_said']}</textarea>" in page  # nothing typed is lost
    assert not YouSaidWeDid.objects.exists()


def test_an_edit_keeps_the_previous_words_and_children_read_the_new(child_user, cicc):
    item = _publish(cicc)
    form = client_for(cicc).get(_edit_url(item))
    assert form.status_code == 200
    assert f">{HOMEWORK['we_did']}</textarea>" in form.content.decode()

    health = Theme.objects.get(slug="health")
    words = {"theme": health.pk, "you_said": "More help with homework", "we_did": "Homework clubs, and a tutor"}
    check = client_for(cicc).post(_edit_url(item), words)
    assert check.status_code == 200
    assert "Check before you change it" in check.content.decode()
    item.refresh_from_db()
    assert (item.we_did, YouSaidWeDidVersion.objects.count()) == (HOMEWORK["we_did"], 0)

    changed = client_for(cicc).post(_edit_url(item), {**words, "confirmed": "1"})
    assert (changed.status_code, changed["Location"]) == (302, reverse("reporting:cicc"))
    item.refresh_from_db()
    assert (item.theme, item.we_did) == (health, "Homework clubs, and a tutor")
    [version] = item.versions.all()
    assert (version.theme.slug, version.you_said, version.we_did) == ("education", *HOMEWORK.values())
    assert version.edited_by == cicc
    assert _just_now(version.edited_at)

    assert "Homework clubs, and a tutor" in _children_page(child_user)
    assert HOMEWORK["we_did"] not in _children_page(child_user)
    assert [news["we_did"] for news in _news(child_user)] == ["Homework clubs, and a tutor"]
    council = client_for(cicc).get(reverse("reporting:cicc")).content.decode()
    assert "edited on 23 November 2026 by jordan" in council
    assert HOMEWORK["we_did"] in council  # the earlier words, for the council only


@pytest.mark.parametrize(
    ("posted", "error"),
    [
        ({"we_did": ""}, "Say what children said and what was done."),
        ({"you_said": "y" * 2001}, "Keep each part to 2000 characters or fewer (this has 2001)."),
        ({}, "Nothing has changed."),
        ({"we_did": f"  {HOMEWORK['we_did']} "}, "Nothing has changed."),
        ({"theme": "abc"}, "Choose a theme or a wellbeing indicator."),
    ],
)
@pytest.mark.parametrize("confirmed", ["", "1"])
def test_a_bad_edit_is_refused_and_changes_nothing(child_user, cicc, posted, error, confirmed):
    item = _publish(cicc)
    words = {"theme": item.theme_id, **HOMEWORK, **posted, "confirmed": confirmed}
    response = client_for(cicc).post(_edit_url(item), words)
    assert response.status_code == 400
    assert error in response.content.decode()
    item.refresh_from_db()
    assert (item.you_said, item.we_did) == tuple(HOMEWORK.values())
    assert not YouSaidWeDidVersion.objects.exists()


def test_withdrawing_asks_first_then_hides_it_from_children_and_keeps_it_for_the_council(child_user, cicc, manager):
    item = _publish(cicc)
    kept = _publish(cicc, you_said="Later bedtimes at weekends", we_did="Each home agrees bedtimes with you")
    ask = client_for(cicc).get(_withdraw_url(item), {"reason": "asked by a GET"})
    assert ask.status_code == 200
    assert "Withdraw this?" in ask.content.decode()
    item.refresh_from_db()
    assert item.withdrawn_at is None  # opening the page changes nothing

    withdrawn = client_for(cicc).post(_withdraw_url(item), {"reason": " The clubs were cancelled. "})
    assert (withdrawn.status_code, withdrawn["Location"]) == (302, reverse("reporting:cicc"))
    item.refresh_from_db()
    assert (item.withdrawn_by, item.withdrawn_reason) == (cicc, "The clubs were cancelled.")
    assert _just_now(item.withdrawn_at)

    page = _children_page(child_user)
    assert HOMEWORK["we_did"] not in page
    assert kept.we_did in page
    for reader in (child_user, cicc, manager):
        assert [news["id"] for news in _news(reader)] == [kept.pk]
    council = client_for(cicc).get(reverse("reporting:cicc")).content.decode()
    assert HOMEWORK["we_did"] in council
    assert "Withdrawn on 23 November 2026 by jordan because: “The clubs were cancelled.”" in council


@pytest.mark.parametrize(
    ("reason", "error"),
    [
        ("", "Say why it is being withdrawn."),
        ("   ", "Say why it is being withdrawn."),
        ("r" * 501, "Keep the reason to 500 characters or fewer (this has 501)."),
    ],
)
def test_a_withdrawal_needs_a_reason_of_at_most_500_characters(child_user, cicc, reason, error):
    item = _publish(cicc)
    response = client_for(cicc).post(_withdraw_url(item), {"reason": reason})
    assert response.status_code == 400
    assert error in response.content.decode()
    item.refresh_from_db()
    assert item.withdrawn_at is None
    assert HOMEWORK["we_did"] in _children_page(child_user)


def test_a_reason_of_exactly_500_characters_is_taken(cicc):
    item = _publish(cicc)
    assert client_for(cicc).post(_withdraw_url(item), {"reason": "r" * 500}).status_code == 302
    item.refresh_from_db()
    assert len(item.withdrawn_reason) == 500


def test_withdrawing_twice_or_changing_a_withdrawn_item_is_a_clear_400(cicc):
    item = _publish(cicc)
    you_said_we_did_withdraw(member=cicc, item=item, reason="Out of date")
    again = client_for(cicc).post(_withdraw_url(item), {"reason": "Again"})
    assert again.status_code == 400
    assert "This was already withdrawn on 23 November 2026." in again.content.decode()
    edit = client_for(cicc).post(_edit_url(item), {"theme": item.theme_id, "you_said": "a", "we_did": "b"})
    assert edit.status_code == 400
    assert "This was already withdrawn on 23 November 2026." in edit.content.decode()
    item.refresh_from_db()
    assert (item.withdrawn_reason, item.we_did) == ("Out of date", HOMEWORK["we_did"])
    assert not YouSaidWeDidVersion.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("page", ["reporting:you_said_we_did_edit", "reporting:you_said_we_did_withdraw"])
def test_an_unknown_item_is_404(cicc, method, page):
    _publish(cicc)
    response = getattr(client_for(cicc), method)(reverse(page, args=[999999]), {"reason": "Gone"})
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["child_user", "iro", "advocate", "manager", "admin_user"])
def test_no_one_but_the_cicc_may_change_or_withdraw_an_item(request, cicc, who):
    user = make_user("ada", Role.ADMIN, is_staff=True) if who == "admin_user" else request.getfixturevalue(who)
    item = _publish(cicc)
    client = client_for(user)
    for url in (_edit_url(item), _withdraw_url(item)):
        assert client.get(url).status_code == 404
    words = {"theme": item.theme_id, "you_said": "Changed", "we_did": "Changed", "confirmed": "1"}
    assert client.post(_edit_url(item), words).status_code == 404
    assert client.post(_withdraw_url(item), {"reason": "Not theirs"}).status_code == 404
    item.refresh_from_db()
    assert (item.we_did, item.withdrawn_at) == (HOMEWORK["we_did"], None)


def test_the_services_refuse_anyone_but_the_cicc(cicc, manager):
    item = _publish(cicc)
    with pytest.raises(PermissionDenied):
        you_said_we_did_edit(member=manager, item=item, theme=item.theme, you_said="a", we_did="b")
    with pytest.raises(PermissionDenied):
        you_said_we_did_withdraw(member=manager, item=item, reason="Not theirs")


def test_the_childrens_news_list_costs_the_same_queries_with_withdrawn_items(
    child_user, cicc, django_assert_num_queries
):
    _publish(cicc)
    client = client_for(child_user)
    client.get(NEWS)  # the session and the token are settled before counting
    with CaptureQueriesContext(connection) as small:
        assert len(client.get(NEWS).json()["results"]) == 1
    for number in range(6):
        item = _publish(cicc, we_did=f"Done {number}", slug=["health", "education"][number % 2])
        if number % 2:
            you_said_we_did_edit(member=cicc, item=item, theme=item.theme, you_said="Edited", we_did=f"Edited {number}")
        else:
            you_said_we_did_withdraw(member=cicc, item=item, reason="Out of date")
    with django_assert_num_queries(len(small.captured_queries)):
        results = client.get(NEWS).json()["results"]
    assert sorted(news["we_did"] for news in results) == sorted(
        [HOMEWORK["we_did"], "Edited 1", "Edited 3", "Edited 5"]
    )
