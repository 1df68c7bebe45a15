"""The inbox's filters and search: the same answers on the page and in the API, bad ones refused clearly."""

import json
from datetime import date

import pytest
from django.urls import reverse

from accounts.models import AccessLogEntry, Role
from feedback.models import Category
from feedback.receipts import statement_mark_read
from feedback.services import statement_submit
from reviews.models import Child, Review
from reviews.services import iro_allocate
from tests.conftest import client_for, make_child, make_user

pytestmark = pytest.mark.usefixtures("pinned_clock")  # Monday 23 November 2026


@pytest.fixture
def caseload(iro, other_iro):
    """Three of Amara's children and one of Ben's, each with a known next review."""
    made = {}
    for name, known_as, review_on in (("ann", "Ann", date(2026, 11, 30)), ("cal", "Cal", date(2027, 2, 1))):
        user = make_user(name, Role.CHILD)
        child = make_child(f"HRD{len(made) + 10:04d}", user=user)
        child.known_as = known_as
        child.save(update_fields=["known_as"])
        iro_allocate(child=child, iro=iro, allocated_on=date(2025, 9, 2))
        Review.objects.filter(child=child, held_on__isnull=True).update(scheduled_for=review_on)
        made[name] = (user, child)
    quiet_user = make_user("dee", Role.CHILD)
    quiet = make_child("HRD0030", user=quiet_user)
    iro_allocate(child=quiet, iro=iro, allocated_on=date(2025, 9, 2))
    Review.objects.filter(child=quiet, held_on__isnull=True).update(scheduled_for=date(2026, 12, 2))
    bens_user = make_user("eve", Role.CHILD)
    bens = make_child("HRD0040", user=bens_user)
    iro_allocate(child=bens, iro=other_iro, allocated_on=date(2025, 9, 2))
    ann_user, ann = made["ann"]
    cal_user, cal = made["cal"]

    def say(user, child, category, body):
        return statement_submit(author=user, child=child, category=category, body=body, channel="web")[0]

    maths = say(ann_user, ann, Category.SCHOOL, "Can I change my maths set?")
    scared = say(ann_user, ann, Category.UNSAFE, "I don't feel safe at contact")
    home = say(cal_user, cal, Category.WHERE_I_LIVE, "My room is cold and the heater is broken")
    statement_mark_read(statement=home, reader=iro)
    say(bens_user, bens, Category.SCHOOL, "Maths is hard at my school")
    return {"ann": ann, "cal": cal, "quiet": quiet, "bens": bens, "maths": maths, "scared": scared, "home": home}


def _api(iro, query: str = ""):
    # The API on the browser's session (the app's token is the same gate; tests/test_query_counts.py uses it).
    return client_for(iro).get("/api/v1/inbox/" + query)


def _shown_api(iro, query: str = "") -> dict[str, list[str]]:
    response = _api(iro, query)
    assert response.status_code == 200, response.content
    return {
        group["child"]["case_reference"]: [statement["body"] for statement in group["statements"]]
        for group in response.json()["groups"]
    }


def _shown_page(iro, query: str = "") -> str:
    response = client_for(iro).get(reverse("feedback:inbox") + query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"HRD0010": ["I don't feel safe at contact", "Can I change my maths set?"], "HRD0030": [],
              "HRD0011": ["My room is cold and the heater is broken"]}),
        ("?category=school", {"HRD0010": ["Can I change my maths set?"]}),
        ("?urgent=1", {"HRD0010": ["I don't feel safe at contact"]}),
        ("?unread=1", {"HRD0010": ["I don't feel safe at contact", "Can I change my maths set?"]}),
        ("?q=HEATER", {"HRD0011": ["My room is cold and the heater is broken"]}),
        ("?q=cal", {"HRD0011": ["My room is cold and the heater is broken"]}),  # by the child's name
        ("?q=maths", {"HRD0010": ["Can I change my maths set?"]}),  # never Ben's child's words
        ("?review_within=7", {"HRD0010": ["I don't feel safe at contact", "Can I change my maths set?"]}),
        ("?review_within=10", {"HRD0010": ["I don't feel safe at contact", "Can I change my maths set?"],
                               "HRD0030": []}),  # a review soon shows the child even with nothing to read
        ("?review_within=10&category=school", {"HRD0010": ["Can I change my maths set?"]}),
        ("?unread=0&urgent=0", None),  # "no" is no filter: everything, as with none
        ("?q=nothing+like+this", {}),
    ],
)  # fmt: skip
def test_each_filter_narrows_the_api_and_the_page_alike(iro, caseload, query, expected):
    everything = _shown_api(iro)
    assert _shown_api(iro, query) == (everything if expected is None else expected)
    page = _shown_page(iro, query)
    for reference in everything:
        # Each child's group, not the alerts above them (every open alert is shown, whatever the filter).
        group = f'id="child-{Child.objects.get(case_reference=reference).pk}"'
        assert (group in page) == (expected is None or reference in expected), reference
    if expected == {}:
        assert "Nothing in your inbox matches" in page


def test_one_childs_inbox_and_never_another_iros_child(iro, caseload):
    assert _shown_api(iro, f"?child={caseload['cal'].pk}") == {"HRD0011": ["My room is cold and the heater is broken"]}
    # Ben's child is not Amara's: filtering to them shows nothing, not their words.
    assert _shown_api(iro, f"?child={caseload['bens'].pk}") == {}
    assert "Maths is hard" not in _shown_page(iro, f"?child={caseload['bens'].pk}")


def test_the_page_shows_the_start_of_each_message_and_logs_each_read_once(iro, caseload):
    page = _shown_page(iro)
    assert "My room is cold and the heater is broken" in page and 'data-unread="1"' in page
    logged = AccessLogEntry.objects.filter(user=iro, what="statement", purpose="inbox")
    assert sorted(int(entry.object_id) for entry in logged) == sorted(
        caseload[name].pk for name in ("maths", "scared", "home")
    )


def test_a_filter_carries_into_the_next_page(iro, caseload, settings):
    response = _api(iro, "?page_size=1&review_within=300")
    body = response.json()
    assert response.status_code == 200, body
    assert [group["child"]["case_reference"] for group in body["groups"]] == ["HRD0010"]
    assert "review_within=300" in body["next"]
    following = body["next"].split("/api/v1/inbox/")[1]
    assert [group["child"]["case_reference"] for group in _api(iro, following).json()["groups"]] == ["HRD0030"]


BAD = [
    ("?category=grumbles", "category"),
    ("?unread=maybe", "unread"),
    ("?urgent=2", "urgent"),
    ("?review_within=-1", "review_within"),
    ("?review_within=ten", "review_within"),
    ("?review_within=366", "review_within"),
    ("?review_within=1.5", "review_within"),
    ("?q=" + "x" * 101, "q"),
    ("?q=a%00b", "q"),
    ("?child=alice", "child"),
    ("?child=0", "child"),
    ("?child=99999999999999999999999", "child"),
    ("?urgent=1&urgent=0", "urgent"),
    ("?cursor=not-a-cursor", "cursor"),
]


@pytest.mark.parametrize(("query", "field"), BAD)
def test_a_filter_heard_cannot_use_is_a_400_naming_it(iro, caseload, query, field):
    response = _api(iro, query)
    assert response.status_code == 400
    assert field in json.dumps(response.json())
    page = client_for(iro).get(reverse("feedback:inbox") + query)
    assert page.status_code == 400
    text = page.content.decode()
    # Said beside the form, and the whole inbox still shown under it.
    assert "Heard could not use that filter" in text and "HRD0011" in text
