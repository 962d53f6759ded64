"""The build into the store: idempotent, incremental, and nothing half-written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import trialkg
from tests.conftest import JSON_DIR
from trialkg.build import BuildOptions
from trialkg.errors import InputError
from trialkg.rdf import vocab
from trialkg.summary import refresh_summary, stored_summary

AFATINIB = JSON_DIR / "NCT02369484.json"


def _nquads(store: trialkg.TrialStore) -> list[str]:
    return sorted(str(q) for q in store.quads())


def test_building_the_same_record_twice_replaces_it(tmp_path: Path) -> None:
    store = trialkg.open_store(tmp_path / "store")
    first = trialkg.build(store, [AFATINIB])
    after_first = _nquads(store)
    again = trialkg.build(store, [AFATINIB], BuildOptions(force=True))
    assert first.built == again.built == 1
    assert _nquads(store) == after_first


def test_unchanged_input_is_skipped_and_a_newer_record_replaces_only_its_graph(
    tmp_path: Path,
) -> None:
    records = tmp_path / "records"
    records.mkdir()
    for name in ("NCT02369484.json", "NCT02856893.json"):
        shutil.copy(JSON_DIR / name, records / name)
    store = trialkg.open_store(tmp_path / "store")
    trialkg.build(store, [records])
    other_graph = sorted(
        str(q) for q in store.quads("https://w3id.org/trialkg/graph/NCT02856893/ctgov-json")
    )

    unchanged = trialkg.build(store, [records])
    assert (unchanged.built, unchanged.unchanged_documents) == (0, 2)

    study = json.loads((records / "NCT02369484.json").read_text())
    study["protocolSection"]["identificationModule"]["briefTitle"] = "A newer title"
    (records / "NCT02369484.json").write_text(json.dumps(study))
    newer = trialkg.build(store, [records])
    assert (newer.built, newer.unchanged_documents) == (1, 1)
    titles = trialkg.run_query(store, "trial-summary").as_dicts()
    assert [r["title"] for r in titles if r["nct_id"] == "NCT02369484"] == ["A newer title"]
    assert (
        sorted(str(q) for q in store.quads("https://w3id.org/trialkg/graph/NCT02856893/ctgov-json"))
        == other_graph
    )


def test_a_rejected_record_adds_nothing_and_the_rest_is_built(tmp_path: Path) -> None:
    good = json.loads(AFATINIB.read_text())
    bad = json.loads((JSON_DIR / "NCT02856893.json").read_text())
    bad["protocolSection"]["statusModule"]["startDateStruct"]["date"] = "31/31/2020"
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"studies": [bad, good]}))
    (tmp_path / "notes.json").write_text("{ this is not json")
    store = trialkg.open_store()
    errors: list[InputError] = []
    report = trialkg.build(store, [tmp_path], on_error=errors.append)
    assert (report.built, report.rejected) == (1, 2)
    assert store.trial_ids() == ["NCT02369484"]
    messages = sorted(str(e) for e in errors)
    assert messages[0].startswith("file tmp") is False
    assert any("record NCT02856893, field statusModule.startDateStruct.date" in m for m in messages)
    assert any(m.startswith(f"file {tmp_path.name}/notes.json") for m in messages)
    assert "records read: 3, built: 1, rejected: 2" in report.summary()


def test_strict_mode_stops_at_the_first_bad_record(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"protocolSection": {"identificationModule": ')
    shutil.copy(AFATINIB, tmp_path / "b.json")
    store = trialkg.open_store()
    with pytest.raises(InputError, match="cut off at byte 45"):
        trialkg.build(store, [tmp_path], BuildOptions(strict=True))
    assert store.trial_ids() == []


def test_unknown_format_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "recipe.txt").write_text("Pancakes: flour, eggs, milk.\n")
    report = trialkg.build(
        trialkg.open_store(), [tmp_path / "recipe.txt", tmp_path / "missing.json"]
    )
    assert report.rejected == 2
    assert "no reader recognises this content" in str(report.errors[0])
    assert "no such file" in str(report.errors[1])


def test_parallel_build_gives_the_same_store(tmp_path: Path) -> None:
    one = trialkg.open_store()
    two = trialkg.open_store()
    trialkg.build(one, [JSON_DIR], BuildOptions(workers=1, chunk_trials=7))
    trialkg.build(two, [JSON_DIR], BuildOptions(workers=2))
    assert _nquads(one) == _nquads(two)


def test_the_store_persists_and_gives_rdflib_views(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with trialkg.open_store(path) as store:
        trialkg.build(store, [AFATINIB])
    with trialkg.open_store(path, read_only=True) as store:
        graph = store.trial_graph("NCT02369484")
        dataset = store.rdflib_dataset()
        summary = len(stored_summary(store))  # the store's own counts, no trial's
    assert len(graph) + summary == len(dataset) and len(graph) > 100
    import rdflib

    title = graph.value(
        rdflib.URIRef("https://clinicaltrials.gov/study/NCT02369484"),
        rdflib.URIRef("https://w3id.org/trialkg/vocab#briefTitle"),
    )
    assert str(title) == "Afatinib in NSCLC With HER2 Mutation"


def test_a_trials_quads_are_its_graphs_and_the_shared_facts_of_its_nodes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "store"
    with trialkg.open_store(path) as store:
        trialkg.build(store, [AFATINIB, JSON_DIR / "NCT02210780.json"])
    with trialkg.open_store(path, read_only=True) as store:
        quads = store.trial_quads("NCT02369484")
        graphs = store.graphs_of_trial("NCT02369484")
        own = [q for name in graphs for q in store.quads(name)]
        triples = {(str(q.subject), str(q.predicate), str(q.object)) for q in quads}
        as_rdflib = {tuple(term.n3() for term in t) for t in store.trial_graph("NCT02369484")}
    assert quads[: len(own)] == own and len(quads) > len(own)
    assert {q.graph_name.value for q in quads[len(own) :]} == {vocab.SHARED_GRAPH}
    assert len(triples) == len(as_rdflib)
    # Nothing of the other trial: its own graph is not among them.
    assert not any("NCT02210780" in str(q.graph_name) for q in quads)


def test_what_vocabularies_say_of_a_shared_drug_is_in_the_shared_graph_once(tmp_path: Path) -> None:
    """Docetaxel is given in 7 of the JSON records: its class, label and matches are
    stated once, in the shared graph; what each record says stays in its own graph."""
    import pyoxigraph as ox

    from trialkg.rdf import vocab

    store = trialkg.open_store(tmp_path / "store")
    report = trialkg.build(store, [JSON_DIR], BuildOptions(workers=2))
    # No line loaded twice, by either worker (the summary graph is the store's own).
    assert report.triples + len(stored_summary(store)) == len(store)
    shared = ox.NamedNode(vocab.SHARED_GRAPH)
    label = ox.NamedNode(vocab.LABEL)
    drugs = [
        q.subject
        for q in store.oxigraph.quads_for_pattern(None, label, ox.Literal("Docetaxel"), shared)
        if ox.Quad(
            q.subject, ox.NamedNode(vocab.TYPE), ox.NamedNode(vocab.CONCEPT_CLASSES["drug"]), shared
        )
        in store.oxigraph
    ]
    assert len(drugs) == 1
    drug = drugs[0]
    about = list(store.oxigraph.quads_for_pattern(drug, None, None, None))
    summary = ox.NamedNode(vocab.SUMMARY_GRAPH)  # derived counts, apart from both
    in_trial_graphs = {q.predicate.value for q in about if q.graph_name not in (shared, summary)}
    # What records say of it: what it is tried for, and the names they give it.
    assert in_trial_graphs == {vocab.IN_CLINICAL_TRIALS_FOR, vocab.TKG + "nameKey"}
    giving = {
        q.graph_name.value
        for q in store.oxigraph.quads_for_pattern(
            None, ox.NamedNode(vocab.TKG + "concept"), drug, None
        )
    }
    assert len(giving) == 7
    # A trial's rdflib view still carries the drug's label and class.
    nct = sorted(giving)[0].split("/")[-2]
    import rdflib

    graph = store.trial_graph(nct)
    node = rdflib.URIRef(drug.value)
    assert str(graph.value(node, rdflib.RDFS.label)) == "Docetaxel"
    assert (node, rdflib.RDF.type, rdflib.URIRef(vocab.CONCEPT_CLASSES["drug"])) in graph


def test_shared_lines_are_given_once_and_the_memory_of_them_is_bounded() -> None:
    from trialkg.build.workers import SharedLines

    lines = SharedLines(limit=3)
    assert lines.fresh(["a\n", "b\n", "a\n"]) == ["a\n", "b\n"]
    assert lines.fresh(["b\n", "c\n"]) == ["c\n"]
    assert lines.fresh(["d\n"]) == ["d\n"]  # past the limit: forgotten, at worst written again
    assert lines.fresh(["a\n"]) == ["a\n"]


def test_a_store_being_written_is_not_opened_for_reading(tmp_path: Path) -> None:
    """pyoxigraph leaves reading while another process writes undefined: trialkg refuses."""
    from trialkg.errors import StoreError

    path = tmp_path / "store"
    with trialkg.open_store(path) as store:
        trialkg.build(store, [AFATINIB])
        with pytest.raises(StoreError, match="being written"):
            trialkg.open_store(path, read_only=True)
    with trialkg.open_store(path, read_only=True) as reader:
        with trialkg.open_store(path, read_only=True) as other_reader:  # readers share
            assert reader.trial_ids() == other_reader.trial_ids() == ["NCT02369484"]
        with pytest.raises(StoreError, match="in use by another trialkg process"):
            trialkg.open_store(path)
    with trialkg.open_store(path) as store:  # free again once the readers are closed
        assert len(store) > 100


def test_pages_saved_under_one_name_by_two_sites_are_both_kept(tmp_path: Path) -> None:
    """centerwatch.com and inova.org pages of NCT02465060 are both NCT02465060.txt; a site's
    page and its print view are two files too: each keeps its own graph, and building
    the same files again replaces them rather than adding more."""
    pages = Path(__file__).parent.parent / "fixtures" / "third_party"
    inputs = [pages / "centerwatch.com", pages / "inova.org", pages / "uams.trialstoday.org"]
    store = trialkg.open_store(tmp_path / "store")
    report = trialkg.build(store, inputs)
    assert (report.built, report.rejected) == (4, 0)
    graphs = store.graphs_of_trial("NCT02465060") + store.graphs_of_trial("NCT02481830")
    assert len(graphs) == 4
    import pyoxigraph as ox

    source_file = ox.NamedNode("https://w3id.org/trialkg/vocab#sourceFile")
    sources = {
        next(
            iter(store.oxigraph.quads_for_pattern(ox.NamedNode(g), source_file, None))
        ).object.value
        for g in graphs
    }
    assert {s.rsplit("/", 2)[-2] + "/" + s.rsplit("/", 1)[-1] for s in sources} == {
        "centerwatch.com/NCT02465060.txt",
        "inova.org/NCT02465060.txt",
        "uams.trialstoday.org/NCT02481830.txt",
        "uams.trialstoday.org/NCT02481830_print.txt",
    }
    trialkg.build(store, inputs, BuildOptions(force=True))
    again = store.graphs_of_trial("NCT02465060") + store.graphs_of_trial("NCT02481830")
    assert sorted(again) == sorted(graphs)
    # The same page given alone, or through the folder above its site's, is the same source.
    alone = pages / "centerwatch.com" / "NCT02465060.txt"
    for given in (alone, pages):
        trialkg.build(store, [given], BuildOptions(force=True))
        assert sorted(store.graphs_of_trial("NCT02465060")) == sorted(
            g for g in graphs if "NCT02465060" in g
        )


def test_a_forked_worker_does_not_keep_the_store_locked(tmp_path: Path) -> None:
    """Worker processes forked while a store is open (a build's, an export's) drop their
    copy of the lock, so one that outlives its parent cannot lock the store."""
    import multiprocessing
    import time

    path = tmp_path / "store"
    store = trialkg.open_store(path)
    context = multiprocessing.get_context("fork")
    child = context.Process(target=time.sleep, args=(30,), daemon=True)
    child.start()
    try:
        store.close()
        with trialkg.open_store(path) as again:  # the child still runs
            assert child.is_alive() and len(again) == 0
    finally:
        child.terminate()
        child.join()


def _shared_labels(store: trialkg.TrialStore) -> set[str]:
    """The labels the shared graph gives the concepts of the store's interventions."""
    import pyoxigraph as ox

    from trialkg.rdf import vocab

    shared = ox.NamedNode(vocab.SHARED_GRAPH)
    drugs = {
        q.object.value
        for q in store.oxigraph.quads_for_pattern(None, ox.NamedNode(vocab.TKG + "concept"), None)
    }
    return {
        q.object.value
        for drug in drugs
        for q in store.oxigraph.quads_for_pattern(
            ox.NamedNode(drug), ox.NamedNode(vocab.LABEL), None, shared
        )
    }


