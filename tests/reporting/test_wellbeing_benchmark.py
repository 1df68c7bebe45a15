"""Wellbeing benchmark files: export, import, the same file twice, and every kind of file refused."""

import json
import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from consultations.services import forms_sync_from_files
from reporting.models import WellbeingBenchmark
from reporting.national import national_figures
from reporting.periods import Period
from reporting.reports import report
from tests.reporting.wellbeing_data import answered, child

pytestmark = pytest.mark.usefixtures("pinned_clock")  # Monday 23 November 2026: last complete year to March 2026

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def twelve(db):
    """Twelve children answered in the year to March 2026: trusted adult yes for 9 of them, no for 3;
    life satisfaction 8 for six and 5 for six. Nobody answered the rest (all suppressed)."""
    forms_sync_from_files()
    for n in range(12):
        answers = {"trusted_adult": "yes" if n < 9 else "no", "ons_life_satisfaction": "8" if n < 6 else "5"}
        answered(child(f"BM{n:04}"), date(2025, 12, 1), answers)


def _export(tmp_path: Path, *extra: str) -> dict:
    out = tmp_path / "benchmark.json"
    call_command("export_wellbeing_benchmark", "--out", str(out), *extra, stdout=StringIO())
    return json.loads(out.read_text())


def _import(tmp_path: Path, content: object) -> str:
    path = tmp_path / "theirs.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    out = StringIO()
    call_command("import_wellbeing_benchmark", str(path), stdout=out)
    return out.getvalue()


def test_the_export_is_the_last_complete_year_with_small_bases_suppressed_and_no_child(twelve, tmp_path, settings):
    content = _export(tmp_path)
    assert content["format_version"] == 1 and content["council"] == settings.LA_NAME
    assert content["period"] == {"start": "2025-04-01", "end": "2026-03-31"}
    items = {item["indicator"]: item for item in content["indicators"]}
    # 9 of 12 = 75.0%.
    assert items["trusted_adult"] == {"indicator": "trusted_adult", "suppressed": False, "base": 12, "positive": 9,
                                      "percent": 75.0}  # fmt: skip
    life = items["ons_life_satisfaction"]
    # Six 8s and six 5s: mean 6.5; 7-10 six of 12 = 50%; bands medium 50%, high 50%.
    assert (life["positive"], life["mean"], life["bands"]) == (
        6, 6.5, {"low": 0.0, "medium": 50.0, "high": 50.0, "very high": 0.0})  # fmt: skip
    assert items["good_friend"] == {"indicator": "good_friend", "suppressed": True}
    assert "BM0001" not in json.dumps(content)
    # --year: the year ending March 2025, when nobody answered: everything suppressed.
    earlier = _export(tmp_path, "--year", "2025")
    assert earlier["period"] == {"start": "2024-04-01", "end": "2025-03-31"}
    assert all(item["suppressed"] for item in earlier["indicators"])


def test_export_then_import_round_trips_and_the_report_shows_the_other_council(twelve, tmp_path):
    content = _export(tmp_path)
    content["council"] = "Another Borough"
    assert "Imported Another Borough" in _import(tmp_path, content)
    stored = WellbeingBenchmark.objects.get()
    assert (stored.period_start, stored.period_end) == (date(2025, 4, 1), date(2026, 3, 31))
    assert stored.indicators == content["indicators"]
    table = report("wellbeing", Period(date(2025, 4, 1), date(2026, 3, 31)))
    theirs = {row.indicator: row for row in table.rows if row.group == "Another council: Another Borough"}
    assert (theirs["trusted_adult"].count, theirs["trusted_adult"].base) == (9, 12)
    assert "good_friend" not in theirs  # suppressed in their file
    # The same file again is not stored twice.
    assert "Already imported" in _import(tmp_path, content)
    assert WellbeingBenchmark.objects.count() == 1


