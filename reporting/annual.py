"""The IRO annual report: a cover, contents, each statutory heading with its figures, charts and the
manager's approved words, the year before, and children's own words; one document for the page, PDF and Word.

The headings follow the IRO Handbook (DCSF 2010) para 7.11: the manager of the IRO service reports each
year to the corporate parenting board on the service's work, children's participation and its resolution
of disputes.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from backend.pdf import pdf_from_html
from reporting.charts import report_chart
from reporting.disclosure import MIN_CHILDREN, SMALL
from reporting.models import AnnualNarrative, Quote
from reporting.narratives import narratives_for_year
from reporting.periods import Period
from reporting.reports import report
from reporting.tables import Row, Table
from reporting.wellbeing_report import ALL_CHILDREN, ONS_BANDS_GROUP
from reviews.models import Child

FEWER = f"fewer than {SMALL}"


@dataclass(frozen=True)
class Heading:
    """One heading of the report: its key (in links and the narrative), title, what it covers, its reports.

    `protect`: the tables break children down by who they are (age, sex, ethnicity, placement), where a
    small count could point to one child, so the CiCC's disclosure control applies.
    """

    key: str
    title: str
    summary: str
    reports: tuple[str, ...]
    protect: bool = False
    # Only these groups' rows, where the whole breakdown belongs in the report itself, not the annual report.
    only_groups: tuple[str, ...] = ()


# In the order IRO annual reports use.
SECTIONS = [
    Heading("service", "The IRO service", "Caseloads against the 50-70 per full-time IRO guidance.", ("caseloads",)),
    Heading("participation", "Participation of children in their reviews",
            "How children took part, as the DfE codes it.", ("participation",)),
    Heading("who-took-part", "Participation by who children are",
            "The same codes by age, sex, ethnicity, placement and how children communicate.",
            ("participation-by-age", "participation-by-sex", "participation-by-ethnicity",
             "participation-by-placement", "participation-by-communication"), protect=True),
    Heading("parents", "Participation of parents", "Parents consulted before, and taking part in, reviews.",
            ("parent-participation",)),
    Heading("timeliness", "Timeliness of reviews and IRO allocation", "Reviews on time and late, with reasons.",
            ("timeliness",)),
    Heading("consultation", "Consultation before reviews", "Forms returned by children and the adults around them.",
            ("consultation-returns",)),
    Heading("activity", "The IRO's activity between reviews",
            "Children seen, and seen on their own, before their reviews; visits and midway reviews between them; care "
            "plans updated within 10 working days of the review; consultations and reports shared in advance.",
            ("iro-activity",)),
    Heading("voice", "Children's voice between reviews", "Messages children sent, and how quickly they were read.",
            ("statements", "response-times")),
    Heading("disputes", "Dispute resolution", "Practice alerts raised and where they got to.", ("practice-alerts",)),
    Heading("complaints", "Complaints and representations",
            "Complaints about children's care (Children Act 1989 s.26) and how quickly each stage was answered.",
            ("complaints",)),
    Heading("wellbeing", "How children are doing",
            "Children's answers to the wellbeing questions in their consultation forms: relationships, rights, "
            "resilience and recovery, and the ONS personal wellbeing questions for those aged 11 and over. By age, "
            "sex, ethnicity and placement in the wellbeing report.",
            ("wellbeing",), protect=True, only_groups=(ALL_CHILDREN, ONS_BANDS_GROUP)),
    Heading("feedback", "Service-user feedback", "What children, parents, carers and professionals said about reviews.",
            ("service-feedback",)),
]  # fmt: skip
WORDS_KEY = "childrens-words"
# The manager may write under every heading, and under the children's own words.
NARRATIVE_KEYS = {heading.key: heading.title for heading in SECTIONS} | {WORDS_KEY: "In children's own words"}
QUOTES_SHOWN, QUOTES_PER_THEME = 8, 2


@dataclass
class ShownRow:
    """A row as published: figures hidden where a small count could point to a child."""

    group: str
    label: str
    count: str
    base: str
    percent: str
    previous_count: str
    previous_percent: str
    previous_base: str = ""
    # The PDF's bars (a percentage as "38.5"), drawn in the row beside its full label; "" where none is drawn.
    bar: str = ""
    bar_before: str = ""

    @property
    def now(self) -> str:
        """This year in one phrase: "15 of 39 (38.5%)", or as much of it as may be shown."""
        return _phrase(self.count, self.base, self.percent)

    @property
    def before(self) -> str:
        """The year before in the same words ("" where there is none)."""
        return _phrase(self.previous_count, self.previous_base, self.previous_percent)


def _phrase(count: str, base: str, percent: str) -> str:
    if not count:
        return ""
    if base == FEWER:
        return FEWER
    if not base:
        return count
    return f"{count} of {base}" if percent in ("-", "hidden", "") else f"{count} of {base} ({percent})"


@dataclass
class PivotRow:
    """One group of a breakdown across: its base, and each column's percentage now and the year before."""

    group: str
    base: str
    cells: list[tuple[str, str]]


