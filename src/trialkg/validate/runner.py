"""Validation: the SHACL shapes checked on the store, with pyshacl's verdicts.

By default the shapes are compiled to SPARQL queries (``trialkg.validate.compiler``)
that run on the store itself, on threads that share the one open store (the
engine evaluates a query without holding the GIL): the engine scans its indexes
and only the failing nodes come back to Python.
The report is the one plain pyshacl gives on the whole store as one rdflib graph
(``inference="none"``): the same focus nodes, paths, values, messages and
severities (tests/test_validate_equivalence.py holds it to that). Shapes the
compiler does not translate are left to pyshacl, run on rdflib graphs of chunks
of trials; ``engine="pyshacl"`` runs every shape that way (about 20 times slower).
The results are merged into one report, grouped by trial, naming the field.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import cache
from typing import TypeVar

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import SH

from trialkg.errors import ValidationError
from trialkg.progress import OnProgress, Progress
from trialkg.rdf import iri, vocab
from trialkg.rdf.convert import ox_to_rdflib, to_rdflib_graph
from trialkg.resources import resource_dir
from trialkg.store import TrialStore
from trialkg.validate.checks import CANDIDATES, Check, iter_checks
from trialkg.validate.compiler import Compiler, compile_shapes
from trialkg.validate.shape_values import still_fails

T = TypeVar("T")
R = TypeVar("R")
Term = ox.NamedNode | ox.BlankNode | ox.Literal


def _solutions(store: ox.Store, query: str) -> ox.QuerySolutions:
    """The rows of a SELECT query on the union of all graphs."""
    result = store.query(query, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return result


@dataclass(frozen=True, slots=True, order=True)
class Violation:
    trial: str  # NCT id, or "" for a node shared by several trials
    focus: str
    path: str
    message: str
    severity: str
    value: str = ""
    # The shape whose constraint failed (sh:sourceShape), when it has an IRI; left out of
    # comparisons, as the engines may name a node shape or its property shape.
    shape: str = field(default="", compare=False)


@dataclass(slots=True)
class ValidationReport:
    trials: int = 0
    triples: int = 0
    violations: list[Violation] = field(default_factory=list)

    @property
    def conforms(self) -> bool:
        return not any(v.severity == "Violation" for v in self.violations)

    def text(self) -> str:
        """A report a person can read: grouped by trial, naming the field."""
        if not self.violations:
            return f"conforms: {self.trials} trials, {self.triples} triples checked\n"
        lines: list[str] = []
        current = None
        for v in sorted(self.violations):
            if v.trial != current:
                current = v.trial
                lines.append(f"{v.trial or 'shared nodes'}:")
            field_name = _short(v.path) if v.path else "(node)"
            value = f" (value: {v.value})" if v.value else ""
            lines.append(
                f"  {v.severity.lower()}: {field_name} of {_short(v.focus)}: {v.message}{value}"
            )
        failing = len({v.trial for v in self.violations})
        lines.append(
            f"does not conform: {len(self.violations)} results in {failing} of {self.trials} trials"
        )
        return "\n".join(lines) + "\n"


def _short(value: str) -> str:
    for prefix, namespace in sorted(vocab.PREFIXES.items(), key=lambda item: -len(item[1])):
        if value.startswith(namespace):
            return f"{prefix}:{value[len(namespace) :]}"
    return value


@cache
def shapes_graph() -> rdflib.Graph:
    """Every shapes file under shapes/, as one graph."""
    graph = rdflib.Graph()
    folder = resource_dir("shapes")
    files = sorted(folder.glob("*.ttl"))
    if not files:
        raise ValidationError(f"no SHACL shapes in {folder}")
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except Exception as error:  # rdflib raises many parser types
            raise ValidationError(f"cannot read the shapes file {path.name}: {error}") from error
    return graph


def _trial_of(value: str) -> str:
    return iri.trial_of(value) or ""


def validate_graph(graph: rdflib.Graph, shapes: rdflib.Graph | None = None) -> list[Violation]:
    """pyshacl's results on one rdflib graph (by default with every shape)."""
    conforms, results, _ = shacl_validate(
        graph,
        shacl_graph=shapes if shapes is not None else shapes_graph(),
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
    )
    if conforms:
        return []
    assert isinstance(results, rdflib.Graph)
    violations = []
    # The report's own results; nested shapes' results hang below them as sh:detail.
    reports = list(results.subjects(rdflib.RDF.type, SH.ValidationReport))
    for result in (r for report in reports for r in results.objects(report, SH.result)):
        focus = str(results.value(result, SH.focusNode) or "")
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        severity = results.value(result, SH.resultSeverity)
        value = results.value(result, SH.value)
        source = results.value(result, SH.sourceShape)
        violations.append(
            Violation(
                trial=_trial_of(focus),
                focus=focus,
                path=str(path) if isinstance(path, rdflib.URIRef) else "",
                message=str(message or "does not conform"),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                value=str(value) if value is not None else "",
                shape=str(source) if isinstance(source, rdflib.URIRef) else "",
            )
        )
    return violations


