"""Adverse-event terms to shared nodes: "Nausea" in one trial and "nausea" in another are one.

A term is looked up as a condition in the shipped lexicon (MeSH and the other
disease vocabularies), through the linker's public ``condition_concept``. Its
node is of the kind ``adverse-event``: keyed by the lexicon's term when the
whole term matches exactly, else by the term's own folded words.

Registries write many terms in the CTCAE's compound form ("Pain: Head/headache",
"Rigors/chills", "Neuropathy: motor") or MedDRA's inverted one ("Oedema
peripheral"), with British spellings. When the whole term does not link, its
American spelling, then its parts are tried ("headache", "motor neuropathy",
"chills"), then its shorter runs of words, longest first ("Non-cardiac chest
pain" gives "chest pain"; a generic word alone, "disorders", is never tried); a
part that links gives a close match only (method ``...+term-part``, confidence
scaled by 0.8), and the node stays the term's own.

A laboratory term ("Alanine aminotransferase increased", "Blood creatinine
increased", CTCAE's "Bilirubin") is close to what it measures, a substance or test
of the lexicon (method ``...+measured-entity``). An organ-system term ("Pulmonary",
"Renal/GU-Other", "Dry skin") is close to the organ's diseases ("Lung Diseases"); an
organ word alone is never looked up as itself, since vocabularies file cancers under
"Lung" and "Skin", and a qualifier alone ("Localised") names no event. MedDRA itself
is licensed and is not shipped: the record's vocabulary name stays on the event
(``tkg:sourceVocabulary``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from trialkg.linking.normalise import parenthesised, strip_parentheses, term_key

if TYPE_CHECKING:
    from trialkg.linking.linker import Linker
    from trialkg.linking.links import Concept
    from trialkg.model import Trial

KIND = "adverse-event"
PART_CONFIDENCE = 0.8
_SPLIT = re.compile(r"\s*/\s*")
_CACHE_LIMIT = 100_000


# British spellings (MedDRA's) in American form, as the vocabularies spell the terms.
_SPELLINGS = (
    (re.compile(r"oea\b", re.IGNORECASE), "ea"),  # dyspnoea, diarrhoea
    (re.compile(r"\boe(?=[^aeiou])", re.IGNORECASE), "e"),  # oedema, oesophagitis
    (re.compile(r"aem", re.IGNORECASE), "em"),  # anaemia, haematuria, hypokalaemia
    (re.compile(r"aes(?=th)", re.IGNORECASE), "es"),  # paraesthesia
    (re.compile(r"\bpaed", re.IGNORECASE), "ped"),
)


def american(term: str) -> str:
    """The term with MedDRA's British spellings in American form ("Oedema" -> "Edema")."""
    text = term
    for pattern, replacement in _SPELLINGS:
        text = pattern.sub(_SameCase(replacement), text)
    return text


class _SameCase:
    """A replacement that keeps the capital of the text it replaces ("Oe" -> "E")."""

    def __init__(self, replacement: str) -> None:
        self.replacement = replacement

    def __call__(self, found: re.Match[str]) -> str:
        text = found.group(0)
        return self.replacement.capitalize() if text[:1].isupper() else self.replacement


# "Pain-other", "Infection - Other", "Pain, other", "Hemorrhage NOS": the head term.
_OTHER = re.compile(
    r"(?:\s*[-,]\s*other(?:\s*\(specify[\s,_]*\))?|\s+NOS|\s*\(other\)|\s*\(specify[\s,_]*\))\s*$",
    re.IGNORECASE,
)
# CTCAE v3's "Category-term": "Neuropathy-sensory", "Vision-blurred vision"; not a word
# with a prefix: "Non-cardiac chest pain" is not "cardiac chest pain".
_CATEGORY = re.compile(r"^([A-Z][a-z]+)-([a-z][\w ]*)$")
_PREFIXES = frozenset(
    {"non", "anti", "pre", "post", "sub", "peri", "intra", "extra", "over", "under", "self",
     "multi", "semi", "hyper", "hypo", "auto", "co", "re", "de", "un"}
)  # fmt: skip


