"""The build: documents -> trials -> links -> triples -> the store, streamed in chunks.

The main process walks the input and hands batches of documents to worker
processes, which read, link and map them and send back each document's N-Quads.
A writer thread loads chunks of whole trial graphs into the store through the
bulk loader while the workers go on with the next documents. At most a few
batches are in flight and one chunk is being written, so memory stays bounded
whatever the input's size.

What the vocabularies say of shared nodes (drugs, conditions, organisations,
cities) goes to the shared graph (see ``trialkg.rdf.mapping``). Each worker
sends a line of it only the first time it makes it in a build, and the main
process loads each line once, so a drug that ten thousand trials name is
described once rather than ten thousand times.

A document whose content was built before, by this trialkg version with the
same format, options and vocabulary (the shipped lexicon's version and the
overlay's entries), is skipped after an index lookup of its content hash, which
every trial graph carries (``tkg:sourceHash``); building the same input again so
does no work beyond reading and hashing it, a newer version of a record replaces
only its trial's graph, and an edited overlay links every record again. A build
that replaced graphs ends by removing what the shared graph says of nodes no
trial names any more (``TrialStore.prune_shared``).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import multiprocessing
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

import pyoxigraph as ox

from trialkg import __version__
from trialkg.errors import InputError, StoreError
from trialkg.linking import default_linker
from trialkg.linking.lexicon import linking_fingerprint
from trialkg.merge import reconcile
from trialkg.model import Trial
from trialkg.rdf import iri, vocab
from trialkg.rdf.mapping import MappingOptions, graph_name, map_trial_graphs
from trialkg.rdf.terms import IRI, Lit, Triple, nquads_lines, nquads_text
from trialkg.readers import Document, get_reader, iter_documents, read_document
from trialkg.store import BULK_BATCH_QUADS, TrialStore

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class BuildOptions:
    format: str | None = None  # force a reader instead of detecting one
    strict: bool = False  # stop at the first bad record
    include_contacts: bool = False  # keep phone numbers and e-mails of named people
    workers: int = 1  # processes for reading, linking and mapping
    # At most this many trials and quads per store write, below one batch of the bulk
    # loader (BULK_BATCH_QUADS), the most it adds atomically. Alone, the loader costs
    # less per quad in bigger writes (11.7 us at 400k quads, 9.9 us at 900k); in the
    # 50k benchmark 2000 and 5000 trials per write (~550k and 900k quads) built at the
    # same rate, and 5000 took 0.8 GB more memory.
    chunk_trials: int = 2000
    chunk_quads: int = 900_000
    batch_documents: int = 16  # documents per task handed to a worker
    writers: int = 2  # threads writing chunks to an on-disk store
    force: bool = False  # rebuild documents even when their content was built before
    # Compact the store when the build wrote a good part of it: bulk loads leave many
    # table files, and queries, validation and exports read much faster once merged.
    compact: bool = True


@dataclass(slots=True)
class BuildReport:
    documents: int = 0
    records_read: int = 0
    built: int = 0
    rejected: int = 0
    unchanged_documents: int = 0
    triples: int = 0
    pruned: int = 0  # shared-graph statements no trial needs any more, removed
    seconds: float = 0.0
    documents_total: int | None = None  # known up front for folders and zips, for an ETA
    errors: list[InputError] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"records read: {self.records_read}",
            f"built: {self.built}",
            f"rejected: {self.rejected}",
            f"triples: {self.triples}",
        ]
        if self.unchanged_documents:
            parts.append(f"unchanged files skipped: {self.unchanged_documents}")
        if self.pruned:
            parts.append(f"shared statements no trial names removed: {self.pruned}")
        return ", ".join(parts)

    def progress(self) -> str:
        """One line for a terminal: done, rate and time left."""
        rate = self.documents / self.seconds if self.seconds > 0 else 0.0
        line = f"{self.documents:,} files, {self.built:,} trials built, {rate:,.0f} files/s"
        if self.documents_total and rate > 0:
            left = max(self.documents_total - self.documents, 0) / rate
            line += f", {self.documents_total - self.documents:,} to go, ETA {_duration(left)}"
        return line


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(slots=True)
class _DocumentResult:
    """What one document gives: N-Quads, the graphs it fills, and its errors."""

    name: str
    digest: str
    nquads: bytes = b""
    graphs: list[str] = field(default_factory=list)
    trials: int = 0
    triples: int = 0
    shared: list[str] = field(default_factory=list)  # shared-graph lines new to this worker
    shared_nquads: bytes = b""  # of those, the ones new to the build (set by the main process)
    errors: list[InputError] = field(default_factory=list)
    unreadable: bool = False  # the input itself could not be read (no record counted)


def build_context(options: BuildOptions) -> str:
    """What a document's graph depends on besides its bytes; part of its content hash."""
    return (
        f"trialkg {__version__} {options.format or 'auto'}"
        f" contacts={int(options.include_contacts)} links={linking_fingerprint()}\n"
    )


