"""Organisations: one node per institution, however a record spells it.

"First Affiliated Hospital, Sun Yat-Sen University" (a sponsor) and "The First
Affiliated Hospital of Sun Yat-sen University" (a site) are one node; "The Second
Affiliated Hospital of Sun Yat-sen University" and "Sun Yat-sen University Cancer
Center" are others. The key is an organisation's significant words in the order
the name gives them, so that it reads as the name (``asan-medical-center``) and
"University of Washington" and "Washington University" stay two institutions:
articles, "of", punctuation, case, accents, legal-form suffixes
("Co., Ltd.", "Inc."), parenthesised asides ("(NCI)", "(Suzhou)"), a trailing
country ("..., Shanghai, China") and common abbreviations ("Univ.", "Hosp.",
"St.", "1st", "Med", "M.D." as "MD") do not matter; any other word does, so two
hospitals of one university keep their own nodes, and so do institutes of the
NIH ("National Cancer Institute", "National Eye Institute") and a "National
Institute of Health" beside the "National Institutes of Health".
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
    """The node key of an organisation name: its significant words, in order, hyphen-joined."""
    text = _LEGAL_SLASH.sub(" ", strip_parentheses(fold(name)).replace("&", " and "))
    parts = [p for p in text.split(",") if p.strip()]
    # A trailing country is where the organisation is, not part of its name.
    while len(parts) > 1 and is_country(parts[-1]):
        parts.pop()
    found = [_SPELLINGS.get(w, w) for w in _joined_initials([w for p in parts for w in words(p)])]
    significant = _parent_first([w for w in found if w not in _NOISE or w == "of"])
    return "-".join(dict.fromkeys(significant)) or "-".join(words(name)) or "x"


# A unit of a university or college ("The First Affiliated Hospital of X University",
# "Cancer Center, X University") is written both ways round; the key puts the parent
# first, as "X University First Affiliated Hospital" does. "University of Washington"
# is no unit of anything, and stays apart from "Washington University".
_UNITS = _word_set("hospital hospitals clinic school college department center institute")
_PARENTS = _word_set("university college")


def _parent_first(found: list[str]) -> list[str]:
    """The words with a unit's parent put first; "of" dropped."""
    if "of" in found:
        at = found.index("of")
        unit, parent = found[:at], [w for w in found[at + 1 :] if w != "of"]
        if unit and unit[-1] in _UNITS and _PARENTS & set(parent):
            return parent + unit
    else:
        # "First Affiliated Hospital, X University": the comma has gone; find the parent's
        # last word after a unit word.
        for at, word in enumerate(found[:-1]):
            if word in _UNITS and _PARENTS & set(found[at + 1 :]) and found[-1] in _PARENTS:
                return found[at + 1 :] + found[: at + 1]
    return [w for w in found if w != "of"]


def _joined_initials(found: list[str]) -> list[str]:
    """Single letters in a row as one word: "M.D. Anderson" as "MD Anderson"."""
    joined: list[str] = []
    run = ""
    for word in found:
        if len(word) == 1 and word.isalpha():
            run += word
            continue
        if run:
            joined.append(run)
            run = ""
        joined.append(word)
    if run:
        joined.append(run)
    return joined


def organisation_label(name: str) -> str:
    return " ".join(name.split())
