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
same format, options and lexicon (the shipped lexicon's version and the
overlay's entries), is skipped after an index lookup of its content hash, which
every trial graph carries (``tkg:sourceHash``); building the same input again so
does no work beyond reading and hashing it, a newer version of a record replaces
only its trial's graph, and an edited overlay links every record again. A build
that replaced graphs ends by removing what the shared graph says of nodes no
trial names any more (``TrialStore.prune_shared``); with ``remove_missing`` it first
removes the sources whose content hash no document of this build had, so that the
store mirrors the inputs (a newer registry download without what it withdrew).
A build that changed the store ends by computing its summary graph again
(``trialkg.summary``: the whole-store aggregates named queries read).
The writer threads are in ``trialkg.build.writer``; the options and the report in
``trialkg.build.options``.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from trialkg.build.merge import reconcile
from trialkg.build.options import BuildOptions as BuildOptions
from trialkg.build.options import BuildReport as BuildReport
from trialkg.build.options import build_context, build_overlay, content_hash
from trialkg.build.workers import (
    RecordOptions,
    SharedLines,
    Task,
    forget_shared_lines,
    process_batch,
    start_worker,
    trial_nquads,
)
from trialkg.build.writer import Chunk, Writer
from trialkg.errors import InputError, StoreWriteError
from trialkg.linking import linker_for
from trialkg.linking.lexicon import linking_fingerprint
from trialkg.model import Trial
from trialkg.progress import INTERVAL
from trialkg.rdf import iri
from trialkg.rdf.mapping import MappingOptions
from trialkg.readers import Document, get_reader, iter_documents
from trialkg.store import BULK_BATCH_QUADS, TrialStore
from trialkg.summary import has_summary, refresh_summary

T = TypeVar("T")
R = TypeVar("R")


def _bounded_map(
    function: Callable[[T], R], items: Iterator[T], workers: int, window: int
) -> Iterator[R]:
    """``map`` on worker processes, in order, with at most ``window`` tasks in flight.

    ``Pool.imap`` would read the whole input ahead of the workers; this keeps
    memory at a few batches. The workers start with the first item: input that
    is all built already (an unchanged rebuild) loads no lexicon.
    """
    if workers <= 1:
        yield from map(function, items)
        return
    try:
        first = next(items)
    except StopIteration:
        return
    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with context.Pool(workers, initializer=start_worker) as pool:
        pending: deque[multiprocessing.pool.AsyncResult[R]] = deque()
        for item in itertools.chain([first], items):
            pending.append(pool.apply_async(function, (item,)))
            if len(pending) >= window:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


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
    on_dropped: Callable[[InputError], None] | None = None,
) -> BuildReport:
    """Build the trials under ``paths`` into ``store``; bad records are reported and skipped.

    Args:
        store: the store to write into (``open_store(path)``, or ``open_store()`` in memory).
        paths: files, folders (read recursively) and zip archives, in any mix of formats.
        options: how to read and write (see ``BuildOptions``).
        on_error: called with each bad record's ``InputError`` as it is found.
        on_progress: called about once a second with the report so far.
        on_dropped: called with each value a kept record contradicts (more
            participants affected than at risk, say), which is left out.

    Returns:
        The ``BuildReport``. A trial's graphs are replaced when its source is built
        again; a document whose content the store already holds is skipped.

    Raises:
        InputError: with ``options.strict``, the first bad record's error, after the
            records before it were written whole.
        StoreError: when the store cannot be written.
    """
    if options.format is not None:
        get_reader(options.format)  # an unknown format name fails the whole build at once
    paths = list(paths)
    report = BuildReport()
    if on_progress is not None:
        report.documents_total = count_documents(paths)
    started = time.perf_counter()
    chunk_quads = min(options.chunk_quads, BULK_BATCH_QUADS - 50_000)
    # The build links with one lexicon and overlay, read now (a bad overlay fails the
    # build at once) and named by its fingerprint: the workers link with the linker of
    # that fingerprint, and the content hashes carry it.
    overlay = build_overlay(options)
    fingerprint = linking_fingerprint(overlay)
    context = build_context(options, fingerprint)
    record_options = RecordOptions(
        options.format,
        options.include_contacts,
        overlay,
        fingerprint,
        include_results=options.include_results,
    )
    linker_loaded = False
    replaced_before = store.replaced_graphs
    seen: set[str] = set()  # every document's content hash, for remove_missing

    def fail(error: InputError) -> None:
        report.reject(error)
        if on_error is not None:
            on_error(error)

    def batches() -> Iterator[list[Task]]:
        # Unreadable inputs travel with the documents, so that errors come out in input order.
        waiting: list[tuple[Document, str] | InputError] = []

        def changed() -> list[Task]:
            nonlocal linker_loaded
            digests = [item[1] for item in waiting if not isinstance(item, InputError)]
            if options.remove_missing:
                seen.update(digests)
            known = set() if options.force else store.known_source_hashes(digests)
            report.unchanged_documents += sum(1 for d in digests if d in known)
            tasks = [
                item if isinstance(item, InputError) else (item[0], item[1], record_options)
                for item in waiting
                if isinstance(item, InputError) or item[1] not in known
            ]
            if not linker_loaded and any(not isinstance(t, InputError) for t in tasks):
                # Loaded here, before the workers fork, so that they share it; an input
                # that is all built already loads no lexicon.
                linker_for(overlay, fingerprint=fingerprint)
                linker_loaded = True
            return tasks

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

    chunk = Chunk()
    writer = Writer(store, options.writers)
    last_progress = started

    def flush_chunk() -> None:
        nonlocal chunk
        if chunk.results:
            writer.put(chunk)
        chunk = Chunk()

    def report_failures() -> None:
        for error, trials in writer.take_failures():
            report.built -= trials
            fail(error)

    forget_shared_lines()  # before the workers fork: each starts with an empty copy
    shared = SharedLines()
    # A build that stopped before its end may have left the summary behind its trials.
    stale = store.unfinished_build or store.recovered_graphs > 0
    try:
        store.mark_build(finished=False)
        try:
            window = max(2, options.workers) * 4
            for results in _bounded_map(process_batch, batches(), options.workers, window):
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
                    report.dropped.extend(result.dropped)
                    if on_dropped is not None:
                        for error in result.dropped:
                            on_dropped(error)
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
                if on_progress is not None and now - last_progress >= INTERVAL:
                    last_progress = now
                    report.seconds = now - started
                    on_progress(report)
        finally:
            try:
                flush_chunk()
            finally:
                writer.close()
                report_failures()
                # What the report counts is what the store holds.
                report.built, report.triples = writer.trials_written, writer.triples_written
        store.flush()
        if options.remove_missing:
            _remove_missing(store, seen, report)
        if store.replaced_graphs > replaced_before:
            # Replaced graphs may have been the last to name a drug, a site's city ...
            report.pruned = store.prune_shared()
        changed = stale or report.built or store.replaced_graphs > replaced_before
        # A store without one was written by a trialkg before the summary graph.
        if changed or not has_summary(store):
            report.summary_seconds = refresh_summary(store)
        # N-Quads text and table files are of a size: compare what was loaded with the store.
        if (
            options.compact
            and writer.written_bytes
            and writer.written_bytes >= COMPACT_SHARE * store.disk_size()
        ):
            store.optimize()
        store.mark_build(finished=True)
    except StoreWriteError as error:
        _stopped(store, report, started, error)
        raise
    except OSError as error:
        failure = store.write_failure(error)
        _stopped(store, report, started, failure)
        raise failure from error
    report.seconds = time.perf_counter() - started
    return report


