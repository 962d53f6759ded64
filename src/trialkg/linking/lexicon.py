"""The shipped lexicon (``data/lexicon.tsv.gz``) and a user's overlay on top of it.

The file is built by ``scripts/build_lexicon.py``; its header names each source
with version, SHA-256 and licence. Two sorted sections follow:

- ``%concepts``: ``curie  types  label  xrefs  parent  trees`` — a term of the lexicon a
  mention can stand for. ``types`` letters: ``d`` chemical or drug (MeSH tree D), ``a`` a
  class of drugs by action or use, ``c`` disease (C, F03 and behavioural symptoms), ``p``
  procedure (E, and F04 behavioural therapies), ``v`` device (E07), ``r`` chemotherapy
  protocol. ``xrefs`` are ``=curie`` (exact) or ``~curie`` (close). ``parent`` is the
  active ingredient of a salt form. ``trees`` are a MeSH descriptor's tree numbers
  (``C04.588.894``), ``;``-separated (format 2; a format 1 file has no such column and its
  concepts no tree numbers).
- ``%terms``: ``key  curie|flag;...`` — the ``lookup_key`` of a name and the concepts
  it names, best first. Flags: ``c``/``k`` curated exact/close, ``p`` preferred name,
  ``s`` synonym, ``b`` brand, ``n`` another concept's term, ``d`` DrugBank, ``m`` MONDO.

The letters are the file's alone: this module reads them into the names of
``linking.link_values`` (``ConceptType``, ``TermSource``, ``Relation``), which the
rest of linking uses.

Loading decompresses and splits the two sections into sorted lists of lines and
nothing more; a lookup is a bisection. That keeps the load well under a second for
about a million lines and lets worker processes share the pages.
"""

from __future__ import annotations

import bisect
import gzip
import hashlib
import os
from collections.abc import Collection
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path

from trialkg.errors import InputError
from trialkg.linking.ids import canonical_mesh_id, concept_key, mesh_variants, vocabulary_of
from trialkg.linking.link_values import ConceptType, ReadingMethod, Relation, TermSource
from trialkg.linking.normalise import NORMALISER_VERSION, lookup_key
from trialkg.linking.overlay import NEVER, OverlayEntry, read_overlay
from trialkg.linking.prefixes import CurieError, split_curie

# How a reading links: (method, relation for conditions and procedures, confidence). For
# drugs every source but "curated-close" is exact: a brand, a code or a salt name of a
# substance names the substance.
READING_LINKS: dict[TermSource, tuple[ReadingMethod, Relation, float]] = {
    "curated": ("curated", "exact", 0.95),
    "curated-close": ("curated", "close", 0.9),
    "preferred": ("exact", "exact", 1.0),
    "synonym": ("synonym", "exact", 0.95),
    "brand": ("brand", "exact", 0.95),
    "other-concept": ("synonym", "close", 0.8),
    "drugbank": ("synonym", "exact", 0.9),
    "mondo": ("synonym", "exact", 0.9),
    "overlay": ("overlay", "exact", 1.0),
    "overlay-close": ("overlay", "close", 1.0),
}
OVERLAY_ENV = "TRIALKG_OVERLAY"

# The file's letters.
_FLAGS: dict[str, TermSource] = {
    "c": "curated",
    "k": "curated-close",
    "p": "preferred",
    "s": "synonym",
    "b": "brand",
    "n": "other-concept",
    "d": "drugbank",
    "m": "mondo",
}
_TYPES: dict[str, ConceptType] = {
    "d": "drug",
    "a": "drug-class",
    "r": "regimen",
    "c": "disease",
    "p": "procedure",
    "v": "device",
}
_XREF_RELATIONS: dict[str, Relation] = {"=": "exact", "~": "close"}
# The type of a concept the overlay adds, by the overlay's kind.
_OVERLAY_TYPES: dict[str, frozenset[ConceptType]] = {
    "drug": frozenset({"drug"}),
    "condition": frozenset({"disease"}),
    "procedure": frozenset({"procedure"}),
    "organisation": frozenset({"organisation"}),
}


@dataclass(frozen=True, slots=True)
class VocabularyConcept:
    curie: str
    types: frozenset[ConceptType]
    label: str
    xrefs: tuple[tuple[str, Relation], ...] = ()
    parent: str | None = None
    tree_numbers: tuple[str, ...] = ()  # a MeSH descriptor's, as NLM writes them

    @property
    def key(self) -> str:
        return concept_key(self.curie)


@dataclass(frozen=True, slots=True)
class Reading:
    """One concept a name may stand for, and how the lexicon knows it."""

    curie: str
    source: TermSource


