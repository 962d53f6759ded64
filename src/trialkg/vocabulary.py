"""The documented vocabulary (``data/vocabulary.ttl``), read for its property names."""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox

from trialkg.rdf import vocab
from trialkg.resources import resource_dir

_TYPE = ox.NamedNode(vocab.TYPE)
_PROPERTY_CLASSES = {vocab.OWL + "DatatypeProperty", vocab.OWL + "ObjectProperty"}


def vocabulary_path() -> str:
    return str(resource_dir("data") / "vocabulary.ttl")


@cache
def vocabulary_quads() -> tuple[ox.Quad, ...]:
    with open(vocabulary_path(), "rb") as handle:
        return tuple(ox.parse(handle, format=ox.RdfFormat.TURTLE))


@cache
def property_names() -> tuple[str, ...]:
    """Local names of every trialkg property, sorted."""
    names = {
        q.subject.value[len(vocab.TKG) :]
        for q in vocabulary_quads()
        if isinstance(q.subject, ox.NamedNode)
        and isinstance(q.object, ox.NamedNode)
        and q.predicate == _TYPE
        and q.object.value in _PROPERTY_CLASSES
        and q.subject.value.startswith(vocab.TKG)
    }
    return tuple(sorted(names))