def _afatinib_pair(tmp_path: Path, first: dict) -> Path:
    """a.json (given), then b.json, a record that names afatinib too."""
    records = tmp_path / "records"
    records.mkdir()
    (records / "a.json").write_text(json.dumps(first))
    shutil.copy(JSON_DIR / "NCT06062823.json", records / "b.json")
    return records


def test_a_record_making_a_bad_iri_does_not_take_shared_facts_from_the_rest(
    tmp_path: Path,
) -> None:
    """A record whose MeSH id holds a space and a '>' makes an IRI N-Quads cannot hold:
    it is rejected with its field named, while the record built after it, which names
    the same drug (afatinib), still finds the drug's label and class in the shared graph."""
    record = json.loads(AFATINIB.read_text())
    record["derivedSection"]["interventionBrowseModule"]["meshes"][0]["id"] = "D01 2>"
    store = trialkg.open_store(tmp_path / "store")
    report = trialkg.build(store, [_afatinib_pair(tmp_path, record)])
    assert (report.built, report.rejected) == (1, 1)
    (error,) = report.errors
    assert (error.file, error.record) == ("records/a.json", "NCT02369484")
    assert error.field == "interventionMesh"
    assert store.trial_ids() == ["NCT06062823"]
    assert "Afatinib" in _shared_labels(store)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_record_with_an_unpaired_surrogate_is_rejected_alone(
    tmp_path: Path, workers: int
) -> None:
    """JSON's "\\ud800" escape gives a string no UTF-8 text can hold: that record is
    rejected with its field named, the other study of the page is built (the build used
    to stop with a traceback), and it still brings the drug both name to the shared
    graph: the worker remembers the shared facts of a trial only once it is mapped whole."""
    bad = json.loads(AFATINIB.read_text())
    bad["protocolSection"]["identificationModule"]["briefTitle"] = "Afatinib \ud800 in NSCLC"
    good = json.loads((JSON_DIR / "NCT06062823.json").read_text())
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"studies": [bad, good]}))
    store = trialkg.open_store(tmp_path / "store")
    report = trialkg.build(store, [page], BuildOptions(workers=workers))
    assert (report.built, report.rejected) == (1, 1)
    (error,) = report.errors
    assert (error.file, error.record, error.field) == ("page.json", "NCT02369484", "briefTitle")
    assert store.trial_ids() == ["NCT06062823"]
    assert "Afatinib" in _shared_labels(store)


