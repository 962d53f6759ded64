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
    "store_reads": 5,
    "store": 6,
    "vocabulary": 6,
    "summary": 7,
    "build": 8,
    "validate": 8,
    "query": 8,
    "analytics": 9,
    "compare": 9,
    "fetch": 9,
    "link_report": 9,
    "push": 9,
    "serve_front": 8,
    "serve": 9,
    "export": 10,
    "stats": 10,
    "cli_errors": 11,
    "cli_files": 11,
    "cli_common": 11,
    "cli_build": 12,
    "cli_query": 12,
    "cli_report": 12,
    "cli": 13,
    "__main__": 14,
    "__init__": 14,
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
