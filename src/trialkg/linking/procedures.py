"""Procedure mentions the lexicon does not know as written, read through MeSH's own forms.

MeSH names techniques (tree E, and the behavioural therapies of F04) in its own
way: "Anesthesia, General" (as "General anaesthesia"), "Acupuncture Therapy"
(as "Acupuncture"), "Diskectomy" (as "lumbar discectomy"). ``procedure_forms``
gives the forms to look up, each with how it relates to the mention:

- American spelling ("anaesthesia" -> "anesthesia"): the same procedure;
- "X therapy" for a mention "X" ("Cupping" -> "Cupping Therapy"): the same;
- the head without leading words ("Lumbar discectomy" -> "discectomy",
  "Mechanical Traction" -> "Traction"): a broader procedure, a close match. A
  head that says nothing of which procedure ("therapy", "surgery", "program")
  is not looked up;
- a technique done under the microscope as the technique itself ("Microdiscectomy"
  -> "discectomy"): the broader procedure, a close match.
"""

from __future__ import annotations

from trialkg.linking.link_values import Relation
from trialkg.linking.normalise import strip_parentheses, words


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_GENERIC_HEADS = _word_set(
    """
    therapy therapies treatment treatments intervention interventions surgery surgeries
    procedure procedures program programme programs management care training group arm
    control session sessions protocol technique techniques method approach service
    services application device system test testing exercise exercises
    """
)
# Heads after which "therapy" adds nothing ("Exercise" is MeSH's Exercise Therapy, so
# "exercise" takes the suffix).
_NO_THERAPY = _GENERIC_HEADS - {"exercise", "exercises"}
_LEADING = _word_set("open standard conventional traditional modified new novel")
_SPELLINGS = (("anaes", "anes"), ("haem", "hem"), ("oedem", "edem"), ("oesoph", "esoph"))


def _american(text: str) -> str:
    value = text
    for old, new in _SPELLINGS:
        value = value.replace(old, new)
    return value


def procedure_forms(name: str) -> list[tuple[str, Relation]]:
    """(form, relation) to look up, best first."""
    found = words(strip_parentheses(name))
    if not found:
        return []
    plain = " ".join(found)
    forms: list[tuple[str, Relation]] = []
    american = _american(plain)
    if american != plain:
        forms.append((american, "exact"))
    kept = [w for w in _american(plain).split() if w not in _LEADING]
    if kept and " ".join(kept) != american:
        forms.append((" ".join(kept), "exact"))
    if kept and kept[-1] not in _NO_THERAPY:
        forms.append((" ".join([*kept, "therapy"]), "exact"))
    for start in range(1, len(kept)):
        head = kept[start:]
        if len(head) == 1 and head[0] in _GENERIC_HEADS:
            break
        forms.append((" ".join(head), "close"))
    # Last, the technique a "micro" word names, alone ("Open microdiscectomy",
    # "Microdiscectomy Surgery" -> "discectomy").
    forms.extend((_without_micro(w), "close") for w in kept if _without_micro(w) != w)
    return list(dict.fromkeys(forms))


def _without_micro(word: str) -> str:
    """A microsurgical technique's word as the technique's ("microdiscectomy" ->
    "discectomy"); a short rest ("microbe", "micron") is no technique."""
    rest = word[5:] if word.startswith("micro") else ""
    return rest if len(rest) >= 6 and rest.endswith(_TECHNIQUE_ENDINGS) else word


# The endings of surgical techniques' names: a "micro" word with another ending
# ("microbiome", "microdosing") is not a technique done under the microscope.
_TECHNIQUE_ENDINGS = ("ectomy", "otomy", "ostomy", "plasty", "scopy", "surgery", "dissection")
