"""The daily feed from the case system: children, episodes, reviews and allocations, changed where they differ.

The SSDA903 files are checked by the history import's own row checks (reporting/ssda903_import.py),
allocations.csv by the checks here; a file set with any error stores nothing, and each error names
the file, the row and the field. The same files a second time change nothing. Nothing is deleted:
a child missing from today's files stays, so do the reviews and allocations Heard has and the files
do not, and a child's statements, answers and invitations are never touched.
"""

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from accounts.models import Role, User
from reporting.ssda903_import import (
    FILES,
    ImportResult,
    Row,
    _check_episodes,
    _check_header,
    _check_reviews,
    _Child,
    _day,
    _load,
    _read,
)
from reviews import statutory
from reviews.models import AdvocateAssignment, Child, IROAllocation, WorkerAllocation
from reviews.services import advocate_assign, iro_allocate, review_schedule_next, worker_allocate

logger = logging.getLogger("heard.care_records")

UNKNOWN = "header.csv and not in Heard"
# The files last imported by the periodic job, so that each version of them is imported once.
LAST_IMPORTED_KEY = "care-records:last-imported"
# allocations.csv ROLE, and the role the STAFF member's account must have.
ROLES: dict[str, str] = {
    "iro": Role.IRO,
    "social_worker": Role.SOCIAL_WORKER,
    "personal_adviser": Role.PERSONAL_ADVISER,
    "advocate": Role.ADVOCATE,
}
# A child has one current IRO, social worker and personal adviser; advocates may be more than one.
ONE_AT_A_TIME = ("iro", "social_worker", "personal_adviser")
UPDATED_FIELDS = ("sex", "ethnicity", "placement_type", "left_care")


@dataclass
class _Allocation:
    number: int
    reference: str
    role: str
    staff: User
    start: date
    end: date | None


