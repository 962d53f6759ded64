"""Normalisation of mentions: the one place that decides when two names are the same thing.

A record writes "Imatinib Mesylate 400 mg tablets", another "imatinib (IM)", a
third "Gleevec". The functions here reduce each mention to a key; mentions with
equal keys are one node in the graph. The linker grows from here: it maps keys
to vocabulary concepts.
"""

from __future__ import annotations

import re
import unicodedata

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
_MARKS = dict.fromkeys(map(ord, "\u00ae\u2122\u00a9\u2120"), None)
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032`"), "'") | dict.fromkeys(
    map(ord, "\u201c\u201d\u201e\u201f\u2033"), '"'
)


def fold(text: str) -> str:
    """Unicode-compatible, case-folded text with one spelling of dashes, quotes and spaces."""
    value = unicodedata.normalize("NFKC", text).translate(_DASHES).translate(_MARKS).translate(_QUOTES)
    return " ".join(value.casefold().split())


# Salt and hydrate words that name a form of the active ingredient, not another drug.
SALT_WORDS = frozenset(
    """
    mesylate mesilate dimesylate hydrochloride dihydrochloride hcl hydrobromide sodium disodium
    potassium calcium magnesium malate dimalate maleate tartrate bitartrate citrate dicitrate
    phosphate diphosphate sulfate sulphate bisulfate acetate diacetate succinate fumarate
    besylate besilate tosylate tosilate lactate gluconate bromide chloride nitrate oxalate
    monohydrate dihydrate trihydrate hydrate anhydrous free base tromethamine meglumine
    ditosylate esylate napsylate pamoate embonate propionate dipropionate valerate
    """.split()
)

# Dose, unit, route and dosage-form words: they say how much or how, not what.
_FORM_WORDS = frozenset(
    """
    tablet tablets tab tabs capsule capsules cap caps injection injections injectable infusion
    infusions solution solutions suspension oral orally iv i.v. intravenous intravenously
    subcutaneous subcutaneously sc s.c. po p.o. im i.m. topical cream gel patch film-coated
    coated extended-release sustained-release daily once twice bid tid qd qid weekly
    for of dose doses dosing regimen
    """.split()
)
_UNITS = r"(?:mg|g|mcg|µg|ug|ng|ml|l|mg/m2|mg/m²|mg/kg|mg/d|mg/day|iu|u|units?|%|gy|cgy)"
_DOSE = re.compile(rf"\b\d+(?:[.,]\d+)?(?:\s*-\s*\d+(?:[.,]\d+)?)?\s*{_UNITS}(?![a-z])")
_NUMBER_ALONE = re.compile(r"(?<![a-z0-9-])\d+(?:[.,]\d+)?(?![a-z0-9-])")
_PARENS = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")
_NON_WORD = re.compile(r"[^a-z0-9]+")

# A few brand names, so that the first version links the commonest ones; the
# linker's vocabulary supersedes this table.
BRAND_NAMES = {
    "gleevec": "imatinib",
    "glivec": "imatinib",
    "sti571": "imatinib",
    "sti-571": "imatinib",
    "iressa": "gefitinib",
    "tarceva": "erlotinib",
    "tagrisso": "osimertinib",
    "giotrif": "afatinib",
    "gilotrif": "afatinib",
    "sutent": "sunitinib",
    "keytruda": "pembrolizumab",
    "opdivo": "nivolumab",
    "tecentriq": "atezolizumab",
    "imfinzi": "durvalumab",
    "avastin": "bevacizumab",
    "alimta": "pemetrexed",
    "taxotere": "docetaxel",
    "taxol": "paclitaxel",
    "gemzar": "gemcitabine",
    "stivarga": "regorafenib",
    "nexavar": "sorafenib",
    "xalkori": "crizotinib",
    "alecensa": "alectinib",
    "tasigna": "nilotinib",
    "sprycel": "dasatinib",
}


def _words(text: str) -> list[str]:
    return [w for w in _NON_WORD.split(text) if w]


def strip_parentheses(text: str) -> str:
    """Text without parenthesised asides: "imatinib (IM)" -> "imatinib"."""
    previous = None
    value = text
    while previous != value:
        previous, value = value, _PARENS.sub(" ", value)
    return " ".join(value.split())


def drug_key(name: str) -> str:
    """The key of a drug mention: generic name, no salt, dose, route or form, no brand."""
    value = strip_parentheses(fold(name))
    value = _DOSE.sub(" ", value)
    value = _NUMBER_ALONE.sub(" ", value)
    words = [w for w in value.replace(",", " ").split() if w not in _FORM_WORDS]
    core = [w for w in words if w not in SALT_WORDS]
    if core:
        words = core
    phrase = " ".join(words)
    phrase = BRAND_NAMES.get(phrase, phrase)
    key = "-".join(_words(phrase))
    return key or "-".join(_words(fold(name)))


def term_key(name: str) -> str:
    """The key of a condition or other term: folded words, punctuation dropped."""
    return "-".join(_words(fold(name)))


_ORG_NOISE = frozenset({"the", "of", "and", "at", "inc", "ltd", "llc", "co", "corp", "gmbh", "ag", "sa"})


def organisation_key(name: str) -> str:
    """The key of an organisation: folded words without articles, 'of' or company suffixes.

    "First Affiliated Hospital, Sun Yat-Sen University" and "The First Affiliated
    Hospital of Sun Yat-sen University" share a key; two hospitals of one
    university keep their different words and so their different keys.
    """
    words = [w for w in _words(fold(name).replace("&", " and ")) if w not in _ORG_NOISE]
    return "-".join(words) or "-".join(_words(fold(name)))


def defined_abbreviations(text: str) -> dict[str, str]:
    """Abbreviations a record defines in parentheses: "imatinib (IM)" gives {"im": "imatinib"}.

    Used within that record only: "IM" means imatinib in one trial and
    intramuscular in the next.
    """
    found: dict[str, str] = {}
    for match in re.finditer(r"([A-Za-z][\w\-]*(?:\s+[A-Za-z][\w\-]*){0,4})\s*\(\s*([A-Z][A-Za-z0-9\-]{1,9})\s*\)", text):
        words, abbreviation = match.group(1).split(), match.group(2)
        letters = abbreviation.replace("-", "").lower()
        # The expansion is the shortest tail of the words whose initials spell the
        # abbreviation, or one word when the abbreviation is a prefix of it.
        for size in range(1, len(words) + 1):
            tail = words[-size:]
            initials = "".join(w[0] for w in tail).lower()
            if initials == letters or (size == 1 and tail[0].lower().startswith(letters)):
                found.setdefault(letters, " ".join(tail))
                break
    return found