def _stopped(
    store: TrialStore, report: BuildReport, started: float, error: StoreWriteError
) -> None:
    """After the disk refused a write: roll back the chunks that may not stand, and hand
    the report (what was stored) to the caller with the error."""
    store.roll_back_unfinished()
    report.seconds = time.perf_counter() - started
    error.report = report


def _remove_missing(store: TrialStore, seen: set[str], report: BuildReport) -> None:
    """Remove the sources whose content hash no document of this build had.

    A source of a trial that a rejected record names stays: its newer version could not
    be read, which is not the registry withdrawing it. When a rejection names no trial
    (an unreadable file, a record without an NCT id), or no document was read at all,
    nothing is removed: what the unread input held is unknown.
    """
    missing = [
        (graph, iri.trial_of(graph) or graph)
        for graph, digest in store.source_hashes()
        if digest not in seen
    ]
    if not missing:
        return
    unnamed = report.unnamed_rejections
    if unnamed or not report.documents:
        report.missing_kept = len(missing)
        report.missing_kept_why = (
            f"{unnamed} rejected inputs name no trial" if unnamed else "no input was read"
        )
        return
    rejected = report.rejected_records
    kept = [graph for graph, trial in missing if trial in rejected]
    if kept:
        report.missing_kept = len(kept)
        report.missing_kept_why = "their trials' newer records were rejected"
    gone = [(graph, trial) for graph, trial in missing if trial not in rejected]
    report.missing_removed = store.remove_sources(sorted(graph for graph, _ in gone))
    trials = sorted({trial for _, trial in gone})
    report.missing_trials = [trial for trial in trials if not store.graphs_of_trial(trial)]


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
    replaced_before = store.replaced_graphs
    for trial in trials:
        report.records_read += 1
        try:
            mapped = trial_nquads(trial, options)
        except InputError as error:
            report.reject(error.located(file=trial.source.file))
            continue
        fresh = shared.fresh(mapped.shared)
        store.replace_graphs([mapped.graph], mapped.nquads + "".join(fresh).encode("utf-8"))
        built_ids.add(trial.nct_id)
        report.built += 1
        report.triples += mapped.triples + len(fresh)
    reconcile(store, built_ids)
    if store.replaced_graphs > replaced_before:
        report.pruned = store.prune_shared()
    report.summary_seconds = refresh_summary(store)
    store.flush()
    return report