@dataclass(frozen=True, slots=True)
class SourceInfo:
    name: str
    file: str
    version: str
    sha256: str
    licence: str


class Lexicon:
    """Lookups in the shipped lexicon, with overlay entries taking precedence."""

    def __init__(
        self,
        concept_lines: list[str],
        term_lines: list[str],
        *,
        version: str = "empty",
        sources: tuple[SourceInfo, ...] = (),
        overlay: list[OverlayEntry] | None = None,
        overlay_name: str = "overlay",
    ) -> None:
        self._concepts = concept_lines
        self._terms = term_lines
        self.version = version
        self.sources = sources
        self.overlay_name = overlay_name
        self._overlay_entries = tuple(overlay or ())
        self._concept_cache: dict[str, VocabularyConcept | None] = {}
        self._source_labels: dict[str, str] = {}
        self._overlay_terms: dict[tuple[str, str], list[tuple[str, TermSource]]] = {}
        self._overlay_concepts: dict[str, VocabularyConcept] = {}
        self._overlay_xrefs: dict[str, list[tuple[str, Relation]]] = {}
        self._forbidden: set[tuple[str, str]] = set()  # (kind, curie): never link to it
        for entry in overlay or []:
            self._add_overlay(entry)

    # -- loading ----------------------------------------------------------------------

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str] | None = None,
        *,
        overlay: str | os.PathLike[str] | None = None,
    ) -> Lexicon:
        """The shipped lexicon (or the one at path), with the overlay file if one is given.

        Without an explicit overlay, the file named by ``TRIALKG_OVERLAY`` is used.
        """
        base = (
            _shipped_sections()
            if path is None
            else _read_sections(Path(path).read_bytes(), str(path))
        )
        header, sources, concepts, terms = base
        overlay_path = os.fspath(overlay) if overlay is not None else os.environ.get(OVERLAY_ENV)
        entries = read_overlay(overlay_path) if overlay_path else None
        return cls(
            concepts,
            terms,
            version=header.get("version", "unknown"),
            sources=sources,
            overlay=entries,
            overlay_name=Path(overlay_path).name if overlay_path else "overlay",
        )

    # -- lookups ----------------------------------------------------------------------

    def readings(self, key: str, kind: str) -> tuple[Reading, ...] | None:
        """What a name (given as its lookup_key) may stand for; None when an overlay forbids it.

        ``kind`` is the overlay kind (drug, condition, procedure, organisation): an
        overlay entry applies to its own kind only.
        """
        found: list[Reading] = []
        for target, source in self._overlay_terms.get((kind, key), ()):
            if target == NEVER:
                return None
            found.append(Reading(target, source))
        line = _find(self._terms, key)
        if line is not None:
            for item in line[len(key) + 1 :].split(";"):
                curie, _, flag = item.rpartition("|")
                if not self._forbidden or (kind, curie) not in self._forbidden:
                    found.append(Reading(curie, self._term_source(flag)))
        return tuple(found)

    def _term_source(self, flag: str) -> TermSource:
        source = _FLAGS.get(flag)
        if source is None:
            raise InputError(
                f"the lexicon (version {self.version}) has a term flag {flag!r} this "
                "version of trialkg does not know; rebuild it with scripts/build_lexicon.py"
            )
        return source

    def overlay_readings(self, key: str, kind: str) -> tuple[Reading, ...] | None:
        """The overlay's entries only (the shipped lexicon has no organisations)."""
        found = self._overlay_terms.get((kind, key), ())
        if any(target == NEVER for target, _ in found):
            return None
        return tuple(Reading(target, source) for target, source in found)

    def concept(self, curie: str) -> VocabularyConcept | None:
        if curie in self._concept_cache:
            return self._concept_cache[curie]
        concept = self._overlay_concepts.get(curie)
        line = _find(self._concepts, curie)
        if line is not None:
            cells = line.split("\t")
            xrefs = tuple((x[1:], _xref_relation(x[0])) for x in cells[3].split(";") if x)
            types = _concept_types(cells[1])
            trees = tuple(cells[5].split(";")) if len(cells) > 5 and cells[5] else ()
            concept = VocabularyConcept(curie, types, cells[2], xrefs, cells[4] or None, trees)
        if concept is not None and curie in self._overlay_xrefs:
            extra = tuple(x for x in self._overlay_xrefs[curie] if x not in concept.xrefs)
            concept = replace(concept, xrefs=concept.xrefs + extra)
        self._concept_cache[curie] = concept
        return concept

    def mesh_id(self, identifier: str) -> str | None:
        """The id of a MeSH record as NLM writes it, when the lexicon knows the record.

        ClinicalTrials.gov pads six-digit ids to nine digits (``D000017239`` for
        Paclitaxel, D017239; ``C000582435`` for pembrolizumab, C582435). A padded id
        is read as the six-digit one the lexicon knows; an id NLM minted with
        nine digits (``D000068877``) stays as it is. None: no such record.
        """
        value = identifier.strip().upper()
        for candidate in dict.fromkeys((value, canonical_mesh_id(value), *mesh_variants(value))):
            if self.concept("mesh:" + candidate) is not None:
                return candidate
        return None

    def canonical_curie(self, text: str) -> str | None:
        """A user's CURIE in its canonical form (``MESH:D000017239`` -> ``mesh:D017239``).

        None when the text is not a CURIE of a known prefix; ``CurieError`` naming
        the id when the prefix is known but the id is not of its form, or is a MeSH
        id the lexicon does not know.
        """
        found = split_curie(text)
        if found is None:
            return None
        prefix, local = found
        if prefix.name == "mesh":
            known = self.mesh_id(local)
            if known is None:
                raise CurieError(
                    f"{text.strip()!r} is not a MeSH descriptor or supplementary concept the "
                    f"lexicon knows (trialkg lexicon {self.version})"
                )
            local = known
        return f"{prefix.name}:{local}"

    def knows(self, name: str, types: Collection[ConceptType]) -> bool:
        """True when the name is a term of a concept of one of the types."""
        for reading in self.readings(lookup_key(name), "") or ():
            concept = self.concept(reading.curie)
            if concept is not None and not concept.types.isdisjoint(types):
                return True
        return False

    def source_label(self, curie: str) -> str:
        prefix = curie.partition(":")[0]
        label = self._source_labels.get(prefix)
        if label is None:
            label = self._source_labels[prefix] = (
                f"{vocabulary_of(curie)}; trialkg lexicon {self.version}"
            )
        return label

    @property
    def fingerprint(self) -> str:
        """The lexicon version and a digest of the overlay's entries: what the links depend on.

        A build that caches its output per input file should include it in its cache key,
        so that a new lexicon or an edited overlay links the same records again.
        """
        return _fingerprint(self.version, self._overlay_entries)

    def __len__(self) -> int:
        return len(self._concepts)

    # -- overlay ----------------------------------------------------------------------

    def _add_overlay(self, entry: OverlayEntry) -> None:
        entry = self._canonical_entry(entry)
        if entry.target == NEVER and entry.kind != "organisation" and _is_curie(entry.mention):
            # "drug  mesh:D000068877  -": no name links to that concept as a drug.
            self._forbidden.add((entry.kind, entry.mention))
            return
        if entry.kind == "xref":
            relation: Relation = "exact" if entry.relation == "exact" else "close"
            self._overlay_xrefs.setdefault(entry.mention, []).append((entry.target, relation))
            self._concept_cache.pop(entry.mention, None)
            return
        key = (
            organisation_lookup(entry.mention)
            if entry.kind == "organisation"
            else lookup_key(entry.mention)
        )
        source: TermSource = "overlay" if entry.relation == "exact" else "overlay-close"
        self._overlay_terms.setdefault((entry.kind, key), []).insert(0, (entry.target, source))
        if entry.target != NEVER and _find(self._concepts, entry.target) is None:
            types = _OVERLAY_TYPES[entry.kind]
            self._overlay_concepts.setdefault(
                entry.target, VocabularyConcept(entry.target, types, entry.label or entry.mention)
            )

    def _canonical_entry(self, entry: OverlayEntry) -> OverlayEntry:
        """The entry with its CURIEs in canonical form; an unknown MeSH id is an error."""
        try:
            target = entry.target if entry.target == NEVER else self.canonical_curie(entry.target)
            mention = (
                self.canonical_curie(entry.mention)
                if entry.kind == "xref" or _is_curie(entry.mention)
                else None
            )
        except CurieError as error:
            raise InputError(
                str(error), file=self.overlay_name, field=f"line {entry.line}"
            ) from None
        return replace(entry, target=target or entry.target, mention=mention or entry.mention)


