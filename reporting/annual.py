"""The IRO annual report: every table under the headings an IRO annual report uses, with charts."""

from dataclasses import dataclass

from reporting.periods import Period
from reporting.reports import report
from reporting.tables import Table

# (heading, what it covers, the reports under it), in the order IRO annual reports use.
SECTIONS = [
    ("The IRO service", "Caseloads against the 50-70 per full-time IRO guidance.", ["caseloads"]),
    ("Participation of children in their reviews", "How children took part, as the DfE codes it.",
     ["participation", "participation-by-age", "participation-by-sex", "participation-by-ethnicity",
      "participation-by-placement", "participation-by-communication"]),
    ("Participation of parents", "Parents consulted before, and taking part in, reviews.", ["parent-participation"]),
    ("Timeliness of reviews and IRO allocation", "Reviews on time and late, with reasons.", ["timeliness"]),
    ("Consultation before reviews", "Forms returned by children and the adults around them.", ["consultation-returns"]),
    ("The IRO's activity between reviews",
     "Children seen, and seen on their own, before their reviews; visits and midway reviews between them; care "
     "plans updated within 10 working days of the review; consultations and reports shared in advance.",
     ["iro-activity"]),
    ("Children's voice between reviews", "Messages children sent, and how quickly they were read.",
     ["statements", "response-times"]),
    ("Dispute resolution", "Practice alerts raised and where they got to.", ["practice-alerts"]),
    ("Complaints and representations",
     "Complaints about children's care (Children Act 1989 s.26) and how quickly each stage was answered.",
     ["complaints"]),
    ("Service-user feedback", "What children, parents, carers and professionals said about reviews.",
     ["service-feedback"]),
]  # fmt: skip


@dataclass
class Section:
    heading: str
    summary: str
    tables: list[Table]


def annual_report(period: Period) -> list[Section]:
    """Every section of the annual report for the period, each compared with the year before."""
    return [Section(heading, summary, [report(name, period) for name in names]) for heading, summary, names in SECTIONS]


def bar_chart(table: Table, width: int = 520) -> str:
    """An SVG bar chart of a table's percentages: drawn here, so no script is needed to see it."""
    rows = [row for row in table.rows if row.percent is not None and not row.group][:12]
    if not rows:
        return ""
    bar_height, gap, label_width = 18, 6, 230
    height = len(rows) * (bar_height + gap) + gap
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{_escape(table.title)}: percentages">'
    ]
    scale = (width - label_width - 60) / 100
    for index, row in enumerate(rows):
        y = gap + index * (bar_height + gap)
        bar = float(row.percent or 0) * scale
        parts.append(
            f'<text x="0" y="{y + 13}" font-size="11" fill="#1d1d1b">{_escape(row.label[:38])}</text>'
            f'<rect x="{label_width}" y="{y}" width="{bar:.1f}" height="{bar_height}" fill="#1f5fa8"/>'
            f'<text x="{label_width + bar + 4:.1f}" y="{y + 13}" font-size="11" fill="#1d1d1b">{row.percent}%</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