def term_variants(term: str) -> list[str]:
    """The parts of a compound term to try, most specific first; the term itself not included."""
    stripped = _OTHER.sub("", term).strip()
    if stripped and stripped != term.strip():
        return [stripped, *term_variants(stripped)]
    category = _CATEGORY.match(term.strip())
    if category and category.group(1).lower() not in _PREFIXES:
        head, tail = category.groups()
        return [f"{tail} {head}", tail, head, *_phrases(tail)]
    head, sep, tail = term.partition(":")
    variants: list[str] = []
    if sep and head.strip() and tail.strip():
        tails = _SPLIT.split(tail.strip())
        # "Neuropathy: motor" -> "motor neuropathy"; "Pain: Head/headache" -> "headache"
        variants += [f"{part} {head.strip()}" for part in tails]
        variants += tails
        variants += _SPLIT.split(head.strip())
    else:
        variants += _SPLIT.split(term.strip())
        words = term.split()
        if len(words) == 2 and "/" not in term:
            # MedDRA's inverted form: "Oedema peripheral" -> "peripheral oedema"
            variants.append(f"{words[1]} {words[0]}")
    # The organ a term's parts or first word name ("Renal/GU", "Nail changes"; either
    # word of two: "Dry skin"); not a word inside a longer phrase ("BLOOD/BONE MARROW:
    # Hemoglobin" is not of the bone).
    named = _WORD.findall(term)
    first = named[:1] if not term.lower().startswith("bone marrow") else []
    if len(named) == 2:
        first.append(named[1])  # "Dry skin", "Dry mouth"
    organs = [d for v in [term, *variants, *first] if (d := _organ_diseases(v))]
    # An organ word alone is its organ's diseases, not the cancer some vocabularies
    # file under "Skin" or "Lung".
    variants = [v for v in variants if v.strip().lower() not in _ORGANS]
    variants += _phrases(term)
    variants += organs
    return [v for v in dict.fromkeys(v.strip() for v in variants) if v and v != term.strip()]


# CTCAE's organ-system terms ("Pulmonary", "Hepatic", "Renal/GU-Other", "Late RT
# Toxicity: Bladder: NOS") name an event of that organ: the organ's diseases, as
# MeSH names them. Adjectives take the organ's noun.
_ORGANS = {
    "pulmonary": "lung", "lung": "lung", "hepatic": "liver", "liver": "liver",
    "renal": "kidney", "kidney": "kidney", "cardiac": "heart", "heart": "heart",
    "gastrointestinal": "gastrointestinal", "gi": "gastrointestinal",
    "neurologic": "nervous system", "neurological": "nervous system",
    "neurology": "nervous system", "musculoskeletal": "musculoskeletal",
    "endocrine": "endocrine system", "metabolic": "metabolic",
    "cardiovascular": "cardiovascular", "ocular": "eye", "eye": "eye", "auditory": "ear",
    "ear": "ear", "lymphatic": "lymphatic", "lymphatics": "lymphatic",
    "dermatologic": "skin", "dermatology": "skin", "skin": "skin",
    "hematologic": "hematologic", "vascular": "vascular", "respiratory": "respiratory tract",
    "nail": "nail", "nails": "nail", "bladder": "urinary bladder", "bone": "bone",
    "joint": "joint", "mouth": "mouth", "oral": "mouth", "hair": "hair", "breast": "breast",
    "stomach": "stomach", "gastric": "stomach", "pancreatic": "pancreatic",
    "pancreas": "pancreatic", "thyroid": "thyroid", "brain": "brain",
    "prostate": "prostatic", "prostatic": "prostatic", "colon": "colonic",
    "colonic": "colonic", "rectal": "rectal", "rectum": "rectal",
    "esophageal": "esophageal", "esophagus": "esophageal", "uterine": "uterine",
    "uterus": "uterine", "ovarian": "ovarian", "ovary": "ovarian",
}  # fmt: skip


_ORGAN_DISEASES = frozenset(f"{organ} diseases" for organ in _ORGANS.values())


def _organ_diseases(variant: str) -> str | None:
    """The diseases of the organ one word names ("Pulmonary": "lung diseases"), or None."""
    organ = _ORGANS.get(variant.strip().lower())
    return f"{organ} diseases" if organ else None


_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_MINOR = frozenset({"and", "or", "of", "in", "with", "without", "the", "a", "an", "other", "nos"})
# Words that alone name no event: "Other pancreatic or biliary disorders" is not "Disease".
_GENERIC = frozenset(
    {
        "disorder", "disorders", "disease", "diseases", "syndrome", "syndromes",
        "condition", "conditions", "event", "events", "reaction", "reactions",
        "symptom", "symptoms", "abnormality", "abnormalities", "complication",
        "complications", "changes", "change",
    }
)  # fmt: skip


# Words that qualify an event without naming one: "Localised oedema" is not a place.
_QUALIFIERS = frozenset(
    {
        "localised", "localized", "generalised", "generalized", "local", "systemic",
        "acute", "chronic", "severe", "mild", "moderate", "recurrent", "left", "right",
        "bilateral", "unilateral", "upper", "lower", "total", "partial",
    }
)  # fmt: skip


def _phrases(term: str) -> list[str]:
    """The term's shorter runs of words, longest first: "Non-cardiac chest pain" gives
    "chest pain" and then "pain". Only a run that starts and ends with a content word."""
    words = _WORD.findall(term)
    if len(words) < 2 or len(words) > 6:
        return []
    runs = []
    for size in range(len(words) - 1, 0, -1):
        for start in range(len(words) - size + 1):
            run = words[start : start + size]
            if run[0].lower() in _MINOR or run[-1].lower() in _MINOR:
                continue
            if size == 1 and (
                len(run[0]) < 4
                or run[0].lower() in _GENERIC
                or run[0].lower() in _QUALIFIERS
                or run[0].lower() in _ORGANS
            ):
                continue
            runs.append(" ".join(run))
    return runs


