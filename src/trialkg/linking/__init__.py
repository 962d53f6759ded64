"""The linker: which shared node each mention of a trial stands for.

The mapping asks the linker for a trial's links (``link_trial``) and mints one
IRI per concept key, so every trial that mentions imatinib, however it spells
it, points at the same drug node. A ``Match`` ties a concept to an external
vocabulary term and says how the link was made and how sure it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from trialkg.linking.normalise import drug_key, organisation_key, term_key
from trialkg.model import Intervention, Organisation, Trial

# Intervention types and the kind of shared node each links to.
KIND_OF_TYPE = {
    "DRUG": "drug",
    "BIOLOGICAL": "drug",
    "COMBINATION_PRODUCT": "drug",
    "DIETARY_SUPPLEMENT": "supplement",
    "PROCEDURE": "procedure",
    "RADIATION": "radiation",
    "DEVICE": "device",
    "BEHAVIORAL": "behavioral",
    "GENETIC": "genetic",
    "DIAGNOSTIC_TEST": "diagnostic-test",
    "OTHER": "other-intervention",
}


@dataclass(frozen=True, slots=True)
class Match:
    """A link from a concept to a term of an external vocabulary (SSSOM-like)."""

    iri: str
    relation: str  # "exact" or "close"
    method: str  # "registry-mesh", "exact", "normalised", "synonym", "abbreviation", ...
    confidence: float
    source: str  # vocabulary and version, "MeSH 2025"


@dataclass(frozen=True, slots=True)
class Concept:
    kind: str  # drug, procedure, condition, organisation, ...
    key: str  # stable, IRI-safe
    label: str
    matches: tuple[Match, ...] = ()


@dataclass(frozen=True, slots=True)
class TrialLinks:
    """The concepts of one trial's mentions, parallel to the trial's own tuples."""

    interventions: tuple[tuple[Concept, ...], ...]  # one tuple per trial.interventions item
    conditions: tuple[Concept, ...]  # one per trial.conditions item
    lead_sponsor: Concept | None
    collaborators: tuple[Concept, ...]
    site_organisations: tuple[Concept | None, ...]  # one per trial.sites item


MESH = "http://id.nlm.nih.gov/mesh/"


class Linker:
    """Links by normalised name; the registry's own MeSH ids add exact matches."""

    def intervention_concepts(self, intervention: Intervention, trial: Trial) -> tuple[Concept, ...]:
        kind = KIND_OF_TYPE.get(intervention.type or "OTHER", "other-intervention")
        key = drug_key(intervention.name) if kind in {"drug", "supplement"} else term_key(intervention.name)
        label = key.replace("-", " ") if kind == "drug" else intervention.name
        matches = tuple(
            Match(MESH + mesh.id, "exact", "registry-mesh", 0.9, "ClinicalTrials.gov derivedSection")
            for mesh in trial.intervention_meshes
            if mesh.term and kind == "drug" and drug_key(mesh.term) == key
        )
        return (Concept(kind, key, label, matches),)

    def condition_concept(self, name: str, trial: Trial) -> Concept:
        key = term_key(name)
        matches = tuple(
            Match(MESH + mesh.id, "exact", "registry-mesh", 0.9, "ClinicalTrials.gov derivedSection")
            for mesh in trial.condition_meshes
            if mesh.term and term_key(mesh.term) == key
        )
        return Concept("condition", key, name, matches)

    def organisation_concept(self, organisation: Organisation | str) -> Concept:
        name = organisation if isinstance(organisation, str) else organisation.name
        return Concept("organisation", organisation_key(name), name)

    def link_trial(self, trial: Trial) -> TrialLinks:
        return TrialLinks(
            interventions=tuple(self.intervention_concepts(i, trial) for i in trial.interventions),
            conditions=tuple(self.condition_concept(c, trial) for c in trial.conditions),
            lead_sponsor=self.organisation_concept(trial.lead_sponsor) if trial.lead_sponsor else None,
            collaborators=tuple(self.organisation_concept(c) for c in trial.collaborators),
            site_organisations=tuple(
                self.organisation_concept(site.facility) if site.facility else None for site in trial.sites
            ),
        )

    def drug_keys(self, mention: str) -> tuple[str, ...]:
        """Keys a user's drug mention may stand for (for trials-for-drug)."""
        return (drug_key(mention),)


_DEFAULT: Linker | None = None


def default_linker() -> Linker:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Linker()
    return _DEFAULT