@dataclass
class FeedReport:
    """What an import changed (or, in a dry run, would change), by CHILD identifier: never a name."""

    dry_run: bool = False
    errors: list[str] = field(default_factory=list)
    children_added: list[str] = field(default_factory=list)
    # CHILD -> field -> (before, after)
    children_updated: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)
    reviews_added: dict[str, int] = field(default_factory=dict)
    allocations_started: list[dict[str, Any]] = field(default_factory=list)
    allocations_ended: list[dict[str, Any]] = field(default_factory=list)
    allocations_recorded: list[dict[str, Any]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    rows_changed: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def changed(self) -> bool:
        return any(self.rows_changed.values())

    @property
    def rows_unchanged(self) -> dict[str, int]:
        return {name: count - self.rows_changed.get(name, 0) for name, count in self.rows.items()}

    def _with(self, name: str) -> list[str]:
        return sorted(reference for reference, fields in self.children_updated.items() if name in fields)

    def as_json(self) -> dict[str, Any]:
        """A summary for the council's scheduler: dates in ISO form."""

        def plain(value: Any) -> Any:
            return value.isoformat() if isinstance(value, date) else value

        return {
            "ok": not self.errors,
            "dry_run": self.dry_run,
            "changed": self.changed,
            "errors": self.errors,
            "children_added": self.children_added,
            "children_updated": {
                reference: {name: [plain(before), plain(after)] for name, (before, after) in fields.items()}
                for reference, fields in sorted(self.children_updated.items())
            },
            "placements_changed": self._with("placement_type"),
            "left_care_changed": self._with("left_care"),
            "reviews_added": sum(self.reviews_added.values()),
            "reviews_added_by_child": dict(sorted(self.reviews_added.items())),
            "allocations_started": [
                {key: plain(value) for key, value in entry.items()} for entry in self.allocations_started
            ],
            "allocations_ended": [
                {key: plain(value) for key, value in entry.items()} for entry in self.allocations_ended
            ],
            "allocations_recorded_as_history": [
                {key: plain(value) for key, value in entry.items()} for entry in self.allocations_recorded
            ],
            "rows_unchanged": self.rows_unchanged,
        }

    def lines(self) -> list[str]:
        """The report for a person reading it."""

        def shown(value: Any) -> str:
            if isinstance(value, date):
                return f"{value:%d/%m/%Y}"
            return value or "(none)"

        heading = "Dry run: nothing was stored. It would change:" if self.dry_run else "Imported."
        if not self.changed:
            heading = "Dry run: nothing would change." if self.dry_run else "Nothing changed."
        out = [heading]
        if self.children_added:
            out.append(f"Children added: {len(self.children_added)} ({', '.join(self.children_added)})")
        if self.children_updated:
            out.append(f"Children updated: {len(self.children_updated)}")
            for reference, fields in sorted(self.children_updated.items()):
                changes = "; ".join(f"{name} {shown(old)} -> {shown(new)}" for name, (old, new) in fields.items())
                out.append(f"  {reference}: {changes}")
        out.append(f"Placements changed: {len(self._with('placement_type'))}")
        out.append(f"Reviews added: {sum(self.reviews_added.values())}")
        for title, entries in (
            ("Allocations started", self.allocations_started),
            ("Allocations ended", self.allocations_ended),
            ("Allocations recorded as history", self.allocations_recorded),
        ):
            out.append(f"{title}: {len(entries)}")
            out.extend(
                f"  {entry['child']} {entry['role']} "
                + " ".join(f"{key} {shown(entry[key])}" for key in ("from", "to", "on") if key in entry)
                for entry in entries
            )
        out.append("Rows unchanged: " + ", ".join(f"{name} {count}" for name, count in self.rows_unchanged.items()))
        return out


def care_records_import(
    folder: Path, *, dry_run: bool = False, progress: Callable[[str], None] = lambda _: None
) -> FeedReport:
    """Check the files in the folder and bring Heard up to date with them; store nothing if any row is wrong."""
    report = FeedReport(dry_run=dry_run)
    result = ImportResult()
    files = {kind: _read(folder, kind, result, optional=True) for kind in FILES}
    if not result.errors and all(rows is None for rows in files.values()):
        result.errors.append(f"{folder}: none of {', '.join(FILES.values())} is there")
    if result.errors:
        report.errors = result.errors
        return report
    header, episodes, reviews, allocations = (files[kind] or [] for kind in FILES)
    today = timezone.localdate()
    children = _check_header(header, today, result)
    _add_children_heard_has(children, episodes + reviews + allocations)
    _check_episodes(episodes, children, today, result, unknown=UNKNOWN)
    _check_leaving_dates(children, result)
    held = _check_reviews(reviews, children, today, result, progress, unknown=UNKNOWN)
    planned = _check_allocations(allocations, children, today, result)
    if result.errors:
        report.errors = result.errors
        return report
    report.rows = {FILES[kind]: len(rows) for kind, rows in files.items() if rows is not None}
    progress(f"all {sum(report.rows.values())} rows are valid; loading")
    with transaction.atomic():
        _update_children(children, report)
        added = sorted(reference for reference, child in children.items() if child.record is None)
        _load(children, held, ImportResult(), progress)
        report.children_added = added
        report.rows_changed["header.csv"] += len(added)
        report.rows_changed["episodes.csv"] += sum(len(children[reference].episodes) for reference in added)
        report.reviews_added = {reference: len(entries) for reference, entries in held.items() if entries}
        report.rows_changed["reviews.csv"] += sum(report.reviews_added.values())
        _allocate(planned, report)
        if dry_run:
            transaction.set_rollback(True)
    return report


def _add_children_heard_has(children: dict[str, _Child], rows: list[Row]) -> None:
    """The feed follows every child it names; those not in header.csv are checked against Heard's record."""
    for child in children.values():
        child.follows_episodes = True
    named = {row["CHILD"] for _, row in rows} - set(children)
    for record in Child.objects.filter(case_reference__in=named):
        children[record.case_reference] = _Child(
            born=record.date_of_birth, sex=record.sex, ethnicity=record.ethnicity, record=record,
            born_in="Heard", follows_episodes=True,
        )  # fmt: skip


def _check_leaving_dates(children: dict[str, _Child], result: ImportResult) -> None:
    for reference, child in children.items():
        left, latest = child.left_care, child.latest
        if child.record is None or latest is None or left is None or left >= child.record.became_looked_after:
            continue
        result.errors.append(
            f"episodes.csv row {latest.number}: DEC {left:%d/%m/%Y} is before CHILD {reference} became looked "
            f"after ({child.record.became_looked_after:%d/%m/%Y} in Heard)"
        )


def _staff_by_email(rows: list[Row]) -> dict[str, User]:
    emails = {row["STAFF"].lower() for _, row in rows if row["STAFF"]}
    users = User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)
    return {user.email.lower(): user for user in users}


