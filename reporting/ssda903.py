"""The DfE SSDA903 return: the reviews file out, and a council's history in.

Reviews file (SSDA903 guide, reviews table): CHILD, DOB, REVIEW, REVIEW_CODE; dates DD/MM/YYYY;
one row per review held in the collection year, which ends on 31 March.
"""

import csv
import re
from pathlib import Path

from reporting.periods import collection_year
from reviews.models import Review
from reviews.participation import ParticipationCode

REVIEWS_HEADER = ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"]

# The DfE's ethnicity codes for ETHNIC (SSDA903 guide, header table; DfE validation rule 103).
ETHNIC_CODES = frozenset(
    {
        "WBRI", "WIRI", "WIRT", "WOTH", "WROM",
        "MWBC", "MWBA", "MWAS", "MOTH",
        "AIND", "APKN", "ABAN", "AOTH",
        "BCRB", "BAFR", "BOTH",
        "CHNE", "OOTH",
        "REFU", "NOBT",
    }
)  # fmt: skip

# CHILD is the council's own identifier for the child. Letters and digits, with - _ / . after the
# first character: nothing a spreadsheet could take for a formula (=, +, -, @ first), no spaces,
# quotes, commas or control characters, and no longer than Child.case_reference (20).
CHILD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_./-]{0,19}")
CHILD_ID_RULE = "letters and digits, with - _ / . after the first, up to 20 characters"


class UnsafeExportError(ValueError):
    """A value in the record would not be safe in the DfE file; nothing is written."""


def is_child_id(value: str) -> bool:
    """Return True when the value is fit to be a CHILD in an SSDA903 file."""
    return CHILD_ID.fullmatch(value) is not None


def reviews_rows(year: int) -> list[list[str]]:
    """Return the reviews table rows for the collection year ending 31 March `year`.

    Raise UnsafeExportError, naming every offending review, if a CHILD or REVIEW_CODE in the
    record is not one the file may carry: whoever opens the file must never run a formula in it.
    """
    period = collection_year(year)
    reviews = (
        Review.objects.filter(held_on__range=(period.start, period.end))
        .order_by("child__case_reference", "held_on")
        .values_list("child__case_reference", "child__date_of_birth", "held_on", "participation_code")
    )
    rows, problems = [], []
    for child, born, held, code in reviews:
        if not is_child_id(child):
            problems.append(f"CHILD {child!r} (review on {held:%d/%m/%Y}) is not a child identifier ({CHILD_ID_RULE})")
        if code not in ParticipationCode.values:
            problems.append(f"REVIEW_CODE {code!r} of CHILD {child!r} on {held:%d/%m/%Y} is not PN0 to PN7")
        rows.append([child, f"{born:%d/%m/%Y}", f"{held:%d/%m/%Y}", code])
    if problems:
        raise UnsafeExportError("The reviews file was not written: " + "; ".join(problems))
    return rows


def write_reviews_csv(year: int, directory: Path) -> Path:
    """Write reviews.csv for the collection year into the directory; return its path."""
    rows = reviews_rows(year)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "reviews.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(REVIEWS_HEADER)
        writer.writerows(rows)
    return path
