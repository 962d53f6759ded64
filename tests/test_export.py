"""Exports: every format reads back as the same graph, sorted, byte-identical across builds."""

from __future__ import annotations

import io
import random
import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

import trialkg
from trialkg.export import FORMATS, export

from .conftest import JSON_DIR

SAMPLE = ["NCT02369484.json", "NCT02856893.json", "NCT04811001.json", "NCT00763412.json"]


@pytest.fixture(scope="module")
def small_store() -> trialkg.TrialStore:
    store = trialkg.open_store()
    trialkg.build(store, [JSON_DIR / name for name in SAMPLE])
    return store


def _union(store: trialkg.TrialStore) -> rdflib.Graph:
    graph = rdflib.Graph()
    for s, p, o, _ in store.rdflib_dataset().quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld"])
def test_triple_exports_read_back_as_the_store(small_store: trialkg.TrialStore, fmt: str) -> None:
    out = io.BytesIO()
    export(small_store, fmt, out)
    parsed: rdflib.Graph
    if fmt == "jsonld":
        parsed = rdflib.Dataset()
        parsed.parse(data=out.getvalue(), format="json-ld")
        flat = rdflib.Graph()
        for s, p, o, _ in parsed.quads((None, None, None, None)):
            flat.add((s, p, o))
        parsed = flat
    else:
        parsed = rdflib.Graph().parse(
            data=out.getvalue(), format={"turtle": "turtle", "ntriples": "nt"}[fmt]
        )
    assert isomorphic(parsed, _union(small_store))


@pytest.mark.parametrize("fmt", ["nquads", "trig", "jsonld"])
def test_dataset_exports_keep_the_named_graphs(small_store: trialkg.TrialStore, fmt: str) -> None:
    out = io.BytesIO()
    export(small_store, fmt, out)
    parsed = rdflib.Dataset()
    parsed.parse(
        data=out.getvalue(), format={"nquads": "nquads", "trig": "trig", "jsonld": "json-ld"}[fmt]
    )
    expected = small_store.rdflib_dataset()
    names = sorted(str(g.identifier) for g in parsed.graphs() if len(g))
    assert names == sorted(str(g.identifier) for g in expected.graphs() if len(g))
    for name in names:
        assert isomorphic(parsed.graph(rdflib.URIRef(name)), expected.graph(rdflib.URIRef(name))), (
            name
        )


def test_jsonld_uses_short_keys(small_store: trialkg.TrialStore) -> None:
    out = io.BytesIO()
    export(small_store, "jsonld", out)
    text = out.getvalue().decode()
    assert '"briefTitle": "Afatinib in NSCLC With HER2 Mutation"' in text
    assert "https://w3id.org/trialkg/vocab#briefTitle" not in text.split('"@graph"', 1)[1]


def test_exports_are_byte_identical_whatever_the_build_order(tmp_path: Path) -> None:
    folders = []
    for seed in (1, 2):
        folder = tmp_path / f"in{seed}"
        folder.mkdir()
        names = list(SAMPLE)
        random.Random(seed).shuffle(names)
        for index, name in enumerate(names):
            # Different file order on disk: build order differs.
            shutil.copy(JSON_DIR / name, folder / f"{index}-{name}")
        folders.append(folder)
    outputs: dict[str, list[bytes]] = {fmt: [] for fmt in FORMATS}
    for folder in folders:
        store = trialkg.open_store()
        for path in sorted(folder.iterdir()):
            trialkg.build(store, [path])
        for fmt in FORMATS:
            out = io.BytesIO()
            export(store, fmt, out)
            # Provenance names the file; the test's file names differ on purpose.
            outputs[fmt].append(
                b"\n".join(
                    line
                    for line in out.getvalue().split(b"\n")
                    if b"sourceFile" not in line and b".json" not in line
                )
            )
    for fmt, (first, second) in outputs.items():
        assert first == second, fmt


