"""The linker: which shared node each mention of a trial stands for, and what the world calls it.

The mapping asks for a trial's links (``Linker.link_trial``) and mints one IRI per
concept key, so every trial that mentions imatinib, however it spells it
("Imatinib Mesylate 400 mg", "imatinib (IM)", "Gleevec", "STI571"), points at the
same node, keyed by the lexicon term it stands for (``mesh-D000068877``) and
labelled with the lexicon's preferred name. A ``Match`` ties a concept to an
external term (MeSH, ChEBI, DrugBank, ChEMBL, NCIt, MONDO, DOID, RxNorm, Wikidata)
and says how the link was made, how sure it is and from which lexicon version.

The lexicon ships with the package (``data/lexicon.tsv.gz``, built by
``scripts/build_lexicon.py``); a user's overlay file adds or overrides entries
(``TRIALKG_OVERLAY`` or ``Linker(overlay=...)``; format in ``linking.overlay``).
"""

from __future__ import annotations

import os
from dataclasses import replace

from trialkg.linking.adverse_events import AdverseEventTerms
from trialkg.linking.candidates import DRUG_KINDS, OVERLAY_KIND, Resolution, Resolver
from trialkg.linking.conditions import condition_list, is_healthy
from trialkg.linking.context import (
    EMPTY_CONTEXT,
    RecordContext,
    RecordTexts,
    record_texts,
    with_ids,
)
from trialkg.linking.evidence import registry_term
from trialkg.linking.ids import IRI_PREFIXES, curie_iri, mesh_variants
from trialkg.linking.lexicon import Lexicon, VocabularyConcept, default_lexicon
from trialkg.linking.link_values import ConceptType, LinkMethod, Relation
from trialkg.linking.links import Concept as Concept
from trialkg.linking.links import Match as Match
from trialkg.linking.links import TrialLinks as TrialLinks
from trialkg.linking.mesh import HeadingResolver
from trialkg.linking.normalise import (
    drug_name_variants,
    is_code,
    is_placebo,
    is_short_abbreviation,
    lookup_key,
    split_combination,
    strip_parentheses,
    term_key,
)
from trialkg.linking.organisations import organisation_key, organisation_label
from trialkg.linking.places import site_place
from trialkg.linking.procedures import procedure_forms
from trialkg.model import Intervention, InterventionType, MeshTerm, Organisation, Trial

# Intervention types and the kind of shared node each links to.
KIND_OF_TYPE: dict[InterventionType, str] = {
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
    {
        "drug",
        "supplement",
        "procedure",
        "radiation",
        "diagnostic-test",
        "behavioral",
        "device",
        "condition",
    }
)


# What a registry MeSH term left over must be to name a drug mention.
_SUBSTANCES: frozenset[ConceptType] = frozenset({"drug", "regimen"})
MESH = IRI_PREFIXES["mesh"]
PLACEBO = "mesh:D010919"  # MeSH Placebos
# The confidence of a node of a mention's own words in the term it was read as close to.
CLOSE_READING = 0.8


