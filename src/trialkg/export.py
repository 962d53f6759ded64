"""Exports: Turtle, JSON-LD, N-Triples, N-Quads and TriG, streamed one trial at a time.

Each trial's triples are sorted and written as one block, so memory stays at a
few trials whatever the store's size, the cost grows linearly, and the same
store always gives byte-identical files. A triple about a shared node (a drug, a
condition, an organisation) may stand in several graphs (a record's statement
in each trial graph, what vocabularies say in the shared graph); the
triple-based formats write each such triple once (a 16-byte digest of each one
written is kept, a few hundred MB for the whole registry).

Reading the store is the slow part (every term is looked up by its hash), so
``workers`` threads read batches of trials from the one open store while the
main thread writes them in order; the store's own serializers make the text.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import groupby
from typing import IO, Any, cast

import pyoxigraph as ox

from trialkg.errors import TrialKGError
from trialkg.progress import OnProgress, Progress
from trialkg.rdf import iri, prefixes, vocab
from trialkg.store import TrialStore

FORMATS = ("turtle", "jsonld", "ntriples", "nquads", "trig", "graphml")
EXTENSIONS = {
    "turtle": "ttl",
    "jsonld": "jsonld",
    "ntriples": "nt",
    "nquads": "nq",
    "trig": "trig",
    "graphml": "graphml",
}

# zlib's level 3 compressed N-Quads at 117 MB/s to 8.9% of their size, level 6 at
# 45 MB/s to 7.7%: the faster level keeps gzip from doubling an export's time.
GZIP_LEVEL = 3

_TRIAL_OWNED = tuple(f"<{prefix}".encode() for prefix in iri.TRIAL_OWNED)
_BATCH_TRIALS = 50

# A trial's graphs, each with its sorted N-Triples lines.
TrialBlock = list[tuple[str, list[bytes]]]


def _trial_graph_names(store: TrialStore) -> list[list[str]]:
    names = store.graph_names()
    return [list(group) for _, group in groupby(names, key=lambda g: iri.trial_of(g) or g)]


def _graph_lines(store: ox.Store, name: str) -> list[bytes]:
    text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name)) or b""
    lines = text.splitlines(keepends=True)
    lines.sort()
    return lines


def _read_batch(store: ox.Store, batch: list[list[str]]) -> list[TrialBlock]:
    return [[(name, _graph_lines(store, name)) for name in names] for names in batch]


def _blocks(
    store: TrialStore, workers: int, on_progress: OnProgress | None = None
) -> Iterator[TrialBlock]:
    """Every trial's graphs and sorted lines, in trial order; read ahead by worker threads
    sharing the open store (the engine dumps a graph without holding the GIL).
    ``on_progress`` counts trials (not the shared graph)."""
    trials = _trial_graph_names(store)
    progress = Progress(sum(1 for names in trials if iri.trial_of(names[0])), on_progress)
    for block in _read(store, trials, workers):
        yield block
        if iri.trial_of(block[0][0]):  # the shared and summary graphs are no trial's
            progress.add(1)


def _read(store: TrialStore, trials: list[list[str]], workers: int) -> Iterator[TrialBlock]:
    oxstore = store.oxigraph
    if workers <= 1:
        for names in trials:
            yield [(name, _graph_lines(oxstore, name)) for name in names]
        return
    batches = [trials[i : i + _BATCH_TRIALS] for i in range(0, len(trials), _BATCH_TRIALS)]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[list[TrialBlock]]] = deque()
        for batch in batches:
            pending.append(pool.submit(_read_batch, oxstore, batch))
            if len(pending) >= workers * 3:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _with_graph(lines: list[bytes], name: str) -> bytes:
    tail = f"<{name}> .\n".encode()
    return b"".join(line[:-2] + tail for line in lines)


def _trial_lines(block: TrialBlock, seen_shared: set[bytes]) -> list[bytes]:
    """A trial's triples from all its graphs, sorted, without shared triples written before."""
    kept = []
    for line in sorted({line for _, lines in block for line in lines}):
        if not line.startswith(_TRIAL_OWNED):
            digest = hashlib.blake2b(line, digest_size=16).digest()
            if digest in seen_shared:
                continue
            seen_shared.add(digest)
        kept.append(line)
    return kept


def _without_prefixes(block: bytes) -> bytes:
    lines = block.split(b"\n")
    return b"\n".join(line for line in lines if not line.startswith(b"@prefix ")).lstrip(b"\n")


class _Prefixes:
    """The prefixes in force while Turtle or TriG is written: the header's, and each
    block's families, declared again where a block binds a name to another namespace."""

    def __init__(self) -> None:
        self.header = prefixes.header_prefixes()
        self.active: dict[str, str] = {}

    def start(self) -> bytes:
        return prefixes.declarations(self.header) + b"\n"

    def block(self, lines: list[bytes]) -> tuple[bytes, dict[str, str]]:
        """The declarations to write before a block, and the prefixes to serialize it with."""
        used = prefixes.block_prefixes(lines)
        changed = {name: space for name, space in used.items() if self.active.get(name) != space}
        self.active.update(changed)
        return prefixes.declarations(changed), {**self.header, **used}


