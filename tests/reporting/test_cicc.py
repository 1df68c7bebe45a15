"""The Children in Care Council: themes after disclosure control, consented redacted quotes, and no child, ever."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from consultations.models import Invitation
from consultations.services import forms_sync_from_files, invitations_create_for_review, response_submit
from feedback.models import Category, Statement
from feedback.services import statement_submit
from reporting.disclosure import Cell, protect, rounded
from reporting.models import Quote, ResponseTheme, StatementTheme, Theme
from reporting.redaction import redact
from reporting.themes import cicc_themes, closed_quarters
from reviews.models import Review
from tests.conftest import client_for, make_child, make_user

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 23)  # in the October-December quarter


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (0, "fewer than 10"),
        (9, "fewer than 10"),
        (10, "10"),
        (12, "10"),
        (13, "15"),
        (17, "15"),
        (18, "20"),
        (102, "100"),
    ],
)
def test_counts_under_ten_are_hidden_and_others_rounded_to_five(count, shown):
    assert rounded(count) == shown


def test_a_theme_needs_three_children_before_it_appears():
    visible, _ = protect([Cell("Health", 40, 2), Cell("School", 40, 3)])
    assert [cell.theme for cell in visible] == ["School"]


def test_one_hidden_cell_hides_the_next_smallest_so_it_cannot_be_worked_out():
    visible, total = protect([Cell("Health", 7, 5), Cell("School", 21, 9), Cell("Family time", 33, 12)])
    shown = {cell.theme: cell.shown for cell in visible}
    assert shown == {"Health": "fewer than 10", "School": "hidden to protect another figure", "Family time": "35"}
    assert total == "60"


def test_two_hidden_cells_need_no_more_hiding():
    visible, _ = protect([Cell("Health", 7, 5), Cell("Friends", 4, 3), Cell("School", 21, 9)])
    assert {cell.theme: cell.shown for cell in visible}["School"] == "20"


def test_only_closed_quarters_are_shown_newest_first():
    quarters = closed_quarters(TODAY)
    assert [(q.start, q.end) for q in quarters] == [
        (date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2025, 10, 1), date(2025, 12, 31)),
    ]


def _children_write(count: int, category: str, when: datetime, body: str = "words") -> None:
    for number in range(count):
        user = make_user(f"{category}{number}{when:%m}", Role.CHILD)
        child = make_child(f"T{category[:3]}{number:03d}{when:%m}", user=user)
        with time_machine.travel(when):
            statement_submit(author=user, child=child, category=category, body=body, channel="web")


def test_the_cicc_page_shows_theme_counts_and_never_a_child_or_their_words(db):
    _children_write(12, Category.SCHOOL, datetime(2026, 8, 3, 10, tzinfo=LONDON), body="SECRET-WORDS-1")
    _children_write(2, Category.HEALTH, datetime(2026, 8, 4, 10, tzinfo=LONDON), body="SECRET-WORDS-2")
    _children_write(5, Category.FAMILY_TIME, datetime(2026, 11, 2, 10, tzinfo=LONDON))  # the current quarter
    member = make_user("cicc1", Role.CICC)
    with time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=LONDON)):
        periods = cicc_themes(TODAY)
        page = client_for(member).get(reverse("reporting:cicc")).content.decode()
    summer = periods[0]
    # Health (2 children) is left out, so Education is hidden too: with the total, it would give Health away.
    assert [(c.theme, c.shown) for c in summer.cells] == [("Education", "hidden to protect another figure")]
    themes_section = page.split("What children in care are telling us")[1].split("You said, we did")[0]
    assert "Family time" not in themes_section  # only in the current quarter: not shown yet
    assert "Health" not in themes_section
    for secret in ("SECRET-WORDS-1", "SECRET-WORDS-2", "TSch", "THea"):
        assert secret not in page


def test_a_quote_needs_consent_redaction_and_approval(child, child_user, manager, cicc):
    with time_machine.travel(datetime(2026, 8, 3, 10, tzinfo=LONDON)):
        statement_submit(
            author=child_user, child=child, category=Category.SCHOOL, channel="web", quote_consent=True,
            body="My teacher Mrs Patel at Oakfield Primary School is great, call me on 07700 900123",
        )  # fmt: skip
        statement_submit(
            author=child_user, child=child, category=Category.SCHOOL, body="No consent here", channel="web"
        )
    quote = Quote.objects.get()
    assert "Patel" not in quote.text and "Oakfield" not in quote.text and "07700" not in quote.text
    assert Quote.objects.count() == 1

    with time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=LONDON)):
        assert "My teacher" not in client_for(cicc).get(reverse("reporting:cicc")).content.decode()
        approved = client_for(manager).post(
            reverse("reporting:quotes"), {"quote": quote.pk, "text": "My teacher is great"}
        )
        assert approved.status_code == 302
        page = client_for(cicc).get(reverse("reporting:cicc")).content.decode()
    assert "My teacher is great" in page
    assert child.case_reference not in page


def test_the_participation_officer_approves_or_withdraws_each_quote_by_its_own_post(child, child_user, manager, iro):
    for body in ("My teacher is great", "My social worker listens", "Football on Saturdays"):
        statement_submit(
            author=child_user, child=child, category=Category.SCHOOL, body=body, channel="web", quote_consent=True
        )
    kept, dropped, unchanged = Quote.objects.order_by("pk")
    client = client_for(manager)
    withdraw = reverse("reporting:quote_withdraw")
    page = client.get(reverse("reporting:quotes")).content.decode()
    assert f'formaction="{withdraw}"' in page and 'name="action"' not in page
    assert client.get(withdraw).status_code == 405
    assert client_for(iro).post(withdraw, {"quote": dropped.pk}).status_code == 404
    assert client.post(withdraw, {"quote": "abc"}).status_code == 404

    gone = client.post(withdraw, {"quote": dropped.pk, "text": "ignored"}, follow=True)
    assert gone.redirect_chain == [(reverse("reporting:quotes"), 302)]
    assert "Quote withdrawn." in gone.content.decode()
    refused = client.post(reverse("reporting:quotes"), {"quote": kept.pk, "text": "  "}, follow=True)
    assert "A quote needs its words." in refused.content.decode()
    approved = client.post(reverse("reporting:quotes"), {"quote": kept.pk, "text": "My teacher is kind"})
    assert (approved.status_code, approved["Location"]) == (302, reverse("reporting:quotes"))
    assert client.post(withdraw, {"quote": kept.pk}).status_code == 404  # approved: no longer waiting
    assert client.post(reverse("reporting:quotes"), {"quote": dropped.pk, "text": "x"}).status_code == 404
    assert [(q.pk, q.text, q.approved_by) for q in Quote.objects.order_by("pk")] == [
        (kept.pk, "My teacher is kind", manager),
        (unchanged.pk, unchanged.text, None),
    ]


def test_redaction_takes_out_identifying_details():
    text = redact(
        "Ask Jayden at jay@example.com or 07700 900123, we live at M14 5RT near Oakfield Academy. I'm happy.",
        names=["Jayden"],
    )
    assert text == "Ask [name] at [email] or [phone number], we live at [postcode] near [school]. I'm happy."


def test_the_iro_tags_themes_and_the_category_and_phrases_add_their_own(child, child_user, iro):
    statement, _ = statement_submit(
        author=child_user, child=child, category=Category.SCHOOL, body="Sometimes I want to hurt myself", channel="web"
    )
    assert set(StatementTheme.objects.filter(statement=statement).values_list("theme__slug", "source")) == {
        ("education", "category"), ("emotional-wellbeing", "phrase"),
    }  # fmt: skip
    tagged = client_for(iro).post(reverse("feedback:statement_tag", args=[statement.pk]), {"themes": ["friends"]})
    assert (tagged.status_code, tagged["Location"]) == (302, reverse("feedback:statement_detail", args=[statement.pk]))
    assert StatementTheme.objects.filter(
        statement=statement, theme__slug="friends", source="iro", tagged_by=iro
    ).exists()


def test_the_cicc_publishes_you_said_we_did_and_children_read_it(child_user, cicc):
    theme = Theme.objects.get(slug="education")
    words = {"theme": theme.pk, "you_said": "More help with homework", "we_did": "Homework clubs"}
    assert client_for(cicc).post(reverse("reporting:cicc"), words).status_code == 200  # the check step
    response = client_for(cicc).post(reverse("reporting:cicc"), {**words, "confirmed": "1"})
    assert response.status_code == 302
    assert "Homework clubs" in client_for(child_user).get(reverse("reporting:you_said_we_did")).content.decode()
    refused = client_for(cicc).post(reverse("reporting:cicc"), {"theme": theme.pk, "you_said": "", "we_did": ""})
    assert refused.status_code == 400


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/v1/statements/", 200), ("/api/v1/reports/participation/", 404), ("/inbox/", 404), ("/reports/", 404)],
)
def test_no_cicc_path_reaches_a_child_or_their_words(child, child_user, cicc, path, status):
    statement_submit(author=child_user, child=child, category=Category.SCHOOL, body="PRIVATE", channel="web")
    response = client_for(cicc).get(path)
    assert "PRIVATE" not in response.content.decode()
    assert response.status_code == status
    if path == "/api/v1/statements/":
        assert response.json()["results"] == []
    assert Statement.objects.count() == 1


def test_consultation_answers_carry_themes_and_count_each_child_once(db):

    forms_sync_from_files()
    with time_machine.travel(datetime(2026, 8, 3, 10, tzinfo=LONDON)):
        for number in range(12):
            user = make_user(f"answerer{number}", Role.CHILD)
            child = make_child(f"ANS{number:03d}", user=user)
            review = Review.objects.get(child=child)
            review.scheduled_for = date(2026, 8, 3) + timedelta(days=10)
            review.save()
            invitations_create_for_review(review=review)
            invitation = Invitation.objects.get(review=review, contact__isnull=True)
            response_submit(invitation=invitation, answers={"home_feeling": "happy", "school_feeling": "ok"})
            # The same children also write about school: still counted once each for the theme.
            statement_submit(author=user, child=child, category=Category.SCHOOL, body="x", channel="web")
    assert set(ResponseTheme.objects.values_list("theme__slug", flat=True)) == {"where-i-live", "education"}
    summer = cicc_themes(TODAY)[0]
    cells = {cell.theme: cell for cell in summer.cells}
    assert (cells["Education"].count, cells["Education"].children) == (24, 12)
    assert (cells["Where I live"].count, cells["Where I live"].children) == (12, 12)
