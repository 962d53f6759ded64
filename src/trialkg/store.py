"""The on-disk store: one pyoxigraph (RocksDB) store, one named graph per trial and source.

pyoxigraph is the engine because it holds the registry on disk, loads N-Quads in
bulk and answers SPARQL in-process; rdflib remains the face for users who want
an ``rdflib.Dataset`` or ``Graph`` (``rdflib_dataset``, ``trial_graph``).

Writes and crashes. The build writes chunks of whole trial graphs with
``write_chunk``: old versions of the chunk's graphs are removed (one transaction
each), then the chunk goes through the bulk loader, which writes its quads to
new table files and adds them to the database in one atomic step, as long as
the chunk stays within one batch of the loader (``BULK_BATCH_QUADS``; bigger
writes go through a transaction instead). A process killed at any point so
leaves each graph either whole or absent. As a second guard, the graphs of the
chunks being written are listed in journal files inside the store folder;
opening the store for writing again removes whatever of them is there, so that
the next build, finding their content hashes gone, writes them again.
"""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox

from trialkg.errors import StoreError, StoreWriteError
from trialkg.rdf import vocab
from trialkg.store_folder import (
    HELD_LOCKS,
    UNFINISHED,
    clear_journal,
    drop_partial_journals,
    journals,
    lock,
    mark_unfinished,
    refuse_other_folder,
    table_bytes,
    write_journal,
)
from trialkg.store_folder import JOURNAL as JOURNAL  # tests and tools name the journal
from trialkg.store_reads import DESCRIBES as DESCRIBES
from trialkg.store_reads import SHARED, SUMMARY, StoreReads
from trialkg.store_reads import SOURCE_HASH as SOURCE_HASH

STORE_ENV = "TRIALKG_STORE"
DEFAULT_STORE = "trialkg-store"

# pyoxigraph's bulk loader adds at most this many quads in one atomic ingestion
# (oxigraph's DEFAULT_BULK_LOAD_BATCH_SIZE); the build keeps its chunks well below.
BULK_BATCH_QUADS = 1_000_000


def default_store_path() -> str:
    return os.environ.get(STORE_ENV) or DEFAULT_STORE


