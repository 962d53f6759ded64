"""The summary graph: the aggregates the whole-store queries read stay exact through
builds in steps, replaced records, `trialkg remove` and --remove-missing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

import trialkg
from trialkg.build import BuildOptions
from trialkg.cli import main
from trialkg.errors import QueryError
from trialkg.query import load_query, named_queries, run_query
from trialkg.rdf import vocab
from trialkg.stats import store_stats
from trialkg.store import TrialStore
from trialkg.summary import has_summary, stored_summary, summary_lines

from .conftest import FIXTURES, JSON_DIR

REFERENCE = FIXTURES / "reference_queries"
PAGES = FIXTURES / "pages"
SUMMARISED = ["shared-drugs", "shared-conditions", "sites-by-country"]


def _answers(store: TrialStore) -> dict[str, object]:
    """The summarised queries' rows, both ways of counting placebos."""
    answers: dict[str, object] = {}
    for name in SUMMARISED:
        for placebo in ("false", "true"):
            params = {"include_placebo": placebo} if name == "shared-drugs" else {}
            answers[f"{name} {placebo}"] = run_query(store, name, params).as_dicts()
    return answers


def _live(store: TrialStore) -> dict[str, object]:
    """The same rows from the plain forms, which count over the trial graphs."""
    answers: dict[str, object] = {}
    for name in SUMMARISED:
        reference = load_query(REFERENCE / f"{name}.rq")
        for placebo in ("false", "true"):
            params = {"include_placebo": placebo} if name == "shared-drugs" else {}
            answers[f"{name} {placebo}"] = run_query(store, reference, params).as_dicts()
    return answers


def _exact(store: TrialStore) -> None:
    """The stored summary is the one the trial graphs give now, and so are the answers."""
    assert has_summary(store)
    assert stored_summary(store) == summary_lines(store)
    assert _answers(store) == _live(store)


def test_the_summarised_queries_read_the_summary_graph() -> None:
    for name in SUMMARISED:
        assert f"<{vocab.SUMMARY_GRAPH}>" in named_queries()[name].text


def test_a_store_built_in_steps_holds_the_summary_of_one_built_at_once(tmp_path: Path) -> None:
    records = sorted(JSON_DIR.glob("*.json"))
    final = tmp_path / "final"
    final.mkdir()
    kept = [*records[:16], JSON_DIR / "NCT00763412.json"]
    for path in kept:
        shutil.copy(path, final / path.name)
    shutil.copy(PAGES / "clincosm_NCT00763412.txt", final / "clincosm_NCT00763412.txt")
    at_once = trialkg.open_store(tmp_path / "at-once")
    trialkg.build(at_once, [final])
    _exact(at_once)
    for name in SUMMARISED:  # the comparisons below see rows
        assert run_query(at_once, name).rows, name

    first, extra, changed = tmp_path / "first", tmp_path / "extra", tmp_path / "changed"
    for folder in (first, extra, changed):
        folder.mkdir()
    for path in kept[:8]:
        shutil.copy(path, first / path.name)
    for path in records[16:19]:
        shutil.copy(path, extra / path.name)
    # Other versions of two records: other drug names, sites in another country.
    for path in kept[8:10]:
        study = json.loads(path.read_text(encoding="utf-8"))
        module = study["protocolSection"].get("armsInterventionsModule", {})
        for item in module.get("interventions", []):
            item["name"] = "Older " + item["name"]
            item.pop("otherNames", None)
        for site in (
            study["protocolSection"].get("contactsLocationsModule", {}).get("locations", [])
        ):
            site["country"] = "Atlantis"
        (changed / path.name).write_text(json.dumps(study), encoding="utf-8")

    folder = tmp_path / "steps"
    steps = trialkg.open_store(folder)
    trialkg.build(steps, [first])
    _exact(steps)
    trialkg.build(steps, [changed, extra])
    _exact(steps)
    countries = {row[0] for row in run_query(steps, "sites-by-country").rows}
    assert "Atlantis" in countries
    trialkg.build(steps, [PAGES / "clincosm_NCT00763412.txt"])
    _exact(steps)
    steps.close()

    removed = kept[2].stem
    result = CliRunner().invoke(main, ["remove", removed, "--store", str(folder)])
    assert result.exit_code == 0, result.output
    steps = trialkg.open_store(folder)
    _exact(steps)
    assert all(removed not in str(row[3]) for row in run_query(steps, "shared-drugs").rows)

    report = trialkg.build(steps, [final], BuildOptions(remove_missing=True))
    assert report.missing_removed == 3  # the extra records
    _exact(steps)
    assert stored_summary(steps) == stored_summary(at_once)
    assert _answers(steps) == _answers(at_once)
    countries = {row[0] for row in run_query(steps, "sites-by-country").rows}
    assert "Atlantis" not in countries


def test_the_summary_travels_with_the_store_and_an_unchanged_build_keeps_it(
    tmp_path: Path,
) -> None:
    paths = [JSON_DIR / "NCT00763412.json", JSON_DIR / "NCT02856893.json"]
    store = trialkg.open_store(tmp_path / "store")
    report = trialkg.build(store, paths)
    assert report.triples + len(stored_summary(store)) == len(store)
    # Exports and pushes carry it, so that another store answers the queries alike.
    assert store.graph_names()[-2:] == [vocab.SHARED_GRAPH, vocab.SUMMARY_GRAPH]
    assert "source graphs:   2\n" in store_stats(store)
    # Building the same input again changes nothing, the summary included.
    before = stored_summary(store)
    again = trialkg.build(store, paths)
    assert again.built == 0 and again.summary_seconds == 0.0
    assert stored_summary(store) == before


def test_a_store_without_its_summary(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    paths = [JSON_DIR / "NCT00763412.json", JSON_DIR / "NCT02856893.json"]
    with trialkg.open_store(folder) as store:
        trialkg.build(store, paths)
        expected = run_query(store, "sites-by-country").rows
        store.oxigraph.remove_graph(ox.NamedNode(vocab.SUMMARY_GRAPH))
    with (
        trialkg.open_store(folder, read_only=True) as store,
        pytest.raises(QueryError, match="trialkg build"),
    ):
        run_query(store, "sites-by-country")
    with trialkg.open_store(folder) as store:
        report = trialkg.build(store, paths)  # unchanged input: the summary alone is written
        assert report.built == 0 and has_summary(store)
        assert run_query(store, "sites-by-country").rows == expected
    memory = trialkg.open_store()  # an empty store answers with no rows
    assert run_query(memory, "shared-drugs").rows == []
