"""Organisations: one node per institution, however a record spells it.

"First Affiliated Hospital, Sun Yat-Sen University" (a sponsor) and "The First
Affiliated Hospital of Sun Yat-sen University" (a site) are one node; "The Second
Affiliated Hospital of Sun Yat-sen University" and "Sun Yat-sen University Cancer
Center" are others. The key is the set of an organisation's significant words,
sorted: word order, articles, "of", punctuation, case, accents, legal-form suffixes
("Co., Ltd.", "Inc."), parenthesised asides ("(NCI)", "(Suzhou)"), a trailing
country ("..., Shanghai, China") and common abbreviations ("Univ.", "Hosp.",
"St.", "1st") do not matter; any other word does, so two hospitals of one
university keep their own nodes.
"""

from __future__ import annotations

import re
from functools import lru_cache

from trialkg.countries import is_country
from trialkg.linking.normalise import strip_parentheses, words
from trialkg.text import fold


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NOISE = _word_set(
    """
    the of and at in for on de del della der des di du la le les los y et und inc
    incorporated ltd limited llc llp lp plc co corp corporation company gmbh ggmbh ag kg
    sa sas sarl srl spa bv nv ab oy kk pty pte as asa
    """
)
_SPELLINGS = {
    "univ": "university",
    "universitat": "university",
    "universite": "university",
    "universita": "university",
    "universidad": "university",
    "hosp": "hospital",
    "ctr": "center",
    "centre": "center",
    "cntr": "center",
    "inst": "institute",
    "institut": "institute",
    "instituto": "institute",
    "istituto": "institute",
    "natl": "national",
    "nat": "national",
    "dept": "department",
    "med": "medical",
    "coll": "college",
    "st": "saint",
    "ste": "sainte",
    "1st": "first",
    "2nd": "second",
    "3rd": "third",
    "4th": "fourth",
    "5th": "fifth",
    "6th": "sixth",
    "7th": "seventh",
    "8th": "eighth",
    "9th": "ninth",
    "10th": "tenth",
    "affilated": "affiliated",
}
_LEGAL_SLASH = re.compile(
    r"\b(?:a/s|s\.a\.|s\.p\.a\.|s\.r\.l\.|n\.v\.|b\.v\.|co\.,?\s*ltd\.?)", re.IGNORECASE
)


@lru_cache(maxsize=16384)
def organisation_key(name: str) -> str:
    """The node key of an organisation name: its significant words, sorted and hyphen-joined."""
    text = _LEGAL_SLASH.sub(" ", strip_parentheses(fold(name)).replace("&", " and "))
    parts = [p for p in text.split(",") if p.strip()]
    # A trailing country is where the organisation is, not part of its name.
    while len(parts) > 1 and is_country(parts[-1]):
        parts.pop()
    found = {_SPELLINGS.get(w, w) for p in parts for w in words(p)}
    significant = sorted(w for w in found if w not in _NOISE)
    return "-".join(significant) or "-".join(words(name)) or "x"


def organisation_label(name: str) -> str:
    return " ".join(name.split())
