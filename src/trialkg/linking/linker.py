"""The linker: which shared node each mention of a trial stands for, and what the world calls it.

The mapping asks for a trial's links (``Linker.link_trial``) and mints one IRI per
concept key, so every trial that mentions imatinib, however it spells it
("Imatinib Mesylate 400 mg", "imatinib (IM)", "Gleevec", "STI571"), points at the
same node, keyed by the vocabulary term it stands for (``mesh-D000068877``) and
labelled with the vocabulary's preferred name. A ``Match`` ties a concept to an
external term (MeSH, ChEBI, DrugBank, ChEMBL, NCIt, MONDO, DOID, RxNorm, Wikidata)
and says how the link was made, how sure it is and from which vocabulary version.

The vocabulary ships with the package (``data/lexicon.tsv.gz``, built by
``scripts/build_lexicon.py``); a user's overlay file adds or overrides entries
(``TRIALKG_OVERLAY`` or ``Linker(overlay=...)``; format in ``linking.overlay``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from trialkg.linking.adverse_events import AdverseEventTerms
from trialkg.linking.candidates import (
    DRUG_KINDS,
    EMPTY_CONTEXT,
    RecordContext,
    RecordTexts,
    Resolution,
    Resolver,
)
from trialkg.linking.ids import IRI_PREFIXES, curie_iri, mesh_variants
from trialkg.linking.lexicon import Lexicon, VocabularyConcept, default_lexicon
from trialkg.linking.mesh import HeadingResolver
from trialkg.linking.normalise import drug_name_variants, split_combination, term_key
from trialkg.linking.organisations import organisation_key, organisation_label
from trialkg.linking.places import Place, site_place
from trialkg.model import Intervention, MeshTerm, Organisation, Trial

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
LINKED_KINDS = frozenset(
    {"drug", "supplement", "procedure", "radiation", "diagnostic-test", "condition"}
)


@dataclass(frozen=True, slots=True)
class Match:
    """A link from a concept to a term of an external vocabulary (SSSOM-like)."""

    iri: str
    relation: str  # "exact" or "close"
    method: str  # "exact", "synonym", "brand", "normalised", "salt", "abbreviation", ...
    confidence: float
    source: str  # the vocabulary and the lexicon version: "MeSH; trialkg lexicon bed8f60194dd"


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
    site_places: tuple[Place | None, ...] = ()  # one per trial.sites item (empty: not linked)
    # The registry's MeSH terms, one per trial.condition_meshes / intervention_meshes
    # item, with the id of each heading the record states alone where it resolves
    # (empty: not resolved).
    condition_meshes: tuple[MeshTerm, ...] = ()
    intervention_meshes: tuple[MeshTerm, ...] = ()
    # One per trial.results.adverse_events.events item (empty: no results, or not linked).
    adverse_events: tuple[Concept, ...] = ()


MESH = IRI_PREFIXES["mesh"]


class Linker:
    """Links mentions to the shipped vocabulary; the record's own evidence confirms, breaks ties."""

    def __init__(
        self, lexicon: Lexicon | None = None, *, overlay: str | os.PathLike[str] | None = None
    ) -> None:
        if lexicon is None:
            lexicon = Lexicon.load(overlay=overlay) if overlay is not None else default_lexicon()
        self.lexicon = lexicon
        self.resolver = Resolver(lexicon)
        self.headings = HeadingResolver(lexicon)
        self._organisations: dict[str, Concept] = {}
        self.adverse_events = AdverseEventTerms(self)

    # -- trials ---------------------------------------------------------------------------

    def link_trial(self, trial: Trial) -> TrialLinks:
        texts = RecordTexts(lambda: _record_texts(trial))
        condition_meshes = self.headings.resolve(trial.condition_meshes)
        intervention_meshes = self.headings.resolve(trial.intervention_meshes)
        drugs = RecordContext(texts, _with_ids(intervention_meshes))
        conditions = RecordContext(texts, _with_ids(condition_meshes))
        interventions = [self.intervention_concepts(i, trial, drugs) for i in trial.interventions]
        if drugs.registry:
            self._registry_leftover(trial, interventions, drugs.registry)
        return TrialLinks(
            interventions=tuple(interventions),
            conditions=tuple(
                self.condition_concept(c, trial, conditions) for c in trial.conditions
            ),
            lead_sponsor=self.organisation_concept(trial.lead_sponsor)
            if trial.lead_sponsor
            else None,
            collaborators=tuple(self.organisation_concept(c) for c in trial.collaborators),
            site_organisations=tuple(
                self.organisation_concept(site.facility) if site.facility else None
                for site in trial.sites
            ),
            site_places=tuple(site_place(site.city, site.country) for site in trial.sites),
            condition_meshes=condition_meshes,
            intervention_meshes=intervention_meshes,
            adverse_events=self.adverse_events.concepts(trial),
        )

    def intervention_concepts(
        self,
        intervention: Intervention,
        trial: Trial | None = None,
        context: RecordContext | None = None,
    ) -> tuple[Concept, ...]:
        if context is None:
            context = self._context(trial, trial.intervention_meshes) if trial else EMPTY_CONTEXT
        kind = KIND_OF_TYPE.get(intervention.type or "OTHER", "other-intervention")
        name = intervention.name
        if kind == "other-intervention":
            # An intervention the record files under "other" may still name a drug or a
            # procedure; only a plain lookup of its name counts here.
            for candidate_kind in ("drug", "procedure"):
                found = self.resolver.lookup(name, candidate_kind, context)
                if isinstance(found, Resolution):
                    return (self._concept(candidate_kind, name, found),)
            return (Concept(kind, term_key(name), _label(name)),)
        if kind not in LINKED_KINDS:
            return (Concept(kind, term_key(name), _label(name)),)
        if self.resolver.forbidden(name, kind):
            return (Concept(kind, _unlinked_key(name, kind), _label(name)),)
        found_all = self.resolver.resolve(
            name, kind, context, intervention.other_names, intervention.description
        )
        if not found_all and kind not in DRUG_KINDS:
            found_all = self.resolver.resolve_parts(name, kind, context)
        if not found_all and kind == "drug":
            # "Chemotherapy" filed as a drug names a procedure (MeSH Drug Therapy).
            therapy = self.resolver.resolve(name, "procedure", context)
            if therapy:
                return (self._concept("procedure", name, therapy[0]),)
        if not found_all and kind == "procedure":
            # "Lidocaine injections" filed as a procedure names a drug.
            drug = self.resolver.lookup_drug(name, context)
            if drug is not None:
                return (self._concept("drug", name, drug),)
        if not found_all:
            return (Concept(kind, _unlinked_key(name, kind), _label(name)),)
        return tuple(self._concept(kind, name, found) for found in found_all)

    def condition_concept(
        self, name: str, trial: Trial | None = None, context: RecordContext | None = None
    ) -> Concept:
        if context is None:
            context = self._context(trial, trial.condition_meshes) if trial else EMPTY_CONTEXT
        found = self.resolver.resolve(name, "condition", context)
        if not found:
            return Concept("condition", term_key(name), _label(name))
        return self._concept("condition", name, found[0])

    def organisation_concept(self, organisation: Organisation | str) -> Concept:
        name = organisation if isinstance(organisation, str) else organisation.name
        found = self._organisations.get(name)
        if found is None:
            found = self._organisations[name] = self._organisation_concept(name)
        return found

    def _organisation_concept(self, name: str) -> Concept:
        key = organisation_key(name)
        readings = self.lexicon.overlay_readings(key, "organisation") or ()
        for reading in readings:
            target = self.lexicon.concept(reading.curie)
            if target is not None:
                relation = "exact" if reading.flag == "o" else "close"
                match = Match(
                    curie_iri(target.curie),
                    relation,
                    "overlay",
                    1.0,
                    f"overlay {self.lexicon.overlay_name}",
                )
                node_key = target.key if relation == "exact" else key
                return Concept(
                    "organisation",
                    node_key,
                    target.label if relation == "exact" else _label(name),
                    (match,),
                )
        return Concept("organisation", key, organisation_label(name))

    def _context(self, trial: Trial, meshes: tuple[MeshTerm, ...]) -> RecordContext:
        registry = _with_ids(self.headings.resolve(meshes))
        return RecordContext(RecordTexts(lambda: _record_texts(trial)), registry)

    def _registry_leftover(
        self,
        trial: Trial,
        interventions: list[tuple[Concept, ...]],
        registry: tuple[MeshTerm, ...],
    ) -> None:
        """One drug left without MeSH and one registry MeSH term left unclaimed: one is the other.

        ClinicalTrials.gov indexes "Furmonertinib" as aflutinib (C000705711) and
        "Poziotinib" as HM781-36B (C557213); when that is the only registry term no
        linked intervention accounts for, and the only drug mention without a MeSH
        link is this one, the registry's indexing links it (confidence 0.7). A drug
        already linked to another vocabulary keeps its node and gains the MeSH match.
        Only a supplementary concept names one substance: a descriptor left over may
        be the product's class (a trial of the vaccine "MV-CHIK" is indexed "Vaccines").
        """
        claimed = {m.iri for concepts in interventions for c in concepts for m in c.matches}
        unclaimed = [
            (m.id, m.term)
            for m in dict.fromkeys(registry)
            if m.id and not any(MESH + v in claimed for v in mesh_variants(m.id))
        ]
        if len(unclaimed) != 1 or not unclaimed[0][0].startswith("C"):
            return
        # A combination ("furmonertinib combined with anlotinib") is left alone: the
        # registry's term would name one of its drugs, not the mention.
        open_drugs = [
            index
            for index, concepts in enumerate(interventions)
            if len(concepts) == 1
            and concepts[0].kind in DRUG_KINDS
            and not any(m.iri.startswith(MESH) for m in concepts[0].matches)
            and len(split_combination(trial.interventions[index].name)) == 1
        ]
        if len(open_drugs) != 1:
            return
        mesh_id, term = unclaimed[0]
        concept = next(
            (
                c
                for v in mesh_variants(mesh_id)
                if (c := self.lexicon.concept("mesh:" + v)) is not None
            ),
            None,
        )
        if concept is None:
            # A supplementary concept newer than the vocabulary: a chemical, as MeSH's
            # supplementary records in an intervention's index are.
            concept = VocabularyConcept("mesh:" + mesh_id, "d", term or mesh_id)
        if not any(t in concept.types for t in "dr"):
            return
        index = open_drugs[0]
        (linked,) = interventions[index]
        if linked.matches:
            extra = self._match(concept.curie, "exact", "registry-mesh", 0.7)
            interventions[index] = (replace(linked, matches=(*linked.matches, extra)),)
            return
        found = Resolution(concept, "registry-mesh", "exact", 0.7)
        interventions[index] = (self._concept(linked.kind, trial.interventions[index].name, found),)

    # -- queries --------------------------------------------------------------------------

    def drug_keys(self, mention: str) -> tuple[str, ...]:
        """Keys a user's drug mention may stand for (trials-for-drug): linked and unlinked forms."""
        keys: list[str] = []
        for found in self.resolver.resolve(mention, "drug") or ():
            keys.append(
                found.concept.key if found.relation == "exact" else _unlinked_key(mention, "drug")
            )
        keys.append(_unlinked_key(mention, "drug"))
        return tuple(dict.fromkeys(keys))

    # -- concepts -------------------------------------------------------------------------

    def _concept(self, kind: str, name: str, found: Resolution) -> Concept:
        concept = found.concept
        exact = found.relation == "exact"
        matches = [self._match(concept.curie, found.relation, found.method, found.confidence)]
        for target, relation in concept.xrefs:
            if target.partition(":")[0] in IRI_PREFIXES:
                both = "exact" if exact and relation == "exact" else "close"
                matches.append(
                    self._match(target, both, found.method + "+xref", found.confidence * 0.95)
                )
        if found.salt_form is not None:
            matches.append(
                self._match(found.salt_form.curie, "close", found.method, found.confidence)
            )
        unique = tuple({m.iri: m for m in reversed(matches)}.values())[::-1]
        if exact:
            return Concept(kind, concept.key, concept.label, unique)
        return Concept(kind, _unlinked_key(name, kind), _label(name), unique)

    def _match(self, curie: str, relation: str, method: str, confidence: float) -> Match:
        source = (
            f"overlay {self.lexicon.overlay_name}"
            if method.startswith("overlay")
            else self.lexicon.source_label(curie)
        )
        return Match(curie_iri(curie), relation, method, round(confidence, 2), source)


