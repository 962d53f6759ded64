"""Condition mentions in another word order, or narrowed by site, age or a clause.

Records name a condition in their own word order ("Breast Cancer Female",
"Disk Herniated Lumbar"), with the part of the body it is in ("Lumbar Disc
Herniation"), the age group of the patients ("Childhood Acute Myelomonocytic
Leukemia (M4)", "Adult Acute Myeloid Leukemia in Remission") or a clause that
narrows it ("Adult Acute Myeloid Leukemia With Del(5q)"), where the lexicon
lists the words in one order and without the narrowing. ``condition_forms``
gives the forms to look up when the mention itself is not a term, each with how
it relates to the mention:

- the same words in another order: the same condition (``exact``);
- the words before a narrowing clause ("with", "associated with", "secondary
  to", "due to", "caused by", "in remission"), and the words without body-site,
  side, age-group and course words, in any order: the condition in general, of
  which the mention is a narrower case (``close``).

Only short names are reordered (two to four words), so that the forms stay few
and a reordering cannot join words from two different phrases. A name that is
nothing but such words gives no form.
"""

from __future__ import annotations

import re
from itertools import permutations

from trialkg.linking.normalise import strip_parentheses, words


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Where in the body, on which side, and in whom: words that narrow a condition
# without changing what it is ("lumbar disc herniation" is a disc herniation).
SITE_WORDS = _word_set(
    """
    lumbar cervical thoracic lumbosacral sacral spinal spine left right bilateral
    unilateral adult adults childhood pediatric paediatric adolescent elderly female
    male
    """
)
# The course and stage of the case, remission, "not otherwise specified": said of the
# patients, not of which disease it is ("acute" and "chronic" do name another disease).
_CASE_WORDS = _word_set(
    """
    recurrent refractory relapsed relapsing advanced metastatic locally unresectable
    inoperable untreated newly diagnosed previously treated stage grade i ii iii iv iiia
    iiib iiic iva ivb ia ib iia iib ajcc v6 v7 v8 remission nos unspecified protocol
    specific otherwise decompensated compensated patient patients people subjects
    participants individuals
    """
)
_NARROWING = SITE_WORDS | _CASE_WORDS
# Names with these words are phrases ("Cancer of the Pancreatic Head"): not reordered.
_PHRASE_WORDS = _word_set("of with in and or the for to by on at from not")
_CLAUSE = re.compile(
    r"\s+(?:with|associated\s+with|secondary\s+to|due\s+to|caused\s+by|in\s+remission)\b.*$",
    re.IGNORECASE,
)
_MOST_WORDS = 4


def condition_forms(name: str) -> list[tuple[str, str]]:
    """(form, relation) to look up, best first; relation "exact" or "close"."""
    plain = strip_parentheses(name)
    found = words(plain)
    forms = [
        (" ".join(order), "exact")
        for spelling in _spellings(found)
        for order in [spelling, *_orders(spelling)]
    ]
    part = words(_CLAUSE.sub("", plain))
    kept = [w for w in part if w not in _NARROWING]
    if kept and (len(kept) < len(found)):
        forms += [
            (" ".join(order), "close")
            for spelling in _spellings(kept)
            for order in [spelling, *_orders(spelling)]
        ]
    whole = " ".join(found)
    return [form for form in dict.fromkeys(forms) if form[0] != whole]


# One word in another of its forms: "disc prolapse" is MeSH's "Disc, Prolapsed",
# "metabolic disorders" its "Metabolic Diseases".
_SAME_WORD = {"disorder": "disease", "disorders": "diseases", "disease": "disorder",
              "diseases": "disorders"}  # fmt: skip


def _forms_of(word: str) -> list[str]:
    if word in _SAME_WORD:
        return [_SAME_WORD[word]]
    if len(word) > 5 and word.endswith("ation"):
        return [word[:-3] + "ed"]  # herniation -> herniated
    if len(word) > 5 and word.endswith("ed"):
        return [word[:-1], word[:-2] + "ion"]  # prolapsed -> prolapse, herniated -> herniation
    if len(word) > 5 and word.endswith("se"):
        return [word + "d"]  # prolapse -> prolapsed
    return []


def _spellings(found: list[str]) -> list[list[str]]:
    """The words as written, then with one word in another of its forms."""
    spellings = [found]
    for index, word in enumerate(found):
        spellings += [[*found[:index], other, *found[index + 1 :]] for other in _forms_of(word)]
    return spellings


def _orders(found: list[str]) -> list[tuple[str, ...]]:
    if not 2 <= len(found) <= _MOST_WORDS or any(w in _PHRASE_WORDS for w in found):
        return []
    return list(permutations(found))


_VACCINE = frozenset({"vaccine", "vaccines"})


def vaccine_heads(name: str) -> list[str]:
    """The shorter and shorter ends of a vaccine's name, longest first.

    "Approved influenza virus vaccine" -> "influenza virus vaccine", "virus
    vaccine"; "13-valent pneumococcal conjugate vaccine" -> ..., "conjugate vaccine".
    The words left out narrow the vaccine (its valency, maker, strain or form), so
    the vaccine class a head names is a broader, close match. A head is two words
    at least: "vaccine" alone says nothing of which.
    """
    # Split at spaces only: "varicella-zoster" names one virus, not a zoster.
    found = strip_parentheses(name).split()
    if len(found) < 3 or found[-1].lower().rstrip(".") not in _VACCINE:
        return []
    return [" ".join(found[start:]) for start in range(1, len(found) - 1)]
