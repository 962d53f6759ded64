"""Lightweight RDF terms for the hot path.

The mapping makes about a hundred triples per trial and the registry has over
half a million trials, so it builds plain Python values and leaves the choice of
engine to the edges: N-Quads text for the store's bulk loader, rdflib terms for
validation and for users, pyoxigraph terms for queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"


class IRI(str):
    """An IRI in object position (subjects and predicates are always IRIs)."""

    __slots__ = ()


class Lit(NamedTuple):
    """A literal. A named tuple rather than a frozen dataclass: the mapping makes
    about a hundred per trial, and a tuple is made in a third of the time."""

    value: str
    datatype: str | None = None  # None means xsd:string
    lang: str | None = None


Object = IRI | Lit
Triple = tuple[str, str, Object]
Quad = tuple[str, str, Object, str]


def nquads_text(triples: Iterable[Triple], graph: str) -> str:
    """The N-Quads of triples in one graph; each value escaped only when it needs it."""
    return "".join(nquads_lines(triples, graph))


def nquads_lines(triples: Iterable[Triple], graph: str) -> list[str]:
    """The N-Quads lines of triples in one graph, each ending in a newline."""
    tail = f" <{graph}> .\n"
    lines: list[str] = []
    append = lines.append
    for s, p, o in triples:
        if o.__class__ is IRI:
            append(f"<{s}> <{p}> <{o}>{tail}")
            continue
        value = o.value  # type: ignore[union-attr]
        # Most values need no escape: test before paying for a copy.
        if "\\" in value:
            value = value.replace("\\", "\\\\")
        if '"' in value:
            value = value.replace('"', '\\"')
        if "\n" in value:
            value = value.replace("\n", "\\n")
        if "\r" in value:
            value = value.replace("\r", "\\r")
        if o.lang:  # type: ignore[union-attr]
            append(f'<{s}> <{p}> "{value}"@{o.lang}{tail}')  # type: ignore[union-attr]
        elif o.datatype and o.datatype != XSD_STRING:  # type: ignore[union-attr]
            append(f'<{s}> <{p}> "{value}"^^<{o.datatype}>{tail}')  # type: ignore[union-attr]
        else:
            append(f'<{s}> <{p}> "{value}"{tail}')
    return lines
