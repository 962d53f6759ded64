"""Named queries: their columns, their answers on the real corpus, and safe parameters."""

from __future__ import annotations

import pytest

import trialkg
from trialkg.errors import QueryError
from trialkg.query import format_result, named_queries, run_query

COLUMNS = {
    "shared-drugs": ["drug", "label", "trials", "nct_ids"],
    "trial-summary": [
        "nct_id",
        "title",
        "status",
        "phase",
        "study_type",
        "enrollment",
        "arms",
        "interventions",
        "conditions",
        "sponsor",
        "sites",
    ],
    "trials-for-drug": ["nct_id", "title", "arm", "intervention"],
    "shared-conditions": ["condition", "label", "trials", "nct_ids"],
}


def test_every_named_query_runs_with_its_documented_columns(json_store: trialkg.TrialStore) -> None:
    queries = named_queries()
    assert {
        "shared-drugs",
        "trial-summary",
        "trials-for-drug",
        "shared-conditions",
        "sponsors",
        "sites-by-country",
    } <= set(queries)
    for name, columns in COLUMNS.items():
        params = {"drug": "docetaxel"} if name == "trials-for-drug" else {}
        assert run_query(json_store, name, params).columns == columns


def test_shared_drugs_on_the_lung_cancer_corpus(json_store: trialkg.TrialStore) -> None:
    rows = {str(r["label"]).casefold(): r for r in run_query(json_store, "shared-drugs").as_dicts()}
    assert rows["docetaxel"]["trials"] == 7
    assert rows["docetaxel"]["nct_ids"] == (
        "NCT02179567 NCT03416231 NCT03799601 NCT04736823 NCT05378763 NCT05816499 NCT06576635"
    )
    assert rows["afatinib"]["nct_ids"] == "NCT02369484 NCT06062823"
    assert set(rows["gefitinib"]["nct_ids"].split()) >= {"NCT02387086", "NCT02856893"}
    # "Oral S-1 + Oral Osimertinib" (NCT05773092) counts: combinations are split.
    assert rows["osimertinib"]["nct_ids"] == (
        "NCT02856893 NCT04811001 NCT04870190 NCT05693090 NCT05773092 NCT06032936"
    )
    counts = [r["trials"] for r in run_query(json_store, "shared-drugs").as_dicts()]
    assert counts == sorted(counts, reverse=True) and min(counts) >= 2


def test_trial_summary_has_one_row_per_trial(json_store: trialkg.TrialStore) -> None:
    rows = run_query(json_store, "trial-summary").as_dicts()
    assert len(rows) == 110 == len({r["nct_id"] for r in rows})
    afatinib = next(r for r in rows if r["nct_id"] == "NCT02369484")
    assert afatinib == {
        "nct_id": "NCT02369484",
        "title": "Afatinib in NSCLC With HER2 Mutation",
        "status": "COMPLETED",
        "phase": "PHASE2",
        "study_type": "INTERVENTIONAL",
        "enrollment": 13,
        "arms": 1,
        "interventions": "Afatinib",
        "conditions": "NSCLC",
        "sponsor": "ETOP IBCSG Partners Foundation",
        "sites": 5,
    }


def test_trials_for_drug_by_name_synonym_and_curie(json_store: trialkg.TrialStore) -> None:
    by_name = run_query(json_store, "trials-for-drug", {"drug": "afatinib"}).rows
    by_brand = run_query(json_store, "trials-for-drug", {"drug": "Giotrif"}).rows
    by_curie = run_query(json_store, "trials-for-drug", {"drug": "mesh:D000077716"}).rows
    assert {r[0] for r in by_name} == {"NCT02369484", "NCT06062823"}
    assert by_brand == by_name
    assert {r[0] for r in by_curie} >= {"NCT02369484"}


def test_parameters_are_bound_not_pasted(json_store: trialkg.TrialStore) -> None:
    hostile = 'afatinib" } } ; DROP ALL ; SELECT * { ?s ?p "'
    result = run_query(json_store, "trials-for-drug", {"drug": hostile})
    assert result.rows == [] and result.columns == COLUMNS["trials-for-drug"]
    assert len(run_query(json_store, "trial-summary").rows) == 110


def test_missing_unknown_and_writing_queries_are_refused(
    json_store: trialkg.TrialStore, tmp_path
) -> None:
    with pytest.raises(QueryError, match="needs --param drug=VALUE"):
        run_query(json_store, "trials-for-drug")
    with pytest.raises(QueryError, match="unknown query"):
        run_query(json_store, "no-such-query")
    update = tmp_path / "drop.rq"
    update.write_text("PREFIX x: <http://x/>\nDELETE WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError, match="read-only"):
        run_query(json_store, str(update))


def test_result_formats(json_store: trialkg.TrialStore) -> None:
    result = run_query(json_store, "trials-for-drug", {"drug": "afatinib"})
    csv_text = format_result(result, "csv")
    assert csv_text.splitlines()[0] == "nct_id,title,arm,intervention"
    assert format_result(result, "tsv").splitlines()[1].startswith("NCT02369484\t")
    import json

    document = json.loads(format_result(result, "json"))
    assert document["head"]["vars"] == COLUMNS["trials-for-drug"]
    assert document["results"]["bindings"][0]["nct_id"]["value"] == "NCT02369484"
    assert format_result(result, "table").rstrip().endswith("(2 rows)")
