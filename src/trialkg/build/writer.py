"""The build's store writes: chunks of whole trial graphs loaded on threads of their own."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Iterable

from trialkg.build.merge import reconcile
from trialkg.build.workers import DocumentResult
from trialkg.errors import InputError, StoreError, StoreWriteError
from trialkg.rdf import iri
from trialkg.store import TrialStore


class Chunk:
    """Whole documents' graphs gathered for one store write."""

    def __init__(self) -> None:
        self.sequence = 0  # set when handed to the writer: 1, 2, 3 ...
        self.results: list[DocumentResult] = []
        self.graph_set: set[str] = set()
        self.trials = 0
        self.quads = 0

    def clashes(self, graphs: Iterable[str]) -> bool:
        return any(g in self.graph_set for g in graphs)

    def add(self, result: DocumentResult) -> None:
        self.results.append(result)
        self.graph_set.update(result.graphs)
        self.trials += result.trials
        self.quads += result.triples


class Writer:
    """Writes chunks to the store on threads of their own, behind the reading.

    The bulk loader runs without Python's lock, so the main thread goes on
    feeding the workers meanwhile. Two threads write to an on-disk store: while
    one waits for the disk, the other loads (a chunk that names a graph another
    thread is writing waits for it, so a newer version always lands last). A
    chunk the store refuses (it should not: the workers checked every IRI) is
    written document by document, so that only the documents it refuses are
    lost; their errors reach the build through ``failures``.

    A disk that refuses a write stops the writer: the chunks after it are not
    written, and the error reaches the build's thread. Shared-graph lines go once per
    build, with the first chunk that needs them, so a chunk written while an earlier
    one failed could name shared nodes whose facts never arrived: each chunk's journal
    therefore stays until every chunk before it is written, and a write cut short
    rolls back (``TrialStore.roll_back_unfinished``) every chunk after the first that
    failed. ``trials_written`` and ``triples_written`` count what may stand.

    A document whose graphs the store holds already (a changed record) is written in
    one transaction that drops the old version and inserts the new, so that a process
    killed at any point leaves the old version whole or the new one: never absent. Its
    journal is not kept, since rolling it back would leave its trial absent.
    """

    def __init__(self, store: TrialStore, threads: int = 2) -> None:
        self.store = store
        self.failures: list[tuple[InputError, int]] = []  # and the trials lost
        self.written_bytes = 0  # N-Quads text loaded (on-disk stores only)
        self.trials_written = 0  # in chunks whose predecessors are all written
        self.triples_written = 0
        self._sequence = 0  # of the last chunk handed in
        self._next_confirmed = 1  # the first chunk not yet known written with all before it
        self._written: dict[int, tuple[int, int]] = {}  # written, waiting for earlier chunks
        self._failed = False
        count = max(1, threads) if store.path is not None else 1
        self._queue: queue.Queue[Chunk | None] = queue.Queue(maxsize=1)
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

    def put(self, chunk: Chunk) -> None:
        self._raise()
        self._sequence += 1
        chunk.sequence = self._sequence
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

    def _next(self, slot: int) -> Chunk | None:
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
                if not self._failed:  # after a failure, drain; the main thread raises it
                    self._write(chunk, slot)
            except BaseException as error:  # handed to the main thread
                self._failed = True
                self._error = error
            finally:
                with self._busy:
                    self._writing.pop(slot, None)
                    self._busy.notify_all()

    def _write(self, chunk: Chunk, slot: int) -> None:
        graphs = [g for r in chunk.results for g in r.graphs]
        # A newer version of a graph the store holds replaces it in one transaction, so
        # that the trial is never absent; new graphs go through the bulk loader.
        replacing: list[DocumentResult] = []
        fresh: list[DocumentResult] = []
        for result in chunk.results:
            held = any(map(self.store.has_graph, result.graphs))
            (replacing if held else fresh).append(result)
        trials, triples = self._replace(replacing)
        trials_fresh, triples_fresh = self._bulk(fresh, chunk.sequence)
        # Trials that now have several sources: the most authoritative speaks for them.
        # One thread at a time; each after its own write, so the last sees every source.
        with self._reconciling:
            try:
                _reconcile_chunk(self.store, graphs)
            except OSError as error:
                raise self.store.write_failure(error) from error
        self._confirm(chunk.sequence, trials + trials_fresh, triples + triples_fresh)
        with self._lock:
            if self.store.path is not None:
                self.written_bytes += sum(
                    len(r.nquads) + len(r.shared_nquads) for r in chunk.results
                )

    def _replace(self, results: list[DocumentResult]) -> tuple[int, int]:
        trials = triples = 0
        for result in results:
            try:
                self.store.replace_atomically(result.graphs, result.nquads + result.shared_nquads)
            except StoreWriteError:
                raise
            except StoreError as error:
                self._refused(result, error)
                continue
            trials += result.trials
            triples += result.triples
        return trials, triples

    def _refused(self, result: DocumentResult, error: StoreError) -> None:
        with self._lock:
            refused = InputError(
                f"the store refused this file's graphs: {error}",
                file=result.name,
                kind="store-refused",
            )
            self.failures.append((refused, result.trials))

    def _bulk(self, results: list[DocumentResult], journal: int) -> tuple[int, int]:
        if not results:
            return 0, 0
        graphs = [g for r in results for g in r.graphs]
        trials, triples = sum(r.trials for r in results), sum(r.triples for r in results)
        try:
            # One copy of the chunk's text (joining pairs first copied it twice).
            text = b"".join([part for r in results for part in (r.nquads, r.shared_nquads)])
            self.store.write_chunk(
                graphs, text, triples, slot=journal, checked=True, keep_journal=True
            )
        except StoreWriteError:
            raise
        except StoreError:
            trials = triples = 0
            for result in results:
                try:
                    text = result.nquads + result.shared_nquads
                    self.store.write_chunk(
                        result.graphs, text, result.triples, slot=journal, keep_journal=True
                    )
                    trials += result.trials
                    triples += result.triples
                except StoreWriteError:
                    raise
                except StoreError as error:
                    self._refused(result, error)
                    # Other trials may name the shared nodes it described first.
                    with contextlib.suppress(StoreError):
                        self.store.write_chunk(
                            [], result.shared_nquads, 0, slot=journal, keep_journal=True
                        )
            self.store.journal(graphs, journal)  # the whole chunk's, until it may stand
        return trials, triples

    def _confirm(self, sequence: int, trials: int, triples: int) -> None:
        """Chunk ``sequence`` is written: clear the journals of the chunks that may now
        stand (written, with every chunk before them)."""
        with self._lock:
            self._written[sequence] = (trials, triples)
            while self._next_confirmed in self._written:
                done = self._next_confirmed
                trials_done, triples_done = self._written.pop(done)
                self.store.clear_journal(done)
                self.trials_written += trials_done
                self.triples_written += triples_done
                self._next_confirmed += 1


def _reconcile_chunk(store: TrialStore, graphs: list[str]) -> None:
    several = [
        nct for nct in {iri.trial_of(g) or g for g in graphs} if len(store.graphs_of_trial(nct)) > 1
    ]
    if several:
        reconcile(store, several)
