"""The DfE SSDA903 return: the reviews file out, and a council's history in.

Reviews file (SSDA903 guide, reviews table): CHILD, DOB, REVIEW, REVIEW_CODE; dates DD/MM/YYYY;
one row per review held in the collection year, which ends on 31 March.
"""

import csv
import re
from pathlib import Path

from reporting.periods import collection_year
from reviews.models import PlacementType, Review
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

# PLACE, the placement type of an episode (SSDA903 guide, episodes table; DfE validation rule 146), in the
# words Heard's staff use. Foster care is the council's own when the provider is public (PLACE_PROVIDER
# PR1 the council, PR2 another council, PR3 other public) and an agency's when it is private or voluntary
# (PR4, PR5).
PLACE_CODES: dict[str, str] = {
    "A3": PlacementType.ADOPTION, "A4": PlacementType.ADOPTION,
    "A5": PlacementType.ADOPTION, "A6": PlacementType.ADOPTION,
    "H5": PlacementType.SUPPORTED, "P2": PlacementType.SUPPORTED,
    "K1": PlacementType.SECURE, "K2": PlacementType.CHILDRENS_HOME,
    "P1": PlacementType.WITH_PARENTS, "S1": PlacementType.RESIDENTIAL_SCHOOL,
    "U1": PlacementType.KINSHIP, "U2": PlacementType.KINSHIP, "U3": PlacementType.KINSHIP,
    "U4": PlacementType.FOSTER_COUNCIL, "U5": PlacementType.FOSTER_COUNCIL, "U6": PlacementType.FOSTER_COUNCIL,
    "P3": PlacementType.OTHER, "R1": PlacementType.OTHER, "R2": PlacementType.OTHER,
    "R3": PlacementType.OTHER, "R5": PlacementType.OTHER, "Z1": PlacementType.OTHER,
    "T0": PlacementType.OTHER, "T1": PlacementType.OTHER, "T2": PlacementType.OTHER,
    "T3": PlacementType.OTHER, "T4": PlacementType.OTHER,
}  # fmt: skip
FOSTER_AGENCY_PROVIDERS = frozenset({"PR4", "PR5"})

# REC, why an episode ceased (SSDA903 guide, episodes table). X1: the episode ended and a new one began the
# same day, so the child is still looked after (DfE rule 388: a later episode must follow); every E code
# means the child ceased to be looked after (DfE rule 432 lists them).
STILL_IN_CARE = "X1"
LEFT_CARE_REASONS = frozenset(
    {
        "E2", "E3", "E4A", "E4B", "E5", "E6", "E7", "E8", "E9", "E11", "E12", "E13",
        "E14", "E15", "E16", "E17", "E41", "E45", "E46", "E47", "E48",
    }
)  # fmt: skip


def placement_type(place: str, provider: str = "") -> str:
    """Return Heard's placement type for an SSDA903 PLACE code (and its PLACE_PROVIDER), "" for none."""
    kind = PLACE_CODES.get(place, "")
    if kind == PlacementType.FOSTER_COUNCIL and provider in FOSTER_AGENCY_PROVIDERS:
        return PlacementType.FOSTER_AGENCY
    return kind


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
