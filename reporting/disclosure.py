"""Disclosure control for what the Children in Care Council sees (DESIGN section 5).

Stricter than the DfE's published practice, because one council's children are few:
- a count below 10 shows as "fewer than 10"; others are rounded to the nearest 5;
- a theme needs at least 3 different children before it appears at all;
- secondary suppression: if only one cell in a period is hidden, the next smallest is hidden too,
  so a hidden cell cannot be worked out from the period's total;
- no cross-tabulation (theme by period only), and the current period is never shown.
"""

from dataclasses import dataclass

SMALL = 10
ROUND_TO = 5
MIN_CHILDREN = 3


@dataclass
class Cell:
    theme: str
    count: int
    children: int
    shown: str = ""
    suppressed: bool = False


def rounded(count: int) -> str:
    """Return a count as the CiCC may see it."""
    if count < SMALL:
        return "fewer than 10"
    return str(int(ROUND_TO * round(count / ROUND_TO)))


def protect(cells: list[Cell]) -> tuple[list[Cell], str]:
    """Apply every rule to one period's cells; return the visible cells and the period's total."""
    total = sum(cell.count for cell in cells)
    visible = [cell for cell in cells if cell.children >= MIN_CHILDREN]
    for cell in visible:
        cell.suppressed = cell.count < SMALL
        cell.shown = rounded(cell.count)
    hidden = [cell for cell in cells if cell.children < MIN_CHILDREN or cell.suppressed]
    if len(hidden) == 1:
        # One hidden cell could be worked out from the total: hide the next smallest as well.
        others = sorted((c for c in visible if not c.suppressed), key=lambda c: c.count)
        if others:
            others[0].suppressed = True
            others[0].shown = "hidden to protect another figure"
    return visible, rounded(total)
