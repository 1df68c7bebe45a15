"""Wellbeing benchmark files: the council's indicators for a year, shared with other councils, and theirs read in.

The format is in docs/wellbeing-benchmark.md. A file holds figures only: never a child, an id, a name,
a date of birth or a row per child, and never a base under the disclosure threshold.
"""

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from consultations.wellbeing import INDICATORS
from reporting.disclosure import SMALL
from reporting.models import WellbeingBenchmark
from reporting.periods import Period, collection_year, reporting_year
from reporting.tables import percent
from reporting.wellbeing_report import ALL_CHILDREN, bands_for, counted

FORMAT = "heard-wellbeing-benchmark"
FORMAT_VERSION = 1
TOP_KEYS = {"format", "format_version", "council", "period", "disclosure", "indicators"}
INDICATOR_KEYS = {"indicator", "suppressed", "base", "positive", "percent", "mean", "bands"}
# Keys that would name or date a child: a file holding any of them, anywhere, is refused.
CHILD_LEVEL_KEYS = {
    "id", "child", "child_id", "children", "name", "first_name", "last_name", "known_as", "date_of_birth", "dob",
    "born", "birth_date", "case_reference", "upn", "nhs_number", "answers", "answer", "rows", "responses", "person",
}  # fmt: skip
MAX_FILE_BYTES = 1_000_000
SOURCE_MAX = 200


def last_complete_year(today: date) -> Period:
    """The last reporting year (April to March) that has ended."""
    return reporting_year(today).previous()


def export_benchmark(period: Period) -> dict:
    """The council's indicators for the period as a benchmark file's content, every small base suppressed."""
    cells = counted(period)[("all", ALL_CHILDREN)]
    indicators = []
    for slug, indicator in INDICATORS.items():
        cell = cells[slug]
        if cell.answered < SMALL:
            indicators.append({"indicator": slug, "suppressed": True})
            continue
        item: dict = {
            "indicator": slug,
            "suppressed": False,
            "base": cell.answered,
            "positive": cell.positive,
            "percent": float(percent(cell.positive, cell.answered) or 0),
        }
        if indicator.scale:
            item["mean"] = cell.mean
            item["bands"] = {
                name: float(percent(n, cell.answered) or 0)
                for (name, _, _), n in zip(bands_for(indicator), cell.bands, strict=True)
            }
        indicators.append(item)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "council": settings.LA_NAME,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "disclosure": {"minimum_base": SMALL},
        "indicators": indicators,
    }


def _refuse(message: str) -> NoReturn:
    raise ValidationError(message)