@dataclass
class Pivot:
    """A breakdown turned across (groups down, codes along), as annual reports print them: one line a group."""

    columns: list[str]
    rows: list[PivotRow]


@dataclass
class ShownTable:
    table: Table
    rows: list[ShownRow]
    chart: str
    suppressed: bool
    pivot: Pivot | None = None

    @property
    def grouped(self) -> bool:
        return any(row.group for row in self.rows)

    @property
    def bars(self) -> bool:
        """Whether any row has a bar: the PDF then gives the table its chart column."""
        return any(row.bar or row.bar_before for row in self.rows)


@dataclass
class Section:
    key: str
    number: int
    heading: str
    summary: str
    tables: list[ShownTable]
    narrative: str = ""
    working: AnnualNarrative | None = None


@dataclass
class QuoteShown:
    theme: str
    text: str


@dataclass
class AnnualDocument:
    council: str
    period: Period
    previous: Period
    sections: list[Section]
    quotes: list[QuoteShown] = field(default_factory=list)
    words_narrative: str = ""
    words_working: AnnualNarrative | None = None
    made_on: date | None = None

    @property
    def title(self) -> str:
        return f"IRO annual report {self.period.start:%Y}-{self.period.end:%y}"

    @property
    def unapproved(self) -> list[str]:
        """The headings still without approved words: the report is a draft until there are none."""
        missing = [section.heading for section in self.sections if not section.narrative]
        return missing + ([NARRATIVE_KEYS[WORDS_KEY]] if not self.words_narrative else [])


# Reports worked out at once on PostgreSQL, each on its own pooled connection: the database then uses
# every core for the year's figures rather than one.
ALONGSIDE = 4
SLOWEST = {"wellbeing", "consultation-returns", "statements", "iro-activity"}


def annual_report(period: Period, scope: QuerySet[Child] | None = None) -> list[tuple[Heading, list[Table]]]:
    """Every heading's tables for the period, each compared with the year before."""
    names = [name for heading in SECTIONS for name in heading.reports]
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # The slowest first, so it is not left running alone at the end.
        names.sort(key=lambda name: name not in SLOWEST)
        with ThreadPoolExecutor(max_workers=ALONGSIDE) as pool:
            found = dict(zip(names, pool.map(lambda name: _report_alone(name, period, scope), names), strict=True))
    else:
        # Another connection sees only what is committed, so inside a transaction they run one by one.
        found = {name: report(name, period, scope) for name in names}
    return [(heading, [found[name] for name in heading.reports]) for heading in SECTIONS]


def _report_alone(name: str, period: Period, scope: QuerySet[Child] | None) -> Table:
    """One report on this thread's own connection, given back to the pool when done."""
    try:
        return report(name, period, scope)
    finally:
        connection.close()


