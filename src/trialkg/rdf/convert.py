"""Conversions between the project's terms, pyoxigraph terms and rdflib terms."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
import rdflib
from rdflib.term import Node

from trialkg.rdf.terms import IRI, Lit, Object, Triple

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def rdflib_object(term: Object) -> Node:
    if isinstance(term, IRI):
        return rdflib.URIRef(term)
    if term.lang:
        return rdflib.Literal(term.value, lang=term.lang)
    if term.datatype and term.datatype != _XSD_STRING:
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype))
    return rdflib.Literal(term.value)


def triples_to_rdflib(triples: Iterable[Triple], graph: rdflib.Graph | None = None) -> rdflib.Graph:
    """An rdflib Graph of mapped triples, built straight from the terms (no re-parsing)."""
    target = graph if graph is not None else rdflib.Graph()
    add = target.add
    for s, p, o in triples:
        add((rdflib.URIRef(s), rdflib.URIRef(p), rdflib_object(o)))
    return target


def ox_to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    if isinstance(term, ox.Triple):
        # trialkg never writes triple terms, and rdflib has no node for them.
        raise TypeError(f"a triple term has no rdflib equivalent: {term}")
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == _XSD_STRING:
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(datatype))


def to_rdflib_graph(quads: Iterable[ox.Quad], graph: rdflib.Graph | None = None) -> rdflib.Graph:
    target = graph if graph is not None else rdflib.Graph()
    for quad in quads:
        target.add(
            (ox_to_rdflib(quad.subject), ox_to_rdflib(quad.predicate), ox_to_rdflib(quad.object))
        )
    return target


def to_rdflib_dataset(quads: Iterable[ox.Quad]) -> rdflib.Dataset:
    dataset = rdflib.Dataset()
    for quad in quads:
        name = quad.graph_name
        context = (
            dataset.graph(rdflib.URIRef(name.value))
            if isinstance(name, ox.NamedNode)
            else dataset.default_context
        )
        context.add(
            (ox_to_rdflib(quad.subject), ox_to_rdflib(quad.predicate), ox_to_rdflib(quad.object))
        )
    return dataset


def lit_from_ox(term: ox.Literal) -> Lit:
    datatype = term.datatype.value
    return Lit(term.value, None if datatype == _XSD_STRING else datatype, term.language)
