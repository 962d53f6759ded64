"""The build: documents -> trials -> links -> triples -> the store, in chunks.

Reading, linking and mapping happen per document, in worker processes when
asked; the main process writes each chunk of trial graphs to the store in one
load. A document whose content (with this trialkg version) was built before is
skipped after a hash lookup, so building the same input again does no work.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from trialkg import __version__
from trialkg.errors import InputError
from trialkg.linking import default_linker
from trialkg.merge import reconcile
from trialkg.model import Trial
from trialkg.rdf import vocab
from trialkg.rdf.mapping import MappingOptions, graph_name, map_trial
from trialkg.rdf.terms import Lit, nquad_line
from trialkg.readers import Document, get_reader, iter_documents, read_document
from trialkg.store import TrialStore


@dataclass(frozen=True, slots=True)
class BuildOptions:
    format: str | None = None  # force a reader instead of detecting one
    strict: bool = False  # stop at the first bad record
    include_contacts: bool = False  # keep phone numbers and e-mails of named people
    workers: int = 1  # processes for reading, linking and mapping
    chunk_trials: int = 2000  # trials per store write
    force: bool = False  # rebuild documents even when their content was built before


@dataclass(slots=True)
class BuildReport:
    documents: int = 0
    records_read: int = 0
    built: int = 0
    rejected: int = 0
    unchanged_documents: int = 0
    triples: int = 0
    seconds: float = 0.0
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
        return ", ".join(parts)


@dataclass(slots=True)
class _DocumentResult:
    """What one document gives: N-Quads text, the graphs it fills, and its errors."""

    name: str
    digest: str
    nquads: str = ""
    graphs: list[str] = field(default_factory=list)
    trials: int = 0
    triples: int = 0
    errors: list[InputError] = field(default_factory=list)


def content_hash(document: Document, format: str | None) -> str:
    digest = hashlib.sha256()
    digest.update(f"trialkg {__version__} {format or 'auto'}\n".encode())
    digest.update(document.data)
    return digest.hexdigest()


def trial_nquads(trial: Trial, options: MappingOptions, digest: str | None = None) -> tuple[str, str, int]:
    """The N-Quads text of one trial's graph, its graph name and its triple count."""
    triples = map_trial(trial, default_linker().link_trial(trial), options)
    graph = graph_name(trial)
    if digest is not None:
        triples.append((graph, vocab.TKG + "sourceHash", Lit(digest)))
    return "".join(nquad_line(s, p, o, graph) for s, p, o in triples), graph, len(triples)


def _process(args: tuple[Document, str, BuildOptions]) -> _DocumentResult:
    document, digest, options = args
    result = _DocumentResult(document.name, digest)
    mapping = MappingOptions(include_contacts=options.include_contacts)
    chunks: list[str] = []
    seen: set[str] = set()
    for item in read_document(document, format=options.format):
        if isinstance(item, InputError):
            result.errors.append(item)
            continue
        try:
            text, graph, count = trial_nquads(item, mapping, digest)
        except InputError as error:
            result.errors.append(error.located(file=document.name, record=item.nct_id))
            continue
        if graph in seen:
            result.errors.append(
                InputError(
                    "the same trial appears twice in one file; the later record is kept",
                    file=document.name,
                    record=item.nct_id,
                )
            )
            # The later record replaces the earlier one.
            chunks = [c for c in chunks if f"<{graph}> .\n" not in c]
            result.trials -= 1
        seen.add(graph)
        chunks.append(text)
        result.graphs.append(graph)
        result.trials += 1
        result.triples += count
    result.graphs = list(dict.fromkeys(result.graphs))
    result.nquads = "".join(chunks)
    return result


def _results(
    items: Iterator[tuple[Document, str, BuildOptions]], workers: int
) -> Iterator[_DocumentResult]:
    if workers <= 1:
        yield from map(_process, items)
        return
    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with context.Pool(workers) as pool:
        yield from pool.imap(_process, items, chunksize=8)


class _Chunk:
    def __init__(self) -> None:
        self.graphs: list[str] = []
        self.graph_set: set[str] = set()
        self.parts: list[str] = []
        self.trials = 0

    def clashes(self, graphs: Iterable[str]) -> bool:
        return any(g in self.graph_set for g in graphs)

    def add(self, result: _DocumentResult) -> None:
        self.graphs.extend(result.graphs)
        self.graph_set.update(result.graphs)
        self.parts.append(result.nquads)
        self.trials += result.trials


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
    the records before it are written whole.
    """
    if options.format is not None:
        get_reader(options.format)  # an unknown format name fails the whole build at once
    report = BuildReport()
    started = time.perf_counter()
    pending_errors: list[InputError] = []

    def fail(error: InputError) -> None:
        report.errors.append(error)
        report.rejected += 1
        if on_error is not None:
            on_error(error)

    def items() -> Iterator[tuple[Document, str, BuildOptions]]:
        for item in iter_documents(paths):
            if isinstance(item, InputError):
                pending_errors.append(item)
                continue
            report.documents += 1
            digest = content_hash(item, options.format)
            if not options.force and store.has_source_hash(digest):
                report.unchanged_documents += 1
                continue
            yield item, digest, options

    chunk = _Chunk()
    built_ids: set[str] = set()

    def write() -> None:
        nonlocal chunk
        if chunk.graphs:
            store.replace_graphs(chunk.graphs, "".join(chunk.parts).encode("utf-8"))
        chunk = _Chunk()

    try:
        for result in _results(items(), options.workers):
            while pending_errors:
                fail(pending_errors.pop(0))
                if options.strict:
                    raise report.errors[-1]
            report.records_read += result.trials + len(result.errors)
            for error in result.errors:
                fail(error)
                if options.strict:
                    raise error
            if chunk.clashes(result.graphs):
                write()
            chunk.add(result)
            built_ids.update(g[len(vocab.GRAPH) :].split("/", 1)[0] for g in result.graphs)
            report.built += result.trials
            report.triples += result.triples
            if chunk.trials >= options.chunk_trials:
                write()
                if on_progress is not None:
                    report.seconds = time.perf_counter() - started
                    on_progress(report)
        for error in pending_errors:
            fail(error)
            if options.strict:
                raise error
    finally:
        write()
        # Trials that now have several sources: the most authoritative speaks for them.
        reconcile(store, built_ids)
        store.flush()
        report.seconds = time.perf_counter() - started
    return report


def build_trials(
    store: TrialStore, trials: Iterable[Trial], *, include_contacts: bool = False
) -> BuildReport:
    """Write trials the caller already has (from a reader or made in code) to the store."""
    report = BuildReport()
    options = MappingOptions(include_contacts=include_contacts)
    built_ids = set()
    for trial in trials:
        text, graph, count = trial_nquads(trial, options)
        store.replace_graphs([graph], text.encode("utf-8"))
        built_ids.add(trial.nct_id)
        report.records_read += 1
        report.built += 1
        report.triples += count
    reconcile(store, built_ids)
    store.flush()
    return report