def _row_allocation(
    number: int, row: dict[str, str], children: dict[str, _Child], staff: dict[str, User], today: date
) -> tuple[_Allocation | None, list[str]]:
    where = f"allocations.csv row {number}"
    problems: list[str] = []
    reference, role, email = row["CHILD"], row["ROLE"].lower(), row["STAFF"]
    child = children.get(reference)
    if child is None:
        problems.append(f"{where}: CHILD {reference} is not in {UNKNOWN}")
    if role not in ROLES:
        problems.append(f"{where}: ROLE {row['ROLE']!r} must be one of {', '.join(ROLES)}")
    user = staff.get(email.lower())
    if not email:
        problems.append(f"{where}: STAFF is blank (the staff member's email address)")
    elif user is None:
        problems.append(f"{where}: STAFF {email!r} is not the email address of anyone in Heard")
    elif not user.is_active:
        problems.append(f"{where}: STAFF {email!r} is an account that is no longer active")
    elif role in ROLES and user.role != ROLES[role]:
        problems.append(
            f"{where}: STAFF {email!r} has the role {user.get_role_display()} in Heard, not {Role(ROLES[role]).label}"
        )
    start, end = _day(row["FROM"]), _day(row["TO"]) if row["TO"] else None
    if start is None:
        problems.append(f"{where}: FROM {row['FROM']!r} is not a date (DD/MM/YYYY)")
    elif start > today:
        problems.append(f"{where}: FROM {row['FROM']!r} is in the future")
    if row["TO"] and end is None:
        problems.append(f"{where}: TO {row['TO']!r} is not a date (DD/MM/YYYY)")
    elif end is not None and end > today:
        problems.append(f"{where}: TO {row['TO']!r} is in the future")
    elif end is not None and start is not None and end < start:
        problems.append(f"{where}: TO {row['TO']!r} is before FROM {row['FROM']!r}")
    born = child.date_of_birth if child else None
    if role == "personal_adviser" and born is not None and start is not None:
        age = start.year - born.year - ((start.month, start.day) < (born.month, born.day))
        if age < statutory.PERSONAL_ADVISER_FROM_AGE:
            # Children Act 1989 Sch 2 para 19C, s.23B-23CZB: a personal adviser is for young people from 16.
            problems.append(
                f"{where}: CHILD {reference} is {age} on FROM {row['FROM']!r}: a personal adviser is for young "
                f"people from {statutory.PERSONAL_ADVISER_FROM_AGE} (Children Act 1989 Sch 2 para 19C)"
            )
    if problems or user is None or start is None:
        return None, problems
    return _Allocation(number, reference, role, user, start, end), []


def _heard_allocations(records: list[Child]) -> dict[tuple[int, str], list[tuple[int, date, date | None]]]:
    """Every allocation Heard has for these children, by child and ROLE: (staff, from, to)."""
    held: dict[tuple[int, str], list[tuple[int, date, date | None]]] = defaultdict(list)
    for child_id, staff_id, start, end in IROAllocation.objects.filter(child__in=records).values_list(
        "child_id", "iro_id", "allocated_on", "ended_on"
    ):
        held[(child_id, "iro")].append((staff_id, start, end))
    for child_id, staff_id, kind, start, end in WorkerAllocation.objects.filter(child__in=records).values_list(
        "child_id", "worker_id", "kind", "allocated_on", "ended_on"
    ):
        held[(child_id, kind)].append((staff_id, start, end))
    for child_id, staff_id, start, end in AdvocateAssignment.objects.filter(child__in=records).values_list(
        "child_id", "advocate_id", "started_on", "ended_on"
    ):
        held[(child_id, "advocate")].append((staff_id, start, end))
    return held


def _check_allocations(
    rows: list[Row], children: dict[str, _Child], today: date, result: ImportResult
) -> list[_Allocation]:
    staff = _staff_by_email(rows)
    planned: list[_Allocation] = []
    for number, row in rows:
        allocation, problems = _row_allocation(number, row, children, staff, today)
        result.errors.extend(problems)
        if allocation is not None:
            planned.append(allocation)
    records = [child.record for child in children.values() if child.record is not None]
    held = _heard_allocations(records) if planned else {}
    current_rows: dict[tuple[str, str, int | None], int] = {}
    for allocation in planned:
        if allocation.end is None:
            # One current IRO, social worker and personal adviser a child; the same advocate once.
            key = (
                allocation.reference,
                allocation.role,
                allocation.staff.pk if allocation.role == "advocate" else None,
            )
            earlier = current_rows.setdefault(key, allocation.number)
            if earlier != allocation.number:
                result.errors.append(
                    f"allocations.csv row {allocation.number}: CHILD {allocation.reference} already has a current "
                    f"{allocation.role} in row {earlier} (give the one that ended a TO date)"
                )
    for allocation in planned:
        record = children[allocation.reference].record
        if record is not None:
            result.errors.extend(_against_heard(allocation, children, held[(record.pk, allocation.role)], current_rows))
    return planned


