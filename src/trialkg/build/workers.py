"""One document's records, read, linked, mapped and checked, as N-Quads for the store.

This is what the build's worker processes run (``process_batch``): each record of a
document becomes its trial graph's N-Quads and the shared-graph lines it adds. A
record whose words make an invalid IRI, or a string no UTF-8 text can hold, is
rejected alone with its field named; the store's loader can then skip its own IRI
check. The main process (``trialkg.build``) gathers the results into chunks.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from trialkg.errors import InputError
from trialkg.linking import Linker, default_linker, linker_for
from trialkg.model import Trial
from trialkg.rdf import vocab
from trialkg.rdf.mapping import MappingOptions, graph_name, map_trial_graphs
from trialkg.rdf.terms import IRI, Lit, Triple, nquads_lines, nquads_text
from trialkg.readers import Document, read_document


@dataclass(slots=True)
class DocumentResult:
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
    # Values of kept records left out because the record contradicts itself there.
    dropped: list[InputError] = field(default_factory=list)
    unreadable: bool = False  # the input itself could not be read (no record counted)


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
    are remembered (those of the lexicon's concepts recur in every trial), up to ``limit``.
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


def trial_nquads(
    trial: Trial,
    options: MappingOptions,
    digest: str | None = None,
    linker: Linker | None = None,
    seen: SharedTriples | None = None,
) -> TrialQuads:
    """A trial's N-Quads; an ``InputError`` naming the field if an IRI made from the
    record is not a valid IRI. With ``seen``, the shared-graph lines are only those of
    triples it does not hold, and it holds them once the trial is mapped whole."""
    linker = linker if linker is not None else default_linker()
    own, shared = map_trial_graphs(trial, linker.link_trial(trial), options)
    if seen is not None:
        shared = seen.new(shared)
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
            kind="invalid-iri",
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
            kind="invalid-iri",
        ) from None
    if seen is not None:
        seen.remember(shared)
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


class SharedTriples:
    """The shared-graph triples a worker has already sent in this build.

    Most of a trial's shared triples (a drug's label and ids, a condition's tree
    numbers) were sent with an earlier trial; leaving them out before they are
    written as text saves writing and hashing them again. Only the triples of a
    trial mapped whole are remembered, so that a rejected record's triples still go
    out with the next trial that names them. Bounded like ``SharedLines``.
    """

    def __init__(self, limit: int = 400_000) -> None:
        self.limit = limit
        self._seen: set[Triple] = set()

    def new(self, triples: list[Triple]) -> list[Triple]:
        """The triples not sent before (not yet remembered)."""
        seen = self._seen
        return [t for t in triples if t not in seen]

    def remember(self, triples: list[Triple]) -> None:
        if len(self._seen) > self.limit:
            self._seen.clear()
        self._seen.update(triples)

    def clear(self) -> None:
        self._seen.clear()


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
_WORKER_SHARED = SharedTriples()


def forget_shared_lines() -> None:
    """Clear this process's memory of the shared triples it sent: before a build forks its workers,
    so that each starts with an empty copy."""
    _WORKER_SHARED.clear()


@dataclass(frozen=True, slots=True)
class RecordOptions:
    """What the reading and mapping of a record depend on besides its bytes."""

    format: str | None = None  # force a reader instead of detecting one
    include_contacts: bool = False
    overlay: str = ""  # the overlay file the build links with ("": none)
    links: str | None = None  # the fingerprint of the build's lexicon and overlay
    include_results: bool = True


def process_document(document: Document, digest: str, options: RecordOptions) -> DocumentResult:
    result = DocumentResult(document.name, digest)
    mapping = MappingOptions(
        include_contacts=options.include_contacts, include_results=options.include_results
    )
    linker = linker_for(options.overlay, fingerprint=options.links)
    texts: dict[str, tuple[bytes, int]] = {}  # graph -> (N-Quads, triples); a later record wins
    for item in read_document(document, format=options.format):
        if isinstance(item, InputError):
            result.errors.append(item)
            continue
        try:
            mapped = trial_nquads(item, mapping, digest, linker, _WORKER_SHARED)
        except InputError as error:
            result.errors.append(error.located(file=document.name, record=item.nct_id))
            continue
        if item.results is not None and options.include_results:
            result.dropped.extend(
                InputError(
                    problem.message, file=document.name, record=item.nct_id, field=problem.field
                )
                for problem in item.results.problems
            )
        graph = mapped.graph
        result.shared.extend(mapped.shared)
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


Task = tuple[Document, str, RecordOptions] | InputError


def process_batch(batch: list[Task]) -> list[DocumentResult]:
    return [
        DocumentResult(task.file or "", "", errors=[task], unreadable=True)
        if isinstance(task, InputError)
        else process_document(*task)
        for task in batch
    ]


# The cyclic collector's thresholds on a worker: a collection after 20,000 new objects
# instead of 700. A trial's triples are tuples that live until its N-Quads are written,
# and with the lexicon frozen away the collector's older generations are small, so
# at the default it walked them over and over: on the legacy bulk's 320 trials with
# results, 4.4 s of mapping CPU against 2.9 s (10.3-11.2 s in all against 13.4-16.1).
_GC_THRESHOLDS = (20_000, 20, 100)


def start_worker() -> None:
    """A worker process sets the lexicon the build loaded before forking aside from
    the cyclic garbage collector: its objects live as long as the process, and each
    full collection would otherwise walk all of them again (about 10% of a worker's CPU).
    It then collects less often (``_GC_THRESHOLDS``)."""
    gc.freeze()
    gc.set_threshold(*_GC_THRESHOLDS)