def content_hash(document: Document, context: str) -> str:
    digest = hashlib.sha256()
    digest.update(context.encode())
    digest.update(document.data)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class TrialQuads:
    """One trial mapped: its graph's N-Quads, and the lines it adds to the shared graph."""

    graph: str
    nquads: bytes  # UTF-8
    triples: int
    shared: list[str]


class IriCheck:
    """Checks the IRIs of mapped triples as the store would (RFC 3987), record by record.

    Most IRIs come from constants, registry identifiers and slugs; a few carry a
    record's own words (a MeSH id as the record wrote it, say). Checked here, on
    the worker that mapped the record, a bad one rejects that record alone, with
    its field named; the store's loader can then skip its own check. Valid IRIs
    are remembered (the vocabulary's recur in every trial), up to ``limit``.
    """

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self._valid: set[str] = set()

    def first_invalid(self, triples: Iterable[Triple], graph: str) -> tuple[str, str] | None:
        """The field (predicate) and value of the first IRI that is not valid, or None."""
        valid = self._valid
        check = self._check
        if graph not in valid and not check(graph):
            return "graph", graph
        for subject, predicate, obj in triples:
            if subject not in valid and not check(subject):
                return predicate, subject
            if predicate not in valid and not check(predicate):
                return predicate, predicate
            if obj.__class__ is IRI and obj not in valid and not check(obj):
                return predicate, obj
        if len(valid) > self.limit:
            valid.clear()
        return None

    def _check(self, value: str) -> bool:
        try:
            ox.NamedNode(value)
        except (ValueError, UnicodeEncodeError):
            return False
        self._valid.add(value)
        return True


_IRI_CHECK = IriCheck()


def trial_nquads(trial: Trial, options: MappingOptions, digest: str | None = None) -> TrialQuads:
    """A trial's N-Quads; an ``InputError`` naming the field if an IRI made from the
    record is not a valid IRI."""
    own, shared = map_trial_graphs(trial, default_linker().link_trial(trial), options)
    graph = graph_name(trial)
    if digest is not None:
        own.append((graph, vocab.TKG + "sourceHash", Lit(digest)))
    bad = _IRI_CHECK.first_invalid(itertools.chain(own, shared), graph)
    if bad is not None:
        predicate, value = bad
        raise InputError(
            f"makes the IRI <{value}>, which is not a valid IRI; the record is left out",
            record=trial.nct_id,
            field=_local_name(predicate),
        )
    shared_lines = nquads_lines(shared, vocab.SHARED_GRAPH)
    try:
        nquads = nquads_text(own, graph).encode("utf-8")
        "".join(shared_lines).encode("utf-8")
    except UnicodeEncodeError as error:
        # JSON's \ud800 escapes give Python strings that no UTF-8 text can hold.
        raise InputError(
            f"holds an unpaired surrogate ({error.object[error.start]!r}), which no RDF text "
            "can carry; the record is left out",
            record=trial.nct_id,
            field=_local_name(_unencodable(itertools.chain(own, shared))),
        ) from None
    return TrialQuads(graph, nquads, len(own), shared_lines)


def _local_name(predicate: str) -> str:
    return predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _unencodable(triples: Iterable[Triple]) -> str:
    """The predicate of the first literal UTF-8 cannot encode."""
    for _, predicate, obj in triples:
        if isinstance(obj, Lit) and not obj.value.isascii():
            try:
                obj.value.encode("utf-8")
            except UnicodeEncodeError:
                return predicate
    return ""


class SharedLines:
    """The shared-graph lines already written in this build, by a digest of each.

    Bounded: past ``limit`` lines it forgets them all and starts again, which
    costs a few lines written twice (the store keeps one copy), not memory
    that grows with the registry.
    """

    def __init__(self, limit: int = 1_000_000) -> None:
        self.limit = limit
        self._seen: set[bytes] = set()

    def fresh(self, lines: Iterable[str]) -> list[str]:
        """The lines not seen before, now remembered."""
        seen = self._seen
        new = []
        for line in lines:
            key = hashlib.blake2b(line.encode(), digest_size=16).digest()
            if key not in seen:
                seen.add(key)
                new.append(line)
        if len(seen) > self.limit:
            seen.clear()
        return new

    def clear(self) -> None:
        self._seen.clear()


