"""The landscape notebook runs top to bottom, draws its plots, and prints the named
queries' numbers (CI runs it: the notebook's dependencies are in the test extra)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import trialkg
from trialkg import analytics
from trialkg.analytics.networks import rows as sparql_rows
from trialkg.store import TrialStore

from .conftest import FIXTURES, JSON_DIR, REPO

NOTEBOOK = REPO / "notebooks" / "trial-landscape.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[nbformat.NotebookNode, Path]:
    """The notebook run on a store built as it builds its own: the JSON, the other
    areas' JSON and the XML fixtures."""
    folder = tmp_path_factory.mktemp("notebook") / "store"
    records = [JSON_DIR, FIXTURES / "json-wide", *sorted((FIXTURES / "xml").glob("*.xml"))]
    with trialkg.open_store(folder) as store:
        report = trialkg.build(store, records)
        assert report.rejected == 0
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRIALKG_NOTEBOOK_STORE", str(folder))
        patch.delenv("TRIALKG_MESH_TREES", raising=False)
        client = NotebookClient(
            notebook,
            timeout=300,
            kernel_name="python3",
            resources={"metadata": {"path": str(NOTEBOOK.parent)}},
        )
        client.execute()
    return notebook, folder


def printed(notebook: nbformat.NotebookNode) -> str:
    return "".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "stream" and output.name == "stdout"
    )


def pairs(text: str, head: str) -> list[tuple[str, int]]:
    return [(m[1], int(m[2])) for m in re.finditer(rf"^{head}: (.+) = (\d+)$", text, re.M)]


def test_every_cell_runs_and_six_plots_are_drawn(
    executed: tuple[nbformat.NotebookNode, Path],
) -> None:
    notebook, _ = executed
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.execution_count is not None for cell in code)
    errors = [o for cell in code for o in cell.outputs if o.output_type == "error"]
    assert errors == []
    images = [o for cell in code for o in cell.outputs if "image/png" in o.get("data", {})]
    # shared drugs, network, phase by status, countries, start years, adverse events per arm
    assert len(images) == 6
    assert all(len(o["data"]["image/png"]) > 10_000 for o in images)


def test_the_printed_numbers_are_the_named_queries(
    executed: tuple[nbformat.NotebookNode, Path],
) -> None:
    notebook, folder = executed
    text = printed(notebook)
    with trialkg.open_store(folder, read_only=True) as store:
        summary = trialkg.run_query(store, "trial-summary").as_dicts()
        drugs = trialkg.run_query(store, "shared-drugs").rows
        countries = trialkg.run_query(store, "sites-by-country").rows
        statuses = _statuses(store)
    assert f"trials: {len(summary)}\n" in text
    assert pairs(text, "shared drug") == [(str(r[1]), r[2]) for r in drugs[:5]]
    assert pairs(text, "sites") == [(str(r[0]), r[1]) for r in countries[:5]]
    assert sum(n for _, n in pairs(text, "phase")) == len(summary)
    assert pairs(text, "endpoint status") == statuses
    assert "trialkg serve stopped: exit 0\n" in text
    with trialkg.open_store(folder, read_only=True) as store:
        branches = _conditions_per_branch(store)
        candidates = analytics.repurposing_candidates(store)
    # The other areas' records give drugs tried across branches (lung cancer alone is in
    # C04 and C08 both, and gives none).
    assert candidates and f"repurposing candidates: {len(candidates)}\n" in text
    shown = re.findall(r"^  (.+?) +(C\d\d(?: C\d\d)+) +(\d+) trials: ", text, re.M)
    assert shown == [(c.label, " ".join(c.branches), str(len(c.trials))) for c in candidates[:15]]
    assert pairs(text, "conditions in branch") == branches[:8]


def test_the_adverse_events_per_arm_are_the_named_queries(
    executed: tuple[nbformat.NotebookNode, Path],
) -> None:
    notebook, folder = executed
    text = printed(notebook)
    drug = re.search(r"^adverse events of: .+ <(.+)>$", text, re.M)
    assert drug is not None
    drawn = [
        (m[1], m[2], m[3], int(m[4]))
        for m in re.finditer(r"^adverse event: (.+) \| (NCT\d{8}) \| (.+) = (\d+)$", text, re.M)
    ]
    with trialkg.open_store(folder, read_only=True) as store:
        summary = trialkg.run_query(store, "adverse-events-summary", {"drug": drug[1]}).as_dicts()
    # A trial's events are its own graph's: the query gives the same rows on a store of
    # its record alone, in a second instead of a minute over the notebook's 120 trials.
    trials = sorted({row[1] for row in drawn})
    records = [*JSON_DIR.glob("*.json"), *(FIXTURES / "xml").glob("*.xml")]
    alone = trialkg.open_store()
    assert trialkg.build(alone, [p for p in records if p.stem in trials]).rejected == 0
    rows: list[dict[str, object]] = []
    for nct in trials:
        rows += trialkg.run_query(alone, "adverse-events", {"trial": nct}).as_dicts()
    affected: dict[tuple[str, str, str], int] = defaultdict(int)
    for row in rows:  # serious and other events of a term in a group, added
        affected[(str(row["term"]), str(row["nct_id"]), str(row["group"]))] += int(
            row["affected"] or 0  # type: ignore[call-overload]
        )
    groups = sorted({(nct, group) for _, nct, group in affected})
    totals: dict[str, int] = defaultdict(int)
    for (term, _, _), n in affected.items():
        totals[term] += n
    top = sorted(totals, key=lambda t: (-totals[t], t))[:10]
    assert drawn == [(t, nct, g, affected.get((t, nct, g), 0)) for t in top for nct, g in groups]
    assert len(groups) >= 2  # an arm each: the plot compares arms
    summary.sort(key=lambda row: (-int(row["affected"] or 0), str(row["term"])))  # type: ignore[call-overload]
    assert pairs(text, "summary") == [(str(r["term"]), r["affected"]) for r in summary[:8]]


def _conditions_per_branch(store: TrialStore) -> list[tuple[str, int]]:
    """Conditions per MeSH disease branch, by SPARQL on the tree numbers the store holds."""
    query = """SELECT ?branch (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?c a tkg:Condition ; tkg:meshTreeNumber ?number .
  FILTER(STRSTARTS(?number, "C"))
  BIND(STRBEFORE(CONCAT(?number, "."), ".") AS ?branch)
} GROUP BY ?branch ORDER BY DESC(?n) ?branch"""
    return [(str(r[0]), int(str(r[1]))) for r in sparql_rows(store, query)]


def _statuses(store: TrialStore) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for row in trialkg.run_query(store, "trial-summary").as_dicts():
        if row["status"]:
            counts[str(row["status"])] = counts.get(str(row["status"]), 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