def _valid() -> dict:
    bands = {"low": 10.0, "medium": 20.0, "high": 40.0, "very high": 30.0}
    return {
        "format": "heard-wellbeing-benchmark", "format_version": 1, "council": "Elsewhere",
        "period": {"start": "2025-04-01", "end": "2026-03-31"}, "disclosure": {"minimum_base": 10},
        "indicators": [
            {"indicator": "trusted_adult", "suppressed": False, "base": 40, "positive": 30, "percent": 75.0},
            {"indicator": "ons_happy", "suppressed": False, "base": 20, "positive": 14, "percent": 70.0,
             "mean": 7.1, "bands": bands},
            {"indicator": "good_friend", "suppressed": True},
        ],
    }  # fmt: skip


def _changed(**changes) -> dict:
    content = _valid()
    for path, value in changes.items():
        *parents, last = path.split("__")
        target = content
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        target[last] = value
    return content


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "Not JSON"),
        (json.dumps([1, 2]), "one JSON object"),
        (_changed(format_version=2), "Format version 2"),
        (_changed(indicators__0__child_id=17), "looks child-level (child_id)"),
        (_changed(rows=[{"name": "Alice", "date_of_birth": "2012-05-17"}]), "looks child-level"),
        (_changed(indicators__0__base=7, indicators__0__positive=5), "base 7 is under the disclosure threshold"),
        (_changed(indicators__0__indicator="shoe_size"), "Unknown indicator 'shoe_size'"),
        (_changed(indicators__1__indicator="trusted_adult", indicators__1__mean=None, indicators__1__bands=None),
         "Each indicator may appear once"),
        (_changed(indicators__2__base=3), "suppressed but still gives figures"),
        (_changed(period={"start": "2026-04-01", "end": "2025-03-31"}), "The period"),
        (_changed(disclosure={"minimum_base": 3}), "disclosure threshold"),
    ],
    ids=["malformed", "not-object", "version", "child-id", "per-child-rows", "small-base", "unknown-indicator",
         "duplicate-indicator", "suppressed-with-figures", "bad-period", "low-threshold"],
)  # fmt: skip
def test_a_wrong_file_is_refused_with_one_line_and_nothing_is_stored(db, tmp_path, content, says):
    with pytest.raises(CommandError, match="Refused, nothing stored") as refused:
        _import(tmp_path, content)
    assert says in str(refused.value) and "\n" not in str(refused.value)
    assert not WellbeingBenchmark.objects.exists()


def test_a_valid_hand_written_file_is_taken(db, tmp_path):
    assert "Imported Elsewhere" in _import(tmp_path, _valid())


def test_a_refused_file_exits_non_zero(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    done = subprocess.run(
        [sys.executable, "manage.py", "import_wellbeing_benchmark", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "DATABASE_URL": "sqlite:///" + str(tmp_path / "db.sqlite3")},
    )  # fmt: skip
    assert done.returncode != 0 and "Refused, nothing stored: Not JSON" in done.stderr


def test_national_figures_come_only_from_a_named_ons_table(tmp_path):
    # The shipped file holds no figures: none could be cited from a published ONS table.
    assert national_figures() == ("", {})
    path = tmp_path / "ons.json"
    path.write_text(json.dumps({"dataset": "", "table": "", "year_ending": "", "figures": {"ons_happy": {"mean": 7}}}))
    with pytest.raises(ValidationError, match="need their dataset, table and year_ending"):
        national_figures(path)
    named = {"dataset": "Annual personal well-being estimates", "table": "Table 1", "year_ending": "March 2099"}
    path.write_text(json.dumps({**named, "figures": {"ons_happy": {"mean": 7.0}}}))
    assert national_figures(path)[0] == "ONS, Annual personal well-being estimates, Table 1, year ending March 2099"
    path.write_text(json.dumps({**named, "figures": {"trusted_adult": {"mean": 7.0}}}))
    with pytest.raises(ValidationError, match="not an ONS question"):
        national_figures(path)
