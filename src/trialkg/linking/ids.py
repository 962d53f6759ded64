"""Identifiers of external vocabularies: CURIE prefixes, their IRIs, and concept keys.

The linker names every vocabulary term by a CURIE (``mesh:D000068877``,
``drugbank:DB00619``, ``mondo:0005233``); the graph gets the standard IRI. The
IRIs agree with the prefixes ``trialkg.query`` expands, so a user can ask for
``mesh:D000068877`` or ``chebi:45783`` and find the nodes linked to them.
"""

from __future__ import annotations

import re

from trialkg.linking.prefixes import (
    IRI_PREFIXES,
    VOCABULARY_NAMES,
    curie_iri,
    is_curie,
    normalise_curie,
)

__all__ = [
    "IRI_PREFIXES",
    "VOCABULARY_NAMES",
    "canonical_mesh_id",
    "concept_key",
    "curie_iri",
    "is_curie",
    "mesh_variants",
    "normalise_curie",
    "vocabulary_of",
]


def concept_key(curie: str) -> str:
    """The trialkg key of a concept anchored at a vocabulary term: ``mesh-D000068877``."""
    prefix, _, local = curie.partition(":")
    return f"{prefix}-{local}"


def vocabulary_of(curie: str) -> str:
    return VOCABULARY_NAMES.get(curie.partition(":")[0], curie.partition(":")[0])


_PADDED_MESH = re.compile(r"^([CD])000(\d{6})$")

# NLM's first nine-digit ids: every id below them has six digits (D066331 and
# C588418 are the last), so "D000003550" can only be D003550 written padded.
_FIRST_NINE_DIGIT = {"D": 66388, "C": 588423}


def mesh_variants(identifier: str) -> tuple[str, ...]:
    """MeSH ids as registries write them: ClinicalTrials.gov pads old ids (D000003550 = D003550)."""
    match = _PADDED_MESH.match(identifier)
    if match:
        return (identifier, match.group(1) + match.group(2))
    return (identifier,)


def canonical_mesh_id(identifier: str) -> str:
    """A MeSH id as NLM writes it: ClinicalTrials.gov's padded "D000003550" is D003550.

    The id of a descriptor or supplementary concept minted with nine digits stays
    as it is ("D000077716"), so one descriptor has one IRI whichever download gave it.
    """
    match = _PADDED_MESH.match(identifier)
    if match and int(match.group(2)) < _FIRST_NINE_DIGIT[match.group(1)]:
        return match.group(1) + match.group(2)
    return identifier
