"""Validation: the SHACL shapes run by pyshacl on rdflib graphs of chunks of trials.

pyshacl is given plain rdflib graphs (``inference="none"``): one call per chunk
of trials keeps memory bounded and costs far less than one call per trial. The
chunks' reports are merged into one, grouped by trial, naming the field.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import SH

from trialkg.errors import ValidationError
from trialkg.rdf import vocab
from trialkg.rdf.convert import to_rdflib_graph
from trialkg.resources import resource_dir
from trialkg.store import TrialStore


@dataclass(frozen=True, slots=True, order=True)
class Violation:
    trial: str  # NCT id, or "" for a node shared by several trials
    focus: str
    path: str
    message: str
    severity: str
    value: str = ""


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
            lines.append(f"  {v.severity.lower()}: {field_name} of {_short(v.focus)}: {v.message}{value}")
        failing = len({v.trial for v in self.violations})
        lines.append(
            f"does not conform: {len(self.violations)} results in {failing} of {self.trials} trials"
        )
        return "\n".join(lines) + "\n"


def _short(value: str) -> str:
    for prefix, namespace in sorted(vocab.PREFIXES.items(), key=lambda item: -len(item[1])):
        if value.startswith(namespace):
            return f"{prefix}:{value[len(namespace):]}"
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


def _trial_of(iri: str) -> str:
    for prefix in (vocab.CTGOV, vocab.ID + "trial/", vocab.GRAPH):
        if iri.startswith(prefix):
            return iri[len(prefix) :].split("/", 1)[0]
    return ""


def validate_graph(graph: rdflib.Graph) -> list[Violation]:
    """SHACL results of one rdflib graph."""
    conforms, results, _ = shacl_validate(
        graph, shacl_graph=shapes_graph(), inference="none", abort_on_first=False, allow_warnings=True
    )
    if conforms:
        return []
    assert isinstance(results, rdflib.Graph)
    violations = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = str(results.value(result, SH.focusNode) or "")
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        severity = results.value(result, SH.resultSeverity)
        value = results.value(result, SH.value)
        violations.append(
            Violation(
                trial=_trial_of(focus),
                focus=focus,
                path=str(path) if isinstance(path, rdflib.URIRef) else "",
                message=str(message or "does not conform"),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                value=str(value) if value is not None else "",
            )
        )
    return violations


def _chunks(store: TrialStore, chunk_trials: int) -> Iterator[tuple[int, bytes]]:
    """N-Triples of chunks of trials, read from the store."""
    names = store.graph_names()
    trials: list[str] = []
    batch: list[ox.Quad] = []
    last = None
    for name in names:
        trial = _trial_of(name)
        if trial != last and len(trials) >= chunk_trials:
            yield len(trials), ox.serialize(batch, format=ox.RdfFormat.N_QUADS) or b""
            trials, batch = [], []
        if trial != last:
            trials.append(trial)
            last = trial
        batch.extend(store.quads(name))
    if trials:
        yield len(trials), ox.serialize(batch, format=ox.RdfFormat.N_QUADS) or b""


def _validate_chunk(args: tuple[int, bytes]) -> tuple[int, int, list[Violation]]:
    count, nquads = args
    quads = ox.parse(nquads, format=ox.RdfFormat.N_QUADS)
    graph = to_rdflib_graph(quads)
    return count, len(graph), validate_graph(graph)


def validate_store(store: TrialStore, *, chunk_trials: int = 200, workers: int = 1) -> ValidationReport:
    """Validate every trial in the store, in chunks, on ``workers`` processes."""
    report = ValidationReport()
    shapes_graph()  # load once before forking, and fail early on a broken shapes file
    chunks = _chunks(store, chunk_trials)
    if workers <= 1:
        results: Iterator[tuple[int, int, list[Violation]]] = map(_validate_chunk, chunks)
        for count, triples, violations in results:
            report.trials += count
            report.triples += triples
            report.violations.extend(violations)
    else:
        context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        with context.Pool(workers) as pool:
            for count, triples, violations in pool.imap(_validate_chunk, chunks):
                report.trials += count
                report.triples += triples
                report.violations.extend(violations)
    report.violations = sorted(set(report.violations))
    return report
