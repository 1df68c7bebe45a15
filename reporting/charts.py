"""A report's percentages as an SVG bar chart, drawn on the server: full labels, wrapped, never cut."""

import textwrap

from django.utils.html import escape

from reporting.tables import Row, Table

WIDTH, LABEL_WIDTH, LABEL_CHARACTERS = 430, 220, 33
LINE, BAR, BEFORE_BAR, GAP = 14, 12, 6, 8
BLUE, GREY, INK = "#1f5fa8", "#9aa3ad", "#1d1d1b"
MAX_ROWS = 60


def _charted(table: Table) -> list[tuple[str, list[Row]]]:
    """The groups in table order, each with its rows that have a percentage (a count alone has no bar)."""
    groups: dict[str, list[Row]] = {}
    for row in table.rows:
        if row.percent is not None or row.previous_percent is not None:
            groups.setdefault(row.group, []).append(row)
    return list(groups.items())


def report_chart(table: Table, before_label: str = "Period before") -> str:
    """Return the chart as SVG text (every label escaped), or "" when no row has a percentage."""
    groups = _charted(table)
    if not groups:
        return ""
    scale = (WIDTH - LABEL_WIDTH - 48) / 100
    parts, y = [], 28
    # The key: this period's bar, and the thinner one for the period before.
    parts.append(
        f'<rect x="0" y="4" width="12" height="12" fill="{BLUE}"/>'
        f'<text x="18" y="14" font-size="12" fill="{INK}">This period</text>'
        f'<rect x="110" y="7" width="12" height="{BEFORE_BAR}" fill="{GREY}"/>'
        f'<text x="128" y="14" font-size="12" fill="{INK}">{escape(before_label)}</text>'
    )
    shown = 0
    for group, rows in groups:
        if group:
            for line in textwrap.wrap(group, 60):
                y += LINE + 2
                parts.append(
                    f'<text x="0" y="{y}" font-size="12" font-weight="bold" fill="{INK}">{escape(line)}</text>'
                )
            y += 4
        for row in rows[: MAX_ROWS - shown]:
            lines = textwrap.wrap(row.label, LABEL_CHARACTERS, break_long_words=False) or [""]
            height = max(len(lines) * LINE, BAR + BEFORE_BAR + 4)
            for index, line in enumerate(lines):
                parts.append(
                    f'<text x="0" y="{y + 11 + index * LINE}" font-size="12" fill="{INK}">{escape(line)}</text>'
                )
            now = float(row.percent or 0) * scale
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{now:.1f}" height="{BAR}" fill="{BLUE}"/>')
            value = "no base" if row.percent is None else f"{row.percent}%"
            parts.append(
                f'<text x="{LABEL_WIDTH + now + 4:.1f}" y="{y + 10}" font-size="11" fill="{INK}">{value}</text>'
            )
            if row.previous_percent is not None:
                before = float(row.previous_percent) * scale
                parts.append(
                    f'<rect x="{LABEL_WIDTH}" y="{y + BAR + 2}" width="{before:.1f}" height="{BEFORE_BAR}" '
                    f'fill="{GREY}"/>'
                )
            y += height + GAP
            shown += 1
    height = y + 4
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" aria-label="{escape(table.title)}: the percentages in the table, '
        f'as bars">{"".join(parts)}</svg>'
    )
