"""Lightweight RDF terms for the hot path.

The mapping makes about a hundred triples per trial and the registry has over
half a million trials, so it builds plain Python values and leaves the choice of
engine to the edges: N-Quads text for the store's bulk loader, rdflib terms for
validation and for users, pyoxigraph terms for queries.
"""

from __future__ import annotations

from dataclasses import dataclass

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"


class IRI(str):
    """An IRI in object position (subjects and predicates are always IRIs)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Lit:
    value: str
    datatype: str | None = None  # None means xsd:string
    lang: str | None = None


Object = IRI | Lit
Triple = tuple[str, str, Object]
Quad = tuple[str, str, Object, str]

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def nt_object(term: Object) -> str:
    """The N-Triples form of an object term."""
    if isinstance(term, IRI):
        return f"<{term}>"
    text = '"' + term.value.translate(_ESCAPES) + '"'
    if term.lang:
        return f"{text}@{term.lang}"
    if term.datatype and term.datatype != XSD_STRING:
        return f"{text}^^<{term.datatype}>"
    return text


def nquad_line(subject: str, predicate: str, obj: Object, graph: str | None) -> str:
    if graph is None:
        return f"<{subject}> <{predicate}> {nt_object(obj)} .\n"
    return f"<{subject}> <{predicate}> {nt_object(obj)} <{graph}> .\n"