class TrialStore(StoreReads):
    """A trial graph store on disk (``path``) or in memory (``path=None``); what reads it is
    in ``StoreReads`` (``trialkg.store_reads``)."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        read_only: bool = False,
        create: bool = True,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self._lock: int | None = None
        if (
            self.path is not None
            and (read_only or not create)
            and not (self.path / "CURRENT").exists()
        ):
            raise StoreError(
                f"no trialkg store at {self.path}; "
                f"build one with `trialkg build --store {self.path}`"
            )
        if self.path is not None and not read_only:
            refuse_other_folder(self.path)
        if self.path is not None:
            self._lock = lock(self.path, exclusive=not read_only)
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(self.path))
            else:
                self._store = ox.Store(str(self.path))
        except (OSError, RuntimeError) as error:  # RocksDB reports a corrupt store as RuntimeError
            self._unlock()
            raise StoreError(
                f"cannot open the store at {self.path}: {error}; if it is damaged, build it "
                "again into a new folder"
            ) from error
        # Set when the disk refused a write: RocksDB then waits forever on a flush, so
        # none is attempted any more (what was written whole is on disk already).
        self.broken = False
        self.recovered_graphs = 0  # graphs of an interrupted write removed on opening
        self.replaced_graphs = 0  # graphs this object removed or replaced since opening
        if self.path is not None and not read_only:
            self.recovered_graphs = self._recover()

    # -- context management ---------------------------------------------------------------

    def __enter__(self) -> TrialStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        writable = self.path is not None and not self.read_only and not self.broken
        if writable and hasattr(self, "_store"):
            self._store.flush()
        # pyoxigraph releases the database when the object goes.
        self.__dict__.pop("_store", None)
        self._unlock()

    def _unlock(self) -> None:
        descriptor = getattr(self, "_lock", None)
        if descriptor is not None and descriptor in HELD_LOCKS:  # not a forked child's copy
            HELD_LOCKS.discard(descriptor)
            with contextlib.suppress(OSError):
                os.close(descriptor)  # closing the descriptor releases the lock
        self._lock = None

    def __del__(self) -> None:
        self._unlock()

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store, for users who want it."""
        try:
            return self._store
        except AttributeError:
            raise StoreError("the store is closed") from None

    # -- writing --------------------------------------------------------------------------

    def replace_graphs(self, graphs: list[str], nquads: bytes) -> None:
        """Replace the named graphs with the given N-Quads, in transactions (small writes)."""
        store = self.oxigraph
        try:
            self.replaced_graphs += self._remove_graphs(graphs)
            if nquads:
                store.load(nquads, format=ox.RdfFormat.N_QUADS)
        except OSError as error:
            raise self.write_failure(error) from error
        except SyntaxError as error:
            raise StoreError(f"cannot write to the store: {error}") from error

    def write_failure(self, error: OSError) -> StoreWriteError:
        """The error for a write the disk refused; no flush is tried after it."""
        self.broken = True
        text = str(error)
        if error.errno == errno.ENOSPC or "No space left on device" in text:
            return StoreWriteError(
                f"no space left on device for the store at {self.path}: the build stopped; "
                "every trial the store holds is whole: free some space and build again"
            )
        return StoreWriteError(f"cannot write to the store at {self.path}: {text}")

    def write_chunk(
        self,
        graphs: list[str],
        nquads: bytes,
        quads: int,
        *,
        slot: int = 0,
        checked: bool = False,
        keep_journal: bool = False,
    ) -> None:
        """Write whole trial graphs in bulk, replacing older versions of them.

        ``quads`` is the number of lines in ``nquads``. Each graph ends up whole
        or absent whenever the process stops (see the module's notes). Writers
        on several threads each use their own ``slot`` (journal file), and must
        not write the same graph at once. ``checked``: the caller has checked
        every IRI (the build's workers do), so the loader skips its own check.
        ``keep_journal``: the caller clears the journal (``clear_journal``) once the
        write may stand, e.g. once the chunks before it are written too.
        A disk that refuses the write raises ``StoreWriteError``; a refused text,
        ``StoreError``.
        """
        store = self.oxigraph
        try:
            self._journal_write(graphs, slot)
            self.replaced_graphs += self._remove_graphs(graphs)
            if nquads:
                if quads < BULK_BATCH_QUADS:
                    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS, lenient=checked)
                else:
                    store.load(nquads, format=ox.RdfFormat.N_QUADS)
        except OSError as error:
            raise self.write_failure(error) from error
        except SyntaxError as error:
            raise StoreError(f"cannot write to the store: {error}") from error
        if not keep_journal:
            self._journal_clear(slot)

    def replace_atomically(self, graphs: list[str], nquads: bytes) -> None:
        """Replace these graphs with the N-Quads in one transaction: a process stopped at
        any point leaves the old versions whole or the new ones whole, never neither.
        (Slower than ``write_chunk``'s bulk load: for graphs the store holds already.)"""
        by_graph: dict[str, list[str]] = {}
        for line in nquads.decode("utf-8").splitlines():
            body, graph, _end = line.rsplit(" ", 2)
            by_graph.setdefault(graph, []).append(body)
        drops = [f"DROP SILENT GRAPH <{name}>" for name in graphs]
        blocks = " ".join(
            f"GRAPH {graph} {{ {' . '.join(lines)} }}" for graph, lines in by_graph.items()
        )
        try:
            held = sum(1 for name in graphs if self.has_graph(name))
            self.oxigraph.update(" ;\n".join([*drops, f"INSERT DATA {{ {blocks} }}"]))
        except OSError as error:
            raise self.write_failure(error) from error
        except SyntaxError as error:
            raise StoreError(f"cannot write to the store: {error}") from error
        self.replaced_graphs += held

    # -- whether the last build finished --------------------------------------------------

    @property
    def unfinished_build(self) -> bool:
        """Whether the last build into this store stopped before it completed."""
        return self.path is not None and (self.path / UNFINISHED).exists()

    def mark_build(self, *, finished: bool) -> None:
        """Mark a build begun (``finished=False``) or completed."""
        if self.path is None:
            return
        if finished:
            (self.path / UNFINISHED).unlink(missing_ok=True)
            return
        try:
            mark_unfinished(self.path)
        except OSError as error:
            raise self.write_failure(error) from error

    def journal(self, graphs: list[str], slot: int) -> None:
        """List these graphs as being written under ``slot``, until ``clear_journal``."""
        try:
            self._journal_write(graphs, slot)
        except OSError as error:
            raise self.write_failure(error) from error

    def clear_journal(self, slot: int) -> None:
        self._journal_clear(slot)

    def roll_back_unfinished(self) -> int:
        """Remove the graphs of writes whose journals are still there (after a failed build);
        returns how many. On a disk that refuses even that, the journals stay and the
        next writable open finishes the job."""
        try:
            return self._recover(flush=not self.broken)
        except OSError:
            return 0

    def _remove_graphs(self, graphs: Iterable[str]) -> int:
        """Remove those of the named graphs the store holds; returns how many it held."""
        store = self.oxigraph
        removed = 0
        for name in graphs:
            node = ox.NamedNode(name)
            if store.contains_named_graph(node):
                store.remove_graph(node)
                removed += 1
        return removed

    # -- the journal of the chunk being written (``store_folder``) ------------------------

    def _journals(self) -> list[Path]:
        return [] if self.path is None else journals(self.path)

    def _journal_write(self, graphs: list[str], slot: int = 0) -> None:
        if self.path is not None:
            write_journal(self.path, graphs, slot)

    def _journal_clear(self, slot: int = 0) -> None:
        if self.path is not None:
            clear_journal(self.path, slot)

    def _recover(self, *, flush: bool = True) -> int:
        """Remove the graphs of writes that did not finish; returns how many were there."""
        if self.path is not None:
            drop_partial_journals(self.path)
        pending = self._journals()
        if not pending:
            return 0
        removed = sum(
            self._remove_graphs(path.read_text(encoding="utf-8").splitlines()) for path in pending
        )
        if flush:
            self.oxigraph.flush()
        for path in pending:
            path.unlink(missing_ok=True)
        return removed

    @property
    def interrupted_write(self) -> bool:
        """Whether a build stopped while writing; the next build (or writable open) cleans up."""
        return bool(self._journals())

    def remove_trials(self, nct_ids: Iterable[str]) -> dict[str, int]:
        """Remove every graph (every source) of these trials; returns, for each trial the
        store held, how many graphs went. The graphs are journaled first, like a build's
        write: a removal cut short is completed when the store is next opened for writing.
        Call ``prune_shared`` afterwards to drop what only these trials named, then
        ``trialkg.summary.refresh_summary`` (as ``trialkg remove`` does)."""
        graphs = {nct_id: self.graphs_of_trial(nct_id) for nct_id in sorted(set(nct_ids))}
        found = {nct_id: names for nct_id, names in graphs.items() if names}
        self.remove_sources([name for names in found.values() for name in names])
        return {nct_id: len(names) for nct_id, names in found.items()}

    def remove_sources(self, graphs: list[str]) -> int:
        """Remove these source graphs, journaled first like a build's write; returns how
        many there were. Call ``prune_shared`` and ``refresh_summary`` afterwards."""
        self._journal_write(graphs)
        removed = self._remove_graphs(graphs)
        self.replaced_graphs += removed
        self._journal_clear()
        return removed

    def prune_shared(self) -> int:
        """Remove what the shared graph says of nodes no trial graph names any more (a
        drug only a replaced or removed version of a record gave); returns the statements
        removed. What the kept nodes point to (link records, a salt's ingredient) stays."""
        store = self.oxigraph
        query = f"SELECT DISTINCT ?s WHERE {{ GRAPH <{vocab.SHARED_GRAPH}> {{ ?s ?p ?o }} }}"
        result = store.query(query)
        assert isinstance(result, ox.QuerySolutions)
        subjects = {row["s"] for row in result}

        def in_trial_graphs(node: ox.NamedNode | ox.BlankNode) -> bool:
            return any(
                quad.graph_name != SHARED and quad.graph_name != SUMMARY
                for pattern in (
                    store.quads_for_pattern(None, None, node),
                    store.quads_for_pattern(node, None, None),
                )
                for quad in pattern
            )

        kept = {node for node in subjects if in_trial_graphs(node)}
        # Nodes only the shared graph names stay when a kept node points to them.
        waiting = subjects - kept
        while waiting:
            reached = {
                node
                for node in waiting
                if any(q.subject in kept for q in store.quads_for_pattern(None, None, node, SHARED))
            }
            if not reached:
                break
            kept |= reached
            waiting -= reached
        removed = 0
        for node in sorted(waiting, key=str):
            for quad in list(store.quads_for_pattern(node, None, None, SHARED)):
                store.remove(quad)
                removed += 1
        return removed

    def flush(self) -> None:
        if self.path is not None and not self.read_only and not self.broken:
            try:
                self.oxigraph.flush()
            except OSError as error:
                raise self.write_failure(error) from error

    def optimize(self) -> None:
        """Compact the database: merges the table files that bulk loads leave behind."""
        try:
            self.oxigraph.optimize()
        except OSError as error:
            raise StoreError(f"cannot compact the store: {error}") from error

    def disk_size(self) -> int:
        """Bytes of the database's table files (0 for a store in memory)."""
        return 0 if self.path is None else table_bytes(self.path)


def open_store(
    path: str | os.PathLike[str] | None = None, *, read_only: bool = False, create: bool = True
) -> TrialStore:
    """Open a trial store, creating it unless ``create`` is false.

    Args:
        path: the store's folder on disk; ``None`` keeps the store in memory.
        read_only: open without write access, so that other readers can share it.
        create: create the folder when it does not exist yet.

    Returns:
        A ``TrialStore``; ``rdflib_dataset()`` and ``trial_graph(nct_id)`` hand its
        graphs to rdflib, ``oxigraph`` is the underlying pyoxigraph store.

    Raises:
        StoreError: when the folder is not a trial store, or is missing and
            ``create`` is false.
    """
    return TrialStore(path, read_only=read_only, create=create)
