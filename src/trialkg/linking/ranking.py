"""How the resolver weighs a reading: the concept types each kind of mention may link to,
the confidence of each cleaning step, the rank of term sources, and the ``Resolution`` a
linked mention gets."""

from __future__ import annotations

from dataclasses import dataclass

from trialkg.linking.lexicon import READING_LINKS, VocabularyConcept
from trialkg.linking.link_values import ConceptType, MethodPart, Relation, Step, TermSource
from trialkg.linking.normalise import is_short_abbreviation

# The concept types each kind of mention may link to, and the overlay kind that serves it.
_DRUG: frozenset[ConceptType] = frozenset({"drug"})
_PROCEDURE: frozenset[ConceptType] = frozenset({"procedure"})
KIND_TYPES: dict[str, frozenset[ConceptType]] = {
    "drug": frozenset({"drug", "regimen", "drug-class"}),
    "supplement": _DRUG,
    "procedure": _PROCEDURE,
    "radiation": _PROCEDURE,
    "diagnostic-test": _PROCEDURE,
    "behavioral": _PROCEDURE,
    "device": frozenset({"device", "procedure"}),
    "condition": frozenset({"disease"}),
}
OVERLAY_KIND = {
    "drug": "drug",
    "supplement": "drug",
    "procedure": "procedure",
    "radiation": "procedure",
    "diagnostic-test": "procedure",
    "behavioral": "procedure",
    "device": "procedure",
    "condition": "condition",
}
DRUG_KINDS = frozenset({"drug", "supplement"})

# Confidence of the cleaning steps; a link is as sure as its weakest step.
STEP_CONFIDENCE: dict[Step, float] = {
    "normalised": 0.9,
    "salt": 0.85,
    "code": 0.85,
    "other-name": 0.85,
    "abbreviation": 0.85,
    "registry-mesh": 0.9,
    "registry-derived": 0.85,
    "modifier": 0.7,
    "procedure-head": 0.7,
    "reworded": 0.85,
    "vaccine-head": 0.7,
    "regimen": 0.85,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Resolution:
    """A mention linked: the concept, how, and how sure."""

    concept: VocabularyConcept
    method: tuple[MethodPart, ...]  # ("synonym", "registry-mesh")
    relation: Relation
    confidence: float
    salt_form: VocabularyConcept | None = None  # the salt the record named, kept as a close match


# Readings that decide a short abbreviation: the user's overlay and trialkg's curated
# table; and those of a descriptor's preferred heading and exact entry terms.
DECIDED: frozenset[TermSource] = frozenset({"overlay", "overlay-close", "curated", "curated-close"})
# Readings firm enough for a reworded mention: all but other concepts' loose synonyms.
FIRM: frozenset[TermSource] = frozenset(
    {
        "overlay",
        "overlay-close",
        "curated",
        "curated-close",
        "preferred",
        "synonym",
        "brand",
        "drugbank",
        "mondo",
    }
)
HEADING: frozenset[TermSource] = frozenset({"preferred", "synonym"})

# How strong a reading is: the user's and trialkg's own entries, then preferred names,
# then synonyms of the concept itself, then other concepts' terms and other sources' synonyms.
TIERS: dict[TermSource, int] = {
    "overlay": 0, "overlay-close": 0, "curated": 0, "curated-close": 0,
    "preferred": 1, "synonym": 2, "brand": 2, "other-concept": 3, "drugbank": 3, "mondo": 3,
}  # fmt: skip


def tier(source: TermSource, curie: str) -> int:
    """A MONDO synonym has no stated scope ("Batten disease" is CLN3 in MONDO, every
    neuronal ceroid lipofuscinosis in MeSH): it ranks after MeSH's narrower terms."""
    if source == "synonym" and curie.startswith("mondo:"):
        return 4
    return TIERS[source]


def names_concept(source: TermSource, kind: str, concept: VocabularyConcept) -> bool:
    """True when a reading names the concept itself (as ``lookup`` relates it)."""
    if kind in DRUG_KINDS and source == "other-concept" and "drug" in concept.types:
        return True
    return READING_LINKS[source][1] == "exact"


def source_rank(curie: str) -> int:
    """MeSH descriptors, then supplementary concepts, then other vocabularies."""
    if curie.startswith("mesh:D"):
        return 0
    if curie.startswith("mesh:"):
        return 1
    return 2


def firm_alias(alias: str, found: Resolution) -> bool:
    """An alias of two to five capitals without digits ("DMPA", "PDT") names too many
    things: a supplementary concept's synonym is not enough for it (DMPA is also
    N,N-dimethyl-4-anisidine). Codes with digits ("LCZ696") are specific."""
    if not is_short_abbreviation(alias) or any(ch.isdigit() for ch in alias):
        return True
    return not (found.concept.curie.startswith("mesh:C") and found.method[0] == "synonym")


def restep(found: Resolution, step: Step) -> Resolution:
    confidence = min(found.confidence, STEP_CONFIDENCE[step])
    method = (step, *found.method[1:])
    return Resolution(found.concept, method, found.relation, confidence, found.salt_form)


def split_step(found: Resolution) -> Resolution:
    return Resolution(
        found.concept,
        (*found.method, "split"),
        found.relation,
        round(found.confidence * 0.95, 2),
        found.salt_form,
    )


def unique(found: list[Resolution]) -> list[Resolution]:
    seen: set[str] = set()
    kept = []
    for item in found:
        if item.concept.curie not in seen:
            seen.add(item.concept.curie)
            kept.append(item)
    return kept