# -- running: compiled checks on the store, pyshacl for the rest ------------------------------

# Candidate rows are handed on in batches, and a query's rows are kept for the next check
# of the same query only when there are at most _CACHED_ROWS of them, so that memory does
# not grow with the store.
_CACHED_ROWS = 20_000
_BATCH_ROWS = 5_000

Rows = list[tuple[Term, Term | None]]


def _run_checks(checks: list[Check], store: ox.Store) -> list[Violation]:
    """The results of checks that share one query, its rows reused when they are few."""
    cache: dict[str, Rows] = {}
    found: list[Violation] = []
    for check in checks:
        found.extend(_run_check(check, store, cache))
    return found


def _run_check(check: Check, store: ox.Store, cache: dict[str, Rows]) -> list[Violation]:
    """The results of one compiled check, its candidate rows taken in batches."""
    found: list[Violation] = []
    for rows in _candidates(store, check, cache):
        if (check.targets or check.confirm) and not all(
            isinstance(focus, ox.NamedNode) for focus, _ in rows
        ):
            # Blank focus nodes cannot be named in a query: join the targets instead.
            joined = [
                (row["this"], row["value"] if check.has_value else None)
                for row in _solutions(store, check.joined)
            ]
            return _violations(check, joined)
        if check.targets:
            members = _focus_members(store, check.targets, {focus.value for focus, _ in rows})
            rows = [(focus, value) for focus, value in rows if focus.value in members]
        if check.confirm and rows:
            kept = _confirmed(store, check.confirm, {focus.value for focus, _ in rows})
            rows = [(focus, value) for focus, value in rows if focus.value in kept]
        found.extend(_violations(check, rows))
    return found


def _violations(check: Check, rows: Iterable[tuple[Term, Term | None]]) -> list[Violation]:
    found = []
    for focus, value in rows:
        if check.value_is_focus:
            value = focus
        if (
            check.recheck is not None
            and value is not None
            and not still_fails(check.recheck, ox_to_rdflib(value))
        ):
            continue
        found.append(
            Violation(
                trial=_trial_of(focus.value),
                focus=focus.value,
                path=check.path,
                message=check.message,
                severity=check.severity,
                value=value.value if value is not None else "",
                shape=check.shape if check.shape.startswith(("http://", "https://")) else "",
            )
        )
    return found


def _candidates(store: ox.Store, check: Check, cache: dict[str, Rows]) -> Iterator[Rows]:
    """The rows of a check's query, in batches."""
    cached = cache.get(check.query) if check.targets else None
    if cached is not None:
        for start in range(0, len(cached), _BATCH_ROWS):
            yield cached[start : start + _BATCH_ROWS]
        return
    kept: Rows | None = [] if check.targets else None
    batch: Rows = []
    for row in _solutions(store, check.query):
        batch.append((row["this"], row["value"] if check.has_value else None))
        if len(batch) == _BATCH_ROWS:
            if kept is not None:
                kept.extend(batch)
                if len(kept) > _CACHED_ROWS:
                    kept = None
            yield batch
            batch = []
    if kept is not None:
        kept.extend(batch)
        cache[check.query] = kept
    if batch:
        yield batch