def _with_ids(meshes: tuple[MeshTerm, ...]) -> tuple[MeshTerm, ...]:
    """The registry's terms whose descriptor is known: the evidence a record's mentions can use."""
    return tuple(m for m in meshes if m.id)


def _label(name: str) -> str:
    return " ".join(name.split())


def _unlinked_key(name: str, kind: str) -> str:
    """The key of a mention no vocabulary term stands for: its cleaned name."""
    if kind in DRUG_KINDS:
        cleaned = [text for text, step in drug_name_variants(name) if step != "code"]
        return term_key(cleaned[-1])
    return term_key(name)


def _record_texts(trial: Trial | None) -> list[str]:
    """The texts of a record where it may define an abbreviation it uses."""
    if trial is None:
        return []
    texts = [
        trial.brief_title,
        trial.official_title,
        trial.brief_summary,
        trial.detailed_description,
        *trial.conditions,  # "Postpartum Depression (PPD)" defines the condition "PPD"
    ]
    for intervention in trial.interventions:
        texts += [intervention.name, intervention.description, *intervention.other_names]
    for arm in trial.arms:
        texts += [arm.label, arm.description]
    if trial.eligibility is not None:
        texts.append(trial.eligibility.criteria_text)
    return [t for t in texts if t]


_DEFAULT: Linker | None = None


def default_linker() -> Linker:
    """The linker of this process: the shipped vocabulary with the TRIALKG_OVERLAY file."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Linker()
    return _DEFAULT
