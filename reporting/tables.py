"""A report table: rows with a count, a percentage and the base it was taken on."""

from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal


def percent(count: int, base: int) -> Decimal | None:
    """Return count/base as a percentage to one decimal place, rounded half up as councils do."""
    if not base:
        return None
    return (Decimal(count) * 100 / Decimal(base)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Row:
    label: str
    count: int
    base: int
    previous_count: int | None = None
    previous_base: int | None = None
    group: str = ""

    @property
    def percent(self) -> Decimal | None:
        return percent(self.count, self.base)

    @property
    def previous_percent(self) -> Decimal | None:
        if self.previous_count is None or self.previous_base is None:
            return None
        return percent(self.previous_count, self.previous_base)


@dataclass
class Table:
    name: str
    title: str
    base_label: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """Every row with its count, percentage and base, for JSON."""
        return {
            "name": self.name,
            "title": self.title,
            "base": self.base_label,
            "notes": self.notes,
            "rows": [
                {
                    **asdict(row),
                    "percent": float(row.percent) if row.percent is not None else None,
                    "previous_percent": float(row.previous_percent) if row.previous_percent is not None else None,
                }
                for row in self.rows
            ],
        }
