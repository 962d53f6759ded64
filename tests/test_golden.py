"""Golden files: each listed real record gives exactly its expected, hand-checked graph.

Regenerate with `python scripts/update_golden.py` and review the diff against
the record before committing.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

import trialkg
from trialkg.export import export

GOLDEN = Path(__file__).parent / "fixtures" / "golden"


def _records() -> list[tuple[str, Path]]:
    rows = []
    for line in (GOLDEN / "RECORDS.tsv").read_text().splitlines():
        if line and not line.startswith("#"):
            name, relative = line.split("\t")[:2]
            rows.append((name, Path(__file__).parent / "fixtures" / relative))
    return rows


def _without_version(dataset: rdflib.Dataset) -> rdflib.Graph:
    """All quads as one graph keyed by graph name, less the trialkg version and file hash."""
    flat = rdflib.Graph()
    skip = {rdflib.URIRef("https://w3id.org/trialkg/vocab#trialkgVersion"),
            rdflib.URIRef("https://w3id.org/trialkg/vocab#sourceHash")}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if p not in skip:
            flat.add((s, p, o))
    return flat


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
        _, missing, extra = graph_diff(to_isomorphic(expected), to_isomorphic(actual))
        lines = [f"- {t}" for t in sorted(missing)][:40] + [f"+ {t}" for t in sorted(extra)][:40]
        pytest.fail(f"{name} differs from its golden graph:\n" + "\n".join(lines))