def _is_curie(text: str) -> bool:
    try:
        return split_curie(text) is not None and ":" in text
    except CurieError:
        return False


def organisation_lookup(name: str) -> str:
    from trialkg.linking.organisations import organisation_key

    return organisation_key(name)


@cache
def _concept_types(letters: str) -> frozenset[ConceptType]:
    """The types of a concept line's letters; a letter this version does not know is no type."""
    return frozenset(_TYPES[letter] for letter in letters if letter in _TYPES)


def _xref_relation(mark: str) -> Relation:
    return _XREF_RELATIONS.get(mark, "close")


def _find(lines: list[str], key: str) -> str | None:
    """The line whose first column is key, in lines sorted by that column."""
    probe = key + "\t"
    index = bisect.bisect_left(lines, probe)
    if index < len(lines) and lines[index].startswith(probe):
        return lines[index]
    return None


_Base = tuple[dict[str, str], tuple["SourceInfo", ...], list[str], list[str]]


def _read_sections(data: bytes, name: str) -> _Base:
    try:
        text = gzip.decompress(data).decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"the lexicon file is damaged: {error}", file=name) from error
    header, source_rows, concepts, terms = _sections(text, name)
    if header.get("normaliser") != NORMALISER_VERSION:
        raise InputError(
            "the lexicon was built with another normaliser; rebuild it with "
            "scripts/build_lexicon.py",
            file=name,
        )
    sources = tuple(
        SourceInfo(s[0], s[1], s[2], s[3].removeprefix("sha256:"), s[4]) for s in source_rows
    )
    return header, sources, concepts, terms


