"""A MeSH heading a record states without its id, and the MeSH record it names.

The legacy ClinicalTrials.gov XML and some pages list the registry's MeSH
indexing by heading alone ("Antibodies, Monoclonal"). A heading is resolved by
an exact lookup in the shipped lexicon, nothing fuzzier: it is the preferred
heading of one MeSH descriptor or supplementary concept (compared without
regard to case), or else an entry term of exactly one of them. The lexicon
keeps entry terms by their ``lookup_key`` only, so an entry term is matched with
case, spaces and punctuation folded. Synonyms from other sources (DrugBank,
MONDO, trialkg's curated table) never count: a heading is MeSH's own word.
"""

from __future__ import annotations

from collections.abc import Iterable

from trialkg.linking.ids import canonical_mesh_id
from trialkg.linking.lexicon import Lexicon
from trialkg.linking.link_values import TermSource
from trialkg.linking.normalise import lookup_key
from trialkg.model import MeshTerm

# Readings that are MeSH entry terms: of a descriptor (its preferred concept, a brand
# name, another concept's term) or of a supplementary concept.
_DESCRIPTOR_TERMS: frozenset[TermSource] = frozenset(
    {"preferred", "synonym", "brand", "other-concept"}
)
_SUPPLEMENTARY_TERMS: frozenset[TermSource] = frozenset({"preferred", "synonym"})


def heading_id(lexicon: Lexicon, heading: str) -> str | None:
    """The id of the MeSH record whose heading (or sole entry term) this is, or None."""
    readings = [
        r for r in lexicon.readings(lookup_key(heading), "") or () if r.curie.startswith("mesh:")
    ]
    folded = " ".join(heading.split()).casefold()
    named: list[str] = []
    for reading in readings:
        concept = lexicon.concept(reading.curie)
        if concept is not None and concept.label.casefold() == folded:
            named.append(reading.curie)
    named = list(dict.fromkeys(named))
    if len(named) > 1:
        named = [c for c in named if c.startswith("mesh:D")]
    if len(named) == 1:
        return named[0].removeprefix("mesh:")
    entries = {
        r.curie
        for r in readings
        if r.source in (_DESCRIPTOR_TERMS if r.curie.startswith("mesh:D") else _SUPPLEMENTARY_TERMS)
    }
    if len(entries) == 1:
        return entries.pop().removeprefix("mesh:")
    return None


class HeadingResolver:
    """Resolves the headings of many records, each distinct heading once."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._cache: dict[str, str | None] = {}

    def resolve(self, meshes: Iterable[MeshTerm]) -> tuple[MeshTerm, ...]:
        """The terms with an id found for each heading stated without one (kept when none
        is), and each stated id in NLM's form (the registry's padded ``D000017239`` is
        D017239; an id the lexicon does not know keeps NLM's numbering rule)."""
        resolved: list[MeshTerm] = []
        for mesh in meshes:
            if mesh.id is not None:
                canonical = self.lexicon.mesh_id(mesh.id) or canonical_mesh_id(mesh.id)
                if canonical != mesh.id:
                    mesh = MeshTerm(canonical, mesh.term)
            elif mesh.term:
                key = " ".join(mesh.term.split()).casefold()
                if key not in self._cache:
                    self._cache[key] = heading_id(self.lexicon, mesh.term)
                found = self._cache[key]
                if found is not None:
                    mesh = MeshTerm(found, mesh.term)
            resolved.append(mesh)
        return tuple(resolved)