def _child_level_keys(value: object) -> set[str]:
    if isinstance(value, dict):
        found = {key for key in value if isinstance(key, str) and key.lower() in CHILD_LEVEL_KEYS}
        return found.union(*(_child_level_keys(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_child_level_keys(v) for v in value))
    return set()


def _number(value: object, low: float, high: float, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        _refuse(f"{what} must be a number from {low:g} to {high:g}.")
    return float(value)


def _indicator(item: object, minimum: int) -> dict:
    """One indicator's figures, checked; refuse anything a child could be found in."""
    if not isinstance(item, dict) or not isinstance(item.get("indicator"), str):
        _refuse("Each indicator must be an object naming its indicator.")
    slug = item["indicator"]
    if slug not in INDICATORS:
        _refuse(f"Unknown indicator {slug!r} (one of {', '.join(INDICATORS)}).")
    if extra := set(item) - INDICATOR_KEYS:
        _refuse(f"Indicator {slug}: unexpected fields {sorted(extra)}.")
    if item.get("suppressed") is True:
        if any(item.get(key) is not None for key in ("base", "positive", "percent", "mean", "bands")):
            _refuse(f"Indicator {slug} is suppressed but still gives figures.")
        return {"indicator": slug, "suppressed": True}
    base = item.get("base")
    if isinstance(base, bool) or not isinstance(base, int):
        _refuse(f"Indicator {slug}: base must be a whole number.")
    if base < minimum or base < SMALL:
        _refuse(f"Indicator {slug}: base {base} is under the disclosure threshold ({SMALL}) and not suppressed.")
    positive = item.get("positive")
    if isinstance(positive, bool) or not isinstance(positive, int) or not 0 <= positive <= base:
        _refuse(f"Indicator {slug}: positive must be a whole number from 0 to the base.")
    clean = {"indicator": slug, "suppressed": False, "base": base, "positive": positive,
             "percent": _number(item.get("percent"), 0, 100, f"Indicator {slug}: percent")}  # fmt: skip
    indicator = INDICATORS[slug]
    if indicator.scale:
        clean["mean"] = _number(item.get("mean"), 0, 10, f"Indicator {slug}: mean")
        bands = item.get("bands")
        names = [name for name, _, _ in bands_for(indicator)]
        if not isinstance(bands, dict) or sorted(bands) != sorted(names):
            _refuse(f"Indicator {slug}: bands must give {', '.join(names)}.")
        clean["bands"] = {name: _number(bands[name], 0, 100, f"Indicator {slug}: band {name}") for name in names}
    elif item.get("mean") is not None or item.get("bands") is not None:
        _refuse(f"Indicator {slug} is not a 0-10 scale: it has no mean or bands.")
    return clean


def read_benchmark(data: object) -> dict:
    """Check a benchmark file's content; return it cleaned, or raise ValidationError with one line saying why."""
    if not isinstance(data, dict):
        _refuse("A benchmark file is one JSON object.")
    if data.get("format") != FORMAT:
        _refuse(f"Not a wellbeing benchmark file (format must be {FORMAT!r}).")
    if data.get("format_version") != FORMAT_VERSION:
        _refuse(f"Format version {data.get('format_version')!r} is not one this Heard reads ({FORMAT_VERSION}).")
    if child_level := _child_level_keys(data):
        _refuse(f"The file looks child-level ({', '.join(sorted(child_level))}): benchmark files hold figures only.")
    if extra := set(data) - TOP_KEYS:
        _refuse(f"Unexpected fields {sorted(extra)}.")
    council = data.get("council")
    if not isinstance(council, str) or not council.strip() or len(council) > SOURCE_MAX:
        _refuse(f"Name the council (up to {SOURCE_MAX} characters).")
    period = data.get("period")
    try:
        start, end = date.fromisoformat(period["start"]), date.fromisoformat(period["end"])  # type: ignore[index]
        Period(start, end)
    except (TypeError, KeyError, ValueError, ValidationError):
        _refuse("The period must give start and end as YYYY-MM-DD, the end on or after the start.")
    disclosure = data.get("disclosure")
    minimum = disclosure.get("minimum_base") if isinstance(disclosure, dict) else None
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < SMALL:
        _refuse(f"The file must say its disclosure threshold (minimum_base), at least {SMALL}.")
    items = data.get("indicators")
    if not isinstance(items, list) or not items:
        _refuse("The file must list its indicators.")
    indicators = [_indicator(item, minimum) for item in items]
    slugs = [item["indicator"] for item in indicators]
    if len(slugs) != len(set(slugs)):
        _refuse("Each indicator may appear once (rows per child are not allowed).")
    return {"council": council.strip(), "start": start, "end": end, "indicators": indicators}


@transaction.atomic
def import_benchmark(raw: bytes, *, by: User | None = None) -> tuple[WellbeingBenchmark, bool]:
    """Store another council's file (checked); the same file twice is stored once. Return it and whether it is new.

    A new file for a council and period already held replaces the old one.
    """
    if len(raw) > MAX_FILE_BYTES:
        _refuse(f"The file is over {MAX_FILE_BYTES // 1000} kB: a benchmark file is a few kB.")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"Not JSON: {exc}.") from exc
    clean = read_benchmark(data)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    existing = WellbeingBenchmark.objects.filter(digest=digest).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            stored, _ = WellbeingBenchmark.objects.update_or_create(
                source_name=clean["council"], period_start=clean["start"], period_end=clean["end"],
                defaults={"indicators": clean["indicators"], "format_version": FORMAT_VERSION, "digest": digest,
                          "imported_by": by, "imported_at": timezone.now()},
            )  # fmt: skip
    except IntegrityError as exc:  # the same file, imported at the same moment by someone else
        raise ValidationError("This file is being imported already.") from exc
    return stored, True


def year_ending(year: int) -> Period:
    """The reporting year ending 31 March of `year`."""
    return collection_year(year)


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"Cannot read {path}: {exc.strerror}.") from exc
