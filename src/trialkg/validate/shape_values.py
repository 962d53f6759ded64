"""The parts of SHACL shapes that speak of one node: reading them, and testing a value.

``ShapeReader`` reads a shapes graph (messages, severities, paths, constraints).
Its value tests (datatype, node kind, sh:in, pattern, length, range, and shapes
made only of these, combined with sh:or / sh:and / sh:xone / sh:not) become
SPARQL expressions; ``still_fails`` re-checks, with pyshacl's own rules, a value
that SPARQL flagged, so that borderline literals get pyshacl's verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

import rdflib
from rdflib import RDF, RDFS, XSD
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import BNode, Literal, Node, URIRef

SHAPE = URIRef | BNode

# Predicates of a shape that are not constraints (annotations and structure).
_NOT_CONSTRAINTS = {
    SH.name,
    SH.description,
    SH.message,
    SH.severity,
    SH.deactivated,
    SH.order,
    SH.group,
    SH.path,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.property,
    SH.declare,
    SH.defaultValue,
    SH.flags,
}
_VALUE_TESTS = {
    SH.datatype,
    SH["class"],
    SH.nodeKind,
    SH["in"],
    SH.pattern,
    SH.minLength,
    SH.maxLength,
    SH.minInclusive,
    SH.maxInclusive,
    SH.minExclusive,
    SH.maxExclusive,
    SH.node,
    SH["or"],
    SH["and"],
    SH["not"],
    SH.xone,
}
_CARDINALITY = {SH.minCount, SH.maxCount}
_CASTABLE = {
    XSD.boolean,
    XSD.integer,
    XSD.decimal,
    XSD.float,
    XSD.double,
    XSD.date,
    XSD.time,
    XSD.dateTime,
    XSD.duration,
    XSD.gYear,
    XSD.gYearMonth,
    XSD.gMonth,
    XSD.gDay,
    XSD.gMonthDay,
}
_RANGES = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}


class Unsupported(Exception):
    """A shape uses SHACL this compiler does not translate."""


@dataclass(frozen=True, slots=True)
class Recheck:
    """A Python re-check of rows SPARQL flagged, with pyshacl's rules."""

    kind: str  # "datatype", "pattern" or a range operator
    argument: str  # datatype IRI, regex, or the bound as N-Triples
    flags: str = ""
    bound_datatype: str = ""


def integer(node: Node) -> int:
    """The whole number a shape gives as a literal (sh:minCount 1)."""
    return int(str(node))


