"""The wellbeing table the pack and the child's record both show: a column per review, a small chart per indicator."""

from consultations.selectors import WELLBEING_REVIEWS_SHOWN, WellbeingLine

# Each wellbeing line's small chart, in SVG units.
SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 120, 28, 4


def wellbeing_table(lines: list[WellbeingLine]) -> dict | None:
    """The wellbeing table: a column per review answered, a row (with a small chart) per indicator."""
    if not lines:
        return None
    reviews = sorted({(p.review_sequence, p.review_date) for line in lines for p in line.points})
    column = {sequence: index for index, (sequence, _day) in enumerate(reviews)}
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / max(len(reviews) - 1, 1)
    rows = []
    for line in lines:
        top = 10 if line.indicator.scale else 1
        cells = [""] * len(reviews)
        dots = []
        for point in line.points:
            index = column[point.review_sequence]
            cells[index] = str(point.score) if line.indicator.scale else ("Yes" if point.score else "No")
            x = SPARK_PAD + index * step if len(reviews) > 1 else SPARK_WIDTH / 2
            y = SPARK_HEIGHT - SPARK_PAD - point.score / top * (SPARK_HEIGHT - 2 * SPARK_PAD)
            dots.append({"x": round(x, 1), "y": round(y, 1)})
        rows.append(
            {
                "line": line,
                "cells": cells,
                "dots": dots,
                "points": " ".join(f"{dot['x']},{dot['y']}" for dot in dots),
            }
        )
    # A full table may have left older reviews out (wellbeing_history reads only the latest few).
    full = len(reviews) >= WELLBEING_REVIEWS_SHOWN
    return {"reviews": reviews, "rows": rows, "width": SPARK_WIDTH, "height": SPARK_HEIGHT, "full": full}
