"""The council's wellbeing indicators: figures on fixed data against hand counts, suppression, scope, outputs."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from consultations.services import forms_sync_from_files
from consultations.wellbeing import INDICATORS
from reporting.models import INDICATOR_NAMES, Theme, YouSaidWeDid
from reporting.periods import Period
from reporting.reports import report
from reporting.selectors import report_for_user, report_names_for
from reporting.wellbeing_report import counted
from reviews.services import iro_allocate
from tests.conftest import client_for
from tests.reporting.wellbeing_data import answered, child

pytestmark = pytest.mark.usefixtures("pinned_clock")  # Monday 23 November 2026

YEAR = Period(date(2025, 4, 1), date(2026, 3, 31))


@pytest.fixture
def seven(db, iro):
    """Seven children, 13 in the year (born 2012), four girls and three boys; Amara is IRO to the first two.

    Latest answer in the year (trusted adult; ONS life satisfaction; ONS anxious):
      C1 yes 9 1 (an earlier answer in the year, no 2 9, is not counted)
      C2 yes 7 3 · C3 no 4 6 · C4 not sure 10 0 · C5 yes 5 2 · C6 yes 8 7
      C7 answered the 8-11 form: trusted adult no, adults listen yes (no ONS answers)
    The year before: C1 no 6 · C2 yes 8 · C3 yes 9.
    """
    forms_sync_from_files()
    kids = [child(f"WB{n:04}", sex="2" if n <= 4 else "1") for n in range(1, 8)]
    for kid in kids[:2]:
        iro_allocate(child=kid, iro=iro, allocated_on=date(2024, 1, 1))
    now = [("yes", "9", "1"), ("yes", "7", "3"), ("no", "4", "6"), ("not_sure", "10", "0"), ("yes", "5", "2"),
           ("yes", "8", "7")]  # fmt: skip
    answered(kids[0], date(2025, 6, 1), {"trusted_adult": "no", "ons_life_satisfaction": "2", "ons_anxious": "9"})
    for kid, (adult, life, anxious) in zip(kids, now, strict=False):
        answered(
            kid, date(2025, 10, 1), {"trusted_adult": adult, "ons_life_satisfaction": life, "ons_anxious": anxious}
        )
    answered(kids[6], date(2025, 10, 1), {"trusted_adult": "no", "adults_listen": "yes"}, audience="child_8_11")
    for kid, (adult, life) in zip(kids, [("no", "6"), ("yes", "8"), ("yes", "9")], strict=False):
        answered(kid, date(2024, 10, 1), {"trusted_adult": adult, "ons_life_satisfaction": life})
    return kids


def _rows(table, group="All children"):
    return {row.label: row for row in table.rows if row.group == group}


def test_each_indicator_for_all_children_against_the_hand_count(seven):
    table = report("wellbeing", YEAR)
    rows = _rows(table)
    adult = rows["Has an adult they trust to talk to"]
    # Now: C1 yes, C2 yes, C3 no, C4 not sure (left out), C5 yes, C6 yes, C7 no: 4 of 6 = 66.7%.
    # Before: C1 no, C2 yes, C3 yes: 2 of 3.
    assert (adult.count, adult.base, str(adult.percent)) == (4, 6, "66.7")
    assert (adult.previous_count, adult.previous_base) == (2, 3)
    life = rows["ONS: satisfied with life (0-10): high or very high (7 to 10)"]
    # 9, 7, 4, 10, 5, 8: four of six at 7-10; mean 43 / 6 = 7.1667 -> 7.17. Before 6, 8, 9: 2 of 3, 23 / 3 = 7.67.
    assert (life.count, life.base, life.mean) == (4, 6, 7.17)
    assert (life.previous_count, life.previous_base, life.previous_mean) == (2, 3, 7.67)
    anxious = rows["ONS: anxious yesterday (0-10, lower is better): very low or low (0 to 3)"]
    # 1, 3, 6, 0, 2, 7: 1, 3, 0, 2 are 0-3 (four of six); mean 19 / 6 = 3.1667 -> 3.17.
    assert (anxious.count, anxious.base, anxious.mean) == (4, 6, 3.17)
    # Only C7's form asks "adults listen": 1 of 1 (a question id of its own, scored from its own form).
    listened = rows["Feels listened to"]
    assert (listened.count, listened.base) == (1, 1)
    bands = _rows(table, "ONS bands, all children aged 11 and over")
    # Life satisfaction: low 0-4 {4}, medium 5-6 {5}, high 7-8 {7, 8}, very high 9-10 {9, 10}.
    assert [bands[f"ONS: satisfied with life (0-10): {name}"].count for name in
            ("low (0 to 4)", "medium (5 to 6)", "high (7 to 8)", "very high (9 to 10)")] == [1, 1, 2, 2]  # fmt: skip
    # Anxiety: very low 0-1 {1, 0}, low 2-3 {3, 2}, medium 4-5 {}, high 6-10 {6, 7}.
    assert [bands[f"ONS: anxious yesterday (0-10, lower is better): {name}"].count for name in
            ("very low (0 to 1)", "low (2 to 3)", "medium (4 to 5)", "high (6 to 10)")] == [2, 2, 0, 2]  # fmt: skip
    assert any("latest own consultation form" in note for note in table.notes)
    assert any("7.17" in note for note in table.notes)


def test_breakdown_groups_under_10_are_hidden_and_the_next_smallest_with_them(seven):
    # Every group of seven children is under 10: no breakdown row at all.
    table = report("wellbeing", YEAR)
    assert {row.group for row in table.rows} == {"All children", "ONS bands, all children aged 11 and over"}
    # 12 White, 11 Black and 4 Asian children answer: Asian hidden (4 < 10), Black hidden with it (the only other
    # hidden cell could be worked out from the total), White shown: 12 + the seven (White too) = 19.
    for n in range(12):
        answered(child(f"WW{n:03}"), date(2025, 11, 1), {"trusted_adult": "yes"})
    for n in range(11):
        answered(child(f"BB{n:03}", ethnicity="BAFR"), date(2025, 11, 1), {"trusted_adult": "yes"})
    for n in range(4):
        answered(child(f"AA{n:03}", ethnicity="AIND"), date(2025, 11, 1), {"trusted_adult": "no"})
    table = report("wellbeing", YEAR)
    groups = {row.group for row in table.rows if row.label == "Has an adult they trust to talk to"}
    assert "Ethnicity: White" in groups
    assert not groups & {"Ethnicity: Black or Black British", "Ethnicity: Asian or Asian British"}
    white = _rows(table, "Ethnicity: White")["Has an adult they trust to talk to"]
    # White: the seven's 4 of 6 plus 12 of 12: 16 of 18. The year before: 3 answered, under 10, so not shown.
    assert (white.count, white.base, white.previous_count) == (16, 18, None)
    # Age 12 to 15 (everyone is 13): 27 + 6 answered, all shown.
    assert _rows(table, "Age: 12 to 15")["Has an adult they trust to talk to"].base == 6 + 12 + 11 + 4


def test_an_iro_sees_their_own_caseload_only(seven, iro, manager):
    assert "wellbeing" in report_names_for(iro) and "wellbeing" in report_names_for(manager)
    rows = _rows(report_for_user(iro, "wellbeing", YEAR))
    # C1 and C2: both yes; the year before C1 no, C2 yes.
    adult = rows["Has an adult they trust to talk to"]
    assert (adult.count, adult.base, adult.previous_count, adult.previous_base) == (2, 2, 1, 2)


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_the_command_prints_the_report(seven, fmt):
    out = StringIO()
    call_command("heard_report", "wellbeing", "--from", "2025-04-01", "--to", "2026-03-31", "--format", fmt, stdout=out)
    text = out.getvalue()
    if fmt == "json":
        rows = json.loads(text)["rows"]
        life = next(r for r in rows if r["indicator"] == "ons_life_satisfaction" and r["group"] == "All children")
        assert (life["count"], life["base"], life["percent"], life["mean"]) == (4, 6, 66.7, 7.17)
    elif fmt == "csv":
        assert text.splitlines()[0].endswith(",indicator,domain,mean,previous_mean")
        assert "All children,Has an adult they trust to talk to,4,6,66.7,2,3,66.7,trusted_adult,relationships,," in text
    else:
        assert "Wellbeing indicators" in text and "mean 7.17" in text


def test_the_api_and_the_reports_page_give_the_report(seven, manager, iro):
    body = client_for(manager).get("/api/v1/reports/wellbeing/?from=2025-04-01&to=2026-03-31").json()
    adult = next(r for r in body["rows"] if r["indicator"] == "trusted_adult" and r["group"] == "All children")
    assert (adult["count"], adult["base"]) == (4, 6)
    mine = client_for(iro).get("/api/v1/reports/wellbeing/?from=2025-04-01&to=2026-03-31").json()
    assert next(r for r in mine["rows"] if r["indicator"] == "trusted_adult")["base"] == 2
    contents = client_for(manager).get("/reports/").content.decode()
    assert 'href="/reports/wellbeing/' in contents and "How children are doing" in contents
    page = client_for(manager).get("/reports/wellbeing/?from=2025-04-01&to=2026-03-31")
    assert page.status_code == 200 and "Has an adult they trust to talk to" in page.content.decode()
    csv = client_for(manager).get("/reports/wellbeing.csv?from=2025-04-01&to=2026-03-31")
    assert csv.status_code == 200 and "trusted_adult" in csv.content.decode()


@pytest.fixture
def cicc_year(db):
    """In the four closed quarters (October 2025 to September 2026): 12 children say whether they have an adult
    they trust, 9 yes; 3 of them also answer "good friend". The year before: 11 answer, 11 yes."""
    forms_sync_from_files()
    for n in range(12):
        answers = {"trusted_adult": "yes" if n < 9 else "no"} | ({"good_friend": "yes"} if n < 3 else {})
        answered(child(f"CC{n:04}", sex="1" if n < 2 else "2"), date(2026, 1, 15), answers)
    for n in range(11):
        answered(child(f"CB{n:04}"), date(2025, 1, 15), {"trusted_adult": "yes"})
    # The current quarter is never shown: this answer is not counted.
    answered(child("CNOW"), date(2026, 10, 15), {"trusted_adult": "no"})


def test_the_cicc_sees_the_councils_indicators_and_never_a_small_number_or_a_group(cicc_year, cicc):
    page = client_for(cicc).get(reverse("reporting:cicc")).content.decode()
    section = page[page.index('id="wellbeing"') :]
    section = section[: section.index("</section>")]
    assert "01 Oct 2025 to 30 Sep 2026" in section
    row = section[section.index("Has an adult they trust") :].split("</tr>")[0]
    # 9 of 12 = 75%; 12 children shown rounded to the nearest 5: 10. The year before 11 of 11: 100%.
    assert "<td>10</td>" in row and "<td>75%</td>" in row and "<td>100%</td>" in row
    friend = section[section.index("Has a good friend") :].split("</tr>")[0]
    # Three children answered: "fewer than 10", and no percentage.
    assert "fewer than 10" in friend and "%" not in friend and "too few" in friend
    for group in ("Female", "Male", "Age", "Ethnicity", "Placed"):
        assert group not in section


def test_the_cicc_publishes_against_an_indicator_and_children_read_it_under_its_plain_name(cicc_year, cicc, child_user):
    member = client_for(cicc)
    words = {"theme": "", "indicator": "trusted_adult", "you_said": "Not everyone has someone", "we_did": "Mentors"}
    check = member.post(reverse("reporting:cicc"), words)
    assert check.status_code == 200 and "Having an adult you trust" in check.content.decode()
    assert not YouSaidWeDid.objects.exists()
    member.post(reverse("reporting:cicc"), {**words, "confirmed": "1"})
    item = YouSaidWeDid.objects.get()
    assert (item.indicator, item.theme) == ("trusted_adult", None)
    assert "Having an adult you trust" in member.get(reverse("reporting:cicc")).content.decode()
    mine = client_for(child_user).get(reverse("reporting:you_said_we_did")).content.decode()
    assert "Having an adult you trust" in mine and "Mentors" in mine
    assert client_for(child_user).get("/api/v1/you-said-we-did/").json()["results"][0]["theme"] == (
        "Having an adult you trust"
    )


@pytest.mark.parametrize(
    ("chosen", "says"),
    [
        ({"theme": "", "indicator": ""}, "Choose a theme or a wellbeing indicator."),
        ({"indicator": "trusted_adult"}, "Choose a theme or a wellbeing indicator, not both."),
        ({"theme": "", "indicator": "shoe_size"}, "Choose one of the wellbeing indicators."),
    ],
)
def test_publishing_needs_a_theme_or_an_indicator_not_both(cicc, chosen, says):
    theme = Theme.objects.first()
    words = {"theme": theme.pk, "you_said": "x", "we_did": "y", **chosen}
    refused = client_for(cicc).post(reverse("reporting:cicc"), {**words, "confirmed": "1"})
    assert refused.status_code == 400 and says in refused.content.decode()
    assert not YouSaidWeDid.objects.exists()


def test_every_indicator_has_a_plain_name_for_children():
    assert set(INDICATOR_NAMES) == set(INDICATORS)


def test_the_age_band_is_the_childs_age_on_the_day_they_answered(db):
    forms_sync_from_files()
    # Born 2 November 2013: 11 on 1 November 2025 (the day before the birthday), 12 on 2 November.
    for n in range(10):
        answered(child(f"AB{n:04}", born=date(2013, 11, 2)), date(2025, 11, 1 + n % 2), {"trusted_adult": "yes"})
    table = report("wellbeing", YEAR)
    # Five of each: under 10 in each band, so hidden in the report; the counts underneath say which band.
    figures = counted(YEAR)
    assert figures[("age", "8 to 11")]["trusted_adult"].answered == 5
    assert figures[("age", "12 to 15")]["trusted_adult"].answered == 5
    assert not [row for row in table.rows if row.group.startswith("Age")]


def test_an_item_about_an_indicator_can_be_moved_to_a_theme_and_keeps_its_earlier_indicator(cicc):
    theme = Theme.objects.first()
    member = client_for(cicc)
    words = {"theme": "", "indicator": "ons_anxious", "you_said": "Exams", "we_did": "Calm rooms", "confirmed": "1"}
    member.post(reverse("reporting:cicc"), words)
    item = YouSaidWeDid.objects.get()
    edit = reverse("reporting:you_said_we_did_edit", args=[item.pk])
    assert 'value="ons_anxious" selected' in member.get(edit).content.decode()
    member.post(edit, {**words, "theme": theme.pk, "indicator": ""})
    item.refresh_from_db()
    assert (item.theme, item.indicator) == (theme, "")
    [version] = item.versions.all()
    assert (version.theme, version.indicator, version.about) == (None, "ons_anxious", "Feeling anxious")
    assert "Feeling anxious" in member.get(reverse("reporting:cicc")).content.decode()