def _by_query(checks: Iterable[Check]) -> list[list[Check]]:
    """The checks in groups that share a query, the most expensive group first (for an
    even spread over threads)."""
    groups: dict[str, list[Check]] = {}
    for check in iter_checks(list(checks)):
        groups.setdefault(check.query, []).append(check)
    return list(groups.values())


def _focus_members(store: ox.Store, targets: str, candidates: set[str]) -> set[str]:
    """Those of the candidate IRIs that are focus nodes of a shape."""
    return _confirmed(
        store, f"SELECT ?this WHERE {{ VALUES ?this {{ {CANDIDATES} }} {targets} }}", candidates
    )


def _confirmed(store: ox.Store, query: str, candidates: set[str], batch: int = 500) -> set[str]:
    """Those of the candidate IRIs a query gives as ?this, with CANDIDATES in it replaced
    by batches of them."""
    kept: set[str] = set()
    ordered = sorted(candidates)
    for start in range(0, len(ordered), batch):
        values = " ".join(f"<{node}>" for node in ordered[start : start + batch])
        rows = _solutions(store, query.replace(CANDIDATES, values))
        kept.update(row["this"].value for row in rows)
    return kept


@cache
def compiled_checks(subclassing: bool) -> tuple[tuple[Check, ...], tuple[str, ...]]:
    """The shapes as SPARQL checks, and the shapes that only pyshacl can run."""
    checks, left = compile_shapes(shapes_graph(), subclassing=subclassing)
    return tuple(checks), tuple(str(s) for s in left)


def _fallback_shapes(left: tuple[str, ...]) -> rdflib.Graph:
    """The shapes graph with every compiled top-level shape switched off."""
    graph = rdflib.Graph()
    for triple in shapes_graph():
        graph.add(triple)
    wanted = set(left)
    for shape in Compiler(shapes_graph()).top_level_shapes():
        if str(shape) not in wanted:
            graph.add((shape, SH.deactivated, rdflib.Literal(True)))
    return graph


_IRI = re.compile(rb"<([^>]*)>")


def _chunks(store: TrialStore, chunk_trials: int) -> Iterator[tuple[tuple[str, ...], bytes]]:
    """N-Triples of chunks of trials (all graphs of a trial together), read from the store,
    with what the store says of the other nodes they name: shared nodes (from the shared
    graph) and, in a store edited by hand, another trial's parts."""
    trials: list[str] = []
    parts: list[bytes] = []
    last = None

    def chunk() -> tuple[tuple[str, ...], bytes]:
        text = b"".join(parts)
        own = set(trials)
        shared: set[str] = set()
        foreign: set[str] = set()
        for match in {m.decode() for m in _IRI.findall(text)}:
            owner = iri.trial_of(match)
            if owner is None and match.startswith(vocab.ID):
                shared.add(match)
            elif owner is not None and owner not in own:
                foreign.add(match)
        about = itertools.chain(
            store.shared_quads(shared),
            *(
                store.oxigraph.quads_for_pattern(ox.NamedNode(n), None, None)
                for n in sorted(foreign)
            ),
        )
        more = ox.serialize(
            (ox.Triple(q.subject, q.predicate, q.object) for q in about),
            format=ox.RdfFormat.N_TRIPLES,
        )
        return tuple(trials), text + (more or b"")

    for name in store.graph_names():
        if name in (vocab.SHARED_GRAPH, vocab.SUMMARY_GRAPH):
            continue
        trial = _trial_of(name)
        if trial != last and len(trials) >= chunk_trials:
            yield chunk()
            trials, parts = [], []
        if trial != last:
            trials.append(trial)
            last = trial
        node = ox.NamedNode(name)
        text = store.oxigraph.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node) or b""
        parts.append(text)
    if trials:
        yield chunk()


