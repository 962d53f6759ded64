"""SHACL shapes compiled to SPARQL queries that run on the store itself.

pyshacl needs the data in rdflib memory: for the registry that is more time and
memory than one machine has. Most of our shapes use a small part of SHACL Core
(targets by class, cardinality, datatype, class, node kind, pattern, sh:in,
ranges, nested shapes combined with sh:or / sh:xone / sh:not / sh:and, and
SPARQL-based constraints), and each of those can be asked of the store as one
query that returns only the failing focus nodes and values: the engine then
scans its indexes without turning millions of terms into Python objects.

Semantics are those of pyshacl on the union of all graphs (``inference="none"``),
which is what the store's union default graph is. Two details make the queries
scale: every pattern over values is made DISTINCT before it is joined (shared
nodes are restated in every trial graph that mentions them), and filters run on
the scans of a predicate before the join with the focus nodes. A datatype,
pattern or range that SPARQL flags is checked again in Python with pyshacl's own
rules, so that the verdict is pyshacl's.

A shape that uses anything else (sh:closed, property pairs, qualified shapes,
language constraints, a constraint without sh:message, ...) is not compiled:
``compile_shapes`` returns it for the caller to run through pyshacl.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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
    SH.name, SH.description, SH.message, SH.severity, SH.deactivated, SH.order, SH.group,
    SH.path, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
    SH.property, SH.declare, SH.defaultValue, SH.flags,
}
_VALUE_TESTS = {
    SH.datatype, SH["class"], SH.nodeKind, SH["in"], SH.pattern, SH.minLength, SH.maxLength,
    SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive,
    SH.node, SH["or"], SH["and"], SH["not"], SH.xone,
}
_CARDINALITY = {SH.minCount, SH.maxCount}
_CASTABLE = {
    XSD.boolean, XSD.integer, XSD.decimal, XSD.float, XSD.double, XSD.date, XSD.time,
    XSD.dateTime, XSD.duration, XSD.gYear, XSD.gYearMonth, XSD.gMonth, XSD.gDay, XSD.gMonthDay,
}
_RANGES = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}


class Unsupported(Exception):
    """A shape uses SHACL this compiler does not translate."""


@dataclass(frozen=True, slots=True)
class Recheck:
    """A Python re-check of rows SPARQL flagged, with pyshacl's rules."""

    kind: str  # "datatype", "pattern" or a range operator
    argument: str  # datatype IRI, regex, or the bound as N-Triples
    flags: str = ""
    bound_datatype: str = ""


@dataclass(frozen=True, slots=True)
class Check:
    """One query giving the results of one constraint: rows of ?this (and ?value)."""

    shape: str
    component: str
    path: str  # the property's IRI; "" for node shapes and complex paths
    severity: str
    message: str
    query: str
    value_is_focus: bool = False  # node shapes report the focus node as the value
    recheck: Recheck | None = None
    # When set, ``query`` gives candidates from a scan that ignores the targets, and
    # a candidate counts only if ``FILTER EXISTS { targets }`` holds for its ?this;
    # ``joined`` is the same check with the focus nodes joined in, for blank nodes.
    targets: str = ""
    joined: str = ""

    @property
    def has_value(self) -> bool:
        """Whether the query gives ?value (value tests and SPARQL constraints do)."""
        return not self.value_is_focus and "?value" in self.query.split("WHERE", 1)[0]


def _sparql(node: Node) -> str:
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):
        return str(node.n3())
    raise Unsupported(f"blank node {node} as a constant")


