"""What the Children in Care Council sees: theme counts per closed quarter, after disclosure control."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count

from reporting.disclosure import Cell, protect
from reporting.models import Quote, StatementTheme, YouSaidWeDid
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
        rows = (
            StatementTheme.objects.filter(statement__created_at__date__range=(period.start, period.end))
            .values("theme__name")
            .annotate(n=Count("statement", distinct=True), children=Count("statement__child", distinct=True))
            .order_by("theme__name")
        )
        cells = [Cell(theme=row["theme__name"], count=row["n"], children=row["children"]) for row in rows]
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


def you_said_we_did_recent() -> list[YouSaidWeDid]:
    """What the CiCC has published, newest first, for children and the CiCC to read."""
    return list(YouSaidWeDid.objects.select_related("theme").order_by("-published_at")[:20])
