"""The wellbeing indicators as the Children in Care Council sees them: the whole council, no small numbers."""

from dataclasses import dataclass
from datetime import date

from consultations.wellbeing import DOMAINS, INDICATORS
from reporting.disclosure import SMALL, rounded
from reporting.models import indicator_name
from reporting.periods import Period
from reporting.tables import percent
from reporting.themes import closed_quarters
from reporting.wellbeing_report import ALL_CHILDREN, Counted, counted


@dataclass
class CiccIndicator:
    """One indicator for the CiCC: a rounded base and a whole-number percentage, or nothing when too few answered."""

    domain: str
    label: str
    children: str
    percent: str
    before: str
    mean: str = ""


def _whole_percent(cell: Counted) -> str:
    """A percentage to the whole number, only when at least 10 children answered (else hidden)."""
    if cell.answered < SMALL:
        return ""
    value = percent(cell.positive, cell.answered)
    return "" if value is None else f"{value.quantize(1)}%"


def cicc_year(today: date) -> tuple[Period, Period]:
    """The four quarters that have ended (the current one is never shown), and the year before them."""
    quarters = closed_quarters(today, 8)
    return Period(quarters[3].start, quarters[0].end), Period(quarters[7].start, quarters[4].end)


def cicc_wellbeing(today: date) -> dict:
    """Each indicator for all the council's children (never a breakdown), with every disclosure rule applied."""
    year, before = cicc_year(today)
    now, earlier = counted(year)[("all", ALL_CHILDREN)], counted(before)[("all", ALL_CHILDREN)]
    rows = []
    for slug, indicator in sorted(INDICATORS.items(), key=lambda item: DOMAINS.index(item[1].domain)):
        cell, old = now[slug], earlier[slug]
        shown = _whole_percent(cell)
        mean = f"{cell.mean:.1f}" if indicator.scale and shown and cell.mean is not None else ""
        rows.append(
            CiccIndicator(
                domain=indicator.domain.capitalize(),
                label=indicator.label,
                children=rounded(cell.answered) if cell.answered else "none",
                percent=shown,
                before=_whole_percent(old),
                mean=mean,
            )
        )
    return {"period": year, "before": before, "rows": rows, "small": SMALL}


def cicc_indicator_choices() -> list[tuple[str, str]]:
    """The indicators the CiCC can publish "you said, we did" against: (slug, the plain name children read)."""
    return [(slug, f"{indicator_name(slug)} ({indicator.domain})") for slug, indicator in INDICATORS.items()]
