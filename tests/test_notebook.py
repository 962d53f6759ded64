"""The landscape notebook runs top to bottom, draws its plots, and prints the named
queries' numbers (CI runs it: the notebook's dependencies are in the test extra)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import trialkg
from trialkg.query import named_queries
from trialkg.store import TrialStore

from .conftest import FIXTURES, JSON_DIR, REPO

NOTEBOOK = REPO / "notebooks" / "trial-landscape.ipynb"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> tuple[nbformat.NotebookNode, Path]:
    """The notebook run on a store built as it builds its own: the JSON and XML fixtures."""
    folder = tmp_path_factory.mktemp("notebook") / "store"
    records = [JSON_DIR, *sorted((FIXTURES / "xml").glob("*.xml"))]
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


def test_every_cell_runs_and_five_plots_are_drawn(
    executed: tuple[nbformat.NotebookNode, Path],
) -> None:
    notebook, _ = executed
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.execution_count is not None for cell in code)
    errors = [o for cell in code for o in cell.outputs if o.output_type == "error"]
    assert errors == []
    images = [o for cell in code for o in cell.outputs if "image/png" in o.get("data", {})]
    assert len(images) == 5  # shared drugs, network, phase by status, countries, start years
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
    if "adverse-events" in named_queries():
        assert re.search(r"^adverse events: \d+ rows$", text, re.M)
    else:  # said, not drawn empty
        assert "adverse events: this trialkg has no adverse-events query; plot skipped" in text
    assert "repurposing candidates: no MeSH tree numbers" in text


def _statuses(store: TrialStore) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for row in trialkg.run_query(store, "trial-summary").as_dicts():
        if row["status"]:
            counts[str(row["status"])] = counts.get(str(row["status"]), 0) + 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