class Compiler:
    def __init__(self, shapes: rdflib.Graph, *, subclassing: bool = False) -> None:
        self.g = shapes
        self.type_path = "a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*" if subclassing else "a"
        self._count = 0
        self._shared_paths = self._paths_of_several_shapes()

    def var(self, base: str = "v") -> str:
        self._count += 1
        return f"?{base}{self._count}"

    # -- shapes and their parts -----------------------------------------------------------

    def top_level_shapes(self) -> list[SHAPE]:
        targeted: set[SHAPE] = set()
        for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
            targeted.update(s for s in self.g.subjects(predicate, None) if isinstance(s, (URIRef, BNode)))
        for shape in self.g.subjects(RDF.type, SH.NodeShape):
            if (shape, RDF.type, RDFS.Class) in self.g and isinstance(shape, (URIRef, BNode)):
                targeted.add(shape)
        return sorted(targeted, key=str)

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
            (SH.inversePath, "^{}"), (SH.zeroOrMorePath, "({})*"), (SH.oneOrMorePath, "({})+"),
            (SH.zeroOrOnePath, "({})?"),
        ):
            inner = self.one(node, predicate)
            if inner is not None:
                return template.format(self.path(inner))
        alternatives = self.one(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(item) for item in Collection(self.g, alternatives)) + ")"
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

    def focus(self, shape: SHAPE) -> str:
        """A group pattern binding ?this to the shape's focus nodes, once each."""
        union = " UNION ".join(f"{{ {part} }}" for part in self._targets(shape))
        return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"

    def is_focus(self, shape: SHAPE) -> str:
        """A filter keeping rows whose ?this is a focus node."""
        union = " UNION ".join(f"{{ {part} }}" for part in self._targets(shape))
        return f"FILTER EXISTS {{ {union} }}"

    def _targets(self, shape: SHAPE) -> list[str]:
        parts = [f"?this {self.type_path} {_sparql(c)}" for c in self.g.objects(shape, SH.targetClass)]
        if (shape, RDF.type, RDFS.Class) in self.g:
            parts.append(f"?this {self.type_path} {_sparql(shape)}")
        parts += [f"VALUES ?this {{ {_sparql(n)} }}" for n in self.g.objects(shape, SH.targetNode)]
        parts += [f"?this {_sparql(p)} ?any" for p in self.g.objects(shape, SH.targetSubjectsOf)]
        parts += [f"?any {_sparql(p)} ?this" for p in self.g.objects(shape, SH.targetObjectsOf)]
        return parts

    # -- value tests: the rows of a candidate pattern whose value fails ------------------

    def bad(
        self, predicate: URIRef, argument: Node, var: str, cand: str, shape: SHAPE
    ) -> tuple[str, Recheck | None]:
        """A group pattern: the rows of ``cand`` whose ``var`` fails one value test of ``shape``."""
        if predicate == SH["class"]:
            return f"{{ {cand} MINUS {{ {var} {self.type_path} {_sparql(argument)} }} }}", None
        ok = self.ok(predicate, argument, var, shape)
        if ok is not None:
            return f"{{ {cand} FILTER(!{ok}) }}", self._recheck(predicate, argument, shape)
        if predicate == SH.node:
            return self.failing(argument, var, cand), None
        if predicate in (SH["or"], SH["and"], SH.xone):
            members = list(Collection(self.g, argument))  # type: ignore[arg-type]
            return self._logical(predicate, members, var, cand), None
        if predicate == SH["not"]:
            return f"{{ {cand} MINUS {self.violators(argument, var, cand)} }}", None
        raise Unsupported(str(predicate))

    def _recheck(self, predicate: URIRef, argument: Node, shape: SHAPE) -> Recheck | None:
        if predicate == SH.datatype:
            return Recheck("datatype", str(argument))
        if predicate == SH.pattern:
            return Recheck("pattern", str(argument), str(self.one(shape, SH.flags) or ""))
        if predicate in _RANGES and isinstance(argument, Literal):
            return Recheck(_RANGES[predicate], str(argument), bound_datatype=str(argument.datatype or ""))
        return None

    def ok(self, predicate: URIRef, argument: Node, var: str, shape: SHAPE) -> str | None:
        """A SPARQL expression true when ``var`` passes one test; None when no expression says it."""
        if predicate == SH.datatype:
            if argument == RDFS.Literal:
                return f"isLiteral({var})"
            test = f"(isLiteral({var}) && sameTerm(datatype({var}), {_sparql(argument)})"
            if argument in _CASTABLE:
                test += f" && COALESCE(isLiteral({_sparql(argument)}(STR({var}))), false)"
            return test + ")"
        if predicate == SH.nodeKind:
            kinds = {
                SH.IRI: f"isIRI({var})", SH.BlankNode: f"isBlank({var})", SH.Literal: f"isLiteral({var})",
                SH.BlankNodeOrIRI: f"(isIRI({var}) || isBlank({var}))",
                SH.BlankNodeOrLiteral: f"(isBlank({var}) || isLiteral({var}))",
                SH.IRIOrLiteral: f"(isIRI({var}) || isLiteral({var}))",
            }
            if argument not in kinds:
                raise Unsupported(f"node kind {argument}")
            return kinds[argument]  # type: ignore[index]
        if predicate == SH["in"]:
            members = list(Collection(self.g, argument))  # type: ignore[arg-type]
            return "(" + (" || ".join(f"sameTerm({var}, {_sparql(m)})" for m in members) or "false") + ")"
        if predicate == SH.pattern:
            flags = str(self.one(shape, SH.flags) or "")
            regex = f"REGEX(STR({var}), {Literal(str(argument)).n3()}, {Literal(flags).n3()})"
            return f"(!isBlank({var}) && COALESCE({regex}, false))"
        if predicate in (SH.minLength, SH.maxLength):
            op = ">=" if predicate == SH.minLength else "<="
            return f"(!isBlank({var}) && STRLEN(STR({var})) {op} {int(argument)})"  # type: ignore[arg-type]
        if predicate in _RANGES:
            if not isinstance(argument, Literal):
                raise Unsupported("a range bound that is not a literal")
            return f"COALESCE({var} {_RANGES[predicate]} {_sparql(argument)}, false)"
        if predicate == SH.node:
            return self.conforms(argument, var)
        if predicate in (SH["or"], SH["and"], SH.xone, SH["not"]):
            members = [argument] if predicate == SH["not"] else list(Collection(self.g, argument))  # type: ignore[arg-type]
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
        """An expression true when ``var`` conforms to a shape made only of value tests."""
        if not isinstance(shape, (URIRef, BNode)):
            raise Unsupported(f"shape {shape}")
        if self.deactivated(shape):
            return "true"
        if self.one(shape, SH.path) is not None or (shape, SH.property, None) in self.g:
            return None
        parts = []
        for predicate, argument in self.constraints(shape):
            if predicate in _CARDINALITY or predicate == SH.sparql:
                raise Unsupported(f"{predicate} on a node shape")
            part = self.ok(predicate, argument, var, shape)
            if part is None:
                return None
            parts.append(part)
        return "(" + (" && ".join(parts) or "true") + ")"

    def _logical(self, predicate: URIRef, members: list[Node], var: str, cand: str) -> str:
        if predicate == SH["and"]:
            nodes = f"{{ SELECT DISTINCT {var} WHERE {{ {cand} }} }}"
            failed = " UNION ".join(self._failing_nodes(m, var, nodes) for m in members)
            return f"{{ {cand} {{ SELECT DISTINCT {var} WHERE {{ {failed} }} }} }}"
        if predicate == SH["or"]:
            # Failing every member: the join of the members' sets of failing nodes.
            return f"{{ {cand} " + " ".join(self.violators(m, var, cand) for m in members) + " }"
        flags = []
        parts = [cand]
        for member in members:
            flag = self.var("failed")
            flags.append(flag)
            failed = self.violators(member, var, cand)
            parts.append(f"OPTIONAL {{ SELECT {var} (1 AS {flag}) WHERE {{ {failed} }} }}")
        passing = " + ".join(f"IF(BOUND({f}), 0, 1)" for f in flags)
        return "{ " + " ".join(parts) + f" FILTER(({passing}) != 1) }}"

    def violators(self, shape: Node, var: str, cand: str) -> str:
        """A subquery giving, once each, the values of ``var`` in ``cand`` that fail ``shape``."""
        return self._failing_nodes(shape, var, f"{{ SELECT DISTINCT {var} WHERE {{ {cand} }} }}")

    def failing(self, shape: Node, var: str, cand: str) -> str:
        """A group pattern: the rows of ``cand`` whose ``var`` does not conform to ``shape``."""
        return f"{{ {cand} {self.violators(shape, var, cand)} }}"

    def _failing_nodes(self, shape: Node, var: str, nodes: str) -> str:
        """A subquery giving, once each, the nodes (bound to ``var`` by ``nodes``) failing ``shape``."""
        if not isinstance(shape, (URIRef, BNode)):
            raise Unsupported(f"shape {shape}")
        nothing = f"{{ SELECT {var} WHERE {{ {nodes} FILTER(false) }} }}"
        if self.deactivated(shape):
            return nothing
        parts: list[str] = []
        path = self.one(shape, SH.path)
        if path is not None:
            parts.extend(self._failing_property(shape, self.path(path), var, nodes))
        else:
            for predicate, argument in self.constraints(shape):
                if predicate in _CARDINALITY or predicate == SH.sparql:
                    raise Unsupported(f"{predicate} on a node shape")
                parts.append(self.bad(predicate, argument, var, nodes, shape)[0])
            for prop in self.g.objects(shape, SH.property):
                if not isinstance(prop, (URIRef, BNode)):
                    raise Unsupported("property shape")
                if self.deactivated(prop):
                    continue
                prop_path = self.one(prop, SH.path)
                if prop_path is None:
                    raise Unsupported("property shape without a path")
                parts.extend(self._failing_property(prop, self.path(prop_path), var, nodes))
        if not parts:
            return nothing
        return "{ SELECT DISTINCT " + var + " WHERE { " + " UNION ".join(parts) + " } }"

    def _failing_property(self, shape: SHAPE, path: str, var: str, nodes: str) -> list[str]:
        """Patterns binding ``var`` (from ``nodes``) when its values along ``path`` fail ``shape``."""
        parts = []
        value = self.var()
        values = self._pairs(var, path, value, nodes)
        if not self._shared_path(path):
            values = f"{{ {values} {nodes} }}"
        for predicate, argument in self.constraints(shape):
            if predicate == SH.minCount:
                parts.append(self._too_few(var, path, int(argument), nodes))  # type: ignore[arg-type]
            elif predicate == SH.maxCount:
                parts.append(self._too_many(var, path, int(argument), nodes))  # type: ignore[arg-type]
            elif predicate == SH.sparql:
                raise Unsupported("SPARQL constraint in a nested shape")
            else:
                parts.append(self.bad(predicate, argument, value, values, shape)[0])
        return parts

    def _too_few(self, var: str, path: str, count: int, nodes: str) -> str:
        if count <= 0:
            return f"{{ {nodes} FILTER(false) }}"
        other = self.var("any")
        if count == 1:
            # An anti-join with the scan of the path: one pass, no lookup per node.
            return f"{{ {nodes} MINUS {{ {var} {path} {other} }} }}"
        counted = (
            f"{{ SELECT {var} (COUNT({other}) AS {other}n) WHERE {{ {self._pairs(var, path, other, nodes)} }} "
            f"GROUP BY {var} }}"
        )
        return f"{{ {nodes} OPTIONAL {counted} FILTER(COALESCE({other}n, 0) < {count}) }}"

    def _too_many(self, var: str, path: str, count: int, nodes: str) -> str:
        """Nodes with more than ``count`` values (all nodes of the scan when ``nodes`` is "")."""
        other = self.var("many")
        grouped = (
            f"{{ SELECT {var} WHERE {{ {self._pairs(var, path, other, nodes)} }} "
            f"GROUP BY {var} HAVING (COUNT({other}) > {count}) }}"
        )
        return f"{{ {grouped} {nodes} }}"

    def _pairs(self, var: str, path: str, other: str, nodes: str) -> str:
        """Distinct (node, value) pairs along a path: a scan of the path, unless several
        classes share it (rdfs:label ...), when the nodes' own values are looked up."""
        if self._shared_path(path) and nodes:
            return f"{{ SELECT DISTINCT {var} {other} WHERE {{ {nodes} {var} {path} {other} }} }}"
        return f"{{ SELECT DISTINCT {var} {other} WHERE {{ {var} {path} {other} }} }}"

    def _shared_path(self, path: str) -> bool:
        return path in self._shared_paths

    def _paths_of_several_shapes(self) -> set[str]:
        """Paths constrained for the focus nodes of more than one target class."""
        owners: dict[str, set[Node]] = {}
        for top in self.top_level_shapes():
            classes = set(self.g.objects(top, SH.targetClass)) or {top}
            seen: set[Node] = set()
            stack: list[Node] = [top]
            while stack:
                shape = stack.pop()
                if shape in seen or not isinstance(shape, (URIRef, BNode)):
                    continue
                seen.add(shape)
                for path in self.g.objects(shape, SH.path):
                    try:
                        owners.setdefault(self.path(path), set()).update(classes)
                    except Unsupported:
                        pass
                stack.extend(self.g.objects(shape, SH.property))
                stack.extend(self.g.objects(shape, SH.node))
                stack.extend(self.g.objects(shape, SH["not"]))
                for predicate in (SH["or"], SH["and"], SH.xone):
                    for members in self.g.objects(shape, predicate):
                        stack.extend(Collection(self.g, members))  # type: ignore[arg-type]
        return {path for path, classes in owners.items() if len(classes) > 1}

    # -- top level: one check per constraint ---------------------------------------------

    def checks(self, shape: SHAPE, prefixes: dict[str, str]) -> list[Check]:
        if self.deactivated(shape):
            return []
        focus = self.focus(shape)
        found: list[Check] = []
        node_constraints = self.constraints(shape)
        if self.one(shape, SH.path) is not None:
            raise Unsupported("a property shape with targets")
        if node_constraints:
            severity, message = self.severity(shape), self.message(shape)
            for predicate, argument in node_constraints:
                if predicate in _CARDINALITY:
                    raise Unsupported("cardinality on a node shape")
                if predicate == SH.sparql:
                    found.append(self._sparql_check(shape, shape, argument, focus, "", prefixes, node=True))
                    continue
                pattern, recheck = self.bad(predicate, argument, "?this", focus, shape)
                query = f"SELECT DISTINCT ?this WHERE {{ {pattern} }}"
                found.append(Check(str(shape), _component(predicate), "", severity, message, query, True, recheck))
        for prop in sorted(self.g.objects(shape, SH.property), key=str):
            if not isinstance(prop, (URIRef, BNode)):
                raise Unsupported("property shape")
            found.extend(self._property_checks(shape, prop, focus, self.is_focus(shape), prefixes))
        return found

    def _property_checks(
        self, shape: SHAPE, prop: SHAPE, focus: str, is_focus: str, prefixes: dict[str, str]
    ) -> list[Check]:
        if self.deactivated(prop):
            return []
        path_node = self.one(prop, SH.path)
        if path_node is None:
            raise Unsupported("property shape without a path")
        path = self.path(path_node)
        result_path = str(path_node) if isinstance(path_node, URIRef) else ""
        severity, message = self.severity(prop), self.message(prop)
        found = []
        for predicate, argument in self.constraints(prop):
            if predicate == SH.minCount:
                query = f"SELECT DISTINCT ?this WHERE {{ {self._too_few('?this', path, int(argument), focus)} }}"  # type: ignore[arg-type]
                found.append(Check(str(shape), _component(predicate), result_path, severity, message, query))
            elif predicate == SH.maxCount:
                many = self._too_many("?this", path, int(argument), focus)  # type: ignore[arg-type]
                query = f"SELECT DISTINCT ?this WHERE {{ {many} }}"
                # Offenders from the scan of the path; only they are tested as focus nodes.
                many = self._too_many("?this", path, int(argument), "")  # type: ignore[arg-type]
                candidates = f"SELECT DISTINCT ?this WHERE {{ {many} }}"
                found.append(Check(str(shape), _component(predicate), result_path, severity, message, candidates,
                                   targets=is_focus, joined=query))
            elif predicate == SH.sparql:
                found.append(self._sparql_check(shape, prop, argument, focus, path, prefixes, node=False, result_path=result_path))
            else:
                expression = self.ok(predicate, argument, "?value", prop) if predicate != SH["class"] else ""
                if expression is None:
                    # Nested shapes with properties of their own: the focus nodes' values.
                    values = f"{{ {self._pairs('?this', path, '?value', focus)} {focus} }}"
                    pattern, recheck = self.bad(predicate, argument, "?value", values, prop)
                    query = f"SELECT DISTINCT ?this ?value WHERE {{ {pattern} }}"
                    found.append(Check(str(shape), _component(predicate), result_path, severity, message, query, False, recheck))
                else:
                    # The scan of the path, filtered on its own; only the rows it keeps
                    # are then tested for being focus nodes.
                    pattern, recheck = self.bad(predicate, argument, "?value", f"?this {path} ?value", prop)
                    candidates = f"SELECT DISTINCT ?this ?value WHERE {{ {pattern} }}"
                    joined = f"SELECT DISTINCT ?this ?value WHERE {{ {{ SELECT ?this ?value WHERE {{ {pattern} }} }} {focus} }}"
                    found.append(Check(str(shape), _component(predicate), result_path, severity, message, candidates,
                                       False, recheck, targets=is_focus, joined=joined))
        return found

    def _sparql_check(
        self, shape: SHAPE, owner: SHAPE, constraint: Node, focus: str, path: str,
        prefixes: dict[str, str], *, node: bool, result_path: str = "",
    ) -> Check:
        if not isinstance(constraint, (URIRef, BNode)) or self.deactivated(constraint):
            raise Unsupported("SPARQL constraint")
        select = self.one(constraint, SH.select)
        if select is None:
            raise Unsupported("SPARQL constraint without sh:select")
        text = str(select)
        if re.search(r"\$(?!this\b|PATH\b)\w+", text) or "?path" in text:
            raise Unsupported("SPARQL constraint with pre-bound variables other than $this and $PATH")
        text = text.replace("$this", "?this").replace("$PATH", path)
        messages = list(self.g.objects(constraint, SH.message))
        message = str(messages[0]) if len(messages) == 1 and "{" not in str(messages[0]) else self.message(owner)
        declared = self._declared(constraint)
        header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted({**prefixes, **declared}.items()))
        query = f"{header}SELECT DISTINCT ?this ?value WHERE {{ {{ {text} }} {focus} }}"
        return Check(str(shape), str(SH.SPARQLConstraintComponent), result_path, self.severity(owner), message, query, node)

    def _declared(self, constraint: SHAPE) -> dict[str, str]:
        found = {}
        for ontology in self.g.objects(constraint, SH.prefixes):
            for declaration in self.g.objects(ontology, SH.declare):
                prefix = self.one(declaration, SH.prefix)  # type: ignore[arg-type]
                namespace = self.one(declaration, SH.namespace)  # type: ignore[arg-type]
                if prefix is not None and namespace is not None:
                    found[str(prefix)] = str(namespace)
        return found


