"""The rules ``trialkg compare`` judges a field by: when two sources say the same thing
once presentation is set aside (case, spacing, a title's punctuation and acronym, the
spelling of enumerations), and how two lists or counts compare when one side is an
excerpt. Pure functions of the values; ``trialkg.compare`` reads the values from the
graph and applies these.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from trialkg.linking import default_linker
from trialkg.model import Source, Trial
from trialkg.query import Cell
from trialkg.rdf import iri
from trialkg.text import fold

AGREE = "agree"
CONFLICT = "conflict"
NEITHER = "neither states it"
ONLY = "only in {}"
FEWER = "{} states fewer"


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Judgement:
    outcome: str
    note: str = ""


def scalar(a: T | None, b: T | None, same: Callable[[T, T], str | None]) -> Judgement:
    """Two single values; ``same`` gives None when they differ, else a note ('' if none)."""
    if a is None and b is None:
        return Judgement(NEITHER)
    if a is None:
        return Judgement(ONLY.format("B"))
    if b is None:
        return Judgement(ONLY.format("A"))
    note = same(a, b)
    return Judgement(CONFLICT) if note is None else Judgement(AGREE, note)


def equal_after(normalise: Callable[[str], object]) -> Callable[[str, str], str | None]:
    return lambda a, b: "" if normalise(a) == normalise(b) else None


def enum_text(value: str) -> str:
    return "_".join(re.findall(r"[A-Z0-9]+", value.upper()))


def phases(value: str) -> frozenset[str]:
    return frozenset(enum_text(v) for v in value.split("/") if v.strip())


_WORD = re.compile(r"[^\W_]+")
_CAPITALS = re.compile(r"(?<![^\W_])[A-Z][A-Z0-9&]{1,9}(?![^\W_])")
_MINOR_WORDS = frozenset({"of", "for", "and", "the", "de", "du", "la", "in", "on"})


def words(name: str) -> list[str]:
    return _WORD.findall(fold(name))


def same_organisation(a: str, b: str) -> str | None:
    """Sponsor names: same words; or the same once an abbreviation written beside the name is set
    aside ("National Cancer Institute (NCI)"); or one is a bare abbreviation of the other."""
    wa, wb = words(a), words(b)
    if wa == wb:
        return ""
    capitals = {fold(c) for c in _CAPITALS.findall(a) + _CAPITALS.findall(b)}
    rest_a = [w for w in wa if w not in capitals]
    rest_b = [w for w in wb if w not in capitals]
    if rest_a and rest_a == rest_b:
        return "same name, abbreviation added or dropped"
    for short, long in ((wa, wb), (wb, wa)):
        if len(short) == 1 and short[0] in capitals:
            initials = "".join(w[0] for w in long if w not in _MINOR_WORDS)
            if short[0] in long or short[0] == initials:
                return f"{' '.join(short)!r} is an abbreviation of the other name"
    return None


# In a title these separate words as a space does, and say nothing more: commas, full stops,
# colons, semicolons, quotes (``fold`` has already made curly ones straight) and hyphens
# (``fold`` spells every dash as "-"). So "NCI-MATCH" reads as "NCI MATCH", and no two words
# ever run together. Parentheses, slashes, "&", "+", "?" and "!" are kept: they carry meaning.
_TITLE_PUNCTUATION = dict.fromkeys(map(ord, ",.:;'\"-\u00ab\u00bb\u2039\u203a"), " ")


def title_words(title: str) -> tuple[str, ...]:
    return tuple(fold(title).translate(_TITLE_PUNCTUATION).split())


def without_acronym(title: str, acronyms: dict[tuple[str, ...], str]) -> tuple[str, str] | None:
    """The title before a closing "(ACRONYM)" naming one of ``acronyms``, and that acronym."""
    text = fold(title)
    start = text.rfind("(")
    if start < 0 or not text.endswith(")"):
        return None
    before, inside = text[:start], text[start + 1 : -1]
    acronym = acronyms.get(title_words(inside))
    if acronym is None or not before.strip() or ")" in inside:
        return None
    return before, acronym


def same_title(acronyms: Iterable[str]) -> Callable[[str, str], str | None]:
    """Titles: the same words, whatever the punctuation; or the same once one side's trailing
    "(ACRONYM)" is set aside, when either side states that acronym as the trial's acronym (as
    ClinicalTrials.gov displays "Title (ACRONYM)")."""
    keys = {title_words(a): a for a in sorted(acronyms) if title_words(a)}

    def same(a: str, b: str) -> str | None:
        if fold(a) == fold(b):
            return ""
        words_a, words_b = title_words(a), title_words(b)
        if words_a == words_b:
            return "the same words; only the punctuation differs"
        for label, title, other in (("A", a, words_b), ("B", b, words_a)):
            found = without_acronym(title, keys)
            if found is not None and title_words(found[0]) == other:
                return f"{label} adds ({found[1]}), the trial's acronym; set aside"
        return None

    return same


def labelled(rows: list[dict[str, Cell]], column: str) -> dict[str, str]:
    """Node -> its label (or the node itself when it has none)."""
    return {str(r[column]): str(r["label"] or r[column]) for r in rows}


def enrollment(number: int | None, kind: str | None) -> str | None:
    if number is None:
        return None
    return f"{number} ({kind})" if kind else str(number)


def nodes(
    a: dict[str, str], b: dict[str, str], a_partial: bool, b_partial: bool
) -> tuple[str | None, str | None, Judgement]:
    """Two sets of shared nodes (drugs, condition concepts), shown by label."""
    labels = a | b
    judgement = lists(sorted(a), sorted(b), a_partial, b_partial, str.__eq__, labels.__getitem__)
    return show_list(a.values()), show_list(b.values()), judgement


def number(value: Cell, *, zero_is_silence: bool = False) -> int | None:
    """A number; for a count of listed things, a source that lists none does not state it."""
    number = None if value is None else int(value)
    return None if zero_is_silence and not number else number


def lists(
    a: Sequence[T], b: Sequence[T], a_partial: bool, b_partial: bool,
    match: Callable[[T, T], bool], show: Callable[[T], str],
) -> Judgement:  # fmt: skip
    """Two lists of one kind of thing, compared as sets under ``match``."""
    if not a and not b:
        return Judgement(NEITHER)
    if not a:
        return Judgement(ONLY.format("B"))
    if not b:
        return Judgement(ONLY.format("A"))
    missing_in_b = [x for x in a if not any(match(x, y) for y in b)]
    missing_in_a = [y for y in b if not any(match(x, y) for x in a)]
    if not missing_in_a and not missing_in_b:
        return Judgement(AGREE)
    notes = []
    if missing_in_a:
        notes.append("not in A: " + shorten("; ".join(sorted({show(y) for y in missing_in_a}))))
    if missing_in_b:
        notes.append("not in B: " + shorten("; ".join(sorted({show(x) for x in missing_in_b}))))
    note = " | ".join(notes)
    if missing_in_a and missing_in_b:
        return Judgement(CONFLICT, note)
    fewer, fewer_partial = ("A", a_partial) if missing_in_a else ("B", b_partial)
    if fewer_partial:
        return Judgement(FEWER.format(fewer), note)
    return Judgement(CONFLICT, note + f" ({fewer} states fewer and is complete, not an excerpt)")


def counts(a: int | None, b: int | None, a_partial: bool, b_partial: bool) -> Judgement:
    if a is None or b is None or a == b:
        return scalar(a, b, lambda x, y: "")
    fewer, more, fewer_partial = ("A", "B", a_partial) if a < b else ("B", "A", b_partial)
    if fewer_partial:
        return Judgement(FEWER.format(fewer))
    return Judgement(CONFLICT, f"{more} states more, and {fewer} is complete, not an excerpt")


InterventionKey = tuple[str, frozenset[str], frozenset[str]]


def same_intervention(x: InterventionKey, y: InterventionKey) -> bool:
    """Same name, or one's name is the other's other name, or both link to one concept."""
    (label_x, others_x, concepts_x), (label_y, others_y, concepts_y) = x, y
    fx, fy = fold(label_x), fold(label_y)
    return fx == fy or fx in others_y or fy in others_x or bool(concepts_x & concepts_y)


_NO_RECORD = Trial(nct_id="NCT00000000", source=Source(reader="compare"))


@lru_cache(maxsize=4096)
def condition_key(name: str) -> str:
    # A condition name alone, with no record around it for evidence.
    concept = default_linker().condition_concept(name, _NO_RECORD)
    return iri.concept(concept.kind, concept.key)


def same_condition(x: str, y: str) -> bool:
    return fold(x) == fold(y) or condition_key(x) == condition_key(y)


SiteKey = tuple[str | None, str | None]


def same_site(x: SiteKey, y: SiteKey) -> bool:
    (facility_x, city_x), (facility_y, city_y) = x, y
    if facility_x and facility_y:
        return words(facility_x) == words(facility_y)
    return bool(city_x and city_y and fold(city_x) == fold(city_y))


def shorten(value: str, width: int = 200) -> str:
    return value if len(value) <= width else value[: width - 1] + "…"


def show_list(values: Iterable[str]) -> str | None:
    items = sorted(set(values), key=str.casefold)
    return f"{'; '.join(items)} ({len(items)})" if items else None