def _turtle(
    data: bytes, source: ox.RdfFormat, target: ox.RdfFormat, names: dict[str, str]
) -> bytes:
    parsed = ox.parse(data, format=source)
    return _without_prefixes(ox.serialize(parsed, format=target, prefixes=names) or b"")


def gzip_writer(raw: IO[bytes]) -> IO[bytes]:
    """A gzip stream onto ``raw`` that names no file and no time: the same export
    gives the same bytes compressed too."""
    packed = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=GZIP_LEVEL)
    return cast(IO[bytes], packed)


def export(
    store: TrialStore,
    fmt: str,
    out: IO[bytes],
    *,
    workers: int = 1,
    on_progress: OnProgress | None = None,
) -> int:
    """Write the store in a format to a binary stream; returns the number of triples or quads.

    ``on_progress`` is told, about once a second, the trials written so far, the trials
    in all and the seconds since the start."""
    if fmt not in FORMATS:
        raise TrialKGError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "jsonld":
        return _export_jsonld(store, out, workers, on_progress)
    if fmt == "graphml":
        from trialkg.analytics import write_graphml

        return write_graphml(store, out)
    count = 0
    seen_shared: set[bytes] = set()
    names = _Prefixes()
    if fmt in {"turtle", "trig"}:
        out.write(names.start())
    for block in _blocks(store, workers, on_progress):
        if fmt in {"nquads", "trig"}:
            quads = [_with_graph(lines, name) for name, lines in block]
            count += sum(len(lines) for _, lines in block)
            if fmt == "nquads":
                out.write(b"".join(quads))
                continue
            declared, used = names.block(quads)
            text = _turtle(b"".join(quads), ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG, used)
            out.write(declared + text + b"\n")
            continue
        lines = _trial_lines(block, seen_shared)
        count += len(lines)
        if fmt == "ntriples":
            out.write(b"".join(lines))
        else:
            declared, used = names.block(lines)
            text = _turtle(b"".join(lines), ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE, used)
            out.write(declared + text + b"\n")
    return count


# -- JSON-LD ----------------------------------------------------------------------------------

# Properties whose values are nodes; everything else of ours is a literal.
_NODE_PROPERTIES = {
    "arm",
    "intervention",
    "outcome",
    "eligibility",
    "site",
    "leadSponsor",
    "collaborator",
    "responsibleParty",
    "official",
    "centralContact",
    "identifier",
    "reference",
    "condition",
    "conditionMesh",
    "interventionMesh",
    "givesIntervention",
    "concept",
    "facility",
    "siteContact",
    "pubmed",
    "describes",
    "link",
    "linkTarget",
}


def jsonld_context() -> dict[str, Any]:
    """A context that gives every trialkg property a short key."""
    from trialkg.vocabulary import property_names

    context: dict[str, Any] = {k: v for k, v in sorted(vocab.PREFIXES.items())}
    for name in property_names():
        context[name] = (
            {"@id": f"tkg:{name}", "@type": "@id"} if name in _NODE_PROPERTIES else f"tkg:{name}"
        )
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


def _value(term: ox.NamedNode | ox.BlankNode | ox.Triple) -> str:
    return str(term) if isinstance(term, ox.Triple) else term.value


def _jsonld_nodes(
    quads: list[ox.Quad], keys: dict[str, str], prefixes: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    for subject, group in groupby(quads, key=lambda q: _value(q.subject)):
        node: dict[str, Any] = {"@id": _compact(subject, prefixes)}
        for quad in group:
            predicate = quad.predicate.value
            obj = quad.object
            if predicate == vocab.TYPE and isinstance(obj, ox.NamedNode):
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


def _export_jsonld(
    store: TrialStore, out: IO[bytes], workers: int, on_progress: OnProgress | None
) -> int:
    context = jsonld_context()
    keys: dict[str, str] = {}
    for key, definition in context.items():
        target = definition["@id"] if isinstance(definition, dict) else definition
        if isinstance(target, str) and ":" in target and not target.startswith("http"):
            prefix, local = target.split(":", 1)
            if prefix in vocab.PREFIXES:
                keys[vocab.PREFIXES[prefix] + local] = key
    prefixes = sorted(vocab.PREFIXES.items(), key=lambda item: -len(item[1]))
    out.write(
        b'{\n"@context": '
        + json.dumps(context, indent=1, sort_keys=True).encode()
        + b',\n"@graph": [\n'
    )
    count = 0
    first = True
    for block in _blocks(store, workers, on_progress):
        for name, lines in block:
            quads = list(ox.parse(_with_graph(lines, name), format=ox.RdfFormat.N_QUADS))
            count += len(quads)
            graph = {"@id": name, "@graph": _jsonld_nodes(quads, keys, prefixes)}
            out.write(
                (b"" if first else b",\n")
                + json.dumps(graph, ensure_ascii=False, sort_keys=True).encode()
            )
            first = False
    out.write(b"\n]\n}\n")
    return count
