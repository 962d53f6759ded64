"""The build at scale, in small: chunks, workers, incremental rebuilds, streaming exports.

The corpora are the real records of tests/fixtures/json, copied under new NCT
ids, so that a few hundred trials exercise the same code as the registry.
"""

from __future__ import annotations

import io
import json
import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

import trialkg
from tests.conftest import JSON_DIR
from trialkg.build import BuildOptions
from trialkg.build.pipeline import _bounded_map
from trialkg.export import export
from trialkg.store import TrialStore


def make_corpus(folder: Path, count: int, *, first: int = 80_000_000) -> list[Path]:
    """``count`` records: the real ones in turn, each under an NCT id of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    templates = sorted(JSON_DIR.glob("*.json"))
    paths = []
    for number in range(count):
        study = json.loads(templates[number % len(templates)].read_text(encoding="utf-8"))
        nct_id = f"NCT{first + number:08d}"
        study["protocolSection"]["identificationModule"]["nctId"] = nct_id
        path = folder / f"{nct_id}.json"
        path.write_text(json.dumps(study), encoding="utf-8")
        paths.append(path)
    return paths


def store_nquads(store: TrialStore) -> list[bytes]:
    """Every quad of a store as sorted N-Quads lines (the store's own serializer)."""
    return sorted((store.oxigraph.dump(format=ox.RdfFormat.N_QUADS) or b"").splitlines())


def graph_lines(store: TrialStore, name: str) -> list[bytes]:
    text = store.oxigraph.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name)) or b""
    return sorted(text.splitlines())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    make_corpus(folder, 240)
    return folder


@pytest.fixture(scope="module")
def reference(corpus: Path) -> list[bytes]:
    store = trialkg.open_store()
    report = trialkg.build(store, [corpus])
    assert (report.built, report.rejected) == (240, 0)
    return store_nquads(store)


def test_parallel_chunked_build_on_disk_gives_the_same_store(
    corpus: Path, reference: list[bytes], tmp_path: Path
) -> None:
    with trialkg.open_store(tmp_path / "store") as store:
        report = trialkg.build(
            store, [corpus], BuildOptions(workers=2, chunk_trials=25, batch_documents=4)
        )
        assert report.built == 240
        assert store_nquads(store) == reference
        assert len(store.trial_ids()) == 240


def test_small_chunks_by_quad_count_give_the_same_store(
    corpus: Path, reference: list[bytes]
) -> None:
    store = trialkg.open_store()
    trialkg.build(store, [corpus], BuildOptions(chunk_quads=5_000))
    assert store_nquads(store) == reference


def test_unchanged_input_is_checked_in_batches_and_writes_nothing(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = trialkg.open_store(tmp_path / "store")
    trialkg.build(store, [corpus], BuildOptions(workers=2))
    before = store_nquads(store)
    lookups: list[int] = []
    writes: list[int] = []
    known = TrialStore.known_source_hashes
    monkeypatch.setattr(
        TrialStore, "known_source_hashes", lambda self, d: lookups.append(1) or known(self, d)
    )
    monkeypatch.setattr(TrialStore, "write_chunk", lambda self, *a: writes.append(1))
    again = trialkg.build(store, [corpus], BuildOptions(workers=2, batch_documents=16))
    assert (again.built, again.unchanged_documents, again.documents) == (0, 240, 240)
    assert writes == []
    assert len(lookups) == 240 // 16  # one batched lookup per 16 files
    assert store_nquads(store) == before


def test_a_newer_record_replaces_only_its_trial_graph(corpus: Path, tmp_path: Path) -> None:
    folder = tmp_path / "records"
    folder.mkdir()
    for path in sorted(corpus.iterdir())[:30]:
        (folder / path.name).write_bytes(path.read_bytes())
    store = trialkg.open_store(tmp_path / "store")
    trialkg.build(store, [folder], BuildOptions(workers=2, chunk_trials=7))
    names = store.graph_names()
    before = {name: graph_lines(store, name) for name in names}

    changed = sorted(folder.iterdir())[11]
    study = json.loads(changed.read_text())
    study["protocolSection"]["identificationModule"]["briefTitle"] = "A newer title"
    changed.write_text(json.dumps(study))
    report = trialkg.build(store, [folder], BuildOptions(workers=2, chunk_trials=7))

    assert (report.built, report.unchanged_documents) == (1, 29)
    target = f"https://w3id.org/trialkg/graph/{changed.stem}/ctgov-json"
    assert store.graph_names() == names
    after = {name: graph_lines(store, name) for name in names}
    assert [n for n in names if after[n] != before[n]] == [target]
    assert any(b'"A newer title"' in line for line in after[target])
    assert not any(b"A newer title" in line for line in before[target])


def test_the_pipeline_reads_only_a_few_batches_ahead() -> None:
    consumed = 0

    def items() -> Iterator[int]:
        nonlocal consumed
        for number in range(1000):
            consumed += 1
            yield number

    results = _bounded_map(abs, items(), workers=2, window=8)
    first = [next(results) for _ in range(3)]
    assert first == [0, 1, 2]
    assert consumed <= 3 + 8  # not the whole input, as Pool.imap would read it
    assert sum(results) == sum(range(3, 1000))


def test_input_built_already_starts_no_worker_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers load the lexicon when they start: an unchanged rebuild starts none."""

    def refuse(*args: object) -> None:
        raise AssertionError("a pool of worker processes was started")

    monkeypatch.setattr(multiprocessing, "get_context", refuse)
    assert list(_bounded_map(abs, iter([]), workers=2, window=8)) == []


def _with_bad_mesh_id(path: Path) -> dict:
    """The record of ``path`` with a MeSH id whose space makes an IRI N-Quads cannot hold."""
    study = json.loads(path.read_text())
    study.setdefault("derivedSection", {}).setdefault("conditionBrowseModule", {})["meshes"] = [
        {"id": "D00 1234", "term": study["protocolSection"]["conditionsModule"]["conditions"][0]}
    ]
    return study


@pytest.mark.parametrize("workers", [1, 2])
def test_a_record_making_a_bad_iri_is_rejected_alone(tmp_path: Path, workers: int) -> None:
    """One bad record in a page of five (an API v2 page): the other four are built, and
    the error names the file, the record and the field."""
    paths = make_corpus(tmp_path / "records", 5)
    studies = [json.loads(path.read_text()) for path in paths]
    studies[2] = _with_bad_mesh_id(paths[2])
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"studies": studies}))
    store = trialkg.open_store(tmp_path / "store")
    report = trialkg.build(store, [page], BuildOptions(workers=workers))
    assert (report.records_read, report.built, report.rejected) == (5, 4, 1)
    assert store.trial_ids() == sorted(p.stem for i, p in enumerate(paths) if i != 2)
    (error,) = report.errors
    assert (error.file, error.record, error.field) == ("page.json", paths[2].stem, "conditionMesh")
    assert "D00 1234" in error.message


@pytest.fixture(scope="module")
def disk_store(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("disk") / "store"
    with trialkg.open_store(path) as store:
        trialkg.build(store, [corpus], BuildOptions(workers=2))
    return path


@pytest.mark.parametrize("fmt", ["nquads", "ntriples", "turtle", "trig", "jsonld"])
def test_exports_read_by_two_threads_are_byte_identical(disk_store: Path, fmt: str) -> None:
    with trialkg.open_store(disk_store, read_only=True) as store:
        one, two = io.BytesIO(), io.BytesIO()
        count_one = export(store, fmt, one, workers=1)
        count_two = export(store, fmt, two, workers=2)
    assert count_one == count_two > 240 * 100
    assert one.getvalue() == two.getvalue()
