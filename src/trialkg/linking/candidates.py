"""From a mention to the lexicon concept it stands for: typed candidates and evidence.

A mention is looked up as written, then cleaned (doses, routes, forms, salts
removed), then through what its own record says (an abbreviation the record
defines, the intervention's other names, the registry's MeSH indexing). Only
concepts of the right type are candidates: a drug names a chemical (MeSH tree D),
a condition a disease (C, F03), a procedure a procedure (E) — so "TACE", an entry
term of ADAM17 Protein, is never a drug or a condition, and a procedure named
TACE is a chemoembolisation.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Literal

from trialkg.linking.context import EMPTY_CONTEXT, RecordContext
from trialkg.linking.evidence import lookup_forms, registry_term
from trialkg.linking.ids import mesh_variants
from trialkg.linking.lexicon import READING_LINKS, Lexicon, Reading, VocabularyConcept
from trialkg.linking.link_values import MethodPart, Relation, Step, TermSource
from trialkg.linking.normalise import (
    drug_name_variants,
    is_abbreviation_of,
    is_placebo,
    is_short_abbreviation,
    lookup_key,
    parenthesised,
    regimen_name,
    split_combination,
    strip_parentheses,
    words,
)
from trialkg.linking.ranking import (
    DECIDED,
    FIRM,
    HEADING,
    KIND_TYPES,
    STEP_CONFIDENCE,
    firm_alias,
    names_concept,
    restep,
    source_rank,
    split_step,
    tier,
    unique,
)
from trialkg.linking.ranking import DRUG_KINDS as DRUG_KINDS
from trialkg.linking.ranking import OVERLAY_KIND as OVERLAY_KIND
from trialkg.linking.ranking import Resolution as Resolution
from trialkg.linking.rewording import condition_forms, vaccine_heads


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that qualify a disease without changing which disease it is.
_MODIFIERS = _word_set(
    """
    recurrent refractory relapsed relapsing advanced metastatic metastasis locally early
    late stage stages unresectable resectable inoperable operable newly diagnosed
    previously treated untreated primary secondary progressive persistent chronic acute
    severe mild moderate i ii iii iv iiia iiib iiic iva ivb ia ib iia iib 0 1 2 3 4
    phase patients patient
    """
)


class Resolver:
    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon

    # -- one name, no record --------------------------------------------------------------

    def lookup(
        self,
        name: str,
        kind: str,
        context: RecordContext = EMPTY_CONTEXT,
        step: Step | None = None,
        *,
        sources: frozenset[TermSource] | None = None,
    ) -> Resolution | Literal[False] | None:
        """The best typed reading of a name (of the given sources only, if given); False
        when an overlay says never link it."""
        readings = self.lexicon.readings(lookup_key(name), OVERLAY_KIND[kind])
        if readings is None:
            return False
        types = KIND_TYPES[kind]
        registry = context.registry_ids()
        best: tuple[tuple[int, int, int, str], Reading, VocabularyConcept] | None = None
        for reading in readings:
            if sources is not None and reading.source not in sources:
                continue
            concept = self.lexicon.concept(reading.curie)
            if concept is None or concept.types.isdisjoint(types):
                continue
            # The registry's indexing picks among the readings that mean the mention;
            # it does not put a broader term before an exact one ("Lung Cancer" is
            # MONDO's lung cancer, not a narrower term of MeSH Lung Neoplasms).
            confirmed = self._confirmed(concept, registry) and names_concept(
                reading.source, kind, concept
            )
            rank = (
                0 if confirmed else 1,
                tier(reading.source, concept.curie),
                source_rank(concept.curie),
                concept.curie,
            )
            if best is None or rank < best[0]:
                best = (rank, reading, concept)
        if best is None:
            return None
        _, reading, concept = best
        first, relation, confidence = READING_LINKS[reading.source]
        method: tuple[MethodPart, ...] = (first,)
        if kind in DRUG_KINDS and reading.source == "other-concept" and "drug" in concept.types:
            # A code, brand or salt name that MeSH files under its own concept of one
            # descriptor still names the same substance.
            relation, confidence = "exact", 0.9
        if step:
            method = (step,)
            confidence = min(confidence, STEP_CONFIDENCE[step])
        salt_form = None
        if concept.parent:
            parent = self.lexicon.concept(concept.parent)
            if parent is not None:
                concept, salt_form = parent, concept
        if self._confirmed(concept, registry):
            method += ("registry-mesh",)
            confidence = min(1.0, confidence + 0.05)
        return Resolution(concept, method, relation, round(confidence, 2), salt_form)

    def forbidden(self, name: str, kind: str) -> bool:
        """True when an overlay says never to link this name for this kind."""
        return self.lexicon.readings(lookup_key(name), OVERLAY_KIND[kind]) is None

    @staticmethod
    def _confirmed(concept: VocabularyConcept, registry: frozenset[str]) -> bool:
        if not registry:
            return False
        return concept.curie in registry or any(
            x in registry for x, r in concept.xrefs if r == "exact"
        )

    # -- a mention in its record ----------------------------------------------------------

    def resolve(
        self,
        name: str,
        kind: str,
        context: RecordContext = EMPTY_CONTEXT,
        other_names: tuple[str, ...] = (),
        description: str | None = None,
    ) -> list[Resolution] | None:
        """The concepts a mention stands for (several for a combination), or None."""
        if kind in DRUG_KINDS:
            return self._resolve_drug(name, kind, context, other_names, description)
        single = self._resolve_term(name, kind, context, other_names)
        return [single] if single else None

    def _resolve_drug(
        self,
        name: str,
        kind: str,
        context: RecordContext,
        other_names: tuple[str, ...],
        description: str | None,
    ) -> list[Resolution] | None:
        if is_placebo(name):
            found = self.lookup(
                "placebo", kind, context, None if lookup_key(name) == "placebo" else "normalised"
            )
            return [found] if isinstance(found, Resolution) else None
        single = self._one_drug(name, kind, context)
        if single is False:
            return None
        if single is not None:
            return [single]
        # An aside that is not an abbreviation of the words before it names the whole:
        # "sacubitril/valsartan (LCZ696)"; "(DHAP)" after dihydroartemisinin-piperaquine does not.
        before = strip_parentheses(name)
        for aside in parenthesised(name):
            if not is_abbreviation_of(aside, before):
                found = self._one_drug(aside, kind, context, aliases=False)
                if isinstance(found, Resolution) and firm_alias(aside, found):
                    return [restep(found, "other-name")]
                parts = self._combination(aside, kind, context)
                if parts:
                    return parts
        combination = self._combination(name, kind, context)
        if combination:
            return combination
        regimen = self._regimen(name, kind, context)
        if regimen is not None:
            return [regimen]
        synonym = self._other_name(name, kind, context, other_names, description)
        if synonym is not None:
            return [synonym]
        found = self._from_registry(name, kind, context) or self._vaccine(name, kind, context)
        return [found] if found else None

    def _drug_part(
        self, part: str, kind: str, context: RecordContext
    ) -> Resolution | Literal[False] | None:
        """A combination's part: a drug, else a regimen; False when an overlay forbids it."""
        found = self._one_drug(part, kind, context)
        return self._regimen(part, kind, context) if found is None else found

    def _regimen(self, name: str, kind: str, context: RecordContext) -> Resolution | None:
        """The regimen MeSH names as "X protocol" ("CHOP regimen" is CHOP protocol): for
        the mention's own words or a part of them, once no drugs it names in full link
        ("FOLFOX (5-fluorouracil, Leucovorin, Oxaliplatin)" stays its three drugs), and
        never for another name the record gives it."""
        text = regimen_name(name)
        if text is None:
            return None
        found = self.lookup(text, kind, context, "regimen")
        if isinstance(found, Resolution) and "regimen" in found.concept.types:
            return found
        return None

    def _vaccine(self, name: str, kind: str, context: RecordContext) -> Resolution | None:
        """A vaccine by the class its name ends with, close (``rewording.vaccine_heads``)."""
        for head in vaccine_heads(name):
            for form in (head, head + "s"):
                found = self.lookup(form, kind, context, "vaccine-head", sources=FIRM)
                if isinstance(found, Resolution):
                    return replace(found, relation="close", confidence=min(found.confidence, 0.7))
        return None

    def _other_name(
        self,
        name: str,
        kind: str,
        context: RecordContext,
        other_names: tuple[str, ...],
        description: str | None,
    ) -> Resolution | None:
        """The drug the intervention's other names agree on, if they are its synonyms.

        Records sometimes list the partners of a combination as "other names" (RC108
        with Furmonertinib and Toripalimab, "RC108 plus Furmonertinib and/or
        Toripalimab"): a name combined with the mention in its description is a partner,
        and other names that name different drugs are not synonyms of one.
        """
        partners: set[str] = set()
        if description:
            parts = {lookup_key(p) for p in split_combination(description)}
            if lookup_key(name) in parts:
                partners = parts
        found: dict[str, Resolution] = {}
        for alias in other_names:
            if lookup_key(alias) in partners:
                continue
            resolved = self._one_drug(alias, kind, context, aliases=False)
            if isinstance(resolved, Resolution) and firm_alias(alias, resolved):
                found.setdefault(resolved.concept.curie, resolved)
        if len(found) != 1:
            return None
        return restep(next(iter(found.values())), "other-name")

    def _combination(self, name: str, kind: str, context: RecordContext) -> list[Resolution] | None:
        """The parts of "A + B", "A plus B", "A/B", "A and B", when every part links."""
        parts = split_combination(name)
        if len(parts) == 1 and kind in DRUG_KINDS and "-" in name and " " not in name.strip():
            parts = [p for p in name.split("-") if p]
            if len(parts) != 2 or not all(len(p) >= 4 and p.isalpha() for p in parts):
                return None
        if len(parts) < 2:
            return None
        found_parts = [
            self._drug_part(p, kind, context)
            if kind in DRUG_KINDS
            else self.lookup(p, kind, context)
            for p in parts
        ]
        if context.registry:
            # A part the lexicon cannot place may name one of the registry's terms.
            found_parts = [
                self._registry_words(p, kind, context) if found is None else found
                for p, found in zip(parts, found_parts, strict=True)
            ]
        resolved = [r for r in found_parts if isinstance(r, Resolution)]
        if len(resolved) != len(parts):
            return None
        return [split_step(r) for r in unique(resolved)]

    def lookup_drug(self, name: str, context: RecordContext = EMPTY_CONTEXT) -> Resolution | None:
        """A drug the whole name stands for, as written or cleaned; no splitting, no aliases."""
        found = self._one_drug(name, "drug", context, aliases=False)
        return found if isinstance(found, Resolution) else None

    def _one_drug(
        self, name: str, kind: str, context: RecordContext, *, aliases: bool = True
    ) -> Resolution | Literal[False] | None:
        for text, step in drug_name_variants(name):
            found = self.lookup(text, kind, context, None if step == "as-written" else step)
            if found is not None:
                return found
        if aliases:
            for text, _ in drug_name_variants(name):
                expansion = context.expansion(text, self.lexicon)
                if expansion:
                    found = self._one_drug(expansion, kind, context, aliases=False)
                    if isinstance(found, Resolution):
                        return restep(found, "abbreviation")
        return None

    def _resolve_term(
        self, name: str, kind: str, context: RecordContext, other_names: tuple[str, ...]
    ) -> Resolution | None:
        found = self._lookup_term(name, kind, context)
        if found is False:
            return None
        if found is not None:
            return found
        plain = strip_parentheses(name)
        attempts: list[tuple[str, Step]] = [(plain, "normalised")]
        attempts += [
            (a, "other-name") for a in parenthesised(name) if not is_abbreviation_of(a, plain)
        ]
        attempts += [(other, "other-name") for other in other_names]
        expansion = context.expansion(plain, self.lexicon)
        if expansion:
            attempts.append((expansion, "abbreviation"))
        if kind == "condition":
            core = [w for w in words(plain) if w not in _MODIFIERS]
            if core and len(core) < len(words(plain)):
                attempts.append((" ".join(core), "modifier"))
        for text, step in attempts:
            found = self._lookup_term(text, kind, context, step)
            if isinstance(found, Resolution):
                if step == "modifier":
                    # A loose reading: the registry's own term, if the mention names one, is better.
                    return self._from_registry(name, kind, context) or Resolution(
                        found.concept, found.method, "close", found.confidence
                    )
                return found
        found = self._from_registry(name, kind, context)
        if found is None and kind == "condition":
            found = self._reworded(name, context)
        return found

    def _reworded(self, name: str, context: RecordContext) -> Resolution | None:
        """A condition in another word order, or without what narrows it (``rewording``)."""
        for form, relation in condition_forms(name):
            found = self.lookup(form, "condition", context, "reworded", sources=FIRM)
            if isinstance(found, Resolution):
                if relation == "exact" and found.relation == "exact":
                    return found
                return replace(found, relation="close", confidence=min(found.confidence, 0.7))
        return None

    def _lookup_term(
        self, text: str, kind: str, context: RecordContext, step: Step | None = None
    ) -> Resolution | Literal[False] | None:
        if kind == "condition" and is_short_abbreviation(text):
            return self._abbreviation(text, kind, context, step)
        return self.lookup(text, kind, context, step)

    def _abbreviation(
        self, text: str, kind: str, context: RecordContext, step: Step | None
    ) -> Resolution | Literal[False] | None:
        """A short all-capital condition name ("PPD"): linked only on firm evidence.

        An overlay or trialkg's curated table decides it; else what the record says
        it stands for ("Postpartum Depression (PPD)"); else the lexicon, when the
        abbreviation names one concept only, and that is a MeSH descriptor whose
        preferred heading or exact entry term it is ("COPD", "COVID-19"). A synonym
        from another source, a supplementary concept's synonym or a narrower term is
        not enough: "PPD" is MONDO's synonym of a pseudorheumatoid dysplasia and a
        MeSH term of Tuberculin, and unlinked is better than wrong.
        """
        decided = self.lookup(text, kind, context, step, sources=DECIDED)
        if decided is not None:
            return decided
        expansion = context.expansion(text, self.lexicon)
        if expansion:
            found = self.lookup(expansion, kind, context, "abbreviation")
            if isinstance(found, Resolution):
                return found
        readings = self._one_sense(self.lexicon.readings(lookup_key(text), OVERLAY_KIND[kind]))
        if len({r.curie for r in readings}) != 1:
            return None
        (reading,) = {r.curie: r for r in readings}.values()
        if not reading.curie.startswith("mesh:D") or reading.source not in HEADING:
            return None
        return self.lookup(text, kind, context, step)

    def _one_sense(self, readings: Iterable[Reading] | None) -> list[Reading]:
        """The readings without another vocabulary's concept whose own name is a term of
        a MeSH descriptor among them: "ADHD" is MeSH's Attention Deficit Disorder with
        Hyperactivity and MONDO's "attention deficit-hyperactivity disorder", which is
        an entry term of that descriptor; one disease, named twice."""
        found = list(readings or ())
        mesh = {r.curie for r in found if r.curie.startswith("mesh:")}
        if not mesh:
            return found
        kept = []
        for reading in found:
            concept = None if reading.curie in mesh else self.lexicon.concept(reading.curie)
            if concept is not None:
                named = self.lexicon.readings(lookup_key(concept.label), "condition") or ()
                if any(r.curie in mesh for r in named):
                    continue
            kept.append(reading)
        return kept

    def resolve_parts(
        self, name: str, kind: str, context: RecordContext = EMPTY_CONTEXT
    ) -> list[Resolution] | None:
        """A procedure mention naming several procedures: "3D-CRT/IMRT"."""
        return self._combination(name, kind, context)

    def _from_registry(self, name: str, kind: str, context: RecordContext) -> Resolution | None:
        """The registry's own MeSH term when it names the mention (after cleaning)."""
        if not context.registry:
            return None
        wanted = {lookup_key(t) for t, _ in drug_name_variants(name)} | {
            lookup_key(strip_parentheses(name))
        }
        types = KIND_TYPES[kind]
        for mesh in context.registry:
            if not mesh.id or not mesh.term or lookup_key(mesh.term) not in wanted:
                continue
            for variant in mesh_variants(mesh.id):
                concept = self.lexicon.concept("mesh:" + variant)
                if concept is not None and not concept.types.isdisjoint(types):
                    return Resolution(
                        concept, ("registry-mesh",), "exact", STEP_CONFIDENCE["registry-mesh"]
                    )
        return self._registry_words(name, kind, context)

    def _registry_words(self, name: str, kind: str, context: RecordContext) -> Resolution | None:
        """The registry's term the mention names in other words (``linking.evidence``):
        one of its entry terms after cleaning, or the same words in another form or order."""
        types = KIND_TYPES[kind]
        registry = context.registry_ids()
        confidence = STEP_CONFIDENCE["registry-derived"]
        for form in lookup_forms(name):
            for reading in self.lexicon.readings(lookup_key(form), OVERLAY_KIND[kind]) or ():
                concept = self.lexicon.concept(reading.curie)
                if reading.curie in registry and concept and not concept.types.isdisjoint(types):
                    exact = names_concept(reading.source, kind, concept)
                    relation: Relation = "exact" if exact else "close"
                    return Resolution(concept, ("registry-derived",), relation, confidence)
        if kind in DRUG_KINDS and len(split_combination(name)) > 1:
            # A combination names several drugs: its parts are matched one by one.
            return None
        found = registry_term(name, context.registry, drug=kind in DRUG_KINDS)
        if found is None or found.term.id is None:
            return None
        for variant in mesh_variants(found.term.id):
            concept = self.lexicon.concept("mesh:" + variant)
            if concept is not None and not concept.types.isdisjoint(types):
                exact = found.relation == "exact"
                return Resolution(
                    concept, ("registry-derived",), found.relation, confidence if exact else 0.75
                )
        return None
