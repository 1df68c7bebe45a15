"""What the Children in Care Council sees: theme counts per closed quarter, after disclosure control."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count

from reporting.disclosure import Cell, protect
from reporting.models import Quote, ResponseTheme, StatementTheme
from reporting.periods import Period


def quarter_containing(day: date) -> Period:
    """Return the quarter (April-June, July-September, October-December, January-March) with the day."""
    first_month = ((day.month - 1) // 3) * 3 + 1
    start = date(day.year, first_month, 1)
    end = (date(day.year + (first_month == 10), (first_month + 3 - 1) % 12 + 1, 1)) - timedelta(days=1)
    return Period(start, end)


def closed_quarters(today: date, count: int = 4) -> list[Period]:
    """The last `count` quarters that have ended, newest first: the current one is never shown."""
    quarters = []
    day = quarter_containing(today).start - timedelta(days=1)
    for _ in range(count):
        quarter = quarter_containing(day)
        quarters.append(quarter)
        day = quarter.start - timedelta(days=1)
    return quarters


@dataclass
class ThemePeriod:
    period: Period
    cells: list[Cell]
    total: str


def cicc_themes(today: date) -> list[ThemePeriod]:
    """Theme counts for each closed quarter, with every disclosure rule applied (no child, ever)."""
    result = []
    for period in closed_quarters(today):
        from_statements = StatementTheme.objects.filter(statement__created_at__date__range=(period.start, period.end))
        from_answers = ResponseTheme.objects.filter(response__submitted_at__date__range=(period.start, period.end))
        counts: dict[str, int] = {}
        for source in (from_statements, from_answers):
            for row in source.values("theme__name").annotate(n=Count("pk")):
                counts[row["theme__name"]] = counts.get(row["theme__name"], 0) + row["n"]
        # Children are counted once per theme, whether they wrote, answered a form, or both.
        pairs = set(from_statements.values_list("theme__name", "statement__child_id").distinct()) | set(
            from_answers.values_list("theme__name", "response__invitation__review__child_id").distinct()
        )
        children: dict[str, int] = {}
        for theme, _ in pairs:
            children[theme] = children.get(theme, 0) + 1
        cells = [Cell(theme=name, count=counts[name], children=children.get(name, 0)) for name in sorted(counts)]
        visible, total = protect(cells)
        result.append(ThemePeriod(period=period, cells=visible, total=total))
    return result


def cicc_quotes(today: date) -> list[Quote]:
    """Approved quotes from closed quarters: redacted words and a theme, nothing else."""
    last_closed = closed_quarters(today, 1)[0].end
    return list(
        Quote.objects.filter(approved_at__isnull=False, statement__created_at__date__lte=last_closed)
        .select_related("theme")
        .only("text", "theme__name", "approved_at")
        .order_by("-approved_at")[:20]
    )
