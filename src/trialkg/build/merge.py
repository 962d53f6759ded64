"""One trial node when several sources describe one trial.

Every source of a trial keeps its own named graph with its provenance. The most
authoritative source speaks for the trial: its graph uses the trial's IRI
(``https://clinicaltrials.gov/study/NCT…``) and the trial's part IRIs. Every other
source's graph is a *view*: the same triples, with the trial node and its parts
renamed under ``…/trial/NCT…/view/{source}/``, the trial node typed
``tkg:TrialView`` and tied to the trial by ``tkg:viewOf``. Queries that start
from ``tkg:Trial`` so see each trial once, with the preferred source's facts,
while every source's own statements stay queryable.

Authority: a structured registry record (JSON, XML) before a page; then the
newer record (its own last-update date); then the source key, for a stable order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

import pyoxigraph as ox

from trialkg.rdf import iri, vocab
from trialkg.rdf.iri import STRUCTURED_READERS
from trialkg.store import TrialStore

_TKG = vocab.TKG
VIEW_OF = ox.NamedNode(_TKG + "viewOf")
TRIAL_VIEW = ox.NamedNode(_TKG + "TrialView")
TRIAL = ox.NamedNode(vocab.Trial)
TYPE = ox.NamedNode(vocab.TYPE)
DESCRIBES = ox.NamedNode(_TKG + "describes")
SOURCE_FORMAT = ox.NamedNode(_TKG + "sourceFormat")
LAST_UPDATE = ox.NamedNode(_TKG + "recordLastUpdate")
PARTIAL = ox.NamedNode(_TKG + "partial")

# Any term a quad may hold; ``_rename`` gives back the kind it was given or a NamedNode.
_Term = TypeVar("_Term", bound=ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple)


@dataclass(frozen=True, slots=True)
class _Source:
    graph: str
    key: str
    reader: str
    last_update: str
    partial: bool
    is_view: bool

    def rank(self) -> tuple[int, int, str, str]:
        """Smaller is more authoritative."""
        structured = 0 if self.reader in STRUCTURED_READERS else 1
        # Newer first: invert the ISO date's characters so that sorting ascends.
        newer = "".join(chr(0x10FFFF - ord(c)) for c in self.last_update)
        return (structured, 1 if self.partial else 0, newer, self.key)


def _view_base(nct_id: str, key: str) -> str:
    return iri.part(nct_id, "view", key)


def _first_value(store: TrialStore, graph: ox.NamedNode, predicate: ox.NamedNode) -> str:
    """The value of the graph node's first ``predicate`` statement in its own graph, or ""."""
    for quad in store.oxigraph.quads_for_pattern(graph, predicate, None, graph):
        if not isinstance(quad.object, ox.Triple):
            return str(quad.object.value)
    return ""


def _sources(store: TrialStore, nct_id: str) -> list[_Source]:
    trial_node = ox.NamedNode(iri.trial(nct_id))
    found = []
    for name in store.graphs_of_trial(nct_id):
        graph = ox.NamedNode(name)
        is_view = not any(
            True for _ in store.oxigraph.quads_for_pattern(trial_node, TYPE, TRIAL, graph)
        )
        found.append(
            _Source(
                graph=name,
                key=name.rsplit("/", 1)[-1],
                reader=_first_value(store, graph, SOURCE_FORMAT),
                last_update=_first_value(store, graph, LAST_UPDATE),
                partial=_first_value(store, graph, PARTIAL) == "true",
                is_view=is_view,
            )
        )
    return found


def _rename(term: _Term, old: tuple[str, str], new: tuple[str, str]) -> _Term | ox.NamedNode:
    """Move a trial or trial-part IRI from one naming to the other."""
    if not isinstance(term, ox.NamedNode):
        return term
    value = term.value
    old_trial, old_parts = old
    new_trial, new_parts = new
    if value == old_trial:
        return ox.NamedNode(new_trial)
    if value.startswith(old_parts) and not value.startswith(old_parts + "view/"):
        return ox.NamedNode(new_parts + value[len(old_parts) :])
    return term


def _rewrite(store: TrialStore, source: _Source, nct_id: str, *, to_view: bool) -> None:
    canonical = (iri.trial(nct_id), iri.part(nct_id, "", "")[:-1])
    base = _view_base(nct_id, source.key)
    view = (base, base + "/")
    old, new = (canonical, view) if to_view else (view, canonical)
    graph = ox.NamedNode(source.graph)
    quads = []
    for quad in store.quads(source.graph):
        if quad.predicate == DESCRIBES or quad.predicate == VIEW_OF:
            if quad.predicate == VIEW_OF:
                continue  # rewritten below
            quads.append(quad)
            continue
        subject = _rename(quad.subject, old, new)
        obj: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple = _rename(quad.object, old, new)
        if quad.predicate == TYPE and isinstance(subject, ox.NamedNode) and subject.value == new[0]:
            obj = TRIAL_VIEW if to_view else TRIAL
        quads.append(ox.Quad(subject, quad.predicate, obj, graph))
    if to_view:
        quads.append(ox.Quad(ox.NamedNode(base), VIEW_OF, ox.NamedNode(iri.trial(nct_id)), graph))
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    store.replace_graphs([source.graph], data)


def reconcile(store: TrialStore, nct_ids: Iterable[str]) -> int:
    """Make the most authoritative source of each trial speak for it; returns graphs rewritten."""
    rewritten = 0
    for nct_id in sorted(set(nct_ids)):
        sources = _sources(store, nct_id)
        if len(sources) < 2:
            continue
        best = min(sources, key=_Source.rank)
        for source in sources:
            if source is best and source.is_view:
                _rewrite(store, source, nct_id, to_view=False)
                rewritten += 1
            elif source is not best and not source.is_view:
                _rewrite(store, source, nct_id, to_view=True)
                rewritten += 1
    return rewritten
