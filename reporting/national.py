"""Published national figures for the ONS personal well-being questions, from a data file naming its source."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError

from consultations.wellbeing import INDICATORS

NATIONAL_FILE = Path(__file__).resolve().parent / "data" / "ons_personal_wellbeing.json"
NATIONAL_KEYS = {"mean", "bands"}


def national_figures(path: Path = NATIONAL_FILE) -> tuple[str, dict[str, dict]]:
    """The published ONS figures for the four ONS questions, with their source; ("", {}) when none are loaded.

    Only figures from a named ONS table count: a file giving figures without its dataset, table and year is refused.
    """
    data = json.loads(path.read_text())
    figures = data.get("figures") or {}
    if not figures:
        return "", {}
    source = [data.get(key, "").strip() for key in ("dataset", "table", "year_ending")]
    if not all(source):
        raise ValidationError(f"{path.name}: national figures need their dataset, table and year_ending.")
    for slug, item in figures.items():
        if slug not in INDICATORS or not INDICATORS[slug].scale or not set(item) <= NATIONAL_KEYS:
            raise ValidationError(f"{path.name}: {slug!r} is not an ONS question's figures (mean, bands).")
    return "ONS, {}, {}, year ending {}".format(*source), figures
