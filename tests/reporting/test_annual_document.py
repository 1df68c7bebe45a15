"""The IRO annual report as a document: every heading's figures on fixed data, hidden small counts,
children's approved words, and the same document read back out of the PDF and the Word file."""

import io
import shutil
import subprocess
import threading
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from docx import Document

from consultations.models import ChildContact, Response
from consultations.services import forms_sync_from_files, invitations_create_for_review
from feedback.models import Category
from feedback.receipts import statement_mark_read
from feedback.service_feedback import feedback_give, feedback_requests_create
from feedback.services import statement_submit
from reporting import annual as annual_module
from reporting.annual import SECTIONS, _shown, annual_document
from reporting.models import Quote, Theme
from reporting.narratives import narrative_approve, narrative_save, narrative_submit
from reporting.periods import Period
from reporting.reports import report
from reporting.tables import Row, Table
from reviews.models import Review, ReviewParent
from reviews.services import iro_allocate, practice_alert_raise
from tests.conftest import client_for, make_child, make_user
from tests.reporting.test_reports import held

YEAR = Period(date(2025, 4, 1), date(2026, 3, 31))
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def a_year(db, iro, manager, child_user):
    """2025-26, by hand:
    - reviews of 12 children aged 13, all 12 to 15: PN1 x10, PN6 x2; the review of the 12th was late
      (so participation PN1 10/12 = 83.3%, PN6 2/12 = 16.7%; on time 11/12, late 1/12 "Child unwell");
    - the year before: one PN1 review (a 13th child);
    - amara holds the 12 children from 1 April 2025, so 12 on 31 March 2026 (12 of 70 = 17.1%);
    - three children sent one message each in June 2025; amara read two (statements 3; read 2);
    - two practice alerts raised in May 2025, both about drift;
    - three children agreed to quote their words and the manager approved each, under "Education";
    - the first two children each have a parent recorded at their review: both consulted, one took part
      (consulted 2/2 = 100.0%, took part 1/2 = 50.0%);
    - the first child's review had forms out to the child, the parent and a carer, and only the child's came
      back (child 1/1 = 100.0%, parent 0/1, carer 0/1 = 0.0%);
    - the first child said after the review they felt listened to, and that it made no difference (1/1, 0/1).
    """
    children = []
    for number in range(12):
        child = make_child(f"Y{number:04d}", born=date(2012, 1, 1), looked_after=date(2024, 1, 8))
        held(child, "PN1" if number < 10 else "PN6", date(2025, 6, 2 + number), late=number == 11)
        iro_allocate(child=child, iro=iro, allocated_on=date(2025, 4, 1))
        children.append(child)
    before = make_child("Y0100", born=date(2010, 1, 1), looked_after=date(2020, 1, 6))
    held(before, "PN1", date(2025, 3, 31))
    education = Theme.objects.get(slug="education")
    for number, child in enumerate(children[:3]):
        author = make_user(f"quoted{number}", "child")
        child.user = author
        child.save(update_fields=["user"])
        with time_machine.travel(datetime(2025, 6, 10, 12, tzinfo=LONDON)):
            statement, _ = statement_submit(
                author=author, child=child, category=Category.SCHOOL, body=f"School is better now {number}",
                channel="web", quote_consent=True,
            )  # fmt: skip
            if number < 2:
                statement_mark_read(statement=statement, reader=iro)
        Quote.objects.update_or_create(
            statement=statement,
            defaults={"theme": education, "text": f"School is better now {number}", "approved_by": manager,
                      "approved_at": datetime(2025, 6, 20, tzinfo=LONDON)},
        )  # fmt: skip
    forms_sync_from_files()
    for number, child in enumerate(children[:2]):
        parent = ChildContact.objects.create(child=child, role="parent", name=f"Parent {number}", email="p@example.org")
        review = Review.objects.get(child=child)
        if number == 0:
            ChildContact.objects.create(child=child, role="carer", name="Carer", email="c@example.org")
            # Forms go out before a review is held: take it back to before, invite, and hold it again.
            Review.objects.filter(pk=review.pk).update(held_on=None, participation_code="", late_reason="")
            invitations = invitations_create_for_review(review=Review.objects.get(pk=review.pk))
            Review.objects.filter(pk=review.pk).update(held_on=review.held_on, participation_code="PN1")
            mine = next(invitation for invitation in invitations if invitation.contact_id is None)
            Response.objects.create(  # put straight into the record: the form's own rules are tested elsewhere
                invitation=mine, version=mine.version, answers={}, submitted_at=datetime(2025, 5, 30, tzinfo=LONDON)
            )
            asked = feedback_requests_create(review=review)
            feedback_give(
                request=next(r for r in asked if r.respondent == "child"),
                listened="yes", made_difference="no", better="", channel="web",
            )  # fmt: skip
        ReviewParent.objects.create(review=review, contact=parent, consulted=True, took_part=number == 0)
    for _ in range(2):
        practice_alert_raise(child=children[0], user=iro, category="drift", description="x", raised_on=date(2025, 5, 1))
    return children


