"""Eligibility as web pages write it: age limits, sex, healthy volunteers, criteria.

Pages about a trial give its eligibility in words ("18 Years and older",
"Accepts Healthy Volunteers", "Inclusion Criteria:- ..."); these helpers turn
those words into the registry's values. A value the words do not state stays None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from trialkg.model import Sex
from trialkg.readers.common import split_criteria
from trialkg.values import sex_value

_AGE = re.compile(
    r"\b(\d{1,3})(\s*\+)?(?:\s*(years?|yrs?|months?|mos?|weeks?|wks?|days?|hours?)\b)?",
    re.IGNORECASE,
)
_UNITS = {"y": "Year", "m": "Month", "w": "Week", "d": "Day", "h": "Hour"}
_STD_AGES = (("older adult", "OLDER_ADULT"), ("adult", "ADULT"), ("child", "CHILD"))


def _age_text(number: str, unit: str | None) -> str:
    word = _UNITS[(unit or "y")[0].lower()]
    return f"{number} {word}" if number == "1" else f"{number} {word}s"


@dataclass(frozen=True, slots=True)
class Ages:
    minimum: str | None = None
    maximum: str | None = None
    std_ages: tuple[str, ...] = ()


def ages(text: str | None) -> Ages:
    """Age limits as pages write them, in the registry's spelling ("18 Years").

    Reads ``18 Years to 49 Years``, ``18 Years - undefined``, ``Over 18 Years``,
    ``18+ years old``, ``18 Years and older``, ``Up to 17 Years`` and the
    registry's age groups in words (Child, Adult, Older Adult).
    """
    if not text:
        return Ages()
    lower = text.lower()
    found = [(m.start(), _age_text(m.group(1), m.group(3)), m) for m in _AGE.finditer(text[:300])]
    minimum = maximum = None
    if len(found) >= 2:
        minimum, maximum = found[0][1], found[1][1]
    elif len(found) == 1:
        start, age, match = found[0]
        before = lower[max(0, start - 12) : start]
        after = lower[match.end() : match.end() + 16]
        plus = match.group(2) is not None
        if any(w in before for w in ("under", "up to", "below", "less than", "<", "\u2264")) or any(
            w in after for w in ("and younger", "or younger", "and under")
        ):
            maximum = age
        elif (
            plus
            or any(w in before for w in ("over", "above", "at least", "from", ">", "\u2265"))
            or any(
                w in after for w in ("and older", "or older", "and over", "and above", "-", "to")
            )
        ):
            minimum = age
    groups: list[str] = []
    rest = lower
    for word, value in _STD_AGES:
        if word in rest:
            groups.append(value)
            rest = rest.replace(word, " ")
    order = {"CHILD": 0, "ADULT": 1, "OLDER_ADULT": 2}
    return Ages(minimum, maximum, tuple(sorted(groups, key=order.__getitem__)))


def single_age(text: str | None) -> str | None:
    """One age limit as the registry spells it: ``18 Years``; None for ``N/A``."""
    if not text:
        return None
    m = _AGE.search(text[:60])
    return _age_text(m.group(1), m.group(3)) if m else None


def sex(text: str | None) -> Sex | None:
    if not text:
        return None
    words = text.strip().split()
    return sex_value(words[0]) if words else None


def healthy_volunteers(text: str | None) -> bool | None:
    """``No``, ``Accepts Healthy Volunteers``, ``Does not accept healthy volunteers`` ..."""
    if not text:
        return None
    key = " ".join(text.lower().split()).rstrip(".")
    if key.startswith(("no", "does not", "not accept", "doesn't")) or "not accept" in key:
        return False
    if key.startswith(("yes", "accepts", "healthy volunteers accepted", "accepted")):
        return True
    return None


_HEADING_WITH_TEXT = re.compile(
    r"^(\s*(?:key\s+)?(?:inclusion|exclusion)\s+criteria\s*:)\s*(\S.*)$", re.IGNORECASE
)
_CRITERIA_HEADING = re.compile(
    r"^\s*(?:key\s+)?(?:inclusion|exclusion)\s+criteria\s*:?\s*$", re.IGNORECASE
)
_NOISE = {"read more", "show more", "see more"}


def criteria(lines: Iterable[str]) -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
    """Criteria text and its inclusion and exclusion items.

    Pages glue an item to its heading ("Inclusion Criteria:- underwent ..."); the
    shared splitter wants the heading on a line of its own.
    """
    kept: list[str] = []
    for line in lines:
        if line.strip().lower() in _NOISE:
            continue
        if m := _HEADING_WITH_TEXT.match(line):
            kept.extend([m.group(1).strip(), m.group(2)])
        else:
            kept.append(line)
    text = "\n".join(kept).strip()
    inclusion, exclusion = split_criteria(text)
    headings_only = all(_CRITERIA_HEADING.match(line) for line in kept if line.strip())
    if not text or (headings_only and not inclusion and not exclusion):
        return None, (), ()
    return text, inclusion, exclusion
