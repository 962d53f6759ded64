"""Faults on the store and the query side, built in each test: a full disk, a remote
endpoint that never answers, a build that did not finish, and the reports a program
reads. Each test names the case of issue 18 it holds to; the input side is in
test_fault_injection.py."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import trialkg
import trialkg.query as query_module
from trialkg.errors import InputError
from trialkg.rdf import iri, vocab

from .build.test_scale import graph_lines, make_corpus
from .conftest import JSON_DIR
from .test_fault_injection import SAMPLE, _no_traceback, _record, build_sample_store, invoke


@pytest.fixture(scope="module")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_store(tmp_path_factory.mktemp("store"))


# -- case 3: SERVICE in a query file, and a timeout for every query ----------------------------


def _service_query(tmp_path: Path, endpoint: str) -> Path:
    query = tmp_path / "federated.rq"
    query.write_text(
        "# Asks a remote endpoint\n"
        f"SELECT ?s WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }} LIMIT 1\n",
        encoding="utf-8",
    )
    return query


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """An HTTP endpoint on 127.0.0.1 that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/sparql"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def test_issue18_service_is_refused_by_default(built_store: Path, tmp_path: Path) -> None:
    query = _service_query(tmp_path, "http://127.0.0.1:9/sparql")
    started = time.monotonic()
    result = invoke("query", str(query), "--store", str(built_store))
    _no_traceback(result)
    assert result.exit_code == 2 and time.monotonic() - started < 10
    assert "SERVICE" in result.stderr and "--allow-service" in result.stderr
    # In a string, an IRI or a comment, the word is no federated query.
    harmless = tmp_path / "harmless.rq"
    harmless.write_text(
        '# SERVICE in a comment\nSELECT ?s WHERE { ?s ?p "SERVICE <http://x>" } LIMIT 1\n'
    )
    assert invoke("query", str(harmless), "--store", str(built_store)).exit_code == 0


def test_issue18_an_endpoint_that_never_answers_stops_at_the_timeout(
    built_store: Path, tmp_path: Path, silent_endpoint: str
) -> None:
    query = _service_query(tmp_path, silent_endpoint)
    started = time.monotonic()
    result = invoke(
        "query", str(query), "--allow-service", "--timeout", "1", "--store", str(built_store)
    )
    _no_traceback(result)
    assert result.exit_code == 2 and time.monotonic() - started < 20
    assert "did not finish within 1 s" in result.stderr


def test_issue18_a_failing_endpoint_is_an_error(built_store: Path, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    query = _service_query(tmp_path, f"http://127.0.0.1:{port}/sparql")
    result = invoke("query", str(query), "--allow-service", "--store", str(built_store))
    _no_traceback(result)
    assert result.exit_code == 2
    assert "query 'federated' failed" in result.stderr and "refused" in result.stderr


def test_issue18_every_query_has_a_timeout(built_store: Path, tmp_path: Path) -> None:
    slow = tmp_path / "slow.rq"
    slow.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }\n")
    started = time.monotonic()
    result = invoke("query", str(slow), "--timeout", "0.5", "--store", str(built_store))
    _no_traceback(result)
    assert result.exit_code == 2 and time.monotonic() - started < 15
    assert "did not finish within 0.5 s" in result.stderr and "--timeout" in result.stderr
    assert query_module.DEFAULT_TIMEOUT_SECONDS > 0


# -- case 1: disk full -------------------------------------------------------------------------


DISK_MB = 24


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 24 MB tmpfs: a store on it fills it within a few hundred records."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_MB}m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _trialkg(*args: str) -> subprocess.CompletedProcess[str]:
    command = shutil.which("trialkg", path=str(Path(sys.executable).parent))
    assert command, "the trialkg command is installed with the project"
    return subprocess.run(
        [command, *args], capture_output=True, text=True, timeout=180, check=False
    )


