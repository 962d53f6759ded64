"""Exports: Turtle, JSON-LD, N-Triples, N-Quads and TriG, streamed one trial at a time.

Each trial's triples are sorted and written as one block, so memory stays at
one trial whatever the store's size, the cost grows linearly, and the same
store always gives byte-identical files. Triples about shared nodes (a drug, a
condition, an organisation) stand in every trial graph that mentions them; the
triple-based formats write each such triple once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import groupby
from typing import IO, Any

import pyoxigraph as ox

from trialkg.errors import TrialKGError
from trialkg.rdf import vocab
from trialkg.store import TrialStore

FORMATS = ("turtle", "jsonld", "ntriples", "nquads", "trig")
EXTENSIONS = {"turtle": "ttl", "jsonld": "jsonld", "ntriples": "nt", "nquads": "nq", "trig": "trig"}

_TRIAL_OWNED = (vocab.CTGOV, vocab.ID + "trial/", vocab.GRAPH)


def _trial_of_graph(name: str) -> str:
    return name[len(vocab.GRAPH) :].split("/", 1)[0] if name.startswith(vocab.GRAPH) else name


def _trial_graphs(store: TrialStore) -> Iterator[tuple[str, list[str]]]:
    for trial, names in groupby(store.graph_names(), key=_trial_of_graph):
        yield trial, list(names)


def _sort_key(quad: ox.Quad | ox.Triple) -> tuple[str, str, str]:
    return (str(quad.subject), str(quad.predicate), str(quad.object))


def _trial_triples(store: TrialStore, names: list[str], seen_shared: set[ox.Triple]) -> list[ox.Triple]:
    """A trial's triples from all its graphs, sorted, without shared triples written before."""
    triples: set[ox.Triple] = set()
    for name in names:
        for quad in store.quads(name):
            triples.add(quad.triple)
    kept = []
    for triple in triples:
        subject = triple.subject.value
        if not subject.startswith(_TRIAL_OWNED):
            if triple in seen_shared:
                continue
            seen_shared.add(triple)
        kept.append(triple)
    kept.sort(key=_sort_key)
    return kept


def _without_prefixes(block: bytes) -> bytes:
    lines = block.split(b"\n")
    return b"\n".join(line for line in lines if not line.startswith(b"@prefix ")).lstrip(b"\n")


def _prefix_header() -> bytes:
    return "".join(f"@prefix {k}: <{v}> .\n" for k, v in sorted(vocab.PREFIXES.items())).encode() + b"\n"


def export(store: TrialStore, fmt: str, out: IO[bytes]) -> int:
    """Write the store in a format to a binary stream; returns the number of triples or quads."""
    if fmt not in FORMATS:
        raise TrialKGError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "jsonld":
        return _export_jsonld(store, out)
    count = 0
    seen_shared: set[ox.Triple] = set()
    if fmt in {"turtle", "trig"}:
        out.write(_prefix_header())
    for _, names in _trial_graphs(store):
        if fmt in {"nquads", "trig"}:
            for name in names:
                quads = sorted(store.quads(name), key=_sort_key)
                count += len(quads)
                if fmt == "nquads":
                    out.write(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
                else:
                    block = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=vocab.PREFIXES) or b""
                    out.write(_without_prefixes(block) + b"\n")
            continue
        triples = _trial_triples(store, names, seen_shared)
        count += len(triples)
        if fmt == "ntriples":
            out.write(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
        else:
            block = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=vocab.PREFIXES) or b""
            out.write(_without_prefixes(block) + b"\n")
    return count


# -- JSON-LD ----------------------------------------------------------------------------------

# Properties whose values are nodes; everything else of ours is a literal.
_NODE_PROPERTIES = {
    "arm", "intervention", "outcome", "eligibility", "site", "leadSponsor", "collaborator",
    "responsibleParty", "official", "centralContact", "identifier", "reference", "condition",
    "conditionMesh", "interventionMesh", "givesIntervention", "concept", "facility", "siteContact",
    "pubmed", "describes", "link", "linkTarget",
}


