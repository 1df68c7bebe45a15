"""The direction of dependencies holds: every module has a layer, no cycles, an upward import fails lint."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
PACKAGES = CONFIG["root_packages"]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _layers() -> list[list[str]]:
    (contract,) = (c for c in CONFIG["contracts"] if c["id"] == "layers")
    return [[name.strip() for name in layer.split(":")] for layer in contract["layers"]]


def _modules() -> set[str]:
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    return {m for m in graph.modules if ".migrations" not in m and m not in PACKAGES}


def _graph() -> grimp.ImportGraph:
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def test_the_contract_names_six_layers_from_composition_down_to_base():
    assert len(_layers()) == 6


def test_every_module_belongs_to_a_layer():
    named = {name for layer in _layers() for name in layer}
    # A package's own __init__ (such as mobile_api.apis) is covered by its children's layer entries.
    packages_of_named = {name.rsplit(".", 1)[0] for name in named}
    unplaced = sorted(
        module
        for module in _modules()
        if not any(module == name or module.startswith(name + ".") for name in named)
        and module not in packages_of_named
        and not module.startswith("reporting.dfe")  # a script run in the DfE validator's own virtualenv
    )
    assert unplaced == [], f"Give these modules a layer in pyproject.toml: {unplaced}"


def test_no_module_is_named_in_two_layers():
    names = [name for layer in _layers() for name in layer]
    assert len(names) == len(set(names))


def _cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one module: each one is a cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(start: str) -> None:
        nonlocal counter
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start) & modules)))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child) & modules))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))

    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles_anywhere_across_the_apps():
    graph = _graph()
    assert _cycles(graph, _modules()) == []


def test_the_cycle_finder_finds_a_cycle_it_is_given():
    graph = _graph()
    graph.add_import(importer="reviews.models", imported="feedback.alerts")
    cycles = _cycles(graph, _modules())
    assert any({"reviews.models", "feedback.alerts"} <= set(cycle) for cycle in cycles)


def _copy_of_the_code(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "*.html"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def _lint_imports(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=where,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(where)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def code_copy(tmp_path_factory) -> Path:
    return _copy_of_the_code(tmp_path_factory.mktemp("heard"))


def test_lint_imports_keeps_both_contracts_on_the_code_as_it_is(code_copy):
    result = _lint_imports(code_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def _lint_with_an_import_added(tmp_path: Path, module: str, line: str) -> subprocess.CompletedProcess:
    code = _copy_of_the_code(tmp_path)
    with (code / module).open("a") as source:
        source.write(f"\n{line}  # noqa\n")
    return _lint_imports(code)


def test_an_upward_import_fails_lint_imports(tmp_path):
    # Care records importing the alerts of the domain above them: what the layers forbid.
    result = _lint_with_an_import_added(
        tmp_path, "reviews/selectors.py", "from feedback.alerts import alerts_escalate_due"
    )
    assert result.returncode == 1
    assert "reviews.selectors is not allowed to import feedback.alerts" in result.stdout


def test_a_cycle_inside_an_app_fails_lint_imports(tmp_path):
    # feedback.live imports only channels; importing the services that push through it makes a cycle.
    result = _lint_with_an_import_added(tmp_path, "feedback/live.py", "from feedback.services import statement_submit")
    assert result.returncode == 1
    assert "No cycles are allowed in feedback" in result.stdout