def _rows(document, key: str, name: str) -> dict[str, tuple[str, str, str]]:
    section = next(section for section in document.sections if section.key == key)
    shown = next(shown for shown in section.tables if shown.table.name == name)
    return {f"{row.group}|{row.label}": (row.count, row.base, row.percent) for row in shown.rows}


@time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=LONDON), tick=True)
def test_every_heading_carries_the_figures_worked_out_by_hand(a_year, manager):
    document = annual_document(YEAR)
    assert [section.key for section in document.sections] == [heading.key for heading in SECTIONS]

    # The IRO service: caseloads on the last day of the year, not today's.
    caseloads = _rows(document, "service", "caseloads")
    assert caseloads["|amara (full time)"] == ("12", "70", "17.1%")
    assert document.sections[0].tables[0].table.title == "How many children each IRO had on 31 March 2026"

    participation = {
        label.split(":")[0]: figures for label, figures in _rows(document, "participation", "participation").items()
    }
    assert participation["|PN1"] == ("10", "12", "83.3%")
    assert participation["|PN6"] == ("2", "12", "16.7%")
    assert participation["|PN7"] == ("0", "12", "0.0%")

    # Participation by age: all twelve are 12 to 15; PN6's 2 is a small count, hidden, and PN1's 10 is hidden
    # too, because the hidden 2 could otherwise be worked out from the base of 12.
    by_age = {
        key.split(":")[0]: figures for key, figures in _rows(document, "who-took-part", "participation-by-age").items()
    }
    assert by_age["12 to 15|PN6"] == ("fewer than 10", "12", "hidden")
    assert by_age["12 to 15|PN1"] == ("fewer than 10", "12", "hidden")
    assert by_age["12 to 15|PN7"] == ("0", "12", "0.0%")

    # On the page and in print the breakdown reads across: one line a group, each code's percentage. The
    # year before, one review (PN1) of a child then 15: hidden too.
    pivot = next(shown.pivot for shown in document.sections[2].tables if shown.table.name == "participation-by-age")
    assert pivot.columns == ["PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7"]
    twelve = next(row for row in pivot.rows if row.group == "12 to 15")
    assert twelve.base == "12" and twelve.cells[0] == ("hidden", "hidden") and twelve.cells[6] == ("0.0%", "0.0%")

    timeliness = _rows(document, "timeliness", "timeliness")
    assert timeliness["|Reviews held on time (out of reviews held)"][:3] == ("11", "12", "91.7%")
    assert timeliness["|Reviews held late (out of reviews held)"] == ("1", "12", "8.3%")

    voice = _rows(document, "voice", "statements")
    assert voice["How the message was sent|Website"] == ("3", "3", "100.0%")

    parents = _rows(document, "parents", "parent-participation")
    assert parents["|Consulted before the review"] == ("2", "2", "100.0%")
    assert parents["|Took part in the review"] == ("1", "2", "50.0%")

    returns = {
        label.split("|")[1]: figures
        for label, figures in _rows(document, "consultation", "consultation-returns").items()
    }
    assert [figures for label, figures in returns.items() if label.startswith("Young person")] == [("1", "1", "100.0%")]
    assert returns["Parent"] == ("0", "1", "0.0%") and returns["Carer"] == ("0", "1", "0.0%")

    feedback = _rows(document, "feedback", "service-feedback")
    assert feedback["Child or young person|Felt listened to"] == ("1", "1", "100.0%")
    assert feedback["Child or young person|Said the review made a difference"] == ("0", "1", "0.0%")

    disputes = _rows(document, "disputes", "practice-alerts")
    assert disputes["What the concern was about|Drift or delay in care planning"][:2] == ("2", "2")

    # Every other heading shows exactly what its report computes (each report's own figures are checked by
    # hand in its own tests): nothing is lost or changed on the way into the document.
    for heading, section in zip(SECTIONS, document.sections, strict=True):
        for name, shown in zip(heading.reports, section.tables, strict=True):
            table = report(name, YEAR)
            assert [row.label for row in shown.rows] == [row.label for row in table.rows]
            if not heading.protect:
                assert [row.count for row in shown.rows] == [str(row.count) for row in table.rows]

    page = client_for(manager).get(reverse("reporting:annual") + "?year=2025").content.decode()
    assert "<script" not in page.split("<main")[1].split("</main>")[0]  # the charts are drawn by the server
    assert "<svg" in page.split('id="participation"')[1]

    assert [quote.text for quote in document.quotes] == [
        "School is better now 0",
        "School is better now 1",
    ]  # two a theme, newest approved first (all the same moment: by id)