def _component(predicate: URIRef) -> str:
    local = predicate.rsplit("#", 1)[-1]
    return str(SH) + local[0].upper() + local[1:] + "ConstraintComponent"


def compile_shapes(shapes: rdflib.Graph, *, subclassing: bool = False) -> tuple[list[Check], list[SHAPE]]:
    """The checks of every shape that compiles, and the shapes left for pyshacl."""
    compiler = Compiler(shapes, subclassing=subclassing)
    checks: list[Check] = []
    left: list[SHAPE] = []
    for shape in compiler.top_level_shapes():
        try:
            checks.extend(compiler.checks(shape, {}))
        except Unsupported:
            left.append(shape)
    return checks, left


# -- pyshacl's own rules for the rows SPARQL flags -----------------------------------------


def still_fails(recheck: Recheck, value: Node) -> bool:
    """Whether pyshacl too would report this value (SPARQL only proposes candidates)."""
    if recheck.kind == "datatype":
        return not _datatype_ok(value, URIRef(recheck.argument))
    if recheck.kind == "pattern":
        flags = 0
        for letter, flag in (("i", re.IGNORECASE), ("m", re.MULTILINE), ("s", re.DOTALL), ("x", re.VERBOSE)):
            if letter in recheck.flags:
                flags |= flag
        return isinstance(value, BNode) or re.search(recheck.argument, str(value), flags) is None
    bound = Literal(recheck.argument, datatype=URIRef(recheck.bound_datatype) if recheck.bound_datatype else None)
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
        XSD.string: (str, bytes), RDF.langString: (str, bytes), XSD.integer: int, XSD.float: float,
        XSD.decimal: Decimal, XSD.boolean: bool, XSD.date: date, XSD.time: time, XSD.dateTime: datetime,
    }
    kind = expected.get(datatype)
    return True if kind is None else isinstance(python, kind)


def _in_range(value: Node, bound: Literal, op: str) -> bool:
    if not isinstance(value, Literal):
        return False
    if isinstance(bound.value, str) != isinstance(value.value, str):
        return False
    try:
        return bool({">=": value >= bound, "<=": value <= bound, ">": value > bound, "<": value < bound}[op])
    except TypeError:
        return False


def iter_checks(checks: list[Check]) -> Iterator[Check]:
    """The checks, most expensive first (for an even spread over processes)."""
    return iter(sorted(checks, key=lambda c: -len(c.query)))