def _against_heard(
    allocation: _Allocation,
    children: dict[str, _Child],
    held: list[tuple[int, date, date | None]],
    current_rows: dict[tuple[str, str, int | None], int],
) -> list[str]:
    """Problems with a row for a child Heard has, given the allocations Heard holds for them."""
    where, reference, role = f"allocations.csv row {allocation.number}", allocation.reference, allocation.role
    current = (
        next(((staff, start) for staff, start, end in held if end is None), None) if role in ONE_AT_A_TIME else None
    )
    if allocation.end is None:
        if current is not None and current[0] != allocation.staff.pk and allocation.start < current[1]:
            return [
                f"{where}: FROM {allocation.start:%d/%m/%Y} is before CHILD {reference}'s current {role} in Heard "
                f"began ({current[1]:%d/%m/%Y})"
            ]
        return []
    mine = [(start, end) for staff, start, end in held if staff == allocation.staff.pk]
    if (reference, role, allocation.staff.pk if role == "advocate" else None) in current_rows and any(
        end is None for _, end in mine
    ):
        return []  # named as current in another row too: that row keeps them on
    open_since = next((start for start, end in mine if end is None), None)
    if open_since is not None:
        if allocation.end < open_since:
            return [
                f"{where}: TO {allocation.end:%d/%m/%Y} is before this allocation began in Heard "
                f"({open_since:%d/%m/%Y})"
            ]
        still_in_care = children[reference].left_care is None
        if role == "iro" and still_in_care and (reference, "iro", None) not in current_rows:
            # Children Act 1989 s.25A: every looked-after child has an IRO.
            return [
                f"{where}: TO would leave CHILD {reference}, who is looked after, with no IRO (Children Act 1989 "
                "s.25A): give their new IRO in a row without TO"
            ]
        return []
    if any(start == allocation.start or end == allocation.end for start, end in mine):
        return []  # Heard has it already
    for _, start, end in held if role in ONE_AT_A_TIME else []:
        if start < allocation.end and (end is None or allocation.start < end):
            return [
                f"{where}: FROM {allocation.start:%d/%m/%Y} to TO {allocation.end:%d/%m/%Y} overlaps CHILD "
                f"{reference}'s {role} allocation in Heard from {start:%d/%m/%Y}"
            ]
    return []


def _update_children(children: dict[str, _Child], report: FeedReport) -> None:
    """Bring the record of each child Heard has up to date with the files: only the fields that differ."""
    for reference, child in children.items():
        record = child.record
        if record is None:
            continue
        wanted: dict[str, Any] = {}
        if child.born_in == "header.csv":
            wanted["sex"] = child.sex
            # NOBT ("not yet obtained", also a blank ETHNIC) never replaces an ethnicity Heard knows.
            if child.ethnicity != "NOBT":
                wanted["ethnicity"] = child.ethnicity
        if child.episodes:
            if child.placement_type:
                wanted["placement_type"] = child.placement_type
            wanted["left_care"] = child.left_care
        changes = {
            name: (getattr(record, name), value) for name, value in wanted.items() if getattr(record, name) != value
        }
        if not changes:
            continue
        returned = "left_care" in changes and changes["left_care"][1] is None
        for name, (_, value) in changes.items():
            setattr(record, name, value)
        record.save(update_fields=list(changes))
        report.children_updated[reference] = changes
        if {"sex", "ethnicity"} & set(changes):
            report.rows_changed["header.csv"] += 1
        if {"placement_type", "left_care"} & set(changes):
            report.rows_changed["episodes.csv"] += 1
        if returned:
            # Back in care: their next review is scheduled again.
            review_schedule_next(child=record)


