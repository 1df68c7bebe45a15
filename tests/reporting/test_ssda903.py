"""The SSDA903 reviews file: exact rows, and the DfE's own review rules passing on it."""

import json
import os
import subprocess
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from reporting.ssda903 import reviews_rows
from reviews.models import Review
from tests.conftest import make_child

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR_PYTHON = Path(os.environ.get("HEARD_903_PYTHON", ROOT / ".venv-903" / "bin" / "python"))
VALIDATE = ROOT / "reporting" / "dfe" / "validate_reviews.py"


def _held(child, code, day, sequence=1):
    Review.objects.filter(child=child, held_on__isnull=True).delete()
    return Review.objects.create(child=child, sequence=sequence, due_by=day, held_on=day, participation_code=code)


@pytest.fixture
def year_2025(db):
    """Reviews in the 2024-25 collection year, on the edges the DfE rules care about."""
    four = make_child("C0004", born=date(2020, 10, 10), looked_after=date(2021, 1, 4))
    _held(four, "PN0", date(2024, 10, 9))  # the day before the 4th birthday: PN0
    _held(four, "PN6", date(2024, 10, 10), sequence=2)  # on it: not PN0
    older = make_child("C0010", born=date(2014, 2, 28), looked_after=date(2023, 5, 1))
    _held(older, "PN1", date(2024, 4, 1))  # the first day of the year
    _held(older, "PN7", date(2025, 3, 31), sequence=2)  # and the last
    outside = make_child("C0099", born=date(2012, 1, 1), looked_after=date(2020, 1, 6))
    _held(outside, "PN1", date(2025, 4, 1))  # the next collection year


def test_the_reviews_file_has_one_row_per_review_held_in_the_year(year_2025, tmp_path):
    assert reviews_rows(2025) == [
        ["C0004", "10/10/2020", "09/10/2024", "PN0"],
        ["C0004", "10/10/2020", "10/10/2024", "PN6"],
        ["C0010", "28/02/2014", "01/04/2024", "PN1"],
        ["C0010", "28/02/2014", "31/03/2025", "PN7"],
    ]
    call_command("export_ssda903", "--year", "2025", "--out", str(tmp_path), stdout=StringIO())
    lines = (tmp_path / "reviews.csv").read_text().splitlines()
    assert lines[0] == "CHILD,DOB,REVIEW,REVIEW_CODE"
    assert len(lines) == 5


def test_a_nonsense_year_gets_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="the year the collection ends in"):
        call_command("export_ssda903", "--year", "25", "--out", str(tmp_path), stdout=StringIO())


def _validate(path: Path) -> tuple[int, dict]:
    if not VALIDATOR_PYTHON.exists():
        pytest.skip(f"csc-validator-be-903 is not installed at {VALIDATOR_PYTHON} (make validator-903)")
    result = subprocess.run(
        [str(VALIDATOR_PYTHON), str(VALIDATE), str(path)], capture_output=True, text=True, timeout=300
    )
    return result.returncode, json.loads(result.stdout.strip().splitlines()[-1])


def test_the_export_passes_the_dfe_review_rules(year_2025, tmp_path):
    call_command("export_ssda903", "--year", "2025", "--out", str(tmp_path), stdout=StringIO())
    code, report = _validate(tmp_path / "reviews.csv")
    assert (code, report["failures"], report["rows"]) == (0, {}, 4)


def test_the_validator_does_catch_a_file_that_breaks_the_rules(tmp_path):
    broken = tmp_path / "reviews.csv"
    broken.write_text(
        "CHILD,DOB,REVIEW,REVIEW_CODE\n"
        "A1,01/01/2010,01/06/2024,PN0\n"  # PN0 at 14 (rule 440)
        "A2,01/01/2023,01/06/2024,PN1\n"  # under 4 but not PN0 (rule 441)
        "A3,01/01/2010,31/02/2024,PN1\n"  # no such date (rule 166)
        "A4,01/01/2010,01/06/2024,\n"  # no code (rule 167)
    )
    code, report = _validate(broken)
    assert code == 1
    assert set(report["failures"]) >= {"440", "441", "166", "167"}
