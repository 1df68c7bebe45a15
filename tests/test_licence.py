"""Heard is free software: the licence text ships with it and agrees with the package metadata."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_agpl_text_ships_and_matches_pyproject():
    licence = (ROOT / "LICENSE").read_text()
    assert licence.startswith("GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3, 19 November 2007")
    assert "13. Remote Network Interaction; Use with the GNU General Public License." in licence
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["license"] == "AGPL-3.0-or-later"