@time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=LONDON), tick=True)
def test_no_words_are_quoted_unless_three_children_were(a_year):
    Quote.objects.filter(statement__child=a_year[2]).delete()
    assert annual_document(YEAR).quotes == []


def test_the_chart_draws_no_bar_for_a_hidden_figure():
    table = Table(
        "t", "T", "base", [Row("Shown", 40, 80, 30, 60), Row("Small", 3, 80, 2, 60), Row("Other", 37, 80, 28, 60)]
    )
    chart = _shown(table, protect=True).chart
    # "Small" is hidden, and the next smallest ("Other", 37) with it, so the hidden 3 cannot be worked out.
    assert "Shown" in chart and "Small" not in chart and "Other" not in chart
    assert "50.0%" in chart


def test_the_pdf_draws_each_bar_in_its_row_and_none_for_a_hidden_figure():
    table = Table(
        "t", "T", "base",
        [Row("Shown", 40, 80, 30, 60), Row("Small", 3, 80, 2, 60), Row("Other", 37, 80, 28, 60),
         Row("Over the guidance", 84, 70), Row("A count alone", 12, None)],
    )  # fmt: skip
    shown = _shown(table, protect=True)
    bars = {row.label: (row.bar, row.bar_before) for row in shown.rows}
    assert bars["Shown"] == ("50.0", "50.0")
    # "Small" is hidden, and the next smallest ("Other", 37) with it: neither is drawn, now or the year before.
    assert bars["Small"] == ("", "") and bars["Other"] == ("", "")
    assert bars["Over the guidance"] == ("100.0", "")  # 120%: the bar stops at the edge, the figure says it
    assert bars["A count alone"] == ("", "") and shown.bars
    html = render_to_string("reporting/annual/pdf.html", {"document": _document_of(shown), "about": []})
    assert html.count('class="bar"') == 2 and html.count('class="bar-before"') == 1
    assert 'style="width: 50.0%"' in html and "<svg" not in html  # the PDF's chart is its bars, not SVG


def _document_of(shown) -> "annual_module.AnnualDocument":
    section = annual_module.Section("s", 1, "Heading", "Summary", [shown])
    return annual_module.AnnualDocument("Council", YEAR, YEAR.previous(), [section])


def _pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "annual.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) reads the PDF back")
@time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=LONDON), tick=True)
def test_the_pdf_reads_back_with_cover_contents_every_heading_and_the_figures(a_year, manager, tmp_path):
    response = client_for(manager).get(reverse("reporting:annual_pdf") + "?year=2025")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    cover, rest = text.split("\f", 1)
    assert "Independent Reviewing Officer" in cover and "Annual report 2025\u201326" in cover
    assert "Draft:" in cover
    contents = rest.split("\f", 1)[0]
    assert "Contents" in contents
    for heading in SECTIONS:
        assert heading.title in contents
        assert heading.title in rest.split("\f", 1)[1]
    assert "PN1: came to the review and spoke" in text and "themselves" in text  # whole, wrapped where it fits
    assert "83.3%" in text and "How many children each IRO had on 31 March 2026" in text
    assert "School is better now 0" in text
    # No page holds only a heading: every page after the contents has figures or words under its heading.
    for page in text.split("\f")[2:]:
        if page.strip():
            assert len(page.strip().splitlines()) > 2, page


