"""The one prefix registry: CURIE prefixes, their synonyms, IRIs and local-id forms.

Overlay validation, query parameters, the SPARQL headers of the named queries,
the export's prefixes and the shortening of IRIs in query output all read this
table, so a CURIE that one of them accepts the others accept too. Each prefix
has one canonical spelling (``mesh``, ``chebi``, ``drugbank`` ...) and the
synonyms users and other tools write (``MESH``, ``MeSH``, ``CHEBI``, ``NCIt``,
``DrugBank``); a local id is written in its vocabulary's own form
(``chebi:CHEBI:45783`` and ``CHEBI:45783`` are ``chebi:45783``; ``drugbank:db00619``
is ``drugbank:DB00619``; ``MONDO_0005233`` is ``mondo:0005233``). MeSH ids are
made canonical against the shipped lexicon by ``trialkg.linking.lexicon``;
here only their letter case is set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Prefix:
    name: str  # canonical, lower case
    iri: str  # the IRI a local id is appended to
    vocabulary: str  # as people name it
    synonyms: tuple[str, ...] = ()
    pattern: str = r"[A-Za-z0-9_.\-]+"  # a local id, after normalisation
    upper: bool = False  # local ids are written in capitals (DB00619, C12345)
    banana: str = ""  # a repeated prefix some sources write in the local id ("CHEBI:")


PREFIXES: tuple[Prefix, ...] = (
    Prefix("mesh", "http://id.nlm.nih.gov/mesh/", "MeSH", ("MESH", "MeSH", "msh"),
           r"[CDM]\d{6}(\d{3})?|[CD]\d{9}", upper=True),
    Prefix("chebi", "http://purl.obolibrary.org/obo/CHEBI_", "ChEBI", ("CHEBI", "ChEBI"),
           r"\d+", banana="CHEBI:"),
    Prefix("mondo", "http://purl.obolibrary.org/obo/MONDO_", "MONDO", ("MONDO",), r"\d{7}",
           banana="MONDO:"),
    Prefix("doid", "http://purl.obolibrary.org/obo/DOID_", "DOID", ("DOID",), r"\d+",
           banana="DOID:"),
    Prefix("ncit", "http://purl.obolibrary.org/obo/NCIT_", "NCIt", ("NCIT", "NCIt", "ncit"),
           r"C\d+", upper=True),
    Prefix("hp", "http://purl.obolibrary.org/obo/HP_", "HPO", ("HP", "hpo", "HPO"), r"\d{7}",
           banana="HP:"),
    Prefix("efo", "http://www.ebi.ac.uk/efo/EFO_", "EFO", ("EFO",), r"\d{7}", banana="EFO:"),
    Prefix("drugbank", "https://go.drugbank.com/drugs/", "DrugBank", ("DRUGBANK", "DrugBank"),
           r"DB\d{5}", upper=True),
    Prefix("chembl", "https://www.ebi.ac.uk/chembl/compound_report_card/", "ChEMBL",
           ("CHEMBL", "ChEMBL", "chembl.compound"), r"CHEMBL\d+", upper=True),
    Prefix("rxnorm", "http://purl.bioontology.org/ontology/RXNORM/", "RxNorm",
           ("RXNORM", "RxNorm", "RXCUI", "rxcui"), r"\d+"),
    Prefix("wikidata", "http://www.wikidata.org/entity/", "Wikidata", ("WIKIDATA", "wd"),
           r"[QP]\d+", upper=True),
    Prefix("ror", "https://ror.org/", "ROR", ("ROR",), r"0[a-z0-9]{6}\d{2}"),
    Prefix("umls", "http://linkedlifedata.com/resource/umls/id/", "UMLS", ("UMLS", "UMLS_CUI"),
           r"C\d{7}", upper=True),
)  # fmt: skip

# The project's and the registry's namespaces, and the W3C and community vocabularies
# the graph is written in: the other prefixes of queries, exports and shortened IRIs.
NAMESPACES = {
    "tkg": "https://w3id.org/trialkg/vocab#",
    "tkgid": "https://w3id.org/trialkg/id/",
    "ctgov": "https://clinicaltrials.gov/study/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "http://schema.org/",
    "biolink": "https://w3id.org/biolink/vocab/",
    "dcterms": "http://purl.org/dc/terms/",
}
NAMESPACE_SYNONYMS = {"clinicaltrials": "ctgov", "dct": "dcterms"}

BY_NAME: dict[str, Prefix] = {}
for _prefix in PREFIXES:
    for _name in (_prefix.name, *_prefix.synonyms):
        BY_NAME[_name] = BY_NAME[_name.lower()] = _prefix

IRI_PREFIXES = {prefix.name: prefix.iri for prefix in PREFIXES}
# Every canonical prefix name and its IRI: the vocabularies' and the namespaces'.
ALL_PREFIXES: dict[str, str] = {**NAMESPACES, **IRI_PREFIXES}
# Every name a text may use for a prefix, synonyms included, and its IRI.
PREFIX_NAMES: dict[str, str] = {
    **{name: prefix.iri for name, prefix in BY_NAME.items()},
    **{name: NAMESPACES[canonical] for name, canonical in NAMESPACE_SYNONYMS.items()},
    **NAMESPACES,
}
VOCABULARY_NAMES = {prefix.name: prefix.vocabulary for prefix in PREFIXES}


class CurieError(ValueError):
    """A CURIE whose prefix is known but whose local id is not of its vocabulary's form."""


