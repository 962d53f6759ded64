"""The reshaped named queries: the same answers as the plain forms, paging, name lookup,
and shortcut edges that stay exact when a store is built in steps."""

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
from trialkg.query import if_blocks, load_query, named_queries, resolve_drug, run_query
from trialkg.rdf import vocab
from trialkg.store import TrialStore

from .conftest import FIXTURES, JSON_DIR

REFERENCE = FIXTURES / "reference_queries"
PAGES = FIXTURES / "pages"
SHORTCUTS = [vocab.TKG + name for name in ("hasDrug", "siteCountry", "nameKey")]


def _answers(store: TrialStore, drugs: list[str]) -> dict[str, object]:
    """Every named query's rows (trials-for-drug once per drug), by name."""
    answers: dict[str, object] = {}
    for name, query in named_queries().items():
        if "drug" in query.params:
            for drug in drugs:
                answers[f"{name} {drug}"] = run_query(store, query, {"drug": drug}).as_dicts()
        else:
            answers[name] = run_query(store, query).as_dicts()
    return answers


def _shortcuts(store: TrialStore) -> set[tuple[str, str, str]]:
    return {
        (str(q.subject), str(q.predicate), str(q.object))
        for predicate in SHORTCUTS
        for q in store.oxigraph.quads_for_pattern(None, ox.NamedNode(predicate), None, None)
    }


def _drugs(store: TrialStore) -> list[str]:
    rows = run_query(store, "shared-drugs").as_dicts()
    common = [str(rows[0]["label"]), f"<{rows[0]['drug']}>"]
    rare = [str(r["label"]) for r in rows[-2:]]
    return [*common, *rare, "Gleevec", "no such drug"]


@pytest.mark.parametrize("store_name", ["json_store", "seed_store", "view_store"])
def test_shipped_queries_give_the_answers_of_the_plain_forms(
    store_name: str, request: pytest.FixtureRequest
) -> None:
    store: TrialStore = request.getfixturevalue(store_name)
    drugs = ["imatinib", "Gleevec", "STI571", "mesh:D000068877", "pembrolizumab", "docetaxel"]
    for reference_path in sorted(REFERENCE.glob("*.rq")):
        reference = load_query(reference_path)
        shipped = named_queries()[reference.name]
        values = drugs if "drug" in shipped.params else [None]
        for drug in values:
            params = {"drug": drug} if drug is not None else {}
            expected = run_query(store, reference, params).as_dicts()
            assert run_query(store, shipped, params).as_dicts() == expected, (
                reference.name,
                drug,
            )
    assert run_query(store, "trial-summary").rows  # the comparison above saw rows


RESULTS_QUERIES = ("adverse-events", "adverse-events-summary", "outcome-results")

# The drugs of the trials with results, by IRI, and those trials' NCT ids.
RESULTS_TRIALS = """
PREFIX tkg: <https://w3id.org/trialkg/vocab#>
SELECT DISTINCT ?drug ?nct WHERE {
  ?t tkg:resultGroup ?g ; tkg:nctId ?nct .
  OPTIONAL { ?t tkg:intervention/tkg:concept ?drug }
} ORDER BY ?nct ?drug
"""


def test_results_queries_give_the_answers_of_the_plain_forms(json_store: TrialStore) -> None:
    """Every drug of every trial with results, every such trial, and no parameter: the
    LATERAL forms that start from the drug answer as the forms that test each row."""
    found = list(json_store.oxigraph.query(RESULTS_TRIALS, use_default_graph_as_union=True))
    drugs = sorted({f"<{row['drug'].value}>" for row in found if row["drug"] is not None})
    trials = sorted({row["nct"].value for row in found})
    assert len(trials) == 9 and len(drugs) >= 9
    compared = 0
    for name in RESULTS_QUERIES:
        reference = load_query(REFERENCE / f"{name}.rq")
        shipped = named_queries()[name]
        cases: list[dict[str, str]] = [{"drug": drug} for drug in drugs]
        if "trial" in shipped.params:
            cases += [{}, *({"trial": nct} for nct in trials)]
            cases += [{"trial": trials[0], "drug": drugs[0]}]
        for params in cases:
            expected = run_query(json_store, reference, params).as_dicts()
            assert run_query(json_store, shipped, params).as_dicts() == expected, (name, params)
            compared += len(expected)
    assert compared > 1000  # the comparisons saw events, measurements and sums


def test_a_group_marked_if_goes_when_its_parameter_is_left_out() -> None:
    text = (
        "SELECT * WHERE {\n  {\n    # if drug: first\n    ?i ?p ?drug { ?a ?b ?c }\n  }\n"
        "  ?s ?p ?o\n}"
    )
    assert if_blocks(text, {"drug"}) == text
    assert if_blocks(text, set()) == "SELECT * WHERE {\n  {}\n  ?s ?p ?o\n}"
    assert if_blocks(text, {"trial"}) == if_blocks(text, set())
    unclosed = "SELECT * WHERE {\n  {\n    # if drug\n    ?s ?p ?o\n"
    assert if_blocks(unclosed, set()) == unclosed  # not a group: left for the engine to refuse


def test_a_drug_left_out_lists_every_trial_and_a_drug_given_only_its_trials(
    json_store: TrialStore,
) -> None:
    every = {row["nct_id"] for row in run_query(json_store, "adverse-events").as_dicts()}
    # Nine trials have results; NCT00763412's adverse-events module lists groups, no events.
    assert len(every) == 8 and "NCT00763412" not in every
    afatinib = run_query(json_store, "adverse-events", {"drug": "afatinib"}).as_dicts()
    assert {row["nct_id"] for row in afatinib} == {"NCT02369484"}