_FALLBACK_SHAPES: rdflib.Graph | None = None


def _validate_chunk(args: tuple[tuple[str, ...], bytes]) -> tuple[int, list[Violation]]:
    """pyshacl on a chunk: its number of trials and its results. The chunk answers for its
    own trials' nodes and shared nodes (another trial's node it names is there for
    lookups only: its own chunk answers)."""
    trials, ntriples = args
    graph = to_rdflib_graph(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    assert _FALLBACK_SHAPES is not None
    own = set(trials)
    found = validate_graph(graph, _FALLBACK_SHAPES)
    return len(trials), [v for v in found if not v.trial or v.trial in own]


def _map(function: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """``function`` over ``items`` on ``workers`` processes (pyshacl holds the GIL)."""
    if workers <= 1:
        yield from map(function, items)
        return
    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    with context.Pool(workers) as pool:
        yield from pool.imap_unordered(function, items)


def validate_store(
    store: TrialStore,
    *,
    chunk_trials: int = 200,
    workers: int = 1,
    engine: str = "sparql",
    on_progress: OnProgress | None = None,
) -> ValidationReport:
    """Validate every trial in the store against the shipped SHACL shapes.

    The verdicts are pyshacl's on the whole graph, however they are computed.

    Args:
        store: the store to validate.
        chunk_trials: trials per pyshacl run (``engine="pyshacl"`` only).
        workers: threads (``sparql``) or processes (``pyshacl``) to use.
        engine: ``"sparql"`` runs the shapes compiled to SPARQL queries on the
            store (``trialkg.validate.compiler``) and leaves to pyshacl only the
            shapes it cannot compile; ``"pyshacl"`` runs every shape through pyshacl.
        on_progress: told about once a second the checks done (with pyshacl, the
            trials), all of them, and the seconds since the start.

    Returns:
        A ``ValidationReport``: ``conforms``, the trials and triples checked, and
        each ``Violation`` with its trial, focus node, path and message.

    Raises:
        ValidationError: for an unknown engine or a shapes file that cannot be read.
    """
    global _FALLBACK_SHAPES
    if engine not in {"sparql", "pyshacl"}:
        raise ValidationError(f"unknown validation engine {engine!r}; choose sparql or pyshacl")
    shapes_graph()  # fail early on a broken shapes file
    oxstore = store.oxigraph
    report = ValidationReport(trials=_count_trials(oxstore), triples=len(store))
    subclassing = bool(
        oxstore.query(
            f"ASK {{ ?a <{rdflib.RDFS.subClassOf}> ?b }}", use_default_graph_as_union=True
        )
    )
    found: set[Violation] = set()
    if engine == "sparql":
        checks, left = compiled_checks(subclassing)
        progress = Progress(len(checks), on_progress)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            groups = _by_query(checks)
            running = {pool.submit(_run_checks, group, oxstore): group for group in groups}
            try:
                for future in as_completed(running):
                    found.update(future.result())
                    progress.add(len(running[future]))
            except BaseException:
                pool.shutdown(cancel_futures=True)  # a failed check (or ^C): stop, not finish
                raise
        _FALLBACK_SHAPES = _fallback_shapes(left) if left else None
    else:
        _FALLBACK_SHAPES = shapes_graph()
    if _FALLBACK_SHAPES is not None:
        processes = workers if store.path is not None else 1
        progress = Progress(report.trials, on_progress)
        for count, violations in _map(_validate_chunk, _chunks(store, chunk_trials), processes):
            found.update(violations)
            progress.add(count)
    report.violations = sorted(found)
    return report


def _count_trials(store: ox.Store) -> int:
    query = f"SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{ ?t a <{vocab.Trial}> }}"
    for row in _solutions(store, query):
        return int(row["n"].value)
    return 0
