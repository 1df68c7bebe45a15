"""The DfE SSDA903 return: the reviews file out, and a council's history in.

Reviews file (SSDA903 guide, reviews table): CHILD, DOB, REVIEW, REVIEW_CODE; dates DD/MM/YYYY;
one row per review held in the collection year, which ends on 31 March.
"""

import csv
from pathlib import Path

from reporting.periods import collection_year
from reviews.models import Review

REVIEWS_HEADER = ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"]


def reviews_rows(year: int) -> list[list[str]]:
    """Return the reviews table rows for the collection year ending 31 March `year`."""
    period = collection_year(year)
    reviews = (
        Review.objects.filter(held_on__range=(period.start, period.end))
        .order_by("child__case_reference", "held_on")
        .values_list("child__case_reference", "child__date_of_birth", "held_on", "participation_code")
    )
    return [[child, f"{born:%d/%m/%Y}", f"{held:%d/%m/%Y}", code] for child, born, held, code in reviews]


def write_reviews_csv(year: int, directory: Path) -> Path:
    """Write reviews.csv for the collection year into the directory; return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "reviews.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REVIEWS_HEADER)
        writer.writerows(reviews_rows(year))
    return path