@pytest.fixture(scope="module")
def view_store(tmp_path_factory: pytest.TempPathFactory) -> TrialStore:
    """JSON records and pages of some of the same trials: the pages become views."""
    folder = tmp_path_factory.mktemp("views")
    for path in sorted(JSON_DIR.glob("*.json"))[:12]:
        shutil.copy(path, folder / path.name)
    for name in ("NCT00763412.json", "NCT02856893.json"):
        if (JSON_DIR / name).exists():
            shutil.copy(JSON_DIR / name, folder / name)
    for name in ("clincosm_NCT00763412.txt", "meddatax_NCT02856893.txt"):
        shutil.copy(PAGES / name, folder / name)
    # A legacy XML record and two sites' pages of it: views that have sites of their own.
    shutil.copy(FIXTURES / "xml" / "NCT03228394.xml", folder / "NCT03228394.xml")
    for site in ("trials.co", "vellito.com"):
        (folder / site).mkdir()
        shutil.copy(FIXTURES / "third_party" / site / "NCT03228394.txt", folder / site)
    store = trialkg.open_store()
    report = trialkg.build(store, [folder])
    assert report.rejected == 0, [str(e) for e in report.errors]
    view_sites = store.oxigraph.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?v a <https://w3id.org/trialkg/vocab#TrialView> ; "
        "<https://w3id.org/trialkg/vocab#site> ?site }",
        use_default_graph_as_union=True,
    )
    assert int(next(iter(view_sites))["n"].value) >= 1  # type: ignore[index, union-attr]
    return store


def test_a_page_of_trial_summary_is_that_slice_of_the_listing(json_store: TrialStore) -> None:
    whole = run_query(json_store, "trial-summary")
    page = run_query(json_store, "trial-summary", limit=7, offset=30)
    assert page.columns == whole.columns
    assert page.rows == whole.rows[30:37]
    assert run_query(json_store, "trial-summary", offset=105).rows == whole.rows[105:]
    beyond = run_query(json_store, "trial-summary", limit=5, offset=10_000)
    assert beyond.columns == whole.columns and beyond.rows == []
    # A query without a page subquery is cut from its whole result.
    drugs = run_query(json_store, "shared-drugs")
    assert run_query(json_store, "shared-drugs", limit=2, offset=1).rows == drugs.rows[1:3]


def test_query_command_pages(tmp_path: Path) -> None:
    store_path = tmp_path / "store"
    runner = CliRunner()
    built = runner.invoke(main, ["build", str(JSON_DIR), "--store", str(store_path), "-q"])
    assert built.exit_code == 0, built.output
    args = ["query", "trial-summary", "--store", str(store_path), "--format", "json"]
    whole = json.loads(runner.invoke(main, args).output)["results"]["bindings"]
    paged = runner.invoke(main, [*args, "--limit", "3", "--offset", "4"])
    assert paged.exit_code == 0, paged.output
    rows = json.loads(paged.output)["results"]["bindings"]
    assert [r["nct_id"]["value"] for r in rows] == [r["nct_id"]["value"] for r in whole[4:7]]
    bad = runner.invoke(main, [*args, "--limit", "-1"])
    assert bad.exit_code == 2


def test_a_drug_is_found_by_any_name_a_record_gave_it(json_store: TrialStore) -> None:
    # An other name a record gives: found through the index of folded names.
    found = json_store.oxigraph.query(
        "SELECT ?name ?drug WHERE { ?i <https://w3id.org/trialkg/vocab#otherName> ?name ; "
        "<https://w3id.org/trialkg/vocab#concept> ?drug . "
        "?drug a <https://w3id.org/trialkg/vocab#Drug> } ORDER BY ?name LIMIT 1",
        use_default_graph_as_union=True,
    )
    row = next(iter(found))  # type: ignore[arg-type]
    name, drug = row["name"].value, row["drug"].value  # type: ignore[index]
    shouted = "  ".join(name.upper().split(" "))
    assert drug in {node.value for node in resolve_drug(json_store, shouted)}


def test_a_store_built_in_steps_answers_as_one_built_at_once(tmp_path: Path) -> None:
    records = sorted(JSON_DIR.glob("*.json"))
    final = tmp_path / "final"
    final.mkdir()
    kept = [*records[:16], JSON_DIR / "NCT00763412.json"]
    for path in kept:
        shutil.copy(path, final / path.name)
    shutil.copy(PAGES / "clincosm_NCT00763412.txt", final / "clincosm_NCT00763412.txt")
    at_once = trialkg.open_store(tmp_path / "at-once")
    trialkg.build(at_once, [final])

    # In steps: half, the page, records that go again, an older version of two records.
    first, extra, changed = tmp_path / "first", tmp_path / "extra", tmp_path / "changed"
    for folder in (first, extra, changed):
        folder.mkdir()
    for path in kept[:8]:
        shutil.copy(path, first / path.name)
    for path in records[16:20]:
        shutil.copy(path, extra / path.name)
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
    steps = trialkg.open_store(tmp_path / "steps")
    trialkg.build(steps, [first])
    trialkg.build(steps, [changed, extra])
    trialkg.build(steps, [PAGES / "clincosm_NCT00763412.txt"])
    removed_id = kept[3].stem
    assert steps.remove_trials([removed_id])
    steps.prune_shared()
    report = trialkg.build(steps, [final], BuildOptions(remove_missing=True))
    assert report.missing_removed == 4

    assert _shortcuts(steps) == _shortcuts(at_once)
    drugs = _drugs(at_once)
    assert _answers(steps, drugs) == _answers(at_once, drugs)
    page = {"limit": 5, "offset": 3}
    assert (
        run_query(steps, "trial-summary", **page).rows  # type: ignore[arg-type]
        == run_query(at_once, "trial-summary", **page).rows  # type: ignore[arg-type]
    )