def annual_document(period: Period, scope: QuerySet[Child] | None = None) -> AnnualDocument:
    """The whole report for the period: figures (protected where small), charts, approved words and quotes."""
    narratives = narratives_for_year(period.start.year)
    sections = []
    for number, (heading, tables) in enumerate(annual_report(period, scope), start=1):
        shown = [_shown(_only(table, heading.only_groups), protect=heading.protect) for table in tables]
        working = narratives.get(heading.key)
        sections.append(
            Section(heading.key, number, heading.title, heading.summary, shown, _approved(working), working)
        )
    words = narratives.get(WORDS_KEY)
    return AnnualDocument(
        council=settings.LA_NAME,
        period=period,
        previous=period.previous(),
        sections=sections,
        quotes=annual_quotes(period, scope),
        words_narrative=_approved(words),
        words_working=words,
        made_on=timezone.localdate(),
    )


ANNUAL_CSS = settings.BASE_DIR / "static" / "heard" / "annual.css"


def annual_pdf(document: AnnualDocument) -> bytes:
    """The document as PDF: its own small stylesheet, so WeasyPrint styles only what the report uses."""
    html = render_to_string("reporting/annual/pdf.html", {"document": document, "about": about_the_figures(document)})
    return pdf_from_html(html, stylesheets=[ANNUAL_CSS])


def _only(table: Table, groups: tuple[str, ...]) -> Table:
    if not groups:
        return table
    return Table(table.name, table.title, table.base_label, [r for r in table.rows if r.group in groups], table.notes)


def _approved(narrative: AnnualNarrative | None) -> str:
    return narrative.approved_text if narrative and narrative.approved_at else ""


def annual_quotes(period: Period, scope: QuerySet[Child] | None = None) -> list[QuoteShown]:
    """Children's own words from the year: only quotes they agreed to and an officer approved, redacted.

    As the CiCC's rule of three: no words at all unless at least three children's quotes were approved, so
    that no quote can be put down to the only child who was quoted.
    """
    first, after = period.moments()
    quotes = Quote.objects.filter(
        approved_at__isnull=False, statement__created_at__gte=first, statement__created_at__lt=after
    )
    if scope is not None:
        quotes = quotes.filter(statement__child__in=scope)
    if quotes.values("statement__child").distinct().count() < MIN_CHILDREN:
        return []
    chosen: list[QuoteShown] = []
    per_theme: dict[str, int] = {}
    for theme, text in quotes.order_by("-approved_at", "pk").values_list("theme__name", "text"):
        if per_theme.get(theme, 0) < QUOTES_PER_THEME:
            per_theme[theme] = per_theme.get(theme, 0) + 1
            chosen.append(QuoteShown(theme, text))
        if len(chosen) == QUOTES_SHOWN:
            break
    return chosen


def about_the_figures(document: AnnualDocument) -> list[str]:
    """The notes every format of the report ends with."""
    notes = [
        f"Every figure comes from what was recorded in Heard for {document.period.label}. Percentages are to one "
        "decimal place, rounded half up; each table says what its percentages are out of.",
        "Where a group holds fewer than 10 children or reviews, its figure shows as \u201cfewer than 10\u201d, and "
        "one more figure is hidden where the first could be worked out from the total, so that no child can be "
        "recognised. The same rule protects what the Children in Care Council sees.",
        "Children's words are quoted only where the child agreed and a participation officer approved the words, "
        "with names, places and numbers taken out.",
    ]
    if document.made_on:
        notes.append(f"Made on {document.made_on:%-d %B %Y}.")
    return notes


def _small(count: int | None) -> bool:
    return count is not None and 0 < count < SMALL


def _figure(count: int | None, hidden: bool) -> str:
    if count is None:
        return ""
    return FEWER if hidden else str(count)


def _percent(value: object, hidden: bool) -> str:
    if hidden:
        return "hidden"
    return "-" if value is None else f"{value}%"