def test_a_file_the_store_refuses_is_reported_and_keeps_shared_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk the store will not take (a full disk, say) is written again file by file:
    only the file it refuses is lost and reported, and the shared-graph lines that file
    gave first are still written for the records after it."""
    from trialkg.errors import StoreError
    from trialkg.store import TrialStore

    original = TrialStore.write_chunk

    def refusing(self: TrialStore, graphs: list[str], *args: object, **kwargs: object) -> None:
        if any("NCT02369484" in graph for graph in graphs):
            raise StoreError("cannot write to the store: no space left on device")
        original(self, graphs, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(TrialStore, "write_chunk", refusing)
    store = trialkg.open_store(tmp_path / "store")
    report = trialkg.build(store, [_afatinib_pair(tmp_path, json.loads(AFATINIB.read_text()))])
    assert (report.built, report.rejected) == (1, 1)
    (error,) = report.errors
    assert error.file == "records/a.json" and "no space left on device" in error.message
    assert store.trial_ids() == ["NCT06062823"]
    assert "Afatinib" in _shared_labels(store)


def test_a_replaced_record_takes_shared_facts_no_trial_names_with_it(tmp_path: Path) -> None:
    """Afatinib is given only by NCT02369484. Once a newer version of that record gives
    gefitinib instead, what the shared graph said of afatinib goes, gefitinib's stays,
    and the store holds exactly what a fresh build of the newer files holds."""
    import pyoxigraph as ox

    from trialkg.rdf import vocab

    records = tmp_path / "records"
    records.mkdir()
    shutil.copy(AFATINIB, records / "a.json")
    shutil.copy(JSON_DIR / "NCT02856893.json", records / "b.json")
    store = trialkg.open_store(tmp_path / "store")
    first = trialkg.build(store, [records])
    assert first.pruned == 0

    def shared_labels() -> set[str]:
        return {
            str(q.object.value)
            for q in store.oxigraph.quads_for_pattern(
                None, ox.NamedNode(vocab.LABEL), None, ox.NamedNode(vocab.SHARED_GRAPH)
            )
        }

    assert {"Afatinib", "Gefitinib"} <= shared_labels()
    record = json.loads(AFATINIB.read_text())
    record["protocolSection"]["armsInterventionsModule"]["interventions"][0].update(
        name="Gefitinib", otherNames=[]
    )
    del record["derivedSection"]["interventionBrowseModule"]
    (records / "a.json").write_text(json.dumps(record))
    second = trialkg.build(store, [records])
    assert (second.built, second.unchanged_documents) == (1, 1)
    assert second.pruned > 0
    assert "shared statements no trial names removed" in second.summary()
    labels = shared_labels()
    assert "Gefitinib" in labels and not any("fatinib" in label for label in labels)
    fresh = trialkg.open_store(tmp_path / "fresh")
    trialkg.build(fresh, [records])
    assert _nquads(store) == _nquads(fresh)


def test_removing_a_trial_leaves_what_a_build_of_the_others_gives(tmp_path: Path) -> None:
    """Every source of the trial goes (its record and a page of it), and with them what
    the shared graph said only of them."""
    pages = Path(__file__).parent.parent / "fixtures" / "third_party" / "hra.nhs.uk"
    records = tmp_path / "records"
    records.mkdir()
    shutil.copy(AFATINIB, records / "a.json")
    shutil.copy(JSON_DIR / "NCT02856893.json", records / "b.json")
    store = trialkg.open_store(tmp_path / "store")
    trialkg.build(store, [records, pages])
    assert len(store.graphs_of_trial("NCT02856893")) == 2  # the record and the hra.nhs.uk page
    assert store.remove_trials(["NCT02856893", "NCT00000000"]) == {"NCT02856893": 2}
    assert store.prune_shared() > 0
    refresh_summary(store)  # what `trialkg remove` does after the removal
    assert not store.interrupted_write
    # The same files, in folders of the same names, without the removed trial's.
    (tmp_path / "other" / "records").mkdir(parents=True)
    (tmp_path / "other" / "hra.nhs.uk").mkdir()
    shutil.copy(AFATINIB, tmp_path / "other" / "records" / "a.json")
    shutil.copy(pages / "NCT03465722.txt", tmp_path / "other" / "hra.nhs.uk")
    fresh = trialkg.open_store(tmp_path / "fresh")
    trialkg.build(fresh, [tmp_path / "other" / "records", tmp_path / "other" / "hra.nhs.uk"])
    assert _nquads(store) == _nquads(fresh)


def test_trials_made_in_code_are_written_and_a_bad_one_reported() -> None:
    """``build_trials``: trials a notebook made itself; one whose MeSH id cannot be an IRI
    is reported with its field, the other is written."""
    from trialkg.model import MeshTerm, Source, Trial

    def trial(nct_id: str, mesh_id: str) -> Trial:
        return Trial(
            nct_id=nct_id,
            source=Source(reader="ctgov-json", structured=True, file=f"{nct_id}.json"),
            brief_title="Made in a notebook",
            condition_meshes=(MeshTerm(id=mesh_id, term="Lung Neoplasms"),),
        )

    store = trialkg.open_store()
    report = trialkg.build_trials(
        store, [trial("NCT00000001", "D0 08175"), trial("NCT00000002", "D008175")]
    )
    assert (report.records_read, report.built, report.rejected) == (2, 1, 1)
    (error,) = report.errors
    assert (error.file, error.record, error.field) == (
        "NCT00000001.json",
        "NCT00000001",
        "conditionMesh",
    )
    assert store.trial_ids() == ["NCT00000002"]


def test_progress_counts_files_and_tells_the_time_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``on_progress`` (what `trialkg build` shows on a terminal) comes about once a second
    with the files done, the trials built, the rate and the files left; a clock that moves
    0.4 s at each look makes it come during a build of a few records."""
    import importlib
    import itertools
    import types

    build_module = importlib.import_module("trialkg.build.pipeline")  # the module, not the function

    records = tmp_path / "records"
    records.mkdir()
    names = sorted(p.name for p in JSON_DIR.glob("*.json"))[:6]
    for name in names:
        shutil.copy(JSON_DIR / name, records / name)
    ticks = itertools.count()
    clock = types.SimpleNamespace(perf_counter=lambda: next(ticks) * 0.4)
    monkeypatch.setattr(build_module, "time", clock)
    seen: list[tuple[int, int, str]] = []

    def on_progress(report: trialkg.BuildReport) -> None:
        seen.append((report.documents, report.built, report.progress()))

    store = trialkg.open_store(tmp_path / "store")
    report = trialkg.build(
        store, [records], BuildOptions(workers=1, batch_documents=1), on_progress=on_progress
    )
    assert report.built == 6 and report.documents_total == 6
    assert seen, "no progress reported"
    done = [documents for documents, _, _ in seen]
    assert done == sorted(done) and all(0 < d <= 6 for d in done)
    documents, built, line = seen[0]
    assert line.startswith(f"{documents:,} files, {built:,} trials built, ")
    assert "files/s" in line
    assert f"{6 - documents:,} to go, ETA " in line