class Linker:
    """Links mentions to the shipped lexicon; the record's own evidence confirms, breaks ties."""

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
        texts = RecordTexts(lambda: record_texts(trial))
        condition_meshes = self.headings.resolve(trial.condition_meshes)
        intervention_meshes = self.headings.resolve(trial.intervention_meshes)
        drugs = RecordContext(texts, with_ids(intervention_meshes))
        conditions = RecordContext(texts, with_ids(condition_meshes))
        interventions = [self.intervention_concepts(i, trial, drugs) for i in trial.interventions]
        if drugs.registry:
            self._registry_leftover(trial, interventions, drugs.registry)
        condition_links = tuple(
            self.condition_concepts(c, trial, conditions, procedures=True) for c in trial.conditions
        )
        return TrialLinks(
            interventions=tuple(interventions),
            conditions=condition_links,
            healthy_volunteers=any(is_healthy(c) for c in trial.conditions),
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
        if is_placebo(name) and not self.resolver.forbidden(name, OVERLAY_KIND.get(kind, "drug")):
            return self._placebo_concepts(intervention, trial, context)
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
        if kind == "drug" and found_all and all(f.method[0] == "normalised" for f in found_all):
            # "Biological Therapy" as written is MeSH's procedure: it comes before
            # "biological" read without its form words.
            procedure = self.resolver.lookup(name, "procedure", context)
            if isinstance(procedure, Resolution) and procedure.relation == "exact":
                return (self._concept("procedure", name, procedure),)
        if not found_all and kind in DRUG_KINDS:
            partial = self._partial_combination(name, kind, context)
            if partial:
                return partial
        if not found_all and kind == "procedure":
            # "Lidocaine injections" filed as a procedure names a drug.
            drug = self.resolver.lookup_drug(name, context)
            if drug is not None:
                return (self._concept("drug", name, drug),)
        if not found_all and kind not in DRUG_KINDS:
            for form, relation in procedure_forms(name):
                found = self.resolver.lookup(form, kind, context, "normalised")
                if isinstance(found, Resolution):
                    if relation == "close":
                        found = replace(
                            found,
                            relation="close",
                            method=("procedure-head",),
                            confidence=min(found.confidence, 0.7),
                        )
                    return (self._concept(kind, name, found),)
        if not found_all:
            return (Concept(kind, _unlinked_key(name, kind), _label(name)),)
        return tuple(self._concept(kind, name, found) for found in found_all)

    def _partial_combination(
        self, name: str, kind: str, context: RecordContext
    ) -> tuple[Concept, ...]:
        """A combination some of whose parts link: each part its own node, linked or not.

        "Sugemalimab and Chemotherapy" is sugemalimab and a procedure; "furmonertinib
        combined with anlotinib", when furmonertinib is unknown, is anlotinib and an
        unlinked furmonertinib, never anlotinib alone.
        """
        parts = split_combination(name)
        if len(parts) < 2:
            return ()
        concepts: list[Concept] = []
        linked = False
        for part in parts:
            found = self.resolver.resolve(part, kind, context)
            if found and len(found) == 1:
                step = replace(found[0], method=(*found[0].method, "split"))
                concepts.append(self._concept(kind, part, step))
                linked = True
                continue
            therapy = self.resolver.resolve(part, "procedure", context)
            if therapy:
                concepts.append(self._concept("procedure", part, therapy[0]))
                linked = True
            else:
                concepts.append(Concept(kind, _unlinked_key(part, kind), _label(part)))
        return tuple(dict.fromkeys(concepts)) if linked else ()

    def _placebo_concepts(
        self, intervention: Intervention, trial: Trial | None, context: RecordContext
    ) -> tuple[Concept, ...]:
        """A placebo or sham, and what else the mention names ("Dapagliflozin and placebo")."""
        parts = split_combination(intervention.name)
        if len(parts) == 1:
            return (self.placebo(),)
        concepts: list[Concept] = []
        for part in parts:
            if is_placebo(part):
                concepts.append(self.placebo())
            else:
                single = Intervention(part, intervention.type)
                concepts.extend(self.intervention_concepts(single, trial, context))
        return tuple(dict.fromkeys(concepts))

    def placebo(self) -> Concept:
        """The one placebo node: MeSH Placebos, whose entry terms include Sham Treatment."""
        found = self.lexicon.concept(PLACEBO)
        label = found.label if found is not None else "Placebos"
        match = self._match(PLACEBO, "exact", "vocabulary-term", 1.0)
        return Concept("placebo", "placebo", label, (match,), "placebo", 1.0)

    def condition_concepts(
        self,
        name: str,
        trial: Trial | None = None,
        context: RecordContext | None = None,
        *,
        procedures: bool = False,
    ) -> tuple[Concept, ...]:
        """The conditions a mention names: one; one per item of a list ("Obesity or
        Overweight", when every item links); none for healthy volunteers. With
        ``procedures``, a mention that names no disease but is a procedure's own MeSH
        term ("Hemodialysis", "Diskectomy": what the trial's participants undergo)
        links to that procedure (``_procedure_condition``)."""
        if is_healthy(name):
            return ()
        if context is None:
            context = self._context(trial, trial.condition_meshes) if trial else EMPTY_CONTEXT
        whole = self.resolver.resolve(name, "condition", context)
        if whole and whole[0].relation == "exact":
            return (
                self._with_registry_term(self._concept("condition", name, whole[0]), name, context),
            )
        items = condition_list(name)
        if len(items) > 1:
            found = [self.resolver.resolve(item, "condition", context) for item in items]
            if all(f and f[0].relation == "exact" for f in found):
                return tuple(
                    dict.fromkeys(
                        self._concept("condition", item, f[0])
                        for item, f in zip(items, found, strict=True)
                        if f
                    )
                )
        if not whole:
            procedure = self._procedure_condition(name, context) if procedures else None
            if procedure is not None:
                return (procedure,)
            return (Concept("condition", term_key(name), _label(name)),)
        return (self._concept("condition", name, whole[0]),)

    def _procedure_condition(self, name: str, context: RecordContext) -> Concept | None:
        """The procedure a condition mention names word for word: the whole mention is a
        MeSH descriptor's term, of a procedure, and of no other concept (no rewording, no
        parts, no abbreviation). A term of a narrower concept of the descriptor
        ("Hemodialysis" in Renal Dialysis) gives a close match, as for any mention."""
        if is_short_abbreviation(name):
            return None
        found = self.resolver.lookup(name, "procedure", context)
        if not isinstance(found, Resolution) or not found.concept.curie.startswith("mesh:D"):
            return None
        readings = self.lexicon.readings(lookup_key(name), "procedure") or ()
        if len({r.curie for r in readings}) != 1:
            return None
        return self._concept("condition", name, found)

    def _with_registry_term(self, concept: Concept, name: str, context: RecordContext) -> Concept:
        """A condition linked outside MeSH gains the registry's MeSH term that its words
        name, as a close match: "Breast Cancer" is MONDO's breast cancer, and close to
        the Breast Neoplasms the registry indexes the trial with (a neoplasm may be
        benign, so the MeSH term is broader)."""
        if not context.registry or any(m.iri.startswith(MESH) for m in concept.matches):
            return concept
        found = registry_term(name, context.registry)
        if found is None or found.relation != "exact" or found.term.id is None:
            return concept
        target = self.lexicon.concept("mesh:" + found.term.id)
        if target is None or "disease" not in target.types:
            return concept
        extra = self._match(target.curie, "close", "registry-derived", 0.75)
        return replace(concept, matches=(*concept.matches, extra))

    def condition_concept(
        self, name: str, trial: Trial | None = None, context: RecordContext | None = None
    ) -> Concept:
        """The one concept of a condition mention (the first, for a list)."""
        found = self.condition_concepts(name, trial, context)
        return found[0] if found else Concept("condition", term_key(name), _label(name))

    def measured_concept(self, name: str) -> Concept | None:
        """What a laboratory mention measures, as a close reading: "Creatinine" or the
        "Alanine aminotransferase" of "Alanine aminotransferase increased" is the
        substance (a chemical of the lexicon), "Prothrombin time" the test. A short
        all-capital name ("ALT") is not looked up: alone it may mean anything."""
        if is_short_abbreviation(name):
            return None
        for kind in ("supplement", "diagnostic-test"):
            found = self.resolver.lookup(name, kind)
            if found:
                close = Resolution(found.concept, found.method, "close", found.confidence)
                return self._concept("condition", name, close)
        return None

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
                relation: Relation = "exact" if reading.source == "overlay" else "close"
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
                    "overlay",
                    1.0,
                )
        return Concept("organisation", key, organisation_label(name))

    def _context(self, trial: Trial, meshes: tuple[MeshTerm, ...]) -> RecordContext:
        registry = with_ids(self.headings.resolve(meshes))
        return RecordContext(RecordTexts(lambda: record_texts(trial)), registry)

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
            and _names_one_substance(trial.interventions[index].name)
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
            # A supplementary concept newer than the lexicon: a chemical, as MeSH's
            # supplementary records in an intervention's index are.
            concept = VocabularyConcept("mesh:" + mesh_id, frozenset({"drug"}), term or mesh_id)
        if concept.types.isdisjoint(_SUBSTANCES):
            return
        index = open_drugs[0]
        (linked,) = interventions[index]
        if linked.matches:
            extra = self._match(concept.curie, "exact", "registry-mesh", 0.7)
            method = linked.method + "+registry-mesh"
            interventions[index] = (
                replace(linked, matches=(*linked.matches, extra), method=method),
            )
            return
        found = Resolution(concept, ("registry-mesh",), "exact", 0.7)
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
        """The node of a linked mention, with its links to the vocabularies.

        A link says what ties the node to a target whichever mention reached it, so
        one node has one link per target, the same in every trial: the node's own term
        (``vocabulary-term``; ``close-reading`` for a node of a mention's own words read
        as close to it), a cross-reference of that term, the salt form a mention
        named, or the user's overlay. How each mention was read (synonym, salt words
        removed, the registry's terms ...) and how sure that is stays with the mention
        (``Concept.method``, ``Concept.confidence``).
        """
        concept = found.concept
        exact = found.relation == "exact"
        overlay = found.method[0] == "overlay"
        if overlay:
            own = self._match(concept.curie, found.relation, "overlay", 1.0)
        elif exact:
            own = self._match(concept.curie, "exact", "vocabulary-term", 1.0)
        else:
            own = self._match(concept.curie, "close", "close-reading", CLOSE_READING)
        matches = [own]
        for target, relation in concept.xrefs:
            if target.partition(":")[0] in IRI_PREFIXES:
                both: Relation = "exact" if exact and relation == "exact" else "close"
                matches.append(self._match(target, both, "cross-reference", own.confidence * 0.95))
        if found.salt_form is not None:
            matches.append(self._match(found.salt_form.curie, "close", "salt-form", 0.9))
        unique = tuple({m.iri: m for m in reversed(matches)}.values())[::-1]
        method, confidence = "+".join(found.method), round(found.confidence, 2)
        if exact:
            return Concept(kind, concept.key, concept.label, unique, method, confidence)
        return Concept(kind, _unlinked_key(name, kind), _label(name), unique, method, confidence)

    def _match(
        self, curie: str, relation: Relation, method: LinkMethod, confidence: float
    ) -> Match:
        source = (
            f"overlay {self.lexicon.overlay_name}"
            if method.startswith("overlay")
            else self.lexicon.source_label(curie)
        )
        target = self.lexicon.concept(curie) if curie.startswith("mesh:D") else None
        trees = target.tree_numbers if target is not None else ()
        return Match(curie_iri(curie), relation, method, round(confidence, 2), source, trees)


def _names_one_substance(name: str) -> bool:
    """A mention that can be the name of one substance: one word once doses and forms
    are gone ("Furmonertinib 80 mg"), or a development code ("AC0010"). "isolated
    perfusion" or "HIV-1 Immunogen" say what is done or given in words, not which
    substance, and the registry's one unclaimed term is no reading of them."""
    cleaned = [text for text, step in drug_name_variants(name) if step == "normalised"]
    tokens = strip_parentheses(cleaned[0] if cleaned else name).casefold().split()
    return len(tokens) == 1 or any(is_code(t) for t in tokens)


def _label(name: str) -> str:
    return " ".join(name.split())


def _unlinked_key(name: str, kind: str) -> str:
    """The key of a mention no lexicon term stands for: its cleaned name."""
    if kind in DRUG_KINDS:
        cleaned = [text for text, step in drug_name_variants(name) if step != "code"]
        return term_key(cleaned[-1])
    return term_key(name)