def test_issue18_a_full_disk_stops_the_build_and_leaves_whole_trials(
    small_disk: Path, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 400)
    store_path = small_disk / "kg"
    built = _trialkg(
        "build",
        str(corpus),
        "--store",
        str(store_path),
        "--workers",
        "1",
        "--chunk",
        "40",
        "--no-compact",
    )
    assert built.returncode == 2, built.stderr[-2000:]
    assert "Traceback" not in built.stderr
    errors = [line for line in built.stderr.splitlines() if line.startswith(("error", "rejected"))]
    assert len(errors) == 1, errors[:5]
    assert "no space left on device" in errors[0] and str(store_path) in errors[0]
    summary = re.search(r"built: (\d+), rejected: \d+, triples: (\d+)", built.stdout)
    assert summary, built.stdout
    # What the summary counts is what the store holds; every trial in it is whole, and the
    # shared facts of every shared node it names are there.
    with trialkg.open_store(store_path, read_only=True) as store:
        trials = [name for name in store.graph_names() if name != vocab.SHARED_GRAPH]
        assert 0 < len(trials) < 400
        # The same records built apart: what a whole graph and its shared facts are.
        expected = trialkg.open_store()
        apart = tmp_path / "apart" / "corpus"  # the same folder name: the same provenance
        apart.mkdir(parents=True)
        for name in trials:
            shutil.copy(corpus / f"{iri.trial_of(name)}.json", apart)
        assert not trialkg.build(expected, [apart]).rejected
        assert int(summary.group(1)) == len(trials)
        assert int(summary.group(2)) <= len(store)
        named: set[str] = set()
        for name in trials:
            lines = graph_lines(store, name)
            assert lines == graph_lines(expected, name), f"{name} is not whole"
            named |= set(
                re.findall(
                    rb"<(https://w3id\.org/trialkg/id/(?:drug|condition|"
                    rb"organisation|procedure|city)/[^>]+)>",
                    b"\n".join(lines),
                )
            )
        for node in sorted(n.decode() for n in named):
            have = sorted(str(q) for q in store.shared_quads([node]))
            assert have == sorted(str(q) for q in expected.shared_quads([node])), node


def test_issue18_export_onto_a_full_disk_leaves_no_file(
    small_disk: Path, built_store: Path
) -> None:
    (small_disk / "filler").write_bytes(b"\0" * (DISK_MB * 2**20 - 64 * 2**10))
    target = small_disk / "graph.nt"
    result = invoke(
        "export", "--format", "ntriples", "-o", str(target), "--store", str(built_store)
    )
    _no_traceback(result)
    assert result.exit_code == 2 and "no space left on device" in result.stderr
    assert not target.exists() and not list(small_disk.glob("*.partial"))


# -- case 10: small ones -------------------------------------------------------------------------


def test_issue18_strict_prints_its_error_once(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"protocolSection": {"identificationModule": {"briefTitle": "no id"}}}')
    result = invoke("build", str(bad), "--strict", "--store", str(tmp_path / "kg"))
    assert result.exit_code == 2
    assert result.stderr.count("identificationModule.nctId") == 1, result.stderr


