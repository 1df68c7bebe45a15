"""Loading a council's history from its SSDA903 files: header, episodes and reviews.

Every row is checked first; a file set with any error stores nothing, and each error names the
file, the row and the field. Importing the same files twice changes nothing (children by CHILD,
reviews by child and date; the same review twice in a file is stored once).

A child Heard already has keeps their record and everything Heard holds for them: the reviews
recorded in Heard stay as the IRO recorded them, and the upcoming review stays the same review,
with its booked date, invitations, answers and statements. The import adds the reviews Heard did
not have, numbers all of them in date order, and recomputes when the upcoming review is due.
"""

import csv
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from reporting.ssda903 import (
    CHILD_ID_RULE,
    ETHNIC_CODES,
    LEFT_CARE_REASONS,
    PLACE_CODES,
    STILL_IN_CARE,
    is_child_id,
    placement_type,
)
from reviews import statutory
from reviews.models import Child, Review
from reviews.participation import code_problems
from reviews.services import review_schedule_next

FILES = {
    "header": "header.csv",
    "episodes": "episodes.csv",
    "reviews": "reviews.csv",
    "allocations": "allocations.csv",
}
# The columns each file must have; episodes.csv may also have PLACE, PLACE_PROVIDER and REC (and any
# other SSDA903 column, which is ignored).
REQUIRED = {
    "header": ["CHILD", "SEX", "DOB", "ETHNIC"],
    "episodes": ["CHILD", "DECOM", "DEC"],
    "reviews": ["CHILD", "DOB", "REVIEW", "REVIEW_CODE"],
    "allocations": ["CHILD", "ROLE", "STAFF", "FROM", "TO"],
}
# No child in any council's history was born, or came into care, before this year; an earlier
# year is a typing slip (and Python would write year 12 back as "12", not "0012").
EARLIEST_YEAR = 1900
# Reviews being renumbered step aside to here first, so that no two share a number on the way.
RENUMBERING_OFFSET = 1_000_000
# csv with errors="surrogateescape" turns each byte that is not UTF-8 into one of these.
NOT_UTF8 = re.compile("[\udc80-\udcff]")

Row = tuple[int, dict[str, str]]


@dataclass
class ImportResult:
    errors: list[str] = field(default_factory=list)
    children_added: int = 0
    reviews_added: int = 0


@dataclass
class _Episode:
    number: int
    started: date
    ended: date | None
    place: str = ""
    provider: str = ""
    reason: str = ""


@dataclass
class _Child:
    """One child as the files describe them, and as Heard already knows them (if it does)."""

    born: date | None
    sex: str
    ethnicity: str
    record: Child | None
    episodes: list[_Episode] = field(default_factory=list)
    # Where the DOB the rows are checked against comes from: header.csv, or Heard for a child the
    # daily feed names only in its other files.
    born_in: str = "header.csv"
    # The daily feed (care_records_import) moves a known child's leaving date with their episodes;
    # the history import leaves Heard's record as it is.
    follows_episodes: bool = False

    @property
    def date_of_birth(self) -> date | None:
        return self.record.date_of_birth if self.record else self.born

    @property
    def looked_after_from(self) -> date | None:
        if self.record:
            return self.record.became_looked_after
        return min((episode.started for episode in self.episodes), default=None)

    @property
    def latest(self) -> _Episode | None:
        return max(self.episodes, key=lambda episode: episode.started, default=None)

    @property
    def left_care(self) -> date | None:
        if self.record and not (self.follows_episodes and self.episodes):
            return self.record.left_care
        latest = self.latest
        # An episode that ended with X1 is followed by another (checked): only an E code, or a DEC in a
        # file without REC, means the child left care.
        if latest is None or latest.reason == STILL_IN_CARE:
            return None
        return latest.ended

    @property
    def placement_type(self) -> str:
        latest = self.latest
        return placement_type(latest.place, latest.provider) if latest else ""


def _day(value: str) -> date | None:
    try:
        day = datetime.strptime(value.strip(), "%d/%m/%Y").date()  # noqa: DTZ007 (a date, not a time)
    except ValueError:
        return None
    return day if day.year >= EARLIEST_YEAR else None