@pytest.mark.parametrize("fmt", ["nquads", "jsonld"])
def test_progress_counts_the_trials_written(
    small_store: trialkg.TrialStore, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``on_progress`` (what `trialkg export` shows on a terminal) is told the trials
    written, the trials in all and the seconds so far, about once a second: a clock
    that moves 0.6 s at each look makes it come every other trial."""
    import importlib
    import itertools
    import types

    module = importlib.import_module("trialkg.progress")
    ticks = itertools.count()
    monkeypatch.setattr(
        module, "time", types.SimpleNamespace(perf_counter=lambda: next(ticks) * 0.6)
    )
    seen: list[tuple[int, int, float]] = []
    plain = io.BytesIO()
    export(small_store, fmt, plain)
    out = io.BytesIO()
    export(small_store, fmt, out, workers=2, on_progress=lambda *told: seen.append(told))
    assert out.getvalue() == plain.getvalue()
    assert [done for done, _, _ in seen] == [2, 4]  # at 1.2 s and 2.4 s; 4 trials in all
    assert {total for _, total, _ in seen} == {len(SAMPLE)}
    assert [round(seconds, 1) for _, _, seconds in seen] == [1.2, 2.4]


@pytest.mark.parametrize("fmt", ["turtle", "trig"])
def test_turtle_and_trig_print_names_without_escapes(
    small_store: trialkg.TrialStore, fmt: str
) -> None:
    out = io.BytesIO()
    export(small_store, fmt, out)
    text = out.getvalue().decode()
    outside_strings = "\n".join(line for line in text.splitlines() if '"' not in line)
    assert "\\/" not in outside_strings
    assert "@prefix drug: <https://w3id.org/trialkg/id/drug/> ." in text
    assert "@prefix arm: <https://w3id.org/trialkg/id/trial/NCT02369484/arm/> ." in text
    assert "tkg:arm arm:" in text  # a trial's arms by their slugs
    assert "tkg:concept drug:" in text
    if fmt == "trig":
        assert "\ngraph:ctgov-json {" in text


def test_gzip_exports_are_the_plain_bytes_compressed_and_identical(
    small_store: trialkg.TrialStore, tmp_path: Path
) -> None:
    import gzip

    from click.testing import CliRunner

    from trialkg.cli import main

    folder = tmp_path / "store"
    with trialkg.open_store(folder) as store:
        trialkg.build(store, [JSON_DIR / name for name in SAMPLE])
    outputs = []
    for name in ("a.nq.gz", "b.nq.gz", "plain.nq"):
        result = CliRunner().invoke(
            main,
            ["export", "--format", "nquads", "--store", str(folder), "-o", str(tmp_path / name)],
        )
        assert result.exit_code == 0, result.output
        outputs.append((tmp_path / name).read_bytes())
    first, second, plain = outputs
    assert first[:2] == b"\x1f\x8b" and first == second  # no time or name in the header
    assert gzip.decompress(first) == plain
    assert len(first) < len(plain) / 5


def test_graphml_reads_back_in_networkx(small_store: trialkg.TrialStore, tmp_path: Path) -> None:
    import networkx as nx

    from trialkg import analytics

    out = io.BytesIO()
    count = export(small_store, "graphml", out)
    path = tmp_path / "graph.graphml"
    path.write_bytes(out.getvalue())
    graph = nx.read_graphml(path)
    expected = analytics.drug_condition_trial_graph(small_store)
    assert count == expected.number_of_nodes() + expected.number_of_edges()
    assert sorted(graph.nodes) == sorted(expected.nodes)
    assert sorted(tuple(sorted(e)) for e in graph.edges) == sorted(
        tuple(sorted(e)) for e in expected.edges
    )
    kinds = {data["kind"] for _, data in graph.nodes(data=True)}
    assert kinds == {"trial", "drug", "condition"}
    drug_condition = [
        (a, b, d) for a, b, d in graph.edges(data=True) if d["relation"] == "drug-condition"
    ]
    assert drug_condition
    for first, second, data in drug_condition:
        trials = data["trials"].split()
        assert data["weight"] == len(trials)
        for nct in trials:  # each trial behind the edge names both ends
            assert graph.has_edge(nct, first) and graph.has_edge(nct, second)
    again = io.BytesIO()
    export(small_store, "graphml", again)
    assert again.getvalue() == out.getvalue()