@time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=LONDON), tick=True)
def test_the_word_file_reads_back_with_headings_header_rows_and_the_figures(a_year, manager):
    response = client_for(manager).get(reverse("reporting:annual_docx") + "?year=2025")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    word = Document(io.BytesIO(response.content))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    for number, heading in enumerate(SECTIONS, start=1):
        assert f"{number}. {heading.title}" in headings
    assert "In children's own words" in headings and "About these figures" in headings
    assert word.core_properties.language == "en-GB"
    participation = next(t for t in word.tables if any("PN1: came" in cell.text for cell in t.columns[1].cells))
    assert participation.rows[0]._tr.trPr.xml.count("tblHeader") == 1  # read out as the header row
    assert [cell.text for cell in participation.rows[1].cells][1:4] == [
        "PN1: came to the review and spoke for themselves",
        "10",
        "12",
    ]
    assert any(cell.text == "hidden (hidden)" for table in word.tables for row in table.rows for cell in row.cells)
    assert any(p.text.startswith("“School is better now") for p in word.paragraphs)


@pytest.mark.parametrize("year", ["next", "1999", "2101", "20x5", " "])
def test_a_bad_year_is_a_clear_400_for_every_format(manager, year):
    for name in ("reporting:annual", "reporting:annual_pdf", "reporting:annual_docx"):
        response = client_for(manager).get(reverse(name), {"year": year})
        if year.strip():
            assert response.status_code == 400
            assert b"like 2025" in response.content
        else:
            assert response.status_code == 200  # blank: this reporting year


def test_only_managers_get_any_format(iro, cicc, advocate, child_user):
    for user in (iro, cicc, advocate, child_user):
        for name in ("reporting:annual", "reporting:annual_pdf", "reporting:annual_docx"):
            assert client_for(user).get(reverse(name)).status_code == 404


@time_machine.travel(datetime(2026, 11, 23, 10, tzinfo=LONDON), tick=True)
def test_characters_a_word_file_cannot_hold_are_left_out_not_a_500(a_year, manager):
    deputy = make_user("sam", "manager")
    Quote.objects.filter(statement__child=a_year[0]).update(text="School\x0b is\x01 better")
    narrative_save(manager=manager, year=2025, section="service", text="Caseloads\x0c fell\x1b.", seen_version=0)
    narrative_submit(manager=manager, year=2025, section="service", seen_version=1)
    narrative_approve(manager=deputy, year=2025, section="service", seen_version=2)
    response = client_for(manager).get(reverse("reporting:annual_docx") + "?year=2025")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Caseloads fell." in text and "“School is better”" in text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the reports run alongside each other on PostgreSQL only")
def test_on_postgresql_the_reports_run_alongside_and_give_the_same_figures(transactional_db, iro, monkeypatch):
    for number in range(12):
        child = make_child(f"T{number:04d}", born=date(2012, 1, 1), looked_after=date(2024, 1, 8))
        held(child, "PN1" if number % 3 else "PN6", date(2025, 6, 2 + number), late=number == 4)
        iro_allocate(child=child, iro=iro, allocated_on=date(2025, 4, 1))
    threads = set()
    alone = annual_module._report_alone

    def watched(name, period, scope):
        threads.add(threading.current_thread().name)
        return alone(name, period, scope)

    monkeypatch.setattr(annual_module, "_report_alone", watched)
    together = annual_module.annual_report(YEAR)
    assert len(threads) > 1  # several threads, each on its own connection
    for heading, tables in together:
        for name, table in zip(heading.reports, tables, strict=True):
            assert table.as_dict() == report(name, YEAR).as_dict(), name