def _read(folder: Path, kind: str, result: ImportResult, optional: bool = False) -> list[Row] | None:
    """Return the file's rows; None when an optional file is not there."""
    name = FILES[kind]
    path = folder / name
    if not path.exists():
        if optional:
            return None
        result.errors.append(f"{name}: missing")
        return []
    rows: list[Row] = []
    reading = 1  # the row being read, for an error the csv module raises
    # Bytes that are not UTF-8 are kept as markers, so the error can name their row and field.
    with path.open(newline="", encoding="utf-8-sig", errors="surrogateescape") as handle:
        reader = csv.DictReader(handle)
        try:
            columns = reader.fieldnames or []
            if any(NOT_UTF8.search(column) for column in columns):
                result.errors.append(f"{name} row 1: the column names are not UTF-8 text")
                return []
            missing = [column for column in REQUIRED[kind] if column not in columns]
            if missing:
                result.errors.append(f"{name}: missing column(s) {', '.join(missing)}")
                return []
            reading = 2
            for number, row in enumerate(reader, start=2):
                reading = number + 1
                values = {key: (value or "").strip() for key, value in row.items() if isinstance(key, str)}
                garbled = [key for key, value in values.items() if NOT_UTF8.search(value)]
                for key in garbled:
                    result.errors.append(f"{name} row {number}: {key} is not UTF-8 text")
                if not garbled:
                    rows.append((number, values))
        except csv.Error as error:
            result.errors.append(f"{name} row {reading}: cannot be read as CSV ({error})")
    return rows


def ssda903_import(folder: Path, progress: Callable[[str], None] = lambda _: None) -> ImportResult:
    """Check and load the files in the folder; store nothing if any row breaks a rule."""
    result = ImportResult()
    header, episodes, reviews = (_read(folder, kind, result) or [] for kind in ("header", "episodes", "reviews"))
    if result.errors:
        return result
    today = timezone.localdate()
    children = _check_header(header, today, result)
    _check_episodes(episodes, children, today, result)
    held = _check_reviews(reviews, children, today, result, progress)
    if result.errors:
        return result
    progress(f"all {len(header) + len(episodes) + len(reviews)} rows are valid; loading")
    _load(children, held, result, progress)
    return result


def _check_header(header: list[Row], today: date, result: ImportResult) -> dict[str, _Child]:
    references = [row["CHILD"] for _, row in header]
    known = {child.case_reference: child for child in Child.objects.filter(case_reference__in=references)}
    children: dict[str, _Child] = {}
    for number, row in header:
        where = f"header.csv row {number}"
        reference, born = row["CHILD"], _day(row["DOB"])
        if not reference:
            result.errors.append(f"{where}: CHILD is blank")
        elif not is_child_id(reference):
            result.errors.append(f"{where}: CHILD {reference!r} is not a child identifier ({CHILD_ID_RULE})")
        if born is None:
            result.errors.append(f"{where}: DOB {row['DOB']!r} is not a date (DD/MM/YYYY)")
        elif born > today:
            result.errors.append(f"{where}: DOB {row['DOB']!r} is in the future")
        if row["SEX"] not in ("1", "2"):
            result.errors.append(f"{where}: SEX must be 1 or 2")
        # A blank ETHNIC is taken as NOBT, "information not yet obtained".
        ethnicity = row["ETHNIC"] or "NOBT"
        if ethnicity not in ETHNIC_CODES:
            result.errors.append(f"{where}: ETHNIC {row['ETHNIC']!r} is not a DfE ethnicity code (DfE rule 103)")
        if reference in children:
            result.errors.append(f"{where}: CHILD {reference} appears twice")
        record = known.get(reference)
        if record is not None and born is not None and born != record.date_of_birth:
            result.errors.append(
                f"{where}: DOB {row['DOB']!r} differs from Heard's date of birth for CHILD {reference} "
                f"({record.date_of_birth:%d/%m/%Y})"
            )
        children[reference] = _Child(born=born, sex=row["SEX"], ethnicity=ethnicity, record=record)
    return children


def _code_problems(row: dict[str, str], where: str, ended: date | None) -> list[str]:
    """The SSDA903 codes of an episode, where its file has their columns."""
    problems = []
    place = row.get("PLACE", "")
    if place and place not in PLACE_CODES:
        problems.append(f"{where}: PLACE {place!r} is not an SSDA903 placement code (DfE rule 146)")
    if "REC" in row:
        reason = row["REC"]
        if reason and reason != STILL_IN_CARE and reason not in LEFT_CARE_REASONS:
            problems.append(f"{where}: REC {reason!r} is not an SSDA903 reason an episode ceased")
        elif bool(reason) != (ended is not None):
            problems.append(f"{where}: DEC and REC must both be given, or both be blank (DfE rule 148)")
    return problems


