"""Identifiers of external vocabularies: CURIE prefixes, their IRIs, and concept keys.

The linker names every vocabulary term by a CURIE (``mesh:D000068877``,
``drugbank:DB00619``, ``mondo:0005233``); the graph gets the standard IRI. The
IRIs agree with the prefixes ``trialkg.query`` expands, so a user can ask for
``mesh:D000068877`` or ``chebi:45783`` and find the nodes linked to them.
"""

from __future__ import annotations

import re

IRI_PREFIXES = {
    "mesh": "http://id.nlm.nih.gov/mesh/",
    "chebi": "http://purl.obolibrary.org/obo/CHEBI_",
    "mondo": "http://purl.obolibrary.org/obo/MONDO_",
    "doid": "http://purl.obolibrary.org/obo/DOID_",
    "ncit": "http://purl.obolibrary.org/obo/NCIT_",
    "hp": "http://purl.obolibrary.org/obo/HP_",
    "efo": "http://www.ebi.ac.uk/efo/EFO_",
    "drugbank": "https://go.drugbank.com/drugs/",
    "chembl": "https://www.ebi.ac.uk/chembl/compound_report_card/",
    "rxnorm": "http://purl.bioontology.org/ontology/RXNORM/",
    "wikidata": "http://www.wikidata.org/entity/",
    "ror": "https://ror.org/",
    "umls": "http://linkedlifedata.com/resource/umls/id/",
}

VOCABULARY_NAMES = {
    "mesh": "MeSH",
    "chebi": "ChEBI",
    "mondo": "MONDO",
    "doid": "DOID",
    "ncit": "NCIt",
    "hp": "HPO",
    "efo": "EFO",
    "drugbank": "DrugBank",
    "chembl": "ChEMBL",
    "rxnorm": "RxNorm",
    "wikidata": "Wikidata",
    "ror": "ROR",
    "umls": "UMLS",
}

_LOCAL = re.compile(r"^[A-Za-z0-9_.\-]+$")


def is_curie(text: str) -> bool:
    prefix, sep, local = text.partition(":")
    return bool(sep) and prefix in IRI_PREFIXES and bool(_LOCAL.match(local))


def curie_iri(curie: str) -> str:
    """The IRI of a CURIE: ``mesh:D000068877`` -> ``http://id.nlm.nih.gov/mesh/D000068877``."""
    prefix, _, local = curie.partition(":")
    return IRI_PREFIXES[prefix] + local


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