def _bar(value: object) -> str:
    """A percentage as a bar's width for the PDF ("" for none): dot-decimal whatever the locale.

    A caseload can pass 100% of the guidance; its bar stops at the cell's edge and the figure says how far.
    """
    return "" if value is None else f"{min(float(value), 100.0):.1f}"  # type: ignore[arg-type]


def _hidden_rows(rows: list[Row], count_of, base_of) -> set[int]:
    """The rows whose figure must be hidden: small ones, and one more where a single hidden one could be
    worked out from its group's base (the CiCC's secondary suppression, reporting.disclosure).

    The rows of a group out of the same base are the ones that add up to it (the PN codes of an age band,
    the ONS bands of a question), so those are the sets a hidden figure could be worked out within.
    """
    hidden = {index for index, row in enumerate(rows) if _small(count_of(row))}
    groups: dict[tuple[str, int | None], list[int]] = {}
    for index, row in enumerate(rows):
        groups.setdefault((row.group, base_of(row)), []).append(index)
    for members in groups.values():
        in_group = [index for index in members if index in hidden]
        if len(in_group) == 1:
            others = sorted(
                (i for i in members if i not in hidden and count_of(rows[i])), key=lambda i: count_of(rows[i])
            )
            if others:
                hidden.add(others[0])
    return hidden


def _shown(table: Table, *, protect: bool) -> ShownTable:
    """A table as the report shows it; with `protect`, small counts hidden as the CiCC's are."""
    hidden_now = _hidden_rows(table.rows, lambda row: row.count, lambda row: row.base) if protect else set()
    hidden_before = (
        _hidden_rows(table.rows, lambda row: row.previous_count, lambda row: row.previous_base) if protect else set()
    )
    rows = []
    for index, row in enumerate(table.rows):
        now, before = index in hidden_now, index in hidden_before
        base_hidden = protect and _small(row.base)
        # The chart draws only what the table shows: no bar for a hidden figure, now or the year before.
        charted = not row.group and not now and not base_hidden
        rows.append(
            ShownRow(
                group=row.group,
                label=row.label,
                count=_figure(row.count, now or base_hidden),
                base=_figure(row.base, base_hidden),
                percent=_percent(row.percent, now or base_hidden),
                previous_count=_figure(row.previous_count, before),
                previous_percent="" if row.previous_count is None else _percent(row.previous_percent, before),
                previous_base=_figure(row.previous_base, protect and _small(row.previous_base)),
                bar=_bar(row.percent) if charted else "",
                bar_before=_bar(row.previous_percent) if charted and not before else "",
            )
        )
    charted_rows = [
        Row(row.label, row.count, row.base,
            None if index in hidden_before else row.previous_count, row.previous_base)
        for index, row in enumerate(table.rows)
        if not row.group and index not in hidden_now and not (protect and _small(row.base))
    ]  # fmt: skip
    chart = report_chart(Table(table.name, table.title, table.base_label, charted_rows), "Year before")
    return ShownTable(table, rows, chart, bool(hidden_now or hidden_before), _pivot(rows) if protect else None)


def _pivot(rows: list[ShownRow]) -> Pivot | None:
    """The rows across, when every group has the same labels in the same order (a breakdown); else None."""
    groups: dict[str, list[ShownRow]] = {}
    for row in rows:
        groups.setdefault(row.group, []).append(row)
    labels = [[row.label for row in members] for members in groups.values()]
    if len(groups) < 2 or any(found != labels[0] for found in labels):
        return None
    # "PN1: came to the review and spoke for themselves" heads its column as "PN1"; the words are in the
    # participation table just before.
    columns = [label.split(":")[0] for label in labels[0]]
    return Pivot(
        columns,
        [
            PivotRow(group, members[0].base, [(row.percent, row.previous_percent) for row in members])
            for group, members in groups.items()
        ],
    )