# Per process: the build's worker processes each start from a cleared copy (see ``build``).
_WORKER_SHARED = SharedLines()


def _process(document: Document, digest: str, options: BuildOptions) -> _DocumentResult:
    result = _DocumentResult(document.name, digest)
    mapping = MappingOptions(include_contacts=options.include_contacts)
    texts: dict[str, tuple[bytes, int]] = {}  # graph -> (N-Quads, triples); a later record wins
    for item in read_document(document, format=options.format):
        if isinstance(item, InputError):
            result.errors.append(item)
            continue
        try:
            mapped = trial_nquads(item, mapping, digest)
        except InputError as error:
            result.errors.append(error.located(file=document.name, record=item.nct_id))
            continue
        graph = mapped.graph
        result.shared.extend(_WORKER_SHARED.fresh(mapped.shared))
        if graph in texts:
            result.errors.append(
                InputError(
                    "the same trial appears twice in one file; the later record is kept",
                    file=document.name,
                    record=item.nct_id,
                )
            )
            del texts[graph]  # keeps the order of first appearance for the rest
        texts[graph] = (mapped.nquads, mapped.triples)
    result.graphs = list(texts)
    result.trials = len(texts)
    result.triples = sum(count for _, count in texts.values())
    result.nquads = b"".join(text for text, _ in texts.values())
    return result


_Task = tuple[Document, str, BuildOptions] | InputError


def _process_batch(batch: list[_Task]) -> list[_DocumentResult]:
    return [
        _DocumentResult(task.file or "", "", errors=[task], unreadable=True)
        if isinstance(task, InputError)
        else _process(*task)
        for task in batch
    ]


def _start_worker() -> None:
    """A worker process loads the vocabulary once, then sets it aside from the cyclic
    garbage collector: its objects live as long as the process, and each full
    collection would otherwise walk all of them again (about 10% of a worker's CPU)."""
    default_linker()
    gc.freeze()


def _bounded_map(
    function: Callable[[T], R], items: Iterator[T], workers: int, window: int
) -> Iterator[R]:
    """``map`` on worker processes, in order, with at most ``window`` tasks in flight.

    ``Pool.imap`` would read the whole input ahead of the workers; this keeps
    memory at a few batches. The workers start with the first item: input that
    is all built already (an unchanged rebuild) loads no vocabulary.
    """
    if workers <= 1:
        yield from map(function, items)
        return
    try:
        first = next(items)
    except StopIteration:
        return
    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with context.Pool(workers, initializer=_start_worker) as pool:
        pending: deque[multiprocessing.pool.AsyncResult[R]] = deque()
        for item in itertools.chain([first], items):
            pending.append(pool.apply_async(function, (item,)))
            if len(pending) >= window:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


class _Chunk:
    def __init__(self) -> None:
        self.results: list[_DocumentResult] = []
        self.graph_set: set[str] = set()
        self.trials = 0
        self.quads = 0

    def clashes(self, graphs: Iterable[str]) -> bool:
        return any(g in self.graph_set for g in graphs)

    def add(self, result: _DocumentResult) -> None:
        self.results.append(result)
        self.graph_set.update(result.graphs)
        self.trials += result.trials
        self.quads += result.triples


