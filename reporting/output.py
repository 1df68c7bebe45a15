"""Report tables as text, CSV and JSON, for the command line, downloads and the API."""

import csv
import io
import json

from reporting.tables import Table

# A cell a spreadsheet would run as a formula (OWASP's CSV injection): =, +, -, @, or a tab or
# carriage return before one. Late reasons and theme names are typed by people.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Return text that a spreadsheet will show as text, never run; numbers are left as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


CSV_COLUMNS = ["group", "label", "count", "base", "percent", "previous_count", "previous_base", "previous_percent"]
# The header a spreadsheet shows, in words, column for column with CSV_COLUMNS.
CSV_HEADINGS = [
    "Group",
    "What is counted",
    "Number",
    "Out of",
    "%",
    "Period before: number",
    "Period before: out of",
    "Period before: %",
]


def as_csv(table: Table) -> str:
    """Every row with its count, percentage and base, the base named in the header comment."""
    out = io.StringIO()
    writer = csv.writer(out)
    rows = table.as_dict()["rows"]
    # A report whose rows carry more (the wellbeing report's indicator and mean) adds them after the usual columns.
    extra = [key for key in (rows[0] if rows else {}) if key not in CSV_COLUMNS]
    writer.writerow(CSV_HEADINGS + extra)
    for row in rows:
        writer.writerow(
            [spreadsheet_safe(row[column]) if row[column] is not None else "" for column in CSV_COLUMNS + extra]
        )
    return out.getvalue()


def as_json(table: Table, period_label: str) -> str:
    return json.dumps({"period": period_label, **table.as_dict()}, indent=2)


def as_text(table: Table, period_label: str) -> str:
    """A plain table for a terminal."""
    lines = [f"{table.title} — {period_label}", f"Counted: {table.base_label}", ""]
    width = max([len(r.label) + (len(r.group) + 3 if r.group else 0) for r in table.rows] + [10])
    lines.append(f"{'':<{width}}  {'number':>7} {'out of':>7} {'%':>6}   {'before':>7} {'%':>6}")
    for row in table.rows:
        label = f"{row.group}: {row.label}" if row.group else row.label
        pct = f"{row.percent}" if row.percent is not None else "-"
        before = "" if row.previous_count is None else f"{row.previous_count:>7} {row.previous_percent or '-':>6}"
        mean = getattr(row, "mean", None)
        mean = "" if mean is None else f"   mean {mean:.2f}"
        lines.append(f"{label:<{width}}  {row.count:>7} {row.base:>7} {pct:>6}   {before}{mean}".rstrip())
    lines.extend(f"Note: {note}" for note in table.notes)
    return "\n".join(lines) + "\n"