def _check_episodes(
    episodes: list[Row], children: dict[str, _Child], today: date, result: ImportResult, unknown: str = "header.csv"
) -> None:
    for number, row in episodes:
        where = f"episodes.csv row {number}"
        child = children.get(row["CHILD"])
        started, ended = _day(row["DECOM"]), _day(row["DEC"]) if row["DEC"] else None
        if child is None:
            result.errors.append(f"{where}: CHILD {row['CHILD']} is not in {unknown}")
        if started is None:
            result.errors.append(f"{where}: DECOM {row['DECOM']!r} is not a date (DD/MM/YYYY)")
            continue
        if row["DEC"] and ended is None:
            result.errors.append(f"{where}: DEC {row['DEC']!r} is not a date (DD/MM/YYYY)")
            continue
        if started > today:
            result.errors.append(f"{where}: DECOM {row['DECOM']!r} is in the future")
        if ended is not None and ended > today:
            result.errors.append(f"{where}: DEC {row['DEC']!r} is in the future")
        if ended is not None and ended < started:
            result.errors.append(f"{where}: DEC {row['DEC']!r} is before DECOM {row['DECOM']!r}")
        result.errors.extend(_code_problems(row, where, ended))
        if child is None:
            continue
        if child.born is not None and started < child.born:
            result.errors.append(
                f"{where}: DECOM {row['DECOM']!r} is before CHILD {row['CHILD']}'s DOB ({child.born:%d/%m/%Y})"
            )
        child.episodes.append(
            _Episode(number, started, ended, row.get("PLACE", ""), row.get("PLACE_PROVIDER", ""), row.get("REC", ""))
        )
    for reference, child in children.items():
        if not child.episodes:
            # The daily feed may name a child Heard has in header.csv alone, to correct their SEX or ETHNIC.
            if not (child.follows_episodes and child.record is not None):
                result.errors.append(f"header.csv: CHILD {reference} has no episode in episodes.csv")
            continue
        # Only the latest episode may still be open: an earlier one ended when the next began.
        in_order = sorted(child.episodes, key=lambda episode: episode.started)
        for episode in in_order[:-1]:
            if episode.ended is None:
                result.errors.append(
                    f"episodes.csv row {episode.number}: DEC is blank, but CHILD {reference} has a later episode "
                    f"(row {in_order[-1].number})"
                )
        if in_order[-1].reason == STILL_IN_CARE:
            result.errors.append(
                f"episodes.csv row {in_order[-1].number}: REC X1 says a new episode began on DEC, but CHILD "
                f"{reference} has no later episode (DfE rule 388)"
            )


def _check_reviews(
    reviews: list[Row],
    children: dict[str, _Child],
    today: date,
    result: ImportResult,
    progress: Callable[[str], None],
    unknown: str = "header.csv",
) -> dict[str, list[tuple[date, str]]]:
    """Check each review; return the reviews Heard does not have yet, by child."""
    known = [child.record for child in children.values() if child.record is not None]
    held_in_heard = Review.objects.filter(child__in=known, held_on__isnull=False)
    recorded: dict[tuple[str, date | None], str] = {
        (reference, day): code
        for reference, day, code in held_in_heard.values_list("child__case_reference", "held_on", "participation_code")
    }
    seen: dict[tuple[str, date], tuple[int, str]] = {}
    held: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for number, row in reviews:
        where = f"reviews.csv row {number}"
        reference, code, review_day = row["CHILD"], row["REVIEW_CODE"], _day(row["REVIEW"])
        child = children.get(reference)
        if child is None:
            result.errors.append(f"{where}: CHILD {reference} is not in {unknown}")
            continue
        if review_day is None:
            result.errors.append(f"{where}: REVIEW {row['REVIEW']!r} is invalid or blank (DfE rule 166)")
            continue
        if not code:
            result.errors.append(f"{where}: a held review needs a participation code (DfE rule 167)")
            continue
        if child.born is not None and _day(row["DOB"]) != child.born:
            result.errors.append(
                f"{where}: DOB {row['DOB']!r} differs from CHILD {reference}'s DOB in {child.born_in} "
                f"({child.born:%d/%m/%Y})"
            )
        if review_day > today:
            result.errors.append(f"{where}: REVIEW {row['REVIEW']!r} is in the future")
        # Against the child's record in Heard when there is one (the history import does not change it;
        # the daily feed moves its leaving date with the episodes).
        started, left = child.looked_after_from, child.left_care
        source = " in Heard" if child.record else ""
        left_source = "" if child.follows_episodes and child.episodes else source
        if started is not None and review_day < started:
            result.errors.append(
                f"{where}: REVIEW {row['REVIEW']!r} is before CHILD {reference} became looked after "
                f"({started:%d/%m/%Y}{source})"
            )
        if left is not None and review_day > left:
            result.errors.append(
                f"{where}: REVIEW {row['REVIEW']!r} is after CHILD {reference} left care ({left:%d/%m/%Y}{left_source})"
            )
        born = child.date_of_birth
        if born is not None:
            age = review_day.year - born.year - ((review_day.month, review_day.day) < (born.month, born.day))
            for problem in code_problems(code=code, age_on_review=age):
                result.errors.append(f"{where}: REVIEW_CODE: {problem}")
        # A child has one review a day: the same row twice is one review, two codes are an error.
        earlier = seen.setdefault((reference, review_day), (number, code))
        if earlier != (number, code):
            if earlier[1] != code:
                result.errors.append(
                    f"{where}: CHILD {reference} already has a review on {review_day:%d/%m/%Y} in row {earlier[0]}, "
                    f"with code {earlier[1]}"
                )
            continue
        in_heard = recorded.get((reference, review_day))
        if in_heard is not None and in_heard != code:
            result.errors.append(
                f"{where}: REVIEW_CODE {code!r} differs from {in_heard}, recorded in Heard for CHILD {reference} "
                f"on {review_day:%d/%m/%Y}"
            )
        if in_heard is None:
            held[reference].append((review_day, code))
        if number % 10000 == 0:
            progress(f"checked {number} review rows")
    return held