def _allocate(planned: list[_Allocation], report: FeedReport) -> None:
    """Current allocations first, through the services a manager's allocation uses; then the ended ones."""
    by_reference = {
        record.case_reference: record
        for record in Child.objects.filter(case_reference__in={allocation.reference for allocation in planned})
    }
    current = {(a.reference, a.role, a.staff.pk) for a in planned if a.end is None}
    for allocation in sorted(planned, key=lambda a: (a.end is not None, a.start, a.number)):
        child = by_reference[allocation.reference]
        if allocation.end is None:
            changed = _start(child, allocation, report)
        elif (allocation.reference, allocation.role, allocation.staff.pk) in current:
            changed = False  # the same person is current in another row
        else:
            changed = _end(child, allocation, report)
        if changed:
            report.rows_changed["allocations.csv"] += 1


def _start(child: Child, allocation: _Allocation, report: FeedReport) -> bool:
    role, staff, start = allocation.role, allocation.staff, allocation.start
    entry = {"child": child.case_reference, "role": role}
    if role == "advocate":
        if AdvocateAssignment.objects.filter(child=child, advocate=staff, ended_on__isnull=True).exists():
            return False
        advocate_assign(child=child, advocate=staff, started_on=start)
        report.allocations_started.append({**entry, "from": start})
        return True
    before: IROAllocation | WorkerAllocation | None
    if role == "iro":
        before = IROAllocation.objects.filter(child=child, ended_on__isnull=True).first()
        if before is not None and before.iro_id == staff.pk:
            return False
        # As a manager's re-allocation: the one before ends that day, and the child's alerts follow the new IRO.
        iro_allocate(child=child, iro=staff, allocated_on=start)
    else:
        before = WorkerAllocation.objects.filter(child=child, kind=role, ended_on__isnull=True).first()
        if before is not None and before.worker_id == staff.pk:
            return False
        worker_allocate(child=child, worker=staff, kind=role, on=start)
    report.allocations_started.append({**entry, "from": start})
    if before is not None:
        report.allocations_ended.append({**entry, "on": start})
    return True


def _end(child: Child, allocation: _Allocation, report: FeedReport) -> bool:
    role, staff, start, end = allocation.role, allocation.staff, allocation.start, allocation.end
    entry = {"child": child.case_reference, "role": role}
    model: Any
    whose: dict[str, Any]
    if role == "iro":
        model, whose, began = IROAllocation, {"child": child, "iro": staff}, "allocated_on"
    elif role == "advocate":
        model, whose, began = AdvocateAssignment, {"child": child, "advocate": staff}, "started_on"
    else:
        model, whose, began = WorkerAllocation, {"child": child, "kind": role, "worker": staff}, "allocated_on"
    allocations = model.objects.filter(**whose)
    if allocations.filter(ended_on__isnull=True).update(ended_on=end):
        report.allocations_ended.append({**entry, "on": end})
        return True
    if allocations.filter(Q(**{began: start}) | Q(ended_on=end)).exists():
        return False
    # One Heard never had: kept as history (the checks made sure it overlaps none of the same kind).
    model.objects.create(**whose, **{began: start}, ended_on=end)
    report.allocations_recorded.append({**entry, "from": start, "to": end})
    return True


def _fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for name in FILES.values():
        path = folder / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.exists() else b"(none)")
    return digest.hexdigest()


def care_records_import_due() -> dict[str, Any] | None:
    """Import HEARD_CARE_RECORDS_FOLDER when its files have changed since the last run; log what changed.

    The periodic job calls this hourly: the files the case system drops each night are imported once
    (a forgotten fingerprint only means one more run, which changes nothing). Returns the summary, or
    None when there was nothing new to import.
    """
    folder = Path(settings.HEARD_CARE_RECORDS_FOLDER) if settings.HEARD_CARE_RECORDS_FOLDER else None
    if folder is None:
        return None
    if not folder.is_dir():
        logger.error("Daily feed: HEARD_CARE_RECORDS_FOLDER %s is not a folder", folder)
        return None
    fingerprint = _fingerprint(folder)
    if cache.get(LAST_IMPORTED_KEY) == fingerprint:
        return None
    report = care_records_import(folder)
    summary = report.as_json()
    if report.errors:
        logger.error(
            "Daily feed from %s: nothing was imported, %d error(s):\n%s",
            folder,
            len(report.errors),
            "\n".join(report.errors),
        )
    else:
        logger.info("Daily feed from %s: %s", folder, json.dumps(summary))
    # A version with errors is reported once too: the council sends corrected files (or runs the command).
    cache.set(LAST_IMPORTED_KEY, fingerprint, timeout=None)
    return summary
