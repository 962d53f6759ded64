"""The on-disk store: one pyoxigraph (RocksDB) store, one named graph per trial and source.

pyoxigraph is the engine because it holds the registry on disk, loads N-Quads in
bulk and answers SPARQL in-process; rdflib remains the face for users who want
an ``rdflib.Dataset`` or ``Graph`` (``rdflib_dataset``, ``trial_graph``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox
import rdflib

from trialkg.errors import StoreError
from trialkg.rdf import vocab

STORE_ENV = "TRIALKG_STORE"
DEFAULT_STORE = "trialkg-store"

SOURCE_HASH = ox.NamedNode(vocab.TKG + "sourceHash")
DESCRIBES = ox.NamedNode(vocab.TKG + "describes")


def default_store_path() -> str:
    return os.environ.get(STORE_ENV) or DEFAULT_STORE


class TrialStore:
    """A trial graph store on disk (``path``) or in memory (``path=None``)."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                if not (self.path / "CURRENT").exists():
                    raise StoreError(
                        f"no trialkg store at {self.path}; build one with `trialkg build --store {self.path}`"
                    )
                self._store = ox.Store.read_only(str(self.path))
            else:
                self._store = ox.Store(str(self.path))
        except OSError as error:
            raise StoreError(f"cannot open the store at {self.path}: {error}") from error

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
        if self.path is not None and not self.read_only and hasattr(self, "_store"):
            self._store.flush()
        # pyoxigraph releases the database when the object goes.
        self.__dict__.pop("_store", None)

    @property
    def oxigraph(self) -> ox.Store:
        """The underlying pyoxigraph store, for users who want it."""
        try:
            return self._store
        except AttributeError:
            raise StoreError("the store is closed") from None

    # -- writing --------------------------------------------------------------------------

    def replace_graphs(self, graphs: list[str], nquads: bytes) -> None:
        """Replace the named graphs with the given N-Quads: a rebuilt record replaces its old self."""
        store = self.oxigraph
        try:
            for name in graphs:
                store.remove_graph(ox.NamedNode(name))
            if nquads:
                store.load(nquads, format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError) as error:
            raise StoreError(f"cannot write to the store: {error}") from error

    def bulk_replace_graphs(self, graphs: list[str], nquads: bytes) -> None:
        """As ``replace_graphs``, through the bulk loader: faster, for large chunks."""
        store = self.oxigraph
        try:
            for name in graphs:
                store.remove_graph(ox.NamedNode(name))
            if nquads:
                store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
        except (OSError, SyntaxError) as error:
            raise StoreError(f"cannot write to the store: {error}") from error

    def has_source_hash(self, digest: str) -> bool:
        """Whether a record with this content was built already (for incremental rebuilds)."""
        for _ in self.oxigraph.quads_for_pattern(None, SOURCE_HASH, ox.Literal(digest), None):
            return True
        return False

    def remove_trial(self, nct_id: str) -> int:
        """Remove every graph of a trial; returns how many graphs went."""
        removed = 0
        for name in self.graphs_of_trial(nct_id):
            self.oxigraph.remove_graph(ox.NamedNode(name))
            removed += 1
        return removed

    def flush(self) -> None:
        if self.path is not None and not self.read_only:
            self.oxigraph.flush()

    def optimize(self) -> None:
        self.oxigraph.optimize()

    # -- reading --------------------------------------------------------------------------

    def graph_names(self) -> list[str]:
        """Every trial graph name, sorted."""
        return sorted(
            g.value for g in self.oxigraph.named_graphs() if isinstance(g, ox.NamedNode)
        )

    def graphs_of_trial(self, nct_id: str) -> list[str]:
        """The graphs of one trial's sources, sorted: an index lookup, whatever the store's size."""
        trial = ox.NamedNode(vocab.CTGOV + nct_id)
        names = {
            quad.graph_name.value
            for quad in self.oxigraph.quads_for_pattern(None, DESCRIBES, trial, None)
            if isinstance(quad.graph_name, ox.NamedNode)
        }
        return sorted(names)

    def trial_ids(self) -> list[str]:
        ids = {
            quad.object.value.rsplit("/", 1)[-1]
            for quad in self.oxigraph.quads_for_pattern(None, DESCRIBES, None, None)
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

    def trial_graph(self, nct_id: str) -> rdflib.Graph:
        """One trial's triples from all its sources, as an rdflib Graph."""
        from trialkg.rdf.convert import to_rdflib_graph

        quads = (q for name in self.graphs_of_trial(nct_id) for q in self.quads(name))
        return to_rdflib_graph(quads)


def open_store(path: str | os.PathLike[str] | None = None, *, read_only: bool = False) -> TrialStore:
    """Open (or create) a store; ``None`` means an in-memory store."""
    return TrialStore(path, read_only=read_only)