@cache
def _shipped_sections() -> _Base:
    """The shipped lexicon's lines, read once per process: lexicons with different
    overlays share them."""
    data = resources.files("trialkg").joinpath("data/lexicon.tsv.gz").read_bytes()
    return _read_sections(data, "trialkg/data/lexicon.tsv.gz")


def _sections(text: str, name: str) -> tuple[dict[str, str], list[list[str]], list[str], list[str]]:
    """The header fields, the source rows, and the concept and term lines of a lexicon text."""
    header: dict[str, str] = {}
    sources: list[list[str]] = []
    start = text.find("\n%concepts\t")
    middle = text.find("\n%terms\t")
    if not text.startswith("#trialkg-lexicon\t") or start < 0 or middle < start:
        raise InputError("not a trialkg lexicon file", file=name)
    for line in text[:start].splitlines():
        field, _, value = line[1:].partition("\t")
        if field == "source":
            sources.append(value.split("\t"))
        else:
            header[field] = value
    concepts = text[text.index("\n", start + 1) + 1 : middle].split("\n")
    terms = text[text.index("\n", middle + 1) + 1 :].split("\n")
    if terms and terms[-1] == "":
        terms.pop()
    return header, sources, concepts, terms


def _fingerprint(version: str, overlay: tuple[OverlayEntry, ...]) -> str:
    if not overlay:
        return version
    digest = hashlib.sha256(repr(overlay).encode()).hexdigest()[:12]
    return f"{version}+overlay-{digest}"


@cache
def shipped_version() -> str:
    """The shipped lexicon's version, read from its header alone (no full load)."""
    name = "trialkg/data/lexicon.tsv.gz"
    try:
        with (
            resources.files("trialkg").joinpath("data/lexicon.tsv.gz").open("rb") as raw,
            gzip.open(raw, "rt", encoding="utf-8") as text,
        ):
            for line in text:
                if not line.startswith("#"):
                    break
                field, _, value = line[1:].rstrip("\n").partition("\t")
                if field == "version":
                    return value
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"the lexicon file is damaged: {error}", file=name) from error
    return "unknown"


def linking_fingerprint(overlay: str | os.PathLike[str] | None = None) -> str:
    """The ``fingerprint`` the default lexicon will have, without loading it: the shipped
    version and the entries of the overlay file (``TRIALKG_OVERLAY`` unless given)."""
    overlay_path = os.fspath(overlay) if overlay is not None else os.environ.get(OVERLAY_ENV)
    entries = tuple(read_overlay(overlay_path)) if overlay_path else ()
    return _fingerprint(shipped_version(), entries)


_BY_FINGERPRINT: dict[str, Lexicon] = {}


def lexicon_for(overlay: str | os.PathLike[str] | None = None) -> Lexicon:
    """The shipped lexicon with an overlay file (``TRIALKG_OVERLAY`` unless given), one
    per fingerprint: an edited overlay, or another one, gives another lexicon."""
    overlay_path = os.fspath(overlay) if overlay is not None else os.environ.get(OVERLAY_ENV)
    fingerprint = linking_fingerprint(overlay_path or "")
    found = _BY_FINGERPRINT.get(fingerprint)
    if found is None:
        found = Lexicon.load(overlay=overlay_path or "")
        _BY_FINGERPRINT[found.fingerprint] = found
        _BY_FINGERPRINT[fingerprint] = found
    return found


def default_lexicon() -> Lexicon:
    """The shipped lexicon with the file ``TRIALKG_OVERLAY`` names now."""
    return lexicon_for(None)