def _two_records(tmp_path: Path) -> tuple[Path, trialkg.TrialStore]:
    records = tmp_path / "records"
    records.mkdir()
    shutil.copy(AFATINIB, records / "a.json")
    shutil.copy(JSON_DIR / "NCT02856893.json", records / "b.json")
    store = trialkg.open_store(tmp_path / "store")
    trialkg.build(store, [records])
    return records, store


def test_remove_missing_leaves_what_a_build_of_the_inputs_gives(tmp_path: Path) -> None:
    """A record no longer in the inputs (withdrawn from the registry) goes only when asked."""
    records, store = _two_records(tmp_path)
    (records / "b.json").unlink()
    plain = trialkg.build(store, [records])
    assert (plain.unchanged_documents, plain.missing_removed) == (1, 0)
    assert store.trial_ids() == ["NCT02369484", "NCT02856893"]

    mirrored = trialkg.build(store, [records], BuildOptions(remove_missing=True))
    assert (mirrored.built, mirrored.unchanged_documents) == (0, 1)
    assert (mirrored.missing_removed, mirrored.missing_trials) == (1, ["NCT02856893"])
    assert mirrored.pruned > 0  # what the shared graph said only of its drugs and sites
    assert "sources no longer in the inputs removed: 1 (1 trials gone)" in mirrored.summary()
    assert not store.interrupted_write
    fresh = trialkg.open_store(tmp_path / "fresh")
    trialkg.build(fresh, [records])
    assert _nquads(store) == _nquads(fresh)
    again = trialkg.build(store, [records], BuildOptions(remove_missing=True))
    assert (again.missing_removed, again.missing_kept) == (0, 0)


