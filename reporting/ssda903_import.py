"""Loading a council's history from its SSDA903 files: header, episodes and reviews.

Every row is checked first; a file set with any error stores nothing, and the errors name the
file and row. Importing the same files twice changes nothing (children by CHILD, reviews by
child and date).
"""

import csv
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.db import transaction

from reviews import statutory
from reviews.models import Child, Review
from reviews.participation import code_problems

FILES = {"header": "header.csv", "episodes": "episodes.csv", "reviews": "reviews.csv"}
REQUIRED = {
    "header": ["CHILD", "SEX", "DOB", "ETHNIC"],
    "episodes": ["CHILD", "DECOM", "DEC"],
    "reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
}


@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    children_added: int = 0
    reviews_added: int = 0


def _day(value: str) -> date | None:
    try:
        return datetime.strptime(value.strip(), "%d/%m/%Y").date()  # noqa: DTZ007 (a date, not a time)
    except ValueError:
        return None


def _read(folder: Path, kind: str, result: ImportResult) -> list[tuple[int, dict]]:
    path = folder / FILES[kind]
    if not path.exists():
        result.errors.append(f"{FILES[kind]}: missing")
        return []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in REQUIRED[kind] if column not in (reader.fieldnames or [])]
        if missing:
            result.errors.append(f"{FILES[kind]}: missing column(s) {', '.join(missing)}")
            return []
        return [
            (number, {k: (v or "").strip() for k, v in row.items() if k}) for number, row in enumerate(reader, start=2)
        ]


def ssda903_import(folder: Path, progress: Callable[[str], None] = lambda _: None) -> ImportResult:
    """Check and load the files in the folder; store nothing if any row breaks a rule."""
    result = ImportResult()
    header, episodes, reviews = (_read(folder, kind, result) for kind in ("header", "episodes", "reviews"))
    if result.errors:
        return result

    children: dict[str, dict] = {}
    for number, row in header:
        where = f"header.csv row {number}"
        born = _day(row["DOB"])
        if not row["CHILD"]:
            result.errors.append(f"{where}: CHILD is blank")
        if born is None:
            result.errors.append(f"{where}: DOB {row['DOB']!r} is not a date (DD/MM/YYYY)")
        if row["SEX"] not in ("1", "2"):
            result.errors.append(f"{where}: SEX must be 1 or 2")
        if row["CHILD"] in children:
            result.errors.append(f"{where}: CHILD {row['CHILD']} appears twice")
        children[row["CHILD"]] = {"born": born, "sex": row["SEX"], "ethnicity": row["ETHNIC"][:4] or "NOBT"}

    periods: dict[str, list[tuple[date, date | None]]] = defaultdict(list)
    for number, row in episodes:
        where = f"episodes.csv row {number}"
        started, ended = _day(row["DECOM"]), _day(row["DEC"]) if row["DEC"] else None
        if row["CHILD"] not in children:
            result.errors.append(f"{where}: CHILD {row['CHILD']} is not in header.csv")
        if started is None:
            result.errors.append(f"{where}: DECOM {row['DECOM']!r} is not a date (DD/MM/YYYY)")
        elif row["DEC"] and ended is None:
            result.errors.append(f"{where}: DEC {row['DEC']!r} is not a date (DD/MM/YYYY)")
        else:
            periods[row["CHILD"]].append((started, ended))

    held: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for number, row in reviews:
        where = f"reviews.csv row {number}"
        child = children.get(row["CHILD"])
        review_day = _day(row["REVIEW"])
        if child is None:
            result.errors.append(f"{where}: CHILD {row['CHILD']} is not in header.csv")
            continue
        if review_day is None:
            result.errors.append(f"{where}: REVIEW {row['REVIEW']!r} is invalid or blank (DfE rule 166)")
            continue
        if not row["REVIEW_CODE"]:
            result.errors.append(f"{where}: a held review needs a participation code (DfE rule 167)")
            continue
        born = child["born"]
        if born is not None:
            age = review_day.year - born.year - ((review_day.month, review_day.day) < (born.month, born.day))
            for problem in code_problems(code=row["REVIEW_CODE"], age_on_review=age):
                result.errors.append(f"{where}: {problem}")
        held[row["CHILD"]].append((review_day, row["REVIEW_CODE"]))
        if number % 10000 == 0:
            progress(f"checked {number} review rows")

    for reference in children:
        if not periods.get(reference):
            result.errors.append(f"header.csv: CHILD {reference} has no episode in episodes.csv")
    if result.errors:
        return result
    progress(f"all {len(header) + len(episodes) + len(reviews)} rows are valid; loading")
    _load(children, periods, held, result, progress)
    return result


@transaction.atomic
def _load(children, periods, held, result: ImportResult, progress) -> None:
    existing = {child.case_reference: child for child in Child.objects.filter(case_reference__in=list(children))}
    new = []
    for reference, data in children.items():
        if reference in existing:
            continue
        started = min(start for start, _ in periods[reference])
        last_end = max(periods[reference], key=lambda period: period[0])[1]
        new.append(
            Child(
                case_reference=reference, date_of_birth=data["born"], sex=data["sex"], ethnicity=data["ethnicity"],
                became_looked_after=started, left_care=last_end,
                iro_allocation_due=statutory.iro_allocation_due(started),
            )
        )  # fmt: skip
    Child.objects.bulk_create(new, batch_size=2000)
    result.children_added = len(new)
    by_reference = {child.case_reference: child for child in Child.objects.filter(case_reference__in=list(children))}
    known: dict[str, set[date]] = defaultdict(set)
    already = Review.objects.filter(child__in=by_reference.values(), held_on__isnull=False).values_list(
        "child__case_reference", "held_on"
    )
    for reference, day in already:
        if day is not None:
            known[reference].add(day)
    fresh = []
    for reference, entries in held.items():
        child = by_reference[reference]
        done = sorted(known[reference])
        for review_day, code in sorted(entries):
            if review_day in known[reference]:
                continue
            due = statutory.next_review_due(became_looked_after=child.became_looked_after, reviews_held=done)
            fresh.append(
                Review(child=child, sequence=len(done) + 1, due_by=due, held_on=review_day, participation_code=code)
            )
            done.append(review_day)
    # Any upcoming review scheduled before the history arrived is replaced by the statutory one.
    Review.objects.filter(child__in=[r.child for r in fresh], held_on__isnull=True).delete()
    Review.objects.bulk_create(fresh, batch_size=5000)
    result.reviews_added = len(fresh)
    progress(f"added {len(new)} children and {len(fresh)} reviews")
    from reviews.services import review_schedule_next

    for child in {review.child for review in fresh} | set(new):
        review_schedule_next(child=Child.objects.get(pk=child.pk))
