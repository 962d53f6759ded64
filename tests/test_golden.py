"""Golden files: each listed real record gives exactly its expected, hand-checked graph.

``tests/fixtures/golden/RECORDS.tsv`` lists the records: the seeds, the API
JSON and legacy XML, each ClinicalTrials.gov page layout, and one page of every
third-party reader. Regenerate with `python scripts/update_golden.py [NAME ...]`
and review the diff against the record before committing.
"""

from __future__ import annotations

import difflib
import io
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic, to_canonical_graph

import trialkg
from trialkg.export import export

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
DIFF_LINES = 60  # of the unified diff shown when a graph differs


def _records() -> list[tuple[str, Path]]:
    rows = []
    for line in (GOLDEN / "RECORDS.tsv").read_text().splitlines():
        if line and not line.startswith("#"):
            name, relative = line.split("\t")[:2]
            rows.append((name, Path(__file__).parent / "fixtures" / relative))
    return rows


def _without_version(dataset: rdflib.Dataset) -> rdflib.Graph:
    """All quads as one graph, less the trialkg version and the file hash."""
    flat = rdflib.Graph()
    skip = {
        rdflib.URIRef("https://w3id.org/trialkg/vocab#trialkgVersion"),
        rdflib.URIRef("https://w3id.org/trialkg/vocab#sourceHash"),
    }
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        if p not in skip:
            flat.add((s, p, o))
    return flat


def _lines(graph: rdflib.Graph) -> list[str]:
    """The graph as sorted N-Triples lines, blank nodes named canonically."""
    text = to_canonical_graph(graph).serialize(format="nt")
    return sorted(line for line in text.splitlines() if line.strip())


def _diff(expected: rdflib.Graph, actual: rdflib.Graph, name: str) -> str:
    """The first lines of a unified diff of the two graphs' sorted triples."""
    diff = list(
        difflib.unified_diff(
            _lines(expected), _lines(actual), f"golden/{name}.trig", "built", lineterm="", n=1
        )
    )
    shown = diff[:DIFF_LINES]
    if len(diff) > DIFF_LINES:
        shown.append(f"... {len(diff) - DIFF_LINES} more diff lines")
    return "\n".join(shown)


@pytest.mark.parametrize(("name", "record"), _records(), ids=[n for n, _ in _records()])
def test_record_gives_its_golden_graph(name: str, record: Path) -> None:
    store = trialkg.open_store()
    report = trialkg.build(store, [record])
    assert report.rejected == 0, [str(e) for e in report.errors]
    out = io.BytesIO()
    export(store, "trig", out)
    actual = _without_version(rdflib.Dataset().parse(data=out.getvalue(), format="trig"))
    expected = _without_version(rdflib.Dataset().parse(GOLDEN / f"{name}.trig", format="trig"))
    if not isomorphic(actual, expected):
        pytest.fail(
            f"{name} differs from its golden graph (regenerate with "
            f"`python scripts/update_golden.py {name}` once the change is checked):\n"
            + _diff(expected, actual, name),
            pytrace=False,
        )