class _Writer:
    """Writes chunks to the store on threads of their own, behind the reading.

    The bulk loader runs without Python's lock, so the main thread goes on
    feeding the workers meanwhile. Two threads write to an on-disk store: while
    one waits for the disk, the other loads (a chunk that names a graph another
    thread is writing waits for it, so a newer version always lands last). A
    chunk the store refuses (it should not: the workers checked every IRI) is
    written document by document, so that only the documents it refuses are
    lost; their errors reach the build through ``failures``.
    """

    def __init__(self, store: TrialStore, threads: int = 2) -> None:
        self.store = store
        self.failures: list[tuple[InputError, int]] = []  # and the trials lost
        self.written_trials = 0
        self.written_bytes = 0  # N-Quads text loaded (on-disk stores only)
        count = max(1, threads) if store.path is not None else 1
        self._queue: queue.Queue[_Chunk | None] = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._lock = threading.Lock()  # failures and counters
        self._take = threading.Lock()  # one thread at a time takes the next chunk
        self._busy = threading.Condition()  # the graphs each thread is writing
        self._writing: dict[int, set[str]] = {}
        self._reconciling = threading.Lock()
        self._threads = [
            threading.Thread(
                target=self._run, args=(slot,), name=f"trialkg-writer-{slot}", daemon=True
            )
            for slot in range(count)
        ]
        for thread in self._threads:
            thread.start()

    def put(self, chunk: _Chunk) -> None:
        self._raise()
        self._queue.put(chunk)

    def close(self) -> None:
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join()
        self._raise()

    def take_failures(self) -> list[tuple[InputError, int]]:
        with self._lock:
            failures, self.failures = self.failures, []
        return failures

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _next(self, slot: int) -> _Chunk | None:
        """The next chunk, once no other thread writes any of its graphs."""
        with self._take:
            chunk = self._queue.get()
            if chunk is None:
                return None
            with self._busy:
                while any(chunk.graph_set & graphs for graphs in self._writing.values()):
                    self._busy.wait()
                self._writing[slot] = chunk.graph_set
            return chunk

    def _run(self, slot: int) -> None:
        while True:
            chunk = self._next(slot)
            if chunk is None:
                return
            try:
                if self._error is None:  # after a failure, drain; the main thread raises it
                    self._write(chunk, slot)
            except BaseException as error:  # handed to the main thread
                self._error = error
            finally:
                with self._busy:
                    self._writing.pop(slot, None)
                    self._busy.notify_all()

    def _write(self, chunk: _Chunk, slot: int) -> None:
        graphs = [g for r in chunk.results for g in r.graphs]
        try:
            text = b"".join(r.nquads + r.shared_nquads for r in chunk.results)
            self.store.write_chunk(graphs, text, chunk.quads, slot=slot, checked=True)
        except StoreError:
            for result in chunk.results:
                try:
                    text = result.nquads + result.shared_nquads
                    self.store.write_chunk(result.graphs, text, result.triples, slot=slot)
                except StoreError as error:
                    with self._lock:
                        refused = InputError(
                            f"the store refused this file's graphs: {error}", file=result.name
                        )
                        self.failures.append((refused, result.trials))
                    # Other trials may name the shared nodes it described first.
                    with contextlib.suppress(StoreError):
                        self.store.write_chunk([], result.shared_nquads, 0, slot=slot)
        # Trials that now have several sources: the most authoritative speaks for them.
        # One thread at a time; each after its own write, so the last sees every source.
        with self._reconciling:
            _reconcile_chunk(self.store, graphs)
        with self._lock:
            self.written_trials += chunk.trials
            if self.store.path is not None:
                self.written_bytes += sum(
                    len(r.nquads) + len(r.shared_nquads) for r in chunk.results
                )


def _reconcile_chunk(store: TrialStore, graphs: list[str]) -> None:
    several = [
        nct for nct in {iri.trial_of(g) or g for g in graphs} if len(store.graphs_of_trial(nct)) > 1
    ]
    if several:
        reconcile(store, several)


