"""A build killed with SIGKILL in the middle of writing leaves a store that opens, holds
whole trials only, and that the same build, run again, completes."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import trialkg
from tests.build.test_scale import graph_lines, make_corpus, store_nquads
from trialkg.build import BuildOptions
from trialkg.rdf import vocab
from trialkg.store import JOURNAL

SRC = Path(__file__).resolve().parent.parent / "src"
CHUNK = 40


def _build_command(corpus: Path, store: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "trialkg",
        "build",
        str(corpus),
        "--store",
        str(store),
        "--workers",
        "1",
        "--chunk",
        str(CHUNK),
        "--no-compact",
        "-q",
    ]


def _kill_while_writing(command: list[str], journal: Path, chunk_number: int, delay: float) -> None:
    """Start the build and SIGKILL it ``delay`` seconds into writing its ``chunk_number``-th chunk
    (a chunk of 40 trials takes about a tenth of a second to write)."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Each writer thread has its journal (trialkg-pending-graphs.txt, -1.txt ...); a chunk's
    # write starts when one appears. One left by an earlier kill is there until the build
    # opens the store.
    pattern = journal.name.replace(".txt", "*.txt")

    def journals() -> set[str]:
        return {path.name for path in journal.parent.glob(pattern)}

    seen, present = 0, journals()
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            exists = journals()
            seen += len(exists - present)
            if seen >= chunk_number:
                time.sleep(delay)
                os.kill(process.pid, signal.SIGKILL)
                break
            present = exists
            if process.poll() is not None:
                raise AssertionError(
                    f"the build ended before it could be killed: {process.stderr.read()!r}"
                )  # type: ignore[union-attr]
            time.sleep(0.002)
        else:
            raise AssertionError("the build never reached the chunk to kill it in")
    finally:
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL


def _assert_whole(store_path: Path, expected: dict[str, list[bytes]], at_least: int) -> int:
    """The store opens read-only, as a user's query would, and every graph in it is whole."""
    with trialkg.open_store(store_path, read_only=True) as store:
        present = [
            name
            for name in store.graph_names()
            if name not in (vocab.SHARED_GRAPH, vocab.SUMMARY_GRAPH)
        ]
        for name in present:
            assert graph_lines(store, name) == expected[name], f"{name} is not whole"
        # Two writer threads: when the n-th chunk's write starts, n-2 have been written whole.
        assert len(present) >= at_least, "a chunk written before the kill is missing"
        # The shared graph grows with the chunks: what is there is what a clean build has.
        shared = set(graph_lines(store, vocab.SHARED_GRAPH))
        assert shared and shared <= set(expected[vocab.SHARED_GRAPH])
        return len(present)


def test_kill_minus_nine_mid_build(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    paths = make_corpus(corpus, 400)
    store_path = tmp_path / "store"
    command = _build_command(corpus, store_path)

    # Each trial's graph as a clean build makes it.
    expected_store = trialkg.open_store()
    trialkg.build(expected_store, [corpus])
    expected = {name: graph_lines(expected_store, name) for name in expected_store.graph_names()}

    # Killed early in its 4th chunk: the three before it are there, whole.
    _kill_while_writing(command, store_path / JOURNAL, chunk_number=4, delay=0.0)
    first = _assert_whole(store_path, expected, 2 * CHUNK)
    assert first < len(paths)

    # Run again, killed in the middle of the bulk load of its 3rd new chunk.
    _kill_while_writing(command, store_path / JOURNAL, chunk_number=3, delay=0.05)
    written = _assert_whole(store_path, expected, first - 2 * CHUNK + CHUNK)
    assert written < len(paths)

    # Opening it for writing removes what the interrupted write may have left.
    with trialkg.open_store(store_path) as store:
        assert not list(store_path.glob("trialkg-pending-graphs*"))
        assert len(store.graph_names()) - 1 >= written - 2 * CHUNK  # less the shared graph

    # The same build again completes it: the same store as a clean build.
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert "rejected: 0" in rerun.stdout
    with trialkg.open_store(store_path, read_only=True) as store:
        assert store_nquads(store) == store_nquads(expected_store)


def test_an_interrupted_write_is_rolled_back_on_opening(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 12)
    path = tmp_path / "store"
    with trialkg.open_store(path) as store:
        trialkg.build(store, [corpus], BuildOptions(chunk_trials=5))
        names = store.graph_names()
    # As if the process had died between the journal and the end of the write.
    (path / JOURNAL).write_text("".join(f"{name}\n" for name in names[:5]))
    with trialkg.open_store(path, read_only=True) as store:
        assert store.interrupted_write
    with trialkg.open_store(path) as store:
        assert store.recovered_graphs == 5
        assert store.graph_names() == names[5:]
        report = trialkg.build(store, [corpus])
        assert (report.built, report.unchanged_documents) == (5, 7)
        assert store.graph_names() == names


def _changed_corpus(corpus: Path) -> None:
    """Every record with another title: a rebuild replaces every trial graph."""
    import json

    for path in sorted(corpus.glob("*.json")):
        study = json.loads(path.read_text(encoding="utf-8"))
        ident = study["protocolSection"]["identificationModule"]
        ident["briefTitle"] = f"{ident.get('briefTitle', '')} (revised)"
        path.write_text(json.dumps(study), encoding="utf-8")


def test_issue18_kill_minus_nine_while_replacing_leaves_old_or_new_whole(tmp_path: Path) -> None:
    """Killed while rebuilding changed records, the store holds each trial old-whole or
    new-whole, never absent; and until a build completes, readers are told."""
    corpus = tmp_path / "corpus"
    paths = make_corpus(corpus, 120)
    built_old = tmp_path / "old-store"
    with trialkg.open_store(built_old) as store:
        trialkg.build(store, [corpus], BuildOptions(chunk_trials=CHUNK))
        old = {name: graph_lines(store, name) for name in store.graph_names()}
    _changed_corpus(corpus)
    new_store = trialkg.open_store()
    trialkg.build(new_store, [corpus])
    new = {name: graph_lines(new_store, name) for name in new_store.graph_names()}
    store_path = tmp_path / "store"
    command = _build_command(corpus, store_path)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    shutil.copytree(built_old, store_path)
    started = time.monotonic()
    subprocess.run(command, env=env, capture_output=True, timeout=300, check=True)
    whole_run = time.monotonic() - started
    interrupted = 0
    # A busy machine stretches one run's phases differently from the timed one: more
    # points are tried until a kill lands while the build is writing.
    for fraction in (0.55, 0.8, 0.4, 0.65, 0.9, 0.3, 0.7):
        if interrupted >= 2:
            break
        shutil.rmtree(store_path)
        shutil.copytree(built_old, store_path)
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(whole_run * fraction)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=120)
        with trialkg.open_store(store_path, read_only=True) as store:
            names = [
                n for n in store.graph_names() if n not in (vocab.SHARED_GRAPH, vocab.SUMMARY_GRAPH)
            ]
            assert len(names) == len(paths), f"{len(paths) - len(names)} trials absent"
            lines = {name: graph_lines(store, name) for name in names}
            for name in names:
                assert lines[name] in (old[name], new[name]), name
            if store.unfinished_build:
                interrupted += 1
            else:
                # The kill came before the build began writing (a busy machine starts
                # slowly) or after it completed: all old or all new, never a mix.
                assert lines in ({n: old[n] for n in names}, {n: new[n] for n in names})
    assert interrupted, "no rebuild could be killed before it ended"