def test_issue18_an_unknown_format_creates_no_store(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    result = invoke("build", str(JSON_DIR / SAMPLE[0]), "--format", "nosuch", "--store", str(store))
    assert result.exit_code == 2 and "ctgov-json" in result.stderr  # the choices are listed
    assert not store.exists()


def test_issue18_a_folder_of_other_files_is_not_made_a_store(tmp_path: Path) -> None:
    records = tmp_path / "records"
    records.mkdir()
    shutil.copy(JSON_DIR / SAMPLE[0], records / SAMPLE[0])
    result = invoke("build", str(records), "--store", str(records))
    _no_traceback(result)
    assert result.exit_code == 2 and "not a trialkg store" in result.stderr
    assert sorted(p.name for p in records.iterdir()) == [SAMPLE[0]]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert invoke("build", str(records), "--store", str(empty), "-q").exit_code == 0


# -- case 11: a store whose last build did not finish says so -----------------------------------


def test_issue18_readers_are_told_when_the_last_build_did_not_finish(
    built_store: Path, tmp_path: Path
) -> None:
    store_path = tmp_path / "kg"
    shutil.copytree(built_store, store_path)
    with trialkg.open_store(store_path) as store:
        store.mark_build(finished=False)  # as a build killed or stopped leaves it
    for command in (["stats"], ["validate"], ["query", "shared-drugs"]):
        result = invoke(*command, "--store", str(store_path))
        assert result.exit_code == 0, result.output
        assert "warning: the last build" in result.stderr and "did not finish" in result.stderr
    again = invoke("build", str(JSON_DIR / SAMPLE[0]), "--store", str(store_path), "-q")
    assert again.exit_code == 0
    assert "warning" not in invoke("stats", "--store", str(store_path)).stderr


# -- case 12: reports a program can read -------------------------------------------------------


def _nonconforming(built_store: Path, tmp_path: Path) -> Path:
    """The built store with one trial given a second NCT id (the shape allows one)."""
    import pyoxigraph as ox

    store_path = tmp_path / "kg"
    shutil.copytree(built_store, store_path)
    with trialkg.open_store(store_path) as store:
        trial = ox.NamedNode(vocab.CTGOV + "NCT02369484")
        graph = ox.NamedNode(store.graphs_of_trial("NCT02369484")[0])
        store.oxigraph.add(
            ox.Quad(trial, ox.NamedNode(vocab.TKG + "nctId"), ox.Literal("X"), graph)
        )
    return store_path


def test_issue18_validate_writes_a_shacl_validation_report(
    built_store: Path, tmp_path: Path
) -> None:
    import rdflib
    from rdflib.namespace import RDF, SH

    store_path = _nonconforming(built_store, tmp_path)
    turtle = invoke("validate", "--format", "turtle", "--store", str(store_path))
    assert turtle.exit_code == 1, turtle.output
    graph = rdflib.Graph().parse(data=turtle.stdout, format="turtle")
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms) == rdflib.Literal(False)
    results = list(graph.objects(report, SH.result))
    nct = [
        r for r in results if graph.value(r, SH.resultPath) == rdflib.URIRef(vocab.TKG + "nctId")
    ]
    assert nct and all(graph.value(r, SH.sourceShape) is not None for r in results)
    assert {graph.value(r, SH.focusNode) for r in nct} == {
        rdflib.URIRef(vocab.CTGOV + "NCT02369484")
    }
    as_json = invoke("validate", "--format", "json", "--store", str(store_path))
    document = json.loads(as_json.stdout)
    assert document["conforms"] is False and as_json.exit_code == 1
    assert {r["focusNode"] for r in document["results"]} >= {vocab.CTGOV + "NCT02369484"}
    assert len(document["results"]) == len(results)


def _bad_records(folder: Path) -> None:
    folder.mkdir()
    study = json.loads(_record())
    study["protocolSection"]["statusModule"]["startDateStruct"] = {"date": "31/31/2020"}
    (folder / "a-bad-date.json").write_text(json.dumps(study))
    study = json.loads(_record(SAMPLE[1]))
    study["protocolSection"]["identificationModule"]["briefTitle"] = 12345
    (folder / "b-wrong-type.json").write_text(json.dumps(study))
    (folder / "c-cut.json").write_bytes(_record()[:300])
    shutil.copy(JSON_DIR / "NCT04811001.json", folder / "d-good.json")


def test_issue18_build_errors_tsv_and_the_summary_count_each_kind(tmp_path: Path) -> None:
    _bad_records(tmp_path / "in")
    tsv = tmp_path / "rejected.tsv"
    result = invoke(
        "build", str(tmp_path / "in"), "--errors", str(tsv), "--store", str(tmp_path / "kg")
    )
    assert result.exit_code == 1, result.output
    rows = [line.split("\t") for line in tsv.read_text(encoding="utf-8").splitlines()]
    assert rows[0] == ["kind", "file", "record", "field", "message"]
    assert [(r[0], r[1], r[2], r[3]) for r in rows[1:]] == [
        ("bad-date", "in/a-bad-date.json", "NCT02369484", "statusModule.startDateStruct.date"),
        ("wrong-type", "in/b-wrong-type.json", "NCT02856893", "identificationModule.briefTitle"),
        ("truncated", "in/c-cut.json", "NCT02369484", ""),
    ]
    assert "rejected by kind: bad-date 1; truncated 1; wrong-type 1" in result.stdout


def test_issue18_a_build_report_keeps_a_bounded_list_of_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trialkg.build import options

    monkeypatch.setattr(options, "MAX_KEPT_ERRORS", 2)
    folder = tmp_path / "in"
    folder.mkdir()
    for number in range(6):
        (folder / f"bad{number}.json").write_text('{"protocolSection": {}}')
    seen: list[InputError] = []
    report = trialkg.build(trialkg.open_store(), [folder], on_error=seen.append)
    assert (report.rejected, len(seen), len(report.errors)) == (6, 6, 2)
    assert report.kinds == {"bad-record": 6}