@transaction.atomic
def _load(
    children: dict[str, _Child],
    held: dict[str, list[tuple[date, str]]],
    result: ImportResult,
    progress: Callable[[str], None],
) -> None:
    new = []
    for reference, described in children.items():
        if described.record is not None:
            continue
        started = described.looked_after_from
        if described.born is None or started is None:  # every row was checked before loading
            raise ValueError(f"CHILD {reference} was loaded before it was checked")
        new.append(
            Child(
                case_reference=reference, date_of_birth=described.born, sex=described.sex,
                ethnicity=described.ethnicity, became_looked_after=started, left_care=described.left_care,
                placement_type=described.placement_type, iro_allocation_due=statutory.iro_allocation_due(started),
            )
        )  # fmt: skip
    Child.objects.bulk_create(new, batch_size=2000)
    result.children_added = len(new)
    by_reference = {record.case_reference: record for record in Child.objects.filter(case_reference__in=list(children))}

    # The reviews Heard already has for the children gaining some, locked while they are renumbered.
    existing: dict[int, list[Review]] = defaultdict(list)
    gaining = [by_reference[reference].pk for reference in held if children[reference].record is not None]
    for review in Review.objects.select_for_update().filter(child_id__in=gaining).order_by("pk"):
        existing[review.child_id].append(review)
    fresh: list[Review] = []
    moved: list[Review] = []
    for reference, entries in held.items():
        child = by_reference[reference]
        upcoming = [review for review in existing[child.pk] if review.held_on is None]
        past: list[tuple[date, Review]] = [
            (review.held_on, review) for review in existing[child.pk] if review.held_on is not None
        ]
        past += [(day, Review(child=child, held_on=day, participation_code=code)) for day, code in entries]
        days: list[date] = []
        for sequence, (day, review) in enumerate(sorted(past, key=lambda pair: pair[0]), start=1):
            if review.pk is None:
                # reg 33: each review is due by a date set by those held before it.
                review.due_by = statutory.next_review_due(
                    became_looked_after=child.became_looked_after, reviews_held=days
                )
                review.sequence = sequence
                fresh.append(review)
            elif review.sequence != sequence:
                # A review recorded in Heard keeps its due date, code and reasons: only its number moves.
                review.sequence = sequence
                moved.append(review)
            days.append(day)
        for review in upcoming:
            # The same review, with its booking, invitations, answers and statements; due by what
            # reg 33 says after the history now known.
            review.sequence = len(days) + 1
            review.due_by = statutory.next_review_due(became_looked_after=child.became_looked_after, reviews_held=days)
            moved.append(review)
    Review.objects.filter(pk__in=[review.pk for review in moved]).update(sequence=F("sequence") + RENUMBERING_OFFSET)
    Review.objects.bulk_create(fresh, batch_size=5000)
    Review.objects.bulk_update(moved, ["sequence", "due_by"], batch_size=1000)
    result.reviews_added = len(fresh)
    progress(f"added {len(new)} children and {len(fresh)} reviews; renumbered {len(moved)} reviews already in Heard")
    for reference in {*held, *(child.case_reference for child in new)}:
        review_schedule_next(child=by_reference[reference])
