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
scale: every pattern over values is made DISTINCT before it is joined (a value
stated in several graphs comes once per graph from the union), and filters run on
the scans of a predicate before the join with the focus nodes. A datatype,
pattern or range that SPARQL flags is checked again in Python with pyshacl's own
rules, so that the verdict is pyshacl's.

A shape that uses anything else (sh:closed, property pairs, qualified shapes,
language constraints, a constraint without sh:message, ...) is not compiled:
``compile_shapes`` returns it for the caller to run through pyshacl.
"""

from __future__ import annotations

import contextlib
import re
from typing import Any

import rdflib
from rdflib import RDF, RDFS
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import BNode, Node, URIRef

from trialkg.validate.checks import CANDIDATES, Check
from trialkg.validate.shape_values import (
    _CARDINALITY,
    SHAPE,
    Recheck,
    ShapeReader,
    Unsupported,
    _sparql,
    integer,
)


class Compiler(ShapeReader):
    def __init__(self, shapes: rdflib.Graph, *, subclassing: bool = False) -> None:
        super().__init__(shapes)
        self.type_path = (
            "a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>*" if subclassing else "a"
        )
        self._count = 0
        self._shared_paths = self._paths_of_several_shapes()

    def var(self, base: str = "v") -> str:
        self._count += 1
        return f"?{base}{self._count}"

    # -- shapes and their parts -----------------------------------------------------------
    def top_level_shapes(self) -> list[SHAPE]:
        targeted: set[SHAPE] = set()
        for predicate in (
            SH.targetClass,
            SH.targetNode,
            SH.targetSubjectsOf,
            SH.targetObjectsOf,
        ):
            targeted.update(
                s for s in self.g.subjects(predicate, None) if isinstance(s, (URIRef, BNode))
            )
        for shape in self.g.subjects(RDF.type, SH.NodeShape):
            if (shape, RDF.type, RDFS.Class) in self.g and isinstance(shape, (URIRef, BNode)):
                targeted.add(shape)
        return sorted(targeted, key=str)

    def focus(self, shape: SHAPE) -> str:
        """A group pattern binding ?this to the shape's focus nodes, once each."""
        union = " UNION ".join(f"{{ {part} }}" for part in self._targets(shape))
        return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"

    def is_focus(self, shape: SHAPE) -> str:
        """A filter keeping rows whose ?this is a focus node."""
        union = " UNION ".join(f"{{ {part} }}" for part in self._targets(shape))
        return f"FILTER EXISTS {{ {union} }}"

    def _targets(self, shape: SHAPE) -> list[str]:
        parts = [
            f"?this {self.type_path} {_sparql(c)}" for c in self.g.objects(shape, SH.targetClass)
        ]
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
            return (
                f"{{ {cand} MINUS {{ {var} {self.type_path} {_sparql(argument)} }} }}",
                None,
            )
        ok = self.ok(predicate, argument, var, shape)
        if ok is not None:
            return f"{{ {cand} FILTER(!{ok}) }}", self._recheck(predicate, argument, shape)
        if predicate == SH.node:
            return self.failing(argument, var, cand), None
        if predicate in (SH["or"], SH["and"], SH.xone):
            members = list(Collection(self.g, argument))
            return self._logical(predicate, members, var, cand), None
        if predicate == SH["not"]:
            return f"{{ {cand} MINUS {self.violators(argument, var, cand)} }}", None
        raise Unsupported(str(predicate))

    def _logical(self, predicate: URIRef, members: list[Node], var: str, cand: str) -> str:
        if predicate == SH["and"]:
            nodes = f"{{ SELECT DISTINCT {var} WHERE {{ {cand} }} }}"
            failed = " UNION ".join(self._failing_nodes(m, var, nodes) for m in members)
            return f"{{ {cand} {{ SELECT DISTINCT {var} WHERE {{ {failed} }} }} }}"
        if predicate == SH["or"]:
            # Failing every member: the join of the members' sets of failing nodes.
            return f"{{ {cand} " + " ".join(self.violators(m, var, cand) for m in members) + " }"
        # Not exactly one member passes: all fail, or some two pass. Anti-joins stream
        # the candidates and hold only the failing sets, not a table of every node.
        failing_sets = [self.violators(m, var, cand) for m in members]
        cases = [f"{{ {cand} {' '.join(failing_sets)} }}"]
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                cases.append(f"{{ {cand} MINUS {failing_sets[i]} MINUS {failing_sets[j]} }}")
        return "{ " + " UNION ".join(cases) + " }"

    def violators(self, shape: Node, var: str, cand: str) -> str:
        """A subquery giving, once each, the values of ``var`` in ``cand`` that fail ``shape``."""
        return self._failing_nodes(shape, var, f"{{ SELECT DISTINCT {var} WHERE {{ {cand} }} }}")

    def failing(self, shape: Node, var: str, cand: str) -> str:
        """A group pattern: the rows of ``cand`` whose ``var`` does not conform to ``shape``."""
        return f"{{ {cand} {self.violators(shape, var, cand)} }}"

    def _failing_nodes(self, shape: Node, var: str, nodes: str) -> str:
        """A subquery giving, once each, the nodes of ``nodes`` (``var``) that fail ``shape``."""
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
        """Patterns binding ``var`` (from ``nodes``) when its values along ``path`` fail."""
        parts = []
        value = self.var()
        values = self._pairs(var, path, value, nodes)
        if not self._shared_path(path):
            values = f"{{ {values} {nodes} }}"
        for predicate, argument in self.constraints(shape):
            if predicate == SH.minCount:
                parts.append(self._too_few(var, path, integer(argument), nodes))
            elif predicate == SH.maxCount:
                parts.append(self._too_many(var, path, integer(argument), nodes))
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
            f"{{ SELECT {var} (COUNT({other}) AS {other}n) "
            f"WHERE {{ {self._pairs(var, path, other, nodes)} }} "
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
                    with contextlib.suppress(Unsupported):
                        owners.setdefault(self.path(path), set()).update(classes)
                stack.extend(self.g.objects(shape, SH.property))
                stack.extend(self.g.objects(shape, SH.node))
                stack.extend(self.g.objects(shape, SH["not"]))
                for predicate in (SH["or"], SH["and"], SH.xone):
                    for members in self.g.objects(shape, predicate):
                        stack.extend(Collection(self.g, members))
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
                    found.append(
                        self._sparql_check(shape, shape, argument, focus, "", prefixes, node=True)
                    )
                    continue
                # A stream of the targets, not a table of them: DISTINCT keeps only offenders.
                targets = " UNION ".join(f"{{ {part} }}" for part in self._targets(shape))
                cand = focus if self.ok(predicate, argument, "?this", shape) is None else targets
                pattern, recheck = self.bad(predicate, argument, "?this", f"{{ {cand} }}", shape)
                query = f"SELECT DISTINCT ?this WHERE {{ {pattern} }}"
                found.append(
                    Check(
                        str(shape),
                        _component(predicate),
                        "",
                        severity,
                        message,
                        query,
                        True,
                        recheck,
                    )
                )
        for prop in sorted(self.g.objects(shape, SH.property), key=str):
            if not isinstance(prop, (URIRef, BNode)):
                raise Unsupported("property shape")
            found.extend(self._property_checks(shape, prop, focus, self.is_focus(shape), prefixes))
        return found

    def _property_checks(
        self,
        shape: SHAPE,
        prop: SHAPE,
        focus: str,
        is_focus: str,
        prefixes: dict[str, str],
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

        def check(predicate: URIRef, query: str, **options: Any) -> Check:
            component = _component(predicate)
            return Check(str(shape), component, result_path, severity, message, query, **options)

        for predicate, argument in self.constraints(prop):
            if predicate == SH.minCount and integer(argument) == 1 and self._shared_path(path):
                # A path many classes use (rdfs:label): test each focus node, rather
                # than hold a table of every node that has the path.
                targets = " UNION ".join(f"{{ {part} }}" for part in self._targets(shape))
                few = f"{{ {targets} }} FILTER NOT EXISTS {{ ?this {path} ?any }}"
                query = f"SELECT DISTINCT ?this WHERE {{ {few} }}"
                found.append(check(predicate, query))
            elif predicate == SH.minCount:
                few = self._too_few("?this", path, integer(argument), focus)
                query = f"SELECT DISTINCT ?this WHERE {{ {few} }}"
                found.append(check(predicate, query))
            elif predicate == SH.maxCount:
                limit = integer(argument)
                many = self._too_many("?this", path, limit, focus)
                query = f"SELECT DISTINCT ?this WHERE {{ {many} }}"
                # Offenders from one scan of the path, its rows counted as they come: a
                # statement in two graphs counts twice there, so the few nodes it gives
                # are counted again on their distinct values, and tested as focus nodes.
                # Shapes that bound the same path alike share the scan (and its rows).
                other = self.var("many")
                candidates = (
                    f"SELECT ?this WHERE {{ ?this {path} ?many }} "
                    f"GROUP BY ?this HAVING (COUNT(*) > {limit})"
                )
                confirm = (
                    f"SELECT ?this WHERE {{ {{ SELECT DISTINCT ?this {other} WHERE "
                    f"{{ VALUES ?this {{ {CANDIDATES} }} ?this {path} {other} }} }} }} "
                    f"GROUP BY ?this HAVING (COUNT({other}) > {limit})"
                )
                found.append(
                    check(predicate, candidates, targets=is_focus, joined=query, confirm=confirm)
                )
            elif predicate == SH.sparql:
                found.append(
                    self._sparql_check(
                        shape,
                        prop,
                        argument,
                        focus,
                        path,
                        prefixes,
                        node=False,
                        result_path=result_path,
                    )
                )
            else:
                expression = (
                    self.ok(predicate, argument, "?value", prop) if predicate != SH["class"] else ""
                )
                if expression is None:
                    # Nested shapes with properties of their own: the focus nodes' values.
                    values = f"{{ {self._pairs('?this', path, '?value', focus)} {focus} }}"
                    pattern, recheck = self.bad(predicate, argument, "?value", values, prop)
                    query = f"SELECT DISTINCT ?this ?value WHERE {{ {pattern} }}"
                    found.append(check(predicate, query, recheck=recheck))
                else:
                    # The scan of the path, filtered on its own; only the rows it keeps
                    # are then tested for being focus nodes.
                    pattern, recheck = self.bad(
                        predicate, argument, "?value", f"?this {path} ?value", prop
                    )
                    candidates = f"SELECT DISTINCT ?this ?value WHERE {{ {pattern} }}"
                    joined = (
                        f"SELECT DISTINCT ?this ?value WHERE "
                        f"{{ {{ SELECT ?this ?value WHERE {{ {pattern} }} }} {focus} }}"
                    )
                    found.append(
                        check(
                            predicate, candidates, recheck=recheck, targets=is_focus, joined=joined
                        )
                    )
        return found

    def _sparql_check(
        self,
        shape: SHAPE,
        owner: SHAPE,
        constraint: Node,
        focus: str,
        path: str,
        prefixes: dict[str, str],
        *,
        node: bool,
        result_path: str = "",
    ) -> Check:
        if not isinstance(constraint, (URIRef, BNode)) or self.deactivated(constraint):
            raise Unsupported("SPARQL constraint")
        select = self.one(constraint, SH.select)
        if select is None:
            raise Unsupported("SPARQL constraint without sh:select")
        text = str(select)
        if re.search(r"\$(?!this\b|PATH\b)\w+", text) or "?path" in text:
            raise Unsupported(
                "SPARQL constraint with pre-bound variables other than $this and $PATH"
            )
        text = text.replace("$this", "?this").replace("$PATH", path)
        messages = list(self.g.objects(constraint, SH.message))
        message = (
            str(messages[0])
            if len(messages) == 1 and "{" not in str(messages[0])
            else self.message(owner)
        )
        declared = self._declared(constraint)
        header = "".join(
            f"PREFIX {p}: <{ns}>\n" for p, ns in sorted({**prefixes, **declared}.items())
        )
        query = f"{header}SELECT DISTINCT ?this ?value WHERE {{ {{ {text} }} {focus} }}"
        return Check(
            str(shape),
            str(SH.SPARQLConstraintComponent),
            result_path,
            self.severity(owner),
            message,
            query,
            node,
        )

    def _declared(self, constraint: SHAPE) -> dict[str, str]:
        found = {}
        for ontology in self.g.objects(constraint, SH.prefixes):
            for declaration in self.g.objects(ontology, SH.declare):
                if not isinstance(declaration, (URIRef, BNode)):
                    continue
                prefix = self.one(declaration, SH.prefix)
                namespace = self.one(declaration, SH.namespace)
                if prefix is not None and namespace is not None:
                    found[str(prefix)] = str(namespace)
        return found


def _component(predicate: URIRef) -> str:
    local = predicate.rsplit("#", 1)[-1]
    return str(SH) + local[0].upper() + local[1:] + "ConstraintComponent"


def compile_shapes(
    shapes: rdflib.Graph, *, subclassing: bool = False
) -> tuple[list[Check], list[SHAPE]]:
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