def split_curie(text: str) -> tuple[Prefix, str] | None:
    """The prefix and the normalised local id of a CURIE; None when the prefix is unknown.

    ``CurieError`` when the prefix is known but the local id is not one of its ids.
    """
    value = text.strip()
    prefix_text, sep, local = value.partition(":")
    if not sep:
        # OBO's underscore form: MONDO_0005233, CHEBI_45783
        prefix_text, sep, local = value.partition("_")
        if not sep or prefix_text.upper() not in {"MONDO", "CHEBI", "DOID", "HP", "EFO", "NCIT"}:
            return None
    prefix = BY_NAME.get(prefix_text) or BY_NAME.get(prefix_text.lower())
    if prefix is None:
        return None
    local = local.strip()
    if prefix.banana and local.upper().startswith(prefix.banana):
        local = local[len(prefix.banana) :]
    if prefix.upper:
        local = local.upper()
    if not re.fullmatch(prefix.pattern, local):
        raise CurieError(f"{text!r} is not a {prefix.vocabulary} id (such as {_example(prefix)})")
    return prefix, local


def normalise_curie(text: str) -> str | None:
    """The canonical spelling of a CURIE (``CHEBI:45783`` -> ``chebi:45783``), or None."""
    found = split_curie(text)
    return None if found is None else f"{found[0].name}:{found[1]}"


def is_curie(text: str) -> bool:
    """True for a CURIE of a known prefix with a local id of its vocabulary's form."""
    try:
        return split_curie(text) is not None
    except CurieError:
        return False


def curie_iri(curie: str) -> str:
    """The IRI of a canonical CURIE: ``mesh:D000068877`` -> ``http://id.nlm.nih.gov/mesh/D000068877``."""
    prefix, _, local = curie.partition(":")
    return IRI_PREFIXES[prefix] + local


def iri_curie(value: str) -> str | None:
    """The canonical CURIE of an IRI of a known vocabulary, or None."""
    for prefix in PREFIXES:
        if value.startswith(prefix.iri):
            local = value[len(prefix.iri) :]
            if re.fullmatch(prefix.pattern, local):
                return f"{prefix.name}:{local}"
    return None


def namespace_of(name: str) -> str | None:
    """The IRI a prefix name (canonical or a synonym, any case for the vocabularies) stands for."""
    return PREFIX_NAMES.get(name) or PREFIX_NAMES.get(name.lower())


# The namespaces, longest first, so that an IRI is shortened by the most specific one.
_BY_LENGTH = sorted(NAMESPACES.items(), key=lambda item: (-len(item[1]), item[0]))


def shorten(value: str) -> str:
    """An IRI as a CURIE when one of the registry's prefixes covers it, else unchanged.

    A vocabulary's IRI is shortened only when its local id is of that vocabulary's
    form (``mesh:D017239``); a namespace's IRI keeps the rest as it is
    (``tkgid:drug/mesh-D000068877``, ``rdfs:label``).
    """
    found = iri_curie(value)
    if found is not None:
        return found
    for name, namespace in _BY_LENGTH:
        if value.startswith(namespace) and len(value) > len(namespace):
            return f"{name}:{value[len(namespace) :]}"
    return value


def sparql_prefixes(names: Iterable[str] | None = None) -> str:
    """PREFIX lines for the given prefix names (default: every canonical one), sorted."""
    chosen = ALL_PREFIXES if names is None else {n: PREFIX_NAMES[n] for n in names}
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in sorted(chosen.items()))


def _example(prefix: Prefix) -> str:
    examples = {
        "mesh": "D000068877",
        "chebi": "45783",
        "mondo": "0005233",
        "doid": "1324",
        "ncit": "C2926",
        "hp": "0002664",
        "efo": "0000311",
        "drugbank": "DB00619",
        "chembl": "CHEMBL941",
        "rxnorm": "282388",
        "wikidata": "Q177094",
        "ror": "02mhbdp94",
        "umls": "C0939537",
    }
    return f"{prefix.name}:{examples.get(prefix.name, '...')}"