# MedDRA's and CTCAE's laboratory terms: what was measured and which way it went
# ("Alanine aminotransferase increased", "Blood creatinine increased", "Lipase
# increased", "Magnesium, serum-low (hypomagnesemia)", "SGOT (AST) increase").
_LAB = re.compile(
    r"^(?:blood |serum |plasma |urine )?(?P<entity>.+?)(?: count| level| levels)?"
    r"(?:,? serum)?[ -](?:increased|decreased|increase|decrease|elevated|elevation|"
    r"abnormal|prolonged|low|high|raised|reduced)$",
    re.IGNORECASE,
)


def measured_names(term: str) -> list[str]:
    """The names of what a laboratory term measures, most likely first: "AST, SGOT (serum
    glutamic oxaloacetic transaminase)" gives "AST", "SGOT" and the transaminase."""
    plain = strip_parentheses(term).strip()
    # "HEPATIC:: Bilirubin", "Metabolic/Laboratory: Creatinine": the name after the organ.
    plain = plain.rpartition(":")[2].strip() or plain
    lab = _LAB.match(plain)
    entity = lab.group("entity") if lab else plain
    names = [entity, *(p.strip() for p in entity.split(",")), *parenthesised(term)]
    # "Cardiac troponin I increased": the troponin, whatever organ it is measured for.
    head, _, rest = entity.partition(" ")
    if rest and head.lower() in _ORGANS:
        names.append(rest)
    return [n for n in dict.fromkeys(names) if n]


class AdverseEventTerms:
    """The concepts of adverse-event terms, remembered per term."""

    def __init__(self, linker: Linker) -> None:
        self._resolve: Callable[[str], Concept] = linker.condition_concept
        self._measured: Callable[[str], Concept | None] = linker.measured_concept
        self._seen: dict[str, Concept] = {}

    def concepts(self, trial: Trial) -> tuple[Concept, ...]:
        """One concept per event of the trial's results, in order; empty without results."""
        results = trial.results
        if results is None or results.adverse_events is None:
            return ()
        return tuple(self.concept(event.term) for event in results.adverse_events.events)

    def concept(self, term: str) -> Concept:
        # Cached by the term as written; the node's key and label come from the key alone.
        key = term
        found = self._seen.get(key)
        if found is None:
            if len(self._seen) > _CACHE_LIMIT:
                self._seen.clear()
            found = self._seen[key] = self._link(term)
        return found

    def _link(self, term: str) -> Concept:
        # A node that is not a lexicon term is labelled from its key, the same for
        # every spelling ("Dry Skin", "dry skin": "dry skin"): the shared graph holds one
        # label whichever trials name it, and removing a trial leaves what a build of the
        # others gives.
        label = term_key(term).replace("-", " ")
        whole = self._resolve(term)
        spelt = american(term)
        if not whole.matches and spelt != term:
            whole = self._resolve(spelt)
        if whole.matches:
            exact = any(m.relation == "exact" for m in whole.matches)
            return replace(
                whole,
                kind=KIND,
                key=whole.key if exact else term_key(term),
                label=whole.label if exact else label,
            )
        parts = term_variants(spelt)
        organs = [v for v in parts if v in _ORGAN_DISEASES]
        parts = [v for v in parts if v not in _ORGAN_DISEASES]
        # A laboratory term names what it measures ("Creatinine increased"): that comes
        # before its parts. Any other term's parts come first; then what it may
        # measure ("Bilirubin"), then the organ it names ("Hepatic", "Renal/GU").
        lab = _LAB.match(strip_parentheses(spelt).strip()) is not None
        steps = [*([] if lab else parts), None, *(parts if lab else []), *organs]
        for variant in steps:
            if variant is None:
                for name in measured_names(spelt):
                    measured = self._measured(name)
                    if measured is not None and measured.matches:
                        return _close(measured, term, label, "measured-entity")
                continue
            part = self._resolve(variant)
            if part.matches:
                return _close(part, term, label, "term-part")
        return replace(whole, kind=KIND, key=term_key(term), label=label)


def _close(part: Concept, term: str, label: str, step: str) -> Concept:
    """The term's own node, close to the concept a part of it (or what it measures) names."""
    matches = tuple(
        replace(
            m,
            relation="close",
            method=f"{m.method}+{step}",
            confidence=round(m.confidence * PART_CONFIDENCE, 2),
        )
        for m in part.matches
    )
    return replace(part, kind=KIND, key=term_key(term), label=label, matches=matches)
