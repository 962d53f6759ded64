"""The import graph runs one way, down the pipeline, with no cycles.

records -> readers -> Trial -> linking -> rdf (mapping) -> store -> build, validate,
query -> export, analytics, compare, stats -> cli. A module may import its own
package and the layers below it, never one above: ``docs/architecture.md`` draws it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import trialkg

SRC = Path(trialkg.__file__).parent

# Lower numbers sit lower. Units of one rank may not import each other.
RANK = {
    "version": 0,
    "errors": 0,
    "text": 0,
    "resources": 0,
    "progress": 0,
    "countries": 1,
    "results_model": 0,
    "model": 1,
    "values": 2,
    "readers": 3,
    "linking": 3,
    "rdf": 4,
    "store_folder": 4,
    "store": 5,
    "vocabulary": 5,
    "summary": 6,
    "build": 7,
    "validate": 7,
    "query": 7,
    "analytics": 8,
    "compare": 8,
    "fetch": 8,
    "link_report": 8,
    "push": 8,
    "serve_front": 7,
    "serve": 8,
    "export": 9,
    "stats": 9,
    "cli_errors": 10,
    "cli_files": 10,
    "cli_common": 10,
    "cli_build": 11,
    "cli_query": 11,
    "cli_report": 11,
    "cli": 12,
    "__main__": 13,
    "__init__": 13,
}


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path) -> str:
    relative = path.relative_to(SRC.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__" and len(parts) > 2:
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """The trialkg modules a file imports, at its top or inside functions; imports for
    type checkers alone (``if TYPE_CHECKING:``) run nothing and do not count."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
        for child in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("trialkg"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "trialkg":
                found.update(f"trialkg.{a.name}" for a in node.names)
            elif node.module.startswith("trialkg."):
                found.add(node.module)
    return found


MODULES = sorted(SRC.rglob("*.py"))


def test_every_unit_has_a_rank() -> None:
    units = {_unit(_module_name(path)) for path in MODULES}
    assert units <= set(RANK), f"add these to RANK and docs/architecture.md: {units - set(RANK)}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_imports_run_down_the_pipeline(path: Path) -> None:
    here = _unit(_module_name(path))
    upward = sorted(
        target
        for target in _imports(path)
        if (there := _unit(target)) != here and RANK.get(there, 99) >= RANK[here]
    )
    assert not upward, f"{path.relative_to(SRC)} imports {upward}, which sit at or above it"


def test_no_import_cycles_between_modules() -> None:
    graph = {_module_name(path): _imports(path) for path in MODULES}
    faces = {_module_name(path) for path in MODULES if path.name == "__init__.py"}
    edges = {
        name: {t for t in targets if t in graph and t not in faces and t != name}
        for name, targets in graph.items()
        if name not in faces
    }
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                cycle = [*trail[trail.index(target) :], target]
                raise AssertionError(f"import cycle: {' -> '.join(cycle)}")
            if target not in state:
                visit(target, [*trail, target])
        state[node] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])