def test_remove_missing_keeps_sources_a_rejected_input_may_hold(tmp_path: Path) -> None:
    records, store = _two_records(tmp_path)
    (records / "a.json").unlink()
    bad = json.loads((records / "b.json").read_text())
    bad["protocolSection"]["statusModule"]["startDateStruct"]["date"] = "31/31/2020"
    (records / "b.json").write_text(json.dumps(bad))
    # The newer version of NCT02856893 is rejected: its older graph stays.
    report = trialkg.build(store, [records], BuildOptions(remove_missing=True))
    assert report.rejected == 1 and report.missing_trials == ["NCT02369484"]
    assert (report.missing_removed, report.missing_kept) == (1, 1)
    assert "kept: 1 (their trials' newer records were rejected)" in report.summary()
    assert store.trial_ids() == ["NCT02856893"]

    # A file that cannot be read names no trial: it may hold any of them, nothing goes.
    (records / "b.json").write_text("{ not json")
    unread = trialkg.build(store, [records], BuildOptions(remove_missing=True))
    assert (unread.missing_removed, unread.missing_kept) == (0, 1)
    assert "kept: 1 (1 rejected inputs name no trial)" in unread.summary()
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = trialkg.build(store, [empty], BuildOptions(remove_missing=True))
    assert (nothing.missing_removed, nothing.missing_kept_why) == (0, "no input was read")
    assert store.trial_ids() == ["NCT02856893"]
