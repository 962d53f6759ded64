"""The registry's own derived MeSH terms as evidence for a mention the lexicon cannot place.

ClinicalTrials.gov indexes each trial's conditions and interventions with MeSH
(``conditionBrowseModule`` / ``interventionBrowseModule`` in JSON,
``condition_browse`` / ``intervention_browse`` in XML). A mention the shipped
lexicon does not know as written ("Asthmatics", "Corticosteroid Resistant (CR)
Asthmatics", "Lumbar Disc Degeneration", "Diabete Mellitus") often names one of
those terms in other words. ``registry_term`` compares the two as bags of word
stems, so that word order, number, a few adjective forms (asthmatic -> asthma,
diabetic -> diabetes), British spellings, cancer/tumour/neoplasm and qualifiers
("advanced", "recurrent", "patients") do not matter:

- the same bag: the mention names the term (an exact match);
- the term's words all in the mention, and no other term of the record as close:
  the mention names the term with more said ("Breast Cancer Female" -> Breast
  Neoplasms; a close match);
- two terms equally close ("Lung cancer metastatic to brain": Lung Neoplasms and
  Brain Neoplasms): no link, since precision comes before recall.

A registry term that meets no mention stays the registry's statement of the
trial (``tkg:conditionMesh``); it is never forced onto a mention.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from trialkg.linking.link_values import Relation
from trialkg.linking.normalise import FORM_WORDS, strip_parentheses, words
from trialkg.model import MeshTerm


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that name the same thing in disease names.
_SAME = {
    "cancer": "neoplasm",
    "tumor": "neoplasm",
    "tumour": "neoplasm",
    "neoplasia": "neoplasm",
    "malignancy": "neoplasm",
    "disk": "disc",
    "kidney": "renal",
    "hepatic": "liver",
    "pulmonary": "lung",
    "cardiac": "heart",
    "gastric": "stomach",
}
# Words that do not change what is named, in a mention or a term.
_NOISE = _word_set(
    """
    of the and with in on a an to for by from at as or nos unspecified other
    patient people person subject participant volunteer adult individual case
    """
)
# Qualifiers of a disease that keep it the same disease (stage, course, severity, setting).
QUALIFIERS = _word_set(
    """
    recurrent refractory relapsed relapsing advanced metastatic metastasis locally early
    late stage unresectable resectable inoperable operable newly diagnosed previously
    treated untreated primary secondary progressive persistent chronic acute severe mild
    moderate episodic i ii iii iv iiia iiib iiic iva ivb ia ib iia iib 0 phase resistant
    corticosteroid steroid uncontrolled controlled poorly active
    """
)
_BRITISH = (("oe", "e"), ("ae", "e"), ("our", "or"))
_ROUTES = frozenset({"epidural", "intrathecal", "intravitreal", "intranasal", "nasal", "inhaled"})


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude stem, the same for the spellings of one word in disease and drug names."""
    value = word
    for old, new in _BRITISH:
        if old in value and len(value) > 4:
            value = value.replace(old, new)
    if value in _SAME:
        return _SAME[value]
    if len(value) > 4 and value.endswith("ies"):
        value = value[:-3] + "y"
    elif len(value) > 4 and value.endswith(("ches", "shes", "sses", "xes")):
        value = value[:-2]
    elif len(value) > 3 and value.endswith("s") and not value.endswith(("ss", "us", "is")):
        value = value[:-1]
    if value in _SAME:
        return _SAME[value]
    if len(value) > 6 and value.endswith("atic"):
        value = value[:-3]  # asthmatic -> asthma, pancreatic -> pancrea(s)
    elif len(value) > 6 and value.endswith("etic"):
        value = value[:-2] + "e"  # diabetic -> diabete(s)
    if len(value) > 6 and value.endswith("e"):
        value = value[:-1]  # pregabaline -> pregabalin, diabete -> diabet
    return value


@lru_cache(maxsize=65536)
def word_bag(text: str) -> frozenset[str]:
    """The stems of a name's words, without noise words: what two names are compared by."""
    stems = (stem(w) for w in words(strip_parentheses(text)) if w not in _NOISE)
    return frozenset(s for s in stems if s not in _NOISE)


def core(bag: frozenset[str]) -> frozenset[str]:
    return frozenset(w for w in bag if w not in QUALIFIERS)


_FORM_STEMS = frozenset(stem(w) for w in FORM_WORDS | _ROUTES)


@dataclass(frozen=True, slots=True)
class RegistryMatch:
    term: MeshTerm
    relation: Relation  # "exact": the same words; "close": the term's words and more


def registry_term(
    mention: str, terms: Iterable[MeshTerm], *, drug: bool = False
) -> RegistryMatch | None:
    """The one registry term the mention names, by its words (see the module text).

    For a drug, the mention's other words are how it is given ("Caudal epidural
    betamethasone injection"): the one term within it is the drug, an exact match.
    """
    wanted = word_bag(mention)
    wanted_core = core(wanted)
    if not wanted_core:
        return None
    same: dict[str, MeshTerm] = {}
    within: dict[str, tuple[int, MeshTerm]] = {}
    for term in terms:
        if not term.id or not term.term:
            continue
        bag = word_bag(term.term)
        bag_core = core(bag)
        if not bag_core:
            continue
        if bag == wanted or bag_core == wanted_core:
            same.setdefault(term.id, term)
        elif bag_core < wanted_core:
            within.setdefault(term.id, (len(bag_core), term))
    if same:
        return RegistryMatch(next(iter(same.values())), "exact") if len(same) == 1 else None
    if not within:
        return None
    best = max(size for size, _ in within.values())
    found = [term for size, term in within.values() if size == best]
    # A term of one word within a long mention says little: "Pain" in "Dysarthria as
    # Late Effect of Stroke" would be a guess. At least half the mention's words.
    if len(found) != 1:
        return None
    if drug:
        # The other words say how it is given ("40 mg tablets"): the drug itself. Other
        # words ("Pneumococcal conjugate vaccine GSK1024850A" within Vaccines) make the
        # term broader than the mention: a close match.
        rest = wanted_core - word_bag(found[0].term or "")
        return RegistryMatch(found[0], "exact" if rest <= _FORM_STEMS else "close")
    if 2 * best < len(wanted_core):
        return None
    return RegistryMatch(found[0], "close")


def lookup_forms(mention: str) -> list[str]:
    """Forms of a mention to look up among a descriptor's entry terms: without noise
    words and qualifiers, and with adjectives as their nouns, so that "Asthmatic
    Patients" is looked up as "asthma" and "Untreated Advanced Thymic Carcinomas" as
    "thymic carcinomas"."""
    plain = [w for w in words(strip_parentheses(mention)) if stem(w) not in _NOISE]
    kept = [w for w in plain if w not in QUALIFIERS]
    forms = [" ".join(plain), " ".join(kept), " ".join(_noun(w) for w in kept)]
    return list(dict.fromkeys(f for f in forms if f))


def _noun(word: str) -> str:
    value = word[:-1] if word.endswith(("atics", "etics")) else word
    if len(value) > 6 and value.endswith("atic"):
        return value[:-3]
    if len(value) > 6 and value.endswith("etic"):
        return value[:-2] + "es"
    return word
