"""Fast validation gives pyshacl's report: the same focus nodes, paths, values and severities.

The reference is plain ``pyshacl.validate`` on the whole store as one rdflib
graph (``inference="none"``). The data are real records, conforming as built,
then edited triple by triple to break one rule after another.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib

import trialkg
from tests.conftest import JSON_DIR
from trialkg.validate import Violation, compiled_checks, validate_graph, validate_store

RECORDS = ["NCT02369484.json", "NCT02856893.json", "NCT04811001.json", "NCT00763412.json"]
TRIAL = "https://clinicaltrials.gov/study/NCT02369484"
OTHER = "https://clinicaltrials.gov/study/NCT02856893"
PREFIXES = """
PREFIX tkg: <https://w3id.org/trialkg/vocab#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX schema: <http://schema.org/>
"""

# Each edit breaks one kind of rule in the graph of the trial it touches.
EDITS = {
    "a second brief title": f"""
        INSERT {{ GRAPH ?g {{ <{TRIAL}> tkg:briefTitle "A second title" }} }}
        WHERE {{ GRAPH ?g {{ <{TRIAL}> a tkg:Trial }} }}""",
    "an enrollment that is no number": f"""
        DELETE {{ GRAPH ?g {{ <{TRIAL}> tkg:enrollment ?e }} }}
        INSERT {{ GRAPH ?g {{ <{TRIAL}> tkg:enrollment "many"^^xsd:integer }} }}
        WHERE {{ GRAPH ?g {{ <{TRIAL}> tkg:enrollment ?e }} }}""",
    "a status outside the registry's list": f"""
        DELETE {{ GRAPH ?g {{ <{TRIAL}> tkg:overallStatus ?s }} }}
        INSERT {{ GRAPH ?g {{ <{TRIAL}> tkg:overallStatus "DONE" }} }}
        WHERE {{ GRAPH ?g {{ <{TRIAL}> tkg:overallStatus ?s }} }}""",
    "an arm without its label": f"""
        DELETE {{ GRAPH ?g {{ ?arm rdfs:label ?label }} }}
        WHERE {{ GRAPH ?g {{ <{TRIAL}> tkg:arm ?arm . ?arm rdfs:label ?label }} }}""",
    "a latitude off the globe": f"""
        DELETE {{ GRAPH ?g {{ ?site schema:latitude ?lat }} }}
        INSERT {{ GRAPH ?g {{ ?site schema:latitude 123.5 }} }}
        WHERE {{ {{ SELECT ?g ?site ?lat
                    WHERE {{ GRAPH ?g {{ <{TRIAL}> tkg:site ?site . ?site schema:latitude ?lat }} }}
                    ORDER BY ?site LIMIT 1 }} }}""",
    "a site with a latitude and no longitude": f"""
        DELETE {{ GRAPH ?g {{ ?site schema:longitude ?lon }} }}
        WHERE {{ {{ SELECT ?g ?site ?lon
                    WHERE {{ GRAPH ?g {{ <{TRIAL}> tkg:site ?site .
                                         ?site schema:longitude ?lon }} }}
                    ORDER BY DESC(?site) LIMIT 1 }} }}""",
    "a site that names no place": f"""
        DELETE {{ GRAPH ?g {{ ?site ?p ?o }} }}
        WHERE {{ {{ SELECT ?g ?site WHERE {{ GRAPH ?g {{ <{OTHER}> tkg:site ?site }} }}
                    ORDER BY ?site LIMIT 1 }}
                 GRAPH ?g {{ ?site ?p ?o
                             FILTER(?p IN (rdfs:label, tkg:city, tkg:state, tkg:country)) }} }}""",
    "an intervention whose concept is a condition": f"""
        INSERT {{ GRAPH ?g {{ ?i tkg:concept ?c }} }}
        WHERE {{ GRAPH ?g {{ <{TRIAL}> tkg:intervention ?i ; tkg:condition ?c }} }}""",
    "a site that is an organisation": f"""
        INSERT {{ GRAPH ?g {{ <{TRIAL}> tkg:site ?o }} }}
        WHERE {{ GRAPH ?g {{ <{TRIAL}> tkg:leadSponsor ?o }} }}""",
    "an arm giving another trial's intervention": f"""
        INSERT {{ GRAPH ?g {{ ?arm tkg:givesIntervention ?i }} }}
        WHERE {{ GRAPH ?g {{ <{TRIAL}> tkg:arm ?arm }}
                 GRAPH ?h {{ <{OTHER}> tkg:intervention ?i }} }}""",
    "an NCT id that is not the IRI's": f"""
        DELETE {{ GRAPH ?g {{ <{OTHER}> tkg:nctId ?id }} }}
        INSERT {{ GRAPH ?g {{ <{OTHER}> tkg:nctId "NCT99999999" }} }}
        WHERE {{ GRAPH ?g {{ <{OTHER}> tkg:nctId ?id }} }}""",
    "a start date as plain words": f"""
        DELETE {{ GRAPH ?g {{ <{OTHER}> tkg:startDate ?d }} }}
        INSERT {{ GRAPH ?g {{ <{OTHER}> tkg:startDate "sometime in spring" }} }}
        WHERE {{ GRAPH ?g {{ <{OTHER}> tkg:startDate ?d }} }}""",
    "a trial no source describes": f"""
        DELETE {{ GRAPH ?g {{ ?g tkg:describes <{OTHER}> }} }}
        WHERE {{ GRAPH ?g {{ ?g tkg:describes <{OTHER}> }} }}""",
    "a MeSH descriptor with a malformed IRI": f"""
        INSERT {{ GRAPH ?g {{ <{TRIAL}> tkg:conditionMesh <http://id.nlm.nih.gov/mesh/X12> .
                              <http://id.nlm.nih.gov/mesh/X12> a tkg:MeshDescriptor }} }}
        WHERE {{ GRAPH ?g {{ <{TRIAL}> a tkg:Trial }} }}""",
    "an agency class nobody uses": f"""
        DELETE {{ GRAPH ?g {{ ?o tkg:agencyClass ?c }} }}
        INSERT {{ GRAPH ?g {{ ?o tkg:agencyClass "WHATEVER" }} }}
        WHERE {{ GRAPH ?g {{ <{TRIAL}> tkg:leadSponsor ?o . ?o tkg:agencyClass ?c }} }}""",
    "an intervention name in two languages": f"""
        INSERT {{ GRAPH ?g {{ ?i rdfs:label "Afatinib"@de }} }}
        WHERE {{ GRAPH ?g {{ <{TRIAL}> tkg:intervention ?i }} }}""",
    "three phases, one unknown": f"""
        INSERT {{ GRAPH ?g {{ <{TRIAL}> tkg:phase "PHASE9", "PHASE3" }} }}
        WHERE {{ GRAPH ?g {{ <{TRIAL}> a tkg:Trial }} }}""",
    "an identifier without its value": f"""
        DELETE {{ GRAPH ?g {{ ?id tkg:identifierValue ?v }} }}
        WHERE {{ GRAPH ?g {{ <{OTHER}> tkg:identifier ?id . ?id tkg:identifierValue ?v }} }}""",
}


def _store(edits: list[str], *, results: bool = False) -> trialkg.TrialStore:
    """The records built in memory, then edited. pyshacl takes seconds a run over a
    record's results, so only the tests that break result rules build them."""
    store = trialkg.open_store()
    options = trialkg.BuildOptions(include_results=results)
    report = trialkg.build(store, [JSON_DIR / name for name in RECORDS], options)
    assert report.rejected == 0
    for edit in edits:
        store.oxigraph.update(PREFIXES + edit)
    return store


def _pyshacl(store: trialkg.TrialStore) -> set[Violation]:
    graph = rdflib.Graph()
    for s, p, o, _ in store.rdflib_dataset().quads((None, None, None, None)):
        graph.add((s, p, o))
    return set(validate_graph(graph))


def _diff(fast: set[Violation], reference: set[Violation]) -> str:
    lines = [f"only in trialkg: {v}" for v in sorted(fast - reference)]
    lines += [f"only in pyshacl: {v}" for v in sorted(reference - fast)]
    return "\n".join(lines)


def test_every_shape_runs_as_sparql() -> None:
    checks, left = compiled_checks(False)
    assert left == ()
    assert len(checks) > 100


def test_conforming_records_conform_both_ways() -> None:
    store = _store([])
    report = validate_store(store)
    assert report.conforms and report.trials == len(RECORDS)
    assert set(report.violations) == _pyshacl(store) == set()


# Each edit breaks one rule of the results shapes in the first result node it finds.
RESULT_EDITS = {
    "more affected than at risk": """
        DELETE { GRAPH ?g { ?count tkg:affected ?n } }
        INSERT { GRAPH ?g { ?count tkg:affected 100000 } }
        WHERE { { SELECT ?g ?count ?n WHERE { GRAPH ?g { ?count a tkg:AdverseEventCount ;
                                                        tkg:affected ?n } }
                  ORDER BY ?count LIMIT 1 } }""",
    "a negative count": """
        DELETE { GRAPH ?g { ?group tkg:seriousAtRisk ?n } }
        INSERT { GRAPH ?g { ?group tkg:seriousAtRisk -3 } }
        WHERE { { SELECT ?g ?group ?n WHERE { GRAPH ?g { ?group tkg:seriousAtRisk ?n } }
                  ORDER BY ?group LIMIT 1 } }""",
    "an event without its term": """
        DELETE { GRAPH ?g { ?event tkg:term ?t } }
        WHERE { { SELECT ?g ?event ?t WHERE { GRAPH ?g { ?event a tkg:AdverseEvent ;
                                                        tkg:term ?t } }
                  ORDER BY ?event LIMIT 1 } }""",
}


def test_broken_result_rules_give_pyshacl_s_report() -> None:
    """The one pyshacl run over results in the default suite: the records with theirs,
    three rules of the results shapes broken. Both reports name those and nothing else,
    so the rest of the results conform both ways too."""
    store = _store(list(RESULT_EDITS.values()), results=True)
    fast = set(validate_store(store).violations)
    reference = _pyshacl(store)
    assert fast == reference, _diff(fast, reference)
    broken = {v.path.rsplit("#", 1)[-1] for v in fast}
    # A negative number at risk also leaves the serious affected above it.
    assert broken == {"affected", "seriousAtRisk", "seriousAffected", "term"}, broken


def test_violating_records_give_pyshacl_s_report() -> None:
    store = _store(list(EDITS.values()))
    fast = set(validate_store(store).violations)
    reference = _pyshacl(store)
    assert fast == reference, _diff(fast, reference)
    # What a user reads: the field, the value, the trial.
    by_path = {(v.focus, v.path.rsplit("#", 1)[-1], v.value) for v in fast}
    assert (TRIAL, "overallStatus", "DONE") in by_path
    assert (TRIAL, "enrollment", "many") in by_path
    assert any(v.focus == TRIAL and v.path.endswith("#phase") and v.value == "PHASE9" for v in fast)
    assert {v.trial for v in fast} - {""} == {"NCT02369484", "NCT02856893"}  # "": shared nodes


def test_candidate_rows_in_small_batches_and_uncached_give_the_same_report(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Candidate rows go through in batches and only small results are cached, so that
    memory stays flat; batches of 2 rows and a cache of 3 change nothing."""
    from trialkg.validate import runner as validate

    store = trialkg.open_store()
    trialkg.build(store, [JSON_DIR])  # 182 people whose role an official may not have ...
    for edit in EDITS.values():
        store.oxigraph.update(PREFIXES + edit)
    checks, _ = compiled_checks(False)
    rows = {c.query: sum(map(len, validate._candidates(store.oxigraph, c, {}))) for c in checks}
    assert max(rows.values()) > 100
    reference = set(validate_store(store).violations)
    monkeypatch.setattr(validate, "_BATCH_ROWS", 2)
    monkeypatch.setattr(validate, "_CACHED_ROWS", 3)
    small = set(validate_store(store).violations)
    assert small == reference, _diff(small, reference)
    assert len(reference) > 10


def test_pyshacl_on_chunks_of_trials_gives_the_same_report() -> None:
    """``--engine pyshacl`` validates chunks of trials, each with what the shared graph
    says of the shared nodes it names: one trial per chunk still gives the whole report."""
    store = _store(list(EDITS.values()))
    reference = _pyshacl(store)
    chunked = set(validate_store(store, engine="pyshacl", chunk_trials=1).violations)
    assert chunked == reference, _diff(chunked, reference)
    assert any(v.trial == "" for v in reference)  # shared nodes are checked too


# pyshacl takes about a second a run on these records: the default suite breaks a few
# rules alone, `pytest -m slow` every one.
QUICK_EDITS = 4


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.slow) if index >= QUICK_EDITS else name
        for index, name in enumerate(sorted(EDITS))
    ],
)
def test_each_broken_rule_alone(name: str) -> None:
    store = _store([EDITS[name]])
    fast = set(validate_store(store).violations)
    reference = _pyshacl(store)
    # The shapes decide which edits break a rule; the reports must agree either way.
    assert fast == reference, _diff(fast, reference)
    chunked = set(validate_store(store, engine="pyshacl", chunk_trials=1).violations)
    assert chunked == reference, _diff(chunked, reference)


def test_on_disk_store_with_two_threads(tmp_path: Path) -> None:
    """Checks run on threads sharing the open store, read-only on disk or in memory."""
    path = tmp_path / "store"
    with trialkg.open_store(path) as store:
        options = trialkg.BuildOptions(include_results=False)
        trialkg.build(store, [JSON_DIR / name for name in RECORDS], options)
        for edit in list(EDITS.values())[:6]:
            store.oxigraph.update(PREFIXES + edit)
        reference = _pyshacl(store)
        in_memory = set(validate_store(store, workers=2).violations)
    with trialkg.open_store(path, read_only=True) as store:
        fast = set(validate_store(store, workers=2).violations)
    assert fast == reference, _diff(fast, reference)
    assert in_memory == reference, _diff(in_memory, reference)
    assert len(reference) > 5


def test_a_latitude_that_is_not_a_number_is_a_violation_not_a_crash() -> None:
    """ "NaN"^^xsd:decimal (a store edited by hand, or built before coordinates were
    checked) compares with no bound; pyshacl itself raises on it. trialkg reports the
    latitude as out of range."""
    store = _store(
        [
            f"""DELETE {{ GRAPH ?g {{ ?site schema:latitude ?lat }} }}
            INSERT {{ GRAPH ?g {{ ?site schema:latitude "NaN"^^xsd:decimal }} }}
            WHERE {{ GRAPH ?g {{ <{TRIAL}> tkg:site ?site . ?site schema:latitude ?lat }} }}"""
        ]
    )
    report = validate_store(store)
    latitudes = {v for v in report.violations if v.path.endswith("latitude")}
    assert latitudes and {v.value for v in latitudes} == {"NaN"}
    assert {v.trial for v in report.violations} == {TRIAL.rsplit("/", 1)[-1]}


SECOND = "https://example.org/another-source"


def test_a_statement_in_two_graphs_counts_once() -> None:
    """maxCount candidates come from counting the store's rows, where a statement made
    in two graphs (two sources of one trial) counts twice; the report counts distinct
    values, as pyshacl does on the merged graph."""
    copy = f"""INSERT {{ GRAPH <{SECOND}> {{ <{TRIAL}> tkg:briefTitle ?t }} }}
        WHERE {{ GRAPH ?g {{ <{TRIAL}> tkg:briefTitle ?t }} }}"""
    store = _store([copy])
    checks, _ = compiled_checks(False)
    titles = next(
        c
        for c in checks
        if c.component.endswith("#MaxCountConstraintComponent") and c.path.endswith("#briefTitle")
    )
    rows = store.oxigraph.query(titles.query, use_default_graph_as_union=True)
    assert TRIAL in {row["this"].value for row in rows}  # a candidate, then not confirmed
    assert set(validate_store(store).violations) == _pyshacl(store) == set()

    store.oxigraph.update(
        PREFIXES
        + f"""INSERT DATA {{ GRAPH <{SECOND}> {{
                <{TRIAL}> tkg:briefTitle "Another title" }} }}"""
    )
    fast = set(validate_store(store).violations)
    reference = _pyshacl(store)
    assert fast == reference, _diff(fast, reference)
    assert {(v.focus, v.path.rsplit("#", 1)[-1]) for v in fast} == {(TRIAL, "briefTitle")}


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_progress_counts_checks_or_trials(engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``on_progress`` (what `trialkg validate` shows on a terminal) is told the checks
    done (with pyshacl, the trials) about once a second; a clock that moves 0.5 s at each
    look makes it come every other one. The report is the same with it."""
    import importlib
    import itertools
    import types

    module = importlib.import_module("trialkg.progress")
    store = _store(list(EDITS.values())[:3])
    reference = set(validate_store(store, engine=engine, chunk_trials=1).violations)
    ticks = itertools.count()
    monkeypatch.setattr(
        module, "time", types.SimpleNamespace(perf_counter=lambda: next(ticks) * 0.5)
    )
    seen: list[tuple[int, int, float]] = []
    report = validate_store(
        store, engine=engine, chunk_trials=1, workers=2, on_progress=lambda *told: seen.append(told)
    )
    assert set(report.violations) == reference and reference
    total = len(compiled_checks(False)[0]) if engine == "sparql" else len(RECORDS)
    done = [d for d, _, _ in seen]
    assert {t for _, t, _ in seen} == {total}
    assert done == sorted(done) and done[0] > 0 and done[-1] <= total
    assert [round(s, 1) for _, _, s in seen] == [1.0 * (i + 1) for i in range(len(seen))]
    assert len(seen) >= (2 if engine == "pyshacl" else 100)
