"""Several sources of one trial: one trial node, the structured record's facts,
every source kept."""

from __future__ import annotations

from pathlib import Path

import trialkg

FIXTURES = Path(__file__).parent.parent / "fixtures"
RECORD = FIXTURES / "json" / "NCT02369484.json"
PAGE = FIXTURES / "third_party" / "etop.ibcsg.org" / "NCT02369484.txt"
TKG = "https://w3id.org/trialkg/vocab#"


def _store(*paths: Path) -> trialkg.TrialStore:
    store = trialkg.open_store()
    for path in paths:
        assert trialkg.build(store, [path]).rejected == 0
    return store


def test_the_record_speaks_for_the_trial_and_the_page_is_a_view() -> None:
    store = _store(PAGE, RECORD)
    rows = trialkg.run_query(store, "trial-summary").as_dicts()
    assert len(rows) == 1
    assert rows[0]["sponsor"] == "ETOP IBCSG Partners Foundation"  # the page says "ETOP"
    assert rows[0]["title"] == "Afatinib in NSCLC With HER2 Mutation"
    graphs = store.graphs_of_trial("NCT02369484")
    assert len(graphs) == 2 and any(g.endswith("/ctgov-json") for g in graphs)
    views = [q.subject.value for q in store.quads() if q.predicate.value == TKG + "viewOf"]
    assert views == [next(v for v in views if "/view/page-" in v)]
    # The page's own statement is still there, on its view.
    sponsors = {
        q.object.value
        for q in store.quads()
        if q.subject.value == views[0] and q.predicate.value == TKG + "leadSponsor"
    }
    assert sponsors and all("etop" in s for s in sponsors)


def test_the_order_of_building_does_not_matter() -> None:
    first = sorted(str(q) for q in _store(PAGE, RECORD).quads())
    second = sorted(str(q) for q in _store(RECORD, PAGE).quads())
    assert first == second


def test_the_merged_graph_conforms() -> None:
    report = trialkg.validate_store(_store(RECORD, PAGE))
    assert report.conforms, report.text()
