"""Every command in the README's fenced blocks works as written: run here, or run by CI, or a quick form of it."""

import re
import shlex
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from tests.reporting.test_ssda903_import import EPISODES, HEADER, REVIEWS

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ".venv/bin/python"


def readme_commands() -> list[str]:
    """Each command line in the README's `sh` blocks, without its comment."""
    blocks = re.findall(r"^```sh\n(.*?)^```", (ROOT / "README.md").read_text(), flags=re.S | re.M)
    lines = (line.split("#", 1)[0].strip() for block in blocks for line in block.splitlines())
    return [line for line in lines if line]


def make_recipe(target: str) -> str:
    """The recipe of one Makefile target, as text."""
    match = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), flags=re.M)
    assert match, f"no Makefile target {target}"
    return match.group(1)


# Where each command that is not run in this file is exercised.
ELSEWHERE = {
    "make test": ".ci/run runs it twice (PostgreSQL and Redis, then SQLite)",
    "make bench": "tests/test_bench_smoke.py runs its quick form",
    "make bench-quick": "tests/test_bench_smoke.py runs `python -m bench --quick`, the recipe",
    "make run": "tests/test_make_run.py serves the demo with it",
}


def test_every_readme_command_is_exercised(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the README's relative folders (exports/, history/, feed/) land here
    history = tmp_path / "history"
    history.mkdir()
    feed = tmp_path / "feed"  # the daily feed's folder: the same files
    feed.mkdir()
    for name, content in (("header", HEADER), ("episodes", EPISODES), ("reviews", REVIEWS)):
        (history / f"{name}.csv").write_text(content)
        (feed / f"{name}.csv").write_text(content)
    commands = readme_commands()
    assert len(commands) >= 8
    for command in commands:
        words = shlex.split(command)
        if command in ELSEWHERE:
            continue
        if words[:2] == [PYTHON, "manage.py"]:
            out = StringIO()
            call_command(*words[2:], stdout=out, stderr=StringIO())
            assert out.getvalue(), command
        elif words[:3] == [PYTHON, "-m", "bench.reliability"]:
            # tests/test_reliability_runs.py runs every scenario through this entry point, smaller.
            assert "--scenario" not in words or words[words.index("--scenario") + 1] in {"database", "all"}
        else:
            raise AssertionError(f"the README's command {command!r} is exercised nowhere: add it here")
    assert (tmp_path / "exports" / "reviews.csv").exists()


def test_the_commands_run_elsewhere_are_run_there():
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.count(" make test\n") == 2
    assert "$(PY) -m bench --quick" in make_recipe("bench-quick")
    assert "$(PY) -m bench\n" in make_recipe("bench")
    smoke = (ROOT / "tests" / "test_bench_smoke.py").read_text()
    assert '"-m", "bench", "--quick"' in smoke
    assert '"-m", "bench.reliability"' in (ROOT / "tests" / "test_reliability_runs.py").read_text()
