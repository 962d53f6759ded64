"""The read side of a trial store: which graphs it holds, the content hashes a build left,
one trial's graphs, the shared graph's statements, and the rdflib views.

``TrialStore`` (``trialkg.store``) is a ``StoreReads`` on an open pyoxigraph store; it adds
opening, locking and writing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
import rdflib

from trialkg.rdf import iri, vocab

SOURCE_HASH = ox.NamedNode(vocab.TKG + "sourceHash")
DESCRIBES = ox.NamedNode(vocab.TKG + "describes")
SHARED = ox.NamedNode(vocab.SHARED_GRAPH)
SUMMARY = ox.NamedNode(vocab.SUMMARY_GRAPH)  # derived: see trialkg.summary
_LINK = ox.NamedNode(vocab.TKG + "link")


class StoreReads:
    """What reads a trial store's graphs; ``oxigraph`` is the open store they read."""

    @property
    def oxigraph(self) -> ox.Store:
        raise NotImplementedError

    def has_graph(self, name: str) -> bool:
        return bool(self.oxigraph.contains_named_graph(ox.NamedNode(name)))

    def has_source_hash(self, digest: str) -> bool:
        """Whether a record with this content was built already (for incremental rebuilds)."""
        for _ in self.oxigraph.quads_for_pattern(None, SOURCE_HASH, ox.Literal(digest), None):
            return True
        return False

    def known_source_hashes(self, digests: Iterable[str]) -> set[str]:
        """Those of the digests that were built already: one index lookup each."""
        store = self.oxigraph
        return {
            digest
            for digest in digests
            if next(
                iter(store.quads_for_pattern(None, SOURCE_HASH, ox.Literal(digest), None)), None
            )
            is not None
        }

    def source_hashes(self) -> Iterator[tuple[str, str]]:
        """(graph name, content hash) of every source a build wrote, in index order."""
        for quad in self.oxigraph.quads_for_pattern(None, SOURCE_HASH, None, None):
            if isinstance(quad.graph_name, ox.NamedNode) and isinstance(quad.object, ox.Literal):
                yield quad.graph_name.value, quad.object.value

    def graph_names(self) -> list[str]:
        """Every graph name, sorted: the trial graphs, then the shared and summary graphs."""
        return sorted(g.value for g in self.oxigraph.named_graphs() if isinstance(g, ox.NamedNode))

    def graphs_of_trial(self, nct_id: str) -> list[str]:
        """The graphs of one trial's sources, sorted: an index lookup, whatever the store's size."""
        trial = ox.NamedNode(vocab.CTGOV + nct_id)
        names = {
            quad.graph_name.value
            for quad in self.oxigraph.quads_for_pattern(None, DESCRIBES, trial, None)
            if isinstance(quad.graph_name, ox.NamedNode)
        }
        return sorted(names)

    def shared_quads(self, nodes: Iterable[str]) -> Iterator[ox.Quad]:
        """What the shared graph says of these nodes, and of the link nodes it gives them."""
        store = self.oxigraph
        for name in sorted(set(nodes)):
            links = []
            for quad in store.quads_for_pattern(ox.NamedNode(name), None, None, SHARED):
                yield quad
                if quad.predicate == _LINK and isinstance(quad.object, ox.NamedNode):
                    links.append(quad.object)
            for link in links:
                yield from store.quads_for_pattern(link, None, None, SHARED)

    def trial_ids(self) -> list[str]:
        ids = {
            quad.object.value.rsplit("/", 1)[-1]
            for quad in self.oxigraph.quads_for_pattern(None, DESCRIBES, None, None)
            if isinstance(quad.object, ox.NamedNode)
        }
        return sorted(ids)

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        name = ox.NamedNode(graph) if graph is not None else None
        return iter(self.oxigraph.quads_for_pattern(None, None, None, name))

    def __len__(self) -> int:
        return len(self.oxigraph)

    def rdflib_dataset(self) -> rdflib.Dataset:
        """The whole store as an rdflib Dataset (in memory: for small stores and notebooks)."""
        from trialkg.rdf.convert import to_rdflib_dataset

        return to_rdflib_dataset(self.quads())

    def trial_quads(self, nct_id: str) -> list[ox.Quad]:
        """One trial's quads from all its sources, then what the shared graph says of the
        shared nodes they name (labels, classes, matches): index lookups, no conversion."""
        quads = [q for name in self.graphs_of_trial(nct_id) for q in self.quads(name)]
        # Every shared node a trial graph describes is also the object of one of its links.
        named = {
            q.object.value
            for q in quads
            if isinstance(q.object, ox.NamedNode) and iri.trial_of(q.object.value) is None
        }
        return [*quads, *self.shared_quads(named)]

    def trial_graph(self, nct_id: str) -> rdflib.Graph:
        """``trial_quads`` as an rdflib Graph (the graph names dropped)."""
        from trialkg.rdf.convert import to_rdflib_graph

        return to_rdflib_graph(self.trial_quads(nct_id))