def jsonld_context() -> dict[str, Any]:
    """A context that gives every trialkg property a short key."""
    from trialkg.vocabulary import property_names

    context: dict[str, Any] = {k: v for k, v in sorted(vocab.PREFIXES.items())}
    for name in property_names():
        context[name] = {"@id": f"tkg:{name}", "@type": "@id"} if name in _NODE_PROPERTIES else f"tkg:{name}"
    context["label"] = "rdfs:label"
    context["exactMatch"] = {"@id": "skos:exactMatch", "@type": "@id"}
    context["closeMatch"] = {"@id": "skos:closeMatch", "@type": "@id"}
    context["latitude"] = "schema:latitude"
    context["longitude"] = "schema:longitude"
    context["inClinicalTrialsFor"] = {"@id": "biolink:in_clinical_trials_for", "@type": "@id"}
    return context


def _compact(value: str, prefixes: list[tuple[str, str]]) -> str:
    for prefix, namespace in prefixes:
        if value.startswith(namespace) and len(value) > len(namespace):
            local = value[len(namespace) :]
            if "/" not in local and "#" not in local:
                return f"{prefix}:{local}"
    return value


def _jsonld_nodes(quads: list[ox.Quad], keys: dict[str, str], prefixes: list[tuple[str, str]]) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    for subject, group in groupby(quads, key=lambda q: q.subject.value):
        node: dict[str, Any] = {"@id": _compact(subject, prefixes)}
        for quad in group:
            predicate = quad.predicate.value
            obj = quad.object
            if predicate == vocab.TYPE:
                node.setdefault("@type", []).append(_compact(obj.value, prefixes))
                continue
            key = keys.get(predicate)
            value: Any
            if isinstance(obj, ox.NamedNode):
                if key in _NODE_KEYS:
                    value = obj.value
                else:
                    key, value = predicate, {"@id": obj.value}
            elif isinstance(obj, ox.Literal):
                datatype = obj.datatype.value
                if obj.language:
                    value = {"@value": obj.value, "@language": obj.language}
                elif datatype == vocab.XSD + "string":
                    value = obj.value
                else:
                    value = {"@value": obj.value, "@type": _compact(datatype, prefixes)}
                key = key or predicate
            else:
                continue
            node.setdefault(key, []).append(value)
        for key, values in list(node.items()):
            if isinstance(values, list) and len(values) == 1 and key != "@type":
                node[key] = values[0]
        nodes.append(node)
    return nodes


_NODE_KEYS = set(_NODE_PROPERTIES) | {"exactMatch", "closeMatch", "inClinicalTrialsFor"}


def _export_jsonld(store: TrialStore, out: IO[bytes]) -> int:
    context = jsonld_context()
    keys: dict[str, str] = {}
    for key, definition in context.items():
        target = definition["@id"] if isinstance(definition, dict) else definition
        if isinstance(target, str) and ":" in target and not target.startswith("http"):
            prefix, local = target.split(":", 1)
            if prefix in vocab.PREFIXES:
                keys[vocab.PREFIXES[prefix] + local] = key
    prefixes = sorted(vocab.PREFIXES.items(), key=lambda item: -len(item[1]))
    out.write(b'{\n"@context": ' + json.dumps(context, indent=1, sort_keys=True).encode() + b',\n"@graph": [\n')
    count = 0
    first = True
    for _, names in _trial_graphs(store):
        for name in names:
            quads = sorted(store.quads(name), key=_sort_key)
            count += len(quads)
            graph = {"@id": name, "@graph": _jsonld_nodes(quads, keys, prefixes)}
            out.write((b"" if first else b",\n") + json.dumps(graph, ensure_ascii=False, sort_keys=True).encode())
            first = False
    out.write(b"\n]\n}\n")
    return count
