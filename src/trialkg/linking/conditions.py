"""Condition mentions that are not one condition: healthy volunteers, and lists.

- "Healthy", "Healthy Volunteers", "Healthy Participants", "Healthy Adults": the
  trial studies healthy people. That is a fact of the trial, not a condition, and
  no condition node stands for it.
- "Obesity or Overweight", "Depression/Anxiety", "Hypertension and Diabetes": a
  list. The linker reads it as one condition per item when the whole is no term
  of the lexicon and every item is ("Hand, Foot and Mouth Disease" stays one).
"""

from __future__ import annotations

import re

from trialkg.linking.normalise import strip_parentheses, words


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_HEALTHY_WORDS = _word_set(
    """
    healthy volunteer volunteers participant participants subject subjects adult adults
    people person persons individual individuals population control controls normal
    male female males females men women man woman elderly older young child children
    adolescent adolescents japanese chinese caucasian korean
    """
)

# Separators of a list of conditions. A comma is not one: MeSH headings invert with
# commas ("Diabetes Mellitus, Type 2").
_LIST = re.compile(r"\s+(?:and/or|or|and|&|vs\.?|versus)\s+|\s*[/;]\s*", re.IGNORECASE)


def is_healthy(name: str) -> bool:
    """True for a mention of healthy volunteers: "healthy" and words of who they are only."""
    found = words(strip_parentheses(name))
    return bool(found) and "healthy" in found and all(w in _HEALTHY_WORDS for w in found)


def condition_list(name: str) -> list[str]:
    """The items of a list of conditions, or ``[name]``."""
    parts = [p.strip(" .,-") for p in _LIST.split(strip_parentheses(name))]
    parts = [p for p in parts if p]
    return parts if len(parts) > 1 else [name]