def count_documents(paths: Iterable[str | os.PathLike[str]]) -> int | None:
    """How many documents the paths hold, from names alone (no reading); None if unknown."""
    import zipfile
    from pathlib import Path

    total = 0
    for given in paths:
        path = Path(given)
        files = (
            [p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")]
            if path.is_dir()
            else [path]
        )
        for file in files:
            try:
                if zipfile.is_zipfile(file):
                    with zipfile.ZipFile(file) as archive:
                        total += sum(1 for info in archive.infolist() if not info.is_dir())
                else:
                    total += 1
            except OSError:
                return None
    return total


def build(
    store: TrialStore,
    paths: Iterable[str | os.PathLike[str]],
    options: BuildOptions = BuildOptions(),
    *,
    on_error: Callable[[InputError], None] | None = None,
    on_progress: Callable[[BuildReport], None] | None = None,
) -> BuildReport:
    """Build the trials under ``paths`` into ``store``; bad records are reported and skipped.

    With ``options.strict`` the first bad record raises its ``InputError`` after
    the records before it are written whole. ``on_progress`` is called about
    once a second.
    """
    if options.format is not None:
        get_reader(options.format)  # an unknown format name fails the whole build at once
    paths = list(paths)
    report = BuildReport()
    if on_progress is not None:
        report.documents_total = count_documents(paths)
    started = time.perf_counter()
    chunk_quads = min(options.chunk_quads, BULK_BATCH_QUADS - 50_000)
    context = build_context(options)  # reads the overlay: a bad one fails the build at once
    replaced_before = store.replaced_graphs

    def fail(error: InputError) -> None:
        report.errors.append(error)
        report.rejected += 1
        if on_error is not None:
            on_error(error)

    def batches() -> Iterator[list[_Task]]:
        # Unreadable inputs travel with the documents, so that errors come out in input order.
        waiting: list[tuple[Document, str] | InputError] = []

        def changed() -> list[_Task]:
            digests = [item[1] for item in waiting if not isinstance(item, InputError)]
            known = set() if options.force else store.known_source_hashes(digests)
            report.unchanged_documents += sum(1 for d in digests if d in known)
            return [
                item if isinstance(item, InputError) else (item[0], item[1], options)
                for item in waiting
                if isinstance(item, InputError) or item[1] not in known
            ]

        for item in iter_documents(paths):
            if isinstance(item, InputError):
                waiting.append(item)
                continue
            report.documents += 1
            waiting.append((item, content_hash(item, context)))
            if len(waiting) >= options.batch_documents:
                batch = changed()
                waiting = []
                if batch:
                    yield batch
        if waiting:
            batch = changed()
            if batch:
                yield batch

    chunk = _Chunk()
    writer = _Writer(store, options.writers)
    last_progress = started

    def flush_chunk() -> None:
        nonlocal chunk
        if chunk.results:
            writer.put(chunk)
        chunk = _Chunk()

    def report_failures() -> None:
        for error, trials in writer.take_failures():
            report.built -= trials
            fail(error)

    _WORKER_SHARED.clear()  # before the workers fork: each starts with an empty copy
    shared = SharedLines()
    try:
        window = max(2, options.workers) * 4
        for results in _bounded_map(_process_batch, batches(), options.workers, window):
            for result in results:
                if result.shared:
                    # Another worker may have sent a line already: load each once.
                    fresh = shared.fresh(result.shared)
                    result.shared_nquads = "".join(fresh).encode("utf-8")
                    result.triples += len(fresh)
                    result.shared = []
                if not result.unreadable:
                    report.records_read += result.trials + len(result.errors)
                for error in result.errors:
                    fail(error)
                    if options.strict:
                        raise error
                if chunk.clashes(result.graphs) or (
                    chunk.results
                    and (
                        chunk.trials + result.trials > options.chunk_trials
                        or chunk.quads + result.triples > chunk_quads
                    )
                ):
                    flush_chunk()
                chunk.add(result)
                report.built += result.trials
                report.triples += result.triples
            report_failures()
            now = time.perf_counter()
            if on_progress is not None and now - last_progress >= 1.0:
                last_progress = now
                report.seconds = now - started
                on_progress(report)
    finally:
        flush_chunk()
        writer.close()
        report_failures()
        store.flush()
    if store.replaced_graphs > replaced_before:
        # Replaced graphs may have been the last to name a drug, a site's city ...
        report.pruned = store.prune_shared()
    # N-Quads text and table files are of a size: compare what was loaded with the store.
    if (
        options.compact
        and writer.written_bytes
        and writer.written_bytes >= COMPACT_SHARE * store.disk_size()
    ):
        store.optimize()
    report.seconds = time.perf_counter() - started
    return report


COMPACT_SHARE = 0.2  # compact when a build loaded at least this share of the store's size


def build_trials(
    store: TrialStore, trials: Iterable[Trial], *, include_contacts: bool = False
) -> BuildReport:
    """Write trials the caller already has (from a reader or made in code) to the store.

    A trial that cannot be written (a bad IRI from its words, say) is reported in the
    report's ``errors`` and the rest are written."""
    report = BuildReport()
    options = MappingOptions(include_contacts=include_contacts)
    built_ids = set()
    shared = SharedLines()
    for trial in trials:
        report.records_read += 1
        try:
            mapped = trial_nquads(trial, options)
        except InputError as error:
            report.errors.append(error.located(file=trial.source.file))
            report.rejected += 1
            continue
        fresh = shared.fresh(mapped.shared)
        store.replace_graphs([mapped.graph], mapped.nquads + "".join(fresh).encode("utf-8"))
        built_ids.add(trial.nct_id)
        report.built += 1
        report.triples += mapped.triples + len(fresh)
    reconcile(store, built_ids)
    if store.replaced_graphs:
        report.pruned = store.prune_shared()
    store.flush()
    return report