def _sparql(node: Node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return str(node.n3())
    raise Unsupported(f"blank node {node} as a constant")


class ShapeReader:
    """Reads shapes; turns the tests of one value into SPARQL expressions."""

    def __init__(self, shapes: rdflib.Graph) -> None:
        self.g = shapes
        self._fresh = 0

    def one(self, shape: SHAPE, predicate: URIRef) -> Node | None:
        values = list(self.g.objects(shape, predicate))
        if len(values) > 1:
            raise Unsupported(f"{shape} has several {predicate}")
        return values[0] if values else None

    def deactivated(self, shape: SHAPE) -> bool:
        value = self.one(shape, SH.deactivated)
        return isinstance(value, Literal) and value.value is True

    def severity(self, shape: SHAPE) -> str:
        value = self.one(shape, SH.severity)
        return str(value).rsplit("#", 1)[-1] if value is not None else "Violation"

    def message(self, shape: SHAPE) -> str:
        messages = list(self.g.objects(shape, SH.message))
        if len(messages) != 1 or "{" in str(messages[0]):
            # pyshacl writes its own text, or fills in placeholders: left to pyshacl.
            raise Unsupported(f"{shape} needs exactly one plain sh:message")
        return str(messages[0])

    def path(self, node: Node) -> str:
        if isinstance(node, URIRef):
            return f"<{node}>"
        if not isinstance(node, BNode):
            raise Unsupported(f"path {node}")
        if (node, RDF.first, None) in self.g:
            return "(" + "/".join(self.path(item) for item in Collection(self.g, node)) + ")"
        for predicate, template in (
            (SH.inversePath, "^{}"),
            (SH.zeroOrMorePath, "({})*"),
            (SH.oneOrMorePath, "({})+"),
            (SH.zeroOrOnePath, "({})?"),
        ):
            inner = self.one(node, predicate)
            if inner is not None:
                return template.format(self.path(inner))
        alternatives = self.one(node, SH.alternativePath)
        if alternatives is not None:
            return (
                "(" + "|".join(self.path(item) for item in Collection(self.g, alternatives)) + ")"
            )
        raise Unsupported(f"path {node}")

    def constraints(self, shape: SHAPE) -> list[tuple[URIRef, Node]]:
        found = []
        for predicate, value in self.g.predicate_objects(shape):
            if not isinstance(predicate, URIRef) or not predicate.startswith(str(SH)):
                continue  # annotations: rdfs:label, rdfs:comment, ...
            if predicate in _NOT_CONSTRAINTS or predicate == RDF.type:
                continue
            if predicate not in _VALUE_TESTS | _CARDINALITY | {SH.sparql}:
                raise Unsupported(f"{shape} uses {predicate}")
            found.append((predicate, value))
        return sorted(found, key=lambda item: (str(item[0]), str(item[1])))

    # -- focus nodes ----------------------------------------------------------------------

    def _recheck(self, predicate: URIRef, argument: Node, shape: SHAPE) -> Recheck | None:
        if predicate == SH.datatype:
            return Recheck("datatype", str(argument))
        if predicate == SH.pattern:
            return Recheck("pattern", str(argument), str(self.one(shape, SH.flags) or ""))
        if predicate in _RANGES and isinstance(argument, Literal):
            return Recheck(
                _RANGES[predicate],
                str(argument),
                bound_datatype=str(argument.datatype or ""),
            )
        return None

    def ok(self, predicate: URIRef, argument: Node, var: str, shape: SHAPE) -> str | None:
        """A SPARQL expression true when ``var`` passes one test; None when none can say it."""
        if predicate == SH.datatype:
            if argument == RDFS.Literal:
                return f"isLiteral({var})"
            test = f"(isLiteral({var}) && sameTerm(datatype({var}), {_sparql(argument)})"
            if argument in _CASTABLE:
                test += f" && COALESCE(isLiteral({_sparql(argument)}(STR({var}))), false)"
            return test + ")"
        if predicate == SH.nodeKind:
            kinds = {
                SH.IRI: f"isIRI({var})",
                SH.BlankNode: f"isBlank({var})",
                SH.Literal: f"isLiteral({var})",
                SH.BlankNodeOrIRI: f"(isIRI({var}) || isBlank({var}))",
                SH.BlankNodeOrLiteral: f"(isBlank({var}) || isLiteral({var}))",
                SH.IRIOrLiteral: f"(isIRI({var}) || isLiteral({var}))",
            }
            kind = kinds.get(argument) if isinstance(argument, URIRef) else None
            if kind is None:
                raise Unsupported(f"node kind {argument}")
            return kind
        if predicate == SH["in"]:
            members = list(Collection(self.g, argument))
            return (
                "("
                + (" || ".join(f"sameTerm({var}, {_sparql(m)})" for m in members) or "false")
                + ")"
            )
        if predicate == SH.pattern:
            flags = str(self.one(shape, SH.flags) or "")
            regex = f"REGEX(STR({var}), {Literal(str(argument)).n3()}, {Literal(flags).n3()})"
            return f"(!isBlank({var}) && COALESCE({regex}, false))"
        if predicate in (SH.minLength, SH.maxLength):
            op = ">=" if predicate == SH.minLength else "<="
            return f"(!isBlank({var}) && STRLEN(STR({var})) {op} {integer(argument)})"
        if predicate in _RANGES:
            if not isinstance(argument, Literal):
                raise Unsupported("a range bound that is not a literal")
            return f"COALESCE({var} {_RANGES[predicate]} {_sparql(argument)}, false)"
        if predicate == SH.node:
            return self.conforms(argument, var)
        if predicate in (SH["or"], SH["and"], SH.xone, SH["not"]):
            members = [argument] if predicate == SH["not"] else list(Collection(self.g, argument))
            parts = [self.conforms(m, var) for m in members]
            if any(p is None for p in parts):
                return None
            if predicate == SH["not"]:
                return f"!{parts[0]}"
            if predicate == SH.xone:
                return "((" + " + ".join(f"IF({p}, 1, 0)" for p in parts) + ") = 1)"
            joiner = " || " if predicate == SH["or"] else " && "
            empty = "false" if predicate == SH["or"] else "true"
            return "(" + (joiner.join(p for p in parts if p is not None) or empty) + ")"
        return None

    def conforms(self, shape: Node, var: str) -> str | None:
        """An expression true when ``var`` conforms to a shape of value tests and of
        properties it must have (minCount 1) or must not have (maxCount 0)."""
        if not isinstance(shape, (URIRef, BNode)):
            raise Unsupported(f"shape {shape}")
        if self.deactivated(shape):
            return "true"
        path = self.one(shape, SH.path)
        if path is not None:
            return self._has_or_lacks(shape, path, var)
        parts = []
        for prop in self.g.objects(shape, SH.property):
            if not isinstance(prop, (URIRef, BNode)) or self.one(prop, SH.path) is None:
                return None
            part = (
                "true"
                if self.deactivated(prop)
                else self._has_or_lacks(prop, self.one(prop, SH.path), var)
            )
            if part is None:
                return None
            parts.append(part)
        for predicate, argument in self.constraints(shape):
            if predicate in _CARDINALITY or predicate == SH.sparql:
                raise Unsupported(f"{predicate} on a node shape")
            part = self.ok(predicate, argument, var, shape)
            if part is None:
                return None
            parts.append(part)
        return "(" + (" && ".join(parts) or "true") + ")"

    def _has_or_lacks(self, shape: SHAPE, path: Node | None, var: str) -> str | None:
        """A property shape that only asks for at least one value, or for none, as an
        EXISTS test: evaluated node by node, it needs no table of every node."""
        if path is None:
            return None
        parts = []
        for predicate, argument in self.constraints(shape):
            count = integer(argument) if predicate in _CARDINALITY else -1
            self._fresh += 1
            pattern = f"{{ {var} {self.path(path)} ?exists{self._fresh} }}"
            if predicate == SH.minCount and count == 1:
                parts.append(f"EXISTS {pattern}")
            elif predicate == SH.maxCount and count == 0:
                parts.append(f"NOT EXISTS {pattern}")
            elif not (predicate == SH.minCount and count == 0):
                return None
        return "(" + (" && ".join(parts) or "true") + ")"


# -- pyshacl's own rules for the rows SPARQL flags -----------------------------------------


def still_fails(recheck: Recheck, value: Node) -> bool:
    """Whether pyshacl too would report this value (SPARQL only proposes candidates)."""
    if recheck.kind == "datatype":
        return not _datatype_ok(value, URIRef(recheck.argument))
    if recheck.kind == "pattern":
        flags = 0
        for letter, flag in (
            ("i", re.IGNORECASE),
            ("m", re.MULTILINE),
            ("s", re.DOTALL),
            ("x", re.VERBOSE),
        ):
            if letter in recheck.flags:
                flags |= flag
        return isinstance(value, BNode) or re.search(recheck.argument, str(value), flags) is None
    bound = Literal(
        recheck.argument,
        datatype=URIRef(recheck.bound_datatype) if recheck.bound_datatype else None,
    )
    return not _in_range(value, bound, recheck.kind)


def _datatype_ok(value: Node, datatype: URIRef) -> bool:
    if not isinstance(value, Literal):
        return False
    if value.datatype == datatype:
        if getattr(value, "ill_typed", None) is True:
            return False
        return _value_fits(value, datatype)
    if datatype == RDFS.Literal or (datatype == RDFS.Datatype and value.datatype):
        return True
    if value.datatype is None and value.language is None and datatype == XSD.string:
        return True
    return datatype == RDF.langString and bool(value.language)


def _value_fits(value: Literal, datatype: URIRef) -> bool:
    python = value.value
    expected: dict[URIRef, type | tuple[type, ...]] = {
        XSD.string: (str, bytes),
        RDF.langString: (str, bytes),
        XSD.integer: int,
        XSD.float: float,
        XSD.decimal: Decimal,
        XSD.boolean: bool,
        XSD.date: date,
        XSD.time: time,
        XSD.dateTime: datetime,
    }
    kind = expected.get(datatype)
    return True if kind is None else isinstance(python, kind)


def _in_range(value: Node, bound: Literal, op: str) -> bool:
    if not isinstance(value, Literal):
        return False
    if isinstance(bound.value, str) != isinstance(value.value, str):
        return False
    try:
        return bool(
            {
                ">=": value >= bound,
                "<=": value <= bound,
                ">": value > bound,
                "<": value < bound,
            }[op]
        )
    except (TypeError, ArithmeticError):  # "NaN"^^xsd:decimal compares with nothing
        return False
