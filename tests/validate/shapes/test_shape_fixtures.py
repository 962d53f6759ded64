"""Each SHACL shape tested both ways, on small hand-written Turtle fixtures.

``tests/fixtures/shapes/<shapes file stem>/conforming*.ttl`` must conform to all
the shapes together; ``violating*.ttl`` must not, and must fail exactly where its
``# expect: FOCUS PATH`` lines say, no more and no less. FOCUS and PATH are IRIs
in angle brackets (relative ones resolve against the fixture's ``@base``) or
prefixed names declared in the fixture; ``_:name`` stands for any blank node
(the parser renames them). A PATH may be ``^name`` (an inverse
path), several alternatives joined by ``|``, or ``-`` when the node itself fails
(a node-level constraint has no result path).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import urljoin

import pyshacl
import pytest
import rdflib
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from trialkg import model

REPO = Path(__file__).resolve().parents[3]
SHAPES_DIR = REPO / "shapes"
FIXTURES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "shapes"

_EXPECT = re.compile(r"^#\s*expect:\s*(\S+)\s+(\S+)\s*$", re.MULTILINE)
_BASE = re.compile(r"^@base\s+<([^>]*)>\s*\.", re.MULTILINE)

Finding = tuple[str, str]  # (focus node, path as written in an expect line, resolved)


@cache
def shapes_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def validate(data: rdflib.Graph) -> tuple[bool, rdflib.Graph, str]:
    conforms, report, text = pyshacl.validate(data, shacl_graph=shapes_graph(), inference="none")
    assert isinstance(report, rdflib.Graph)
    return bool(conforms), report, str(text)


def load_fixture(path: Path) -> rdflib.Graph:
    # Only the fixture's own prefixes: rdflib's defaults bind schema: to https://schema.org/.
    return rdflib.Graph(bind_namespaces="none").parse(path, format="turtle")


def fixtures(kind: str) -> list[Path]:
    return sorted(FIXTURES_DIR.glob(f"*/{kind}*.ttl"))


def fixture_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


# --- reading expectations and reports ---------------------------------------------------------


_BLANK = "_:"


def _resolve(token: str, graph: rdflib.Graph, base: str) -> str:
    if token.startswith(_BLANK):
        return _BLANK
    if token.startswith("<") and token.endswith(">"):
        return urljoin(base, token[1:-1])
    return str(graph.namespace_manager.expand_curie(token))


def _expected_path(token: str, graph: rdflib.Graph, base: str) -> str:
    if token == "-":
        return "-"
    steps = []
    for step in token.split("|"):
        inverse = step.startswith("^")
        steps.append(("^" if inverse else "") + _resolve(step.lstrip("^"), graph, base))
    return "|".join(steps)


def expectations(path: Path, graph: rdflib.Graph) -> set[Finding]:
    text = path.read_text(encoding="utf-8")
    base_match = _BASE.search(text)
    base = base_match.group(1) if base_match else ""
    return {
        (_resolve(focus, graph, base), _expected_path(result_path, graph, base))
        for focus, result_path in _EXPECT.findall(text)
    }


def _path_text(report: rdflib.Graph, node: Node | None) -> str:
    if node is None:
        return "-"
    if isinstance(node, rdflib.URIRef):
        return str(node)
    inverse = report.value(node, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(report, inverse)
    alternatives = report.value(node, SH.alternativePath)
    if alternatives is not None:
        items = Collection(report, alternatives)
        return "|".join(_path_text(report, item) for item in items)
    raise AssertionError(f"a result path this test cannot write down: {node!r}")


def findings(report: rdflib.Graph) -> set[Finding]:
    """(focus, path) of each top-level result; nested sh:detail results are left out."""
    found = set()
    for top in report.subjects(RDF.type, SH.ValidationReport):
        for result in report.objects(top, SH.result):
            focus = report.value(result, SH.focusNode)
            focus_text = _BLANK if isinstance(focus, rdflib.BNode) else str(focus)
            found.add((focus_text, _path_text(report, report.value(result, SH.resultPath))))
    return found


# --- the fixtures -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", fixtures("conforming"), ids=fixture_id)
def test_conforming_fixture_conforms(path: Path) -> None:
    data = load_fixture(path)
    conforms, _, text = validate(data)
    assert conforms, text


@pytest.mark.parametrize("path", fixtures("violating"), ids=fixture_id)
def test_violating_fixture_fails_where_it_says(path: Path) -> None:
    data = load_fixture(path)
    expected = expectations(path, data)
    assert expected, f"{path.name} has no '# expect: FOCUS PATH' line"
    conforms, report, text = validate(data)
    assert not conforms, f"{path.name} conforms but should not"
    assert findings(report) == expected, text


def test_every_shapes_file_is_tested_both_ways() -> None:
    stems = {path.stem for path in SHAPES_DIR.glob("*.ttl")}
    assert stems, f"no shapes in {SHAPES_DIR}"
    for stem in sorted(stems):
        folder = FIXTURES_DIR / stem
        assert list(folder.glob("conforming*.ttl")), f"no conforming fixture for shapes/{stem}.ttl"
        assert list(folder.glob("violating*.ttl")), f"no violating fixture for shapes/{stem}.ttl"
    orphans = {folder.name for folder in FIXTURES_DIR.iterdir() if folder.is_dir()} - stems
    assert not orphans, f"fixture folders without a shapes file: {sorted(orphans)}"


# --- the shapes themselves --------------------------------------------------------------------


def test_every_property_shape_has_a_name_and_a_message() -> None:
    """Those of the node shapes; the parts of an sh:or or sh:xone report through their owner."""
    graph = shapes_graph()
    unnamed = []
    for owner, shape in graph.subject_objects(SH.property):
        if (owner, RDF.type, SH.NodeShape) not in graph:
            continue
        path = graph.value(shape, SH.path)
        if graph.value(shape, SH.name) is None or graph.value(shape, SH.message) is None:
            unnamed.append(f"{owner} {path}")
    assert not unnamed, unnamed


def test_every_node_shape_has_a_label_a_comment_and_node_level_messages() -> None:
    graph = shapes_graph()
    node_level = (SH["or"], SH.xone, SH.pattern, SH.nodeKind)
    for shape in set(graph.subjects(RDF.type, SH.NodeShape)):
        assert graph.value(shape, RDFS.label) is not None, shape
        assert graph.value(shape, RDFS.comment) is not None, shape
        if any(graph.value(shape, constraint) is not None for constraint in node_level):
            assert graph.value(shape, SH.message) is not None, shape


TKG = rdflib.Namespace("https://w3id.org/trialkg/vocab#")
_DATE_TYPE_PATHS = (
    "startDateType",
    "primaryCompletionDateType",
    "completionDateType",
    "firstPostedDateType",
    "lastUpdatePostedDateType",
    "statusVerifiedDateType",
    "enrollmentType",
)
# The allowed values the readers translate to, as Python holds them.
ENUMERATIONS: dict[rdflib.URIRef, frozenset[str]] = {
    TKG.overallStatus: model.STATUSES,
    TKG.lastKnownStatus: model.STATUSES,
    TKG.recruitmentStatus: model.STATUSES,
    TKG.phase: model.PHASES,
    TKG.studyType: model.STUDY_TYPES,
    TKG.interventionType: model.INTERVENTION_TYPES,
    TKG.armType: model.ARM_TYPES,
    TKG.sex: model.SEXES,
    TKG.outcomeKind: model.OUTCOME_KINDS,
    TKG.allocation: model.ALLOCATIONS,
    TKG.interventionModel: model.INTERVENTION_MODELS,
    TKG.masking: model.MASKINGS,
    TKG.primaryPurpose: model.PURPOSES,
    TKG.observationalModel: model.OBSERVATIONAL_MODELS,
    TKG.timePerspective: model.TIME_PERSPECTIVES,
    **{TKG[name]: model.DATE_TYPES for name in _DATE_TYPE_PATHS},
}


def test_allowed_values_are_the_ones_the_readers_translate_to() -> None:
    graph = shapes_graph()
    checked = set()
    for shape, values in graph.subject_objects(SH["in"]):
        path = graph.value(shape, SH.path)
        if isinstance(path, rdflib.URIRef) and path in ENUMERATIONS:
            allowed = {str(item) for item in Collection(graph, values)}
            assert allowed == ENUMERATIONS[path], path
            checked.add(path)
    assert checked == set(ENUMERATIONS), set(ENUMERATIONS) - checked
