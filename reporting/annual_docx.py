"""The IRO annual report as a Word file a council can edit: real headings, header rows, language set.

Screen readers move through Word by its heading styles and read table headers from rows marked as
such, so both come from Word's own structure rather than bold text. The charts stay in the page and
the PDF: every figure they draw is in the tables here.
"""

import io
import re

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_SECTION
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from reporting.annual import AnnualDocument, Pivot, ShownTable, about_the_figures

COLUMNS = ["", "Children or reviews", "Out of", "%", "Year before", "%"]


def annual_docx(document: AnnualDocument) -> bytes:
    """The whole report as .docx bytes: cover, contents, every heading, quotes and notes."""
    word = Document()
    _set_language(word, "en-GB")
    word.core_properties.title = f"{document.council}: {document.title}"
    word.core_properties.subject = "Independent Reviewing Officer service annual report"
    word.core_properties.language = "en-GB"
    word.styles["Normal"].font.name = "Arial"
    word.styles["Normal"].font.size = Pt(11)

    word.add_paragraph(document.council, style="Subtitle")
    word.add_heading(document.title, level=0)
    word.add_paragraph("Independent Reviewing Officer service")
    word.add_paragraph(f"{document.period.label}, compared with {document.previous.label}.")
    if document.unapproved:
        word.add_paragraph(
            "Draft: words under some headings are not yet approved: " + ", ".join(document.unapproved) + "."
        )
    word.add_section(WD_SECTION.NEW_PAGE)

    word.add_heading("Contents", level=1)
    for section in document.sections:
        word.add_paragraph(f"{section.number}. {section.heading}", style="List Number")
    word.add_paragraph("In children's own words", style="List Number")
    word.add_paragraph("About these figures", style="List Number")

    for section in document.sections:
        word.add_heading(f"{section.number}. {section.heading}", level=1)
        word.add_paragraph(section.summary)
        for paragraph in _paragraphs(section.narrative):
            word.add_paragraph(paragraph)
        for shown in section.tables:
            _table(word, shown)

    word.add_heading("In children's own words", level=1)
    for paragraph in _paragraphs(document.words_narrative):
        word.add_paragraph(paragraph)
    if document.quotes:
        for quote in document.quotes:
            word.add_paragraph(_safe(f"“{quote.text}” ({quote.theme})"), style="Quote")
    else:
        word.add_paragraph(
            "No words are quoted this year: fewer than three children's quotes were approved, and one child's words "
            "alone could point to them."
        )

    word.add_heading("About these figures", level=1)
    for paragraph in about_the_figures(document):
        word.add_paragraph(paragraph)

    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _paragraphs(text: str) -> list[str]:
    return [_safe(part.strip()) for part in text.split("\n\n") if part.strip()]


# Word's XML cannot hold control characters (python-docx refuses them); words typed or texted may.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _safe(text: object) -> str:
    """The text without the characters a Word file cannot hold."""
    return _NOT_XML.sub("", str(text))


def _table(word: WordDocument, shown: ShownTable) -> None:
    table = shown.table
    word.add_heading(_safe(table.title), level=2)
    word.add_paragraph(_safe(f"Out of: {table.base_label}"))
    if shown.pivot is not None:
        _pivot_table(word, shown.pivot, shown.table.notes)
        return
    grouped = shown.grouped
    columns = (["Group"] if grouped else []) + COLUMNS
    grid = word.add_table(rows=1, cols=len(columns))
    grid.style = "Table Grid"
    for cell, title in zip(grid.rows[0].cells, columns, strict=True):
        cell.text = title or "What"
    _mark_header(grid.rows[0])
    for row in shown.rows:
        values = ([row.group] if grouped else []) + [
            row.label, row.count, row.base, row.percent, row.previous_count, row.previous_percent,
        ]  # fmt: skip
        for cell, value in zip(grid.add_row().cells, values, strict=True):
            cell.text = _safe(value)
    for note in table.notes:
        word.add_paragraph(_safe(note))


def _pivot_table(word: WordDocument, pivot: Pivot, notes: list[str]) -> None:
    """A breakdown across, as on the page: each group's percentage, the year before in brackets."""
    grid = word.add_table(rows=1, cols=len(pivot.columns) + 2)
    grid.style = "Table Grid"
    for cell, title in zip(grid.rows[0].cells, ["Group", "Out of", *pivot.columns], strict=True):
        cell.text = title
    _mark_header(grid.rows[0])
    for row in pivot.rows:
        values = [row.group, row.base] + [f"{now} ({before})" if before else now for now, before in row.cells]
        for cell, value in zip(grid.add_row().cells, values, strict=True):
            cell.text = _safe(value)
    word.add_paragraph("Each group's percentage of its reviews this year, with the year before in brackets.")
    for note in notes:
        word.add_paragraph(_safe(note))


def _mark_header(row) -> None:
    """Mark a table row as its header (read out with each cell, repeated on every page)."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _set_language(word: WordDocument, language: str) -> None:
    """Set the document's proofing language, which screen readers use to choose their voice."""
    defaults = word.styles.element.find(qn("w:docDefaults"))
    run_properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run_properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_properties.append(lang)
    lang.set(qn("w:val"), language)
