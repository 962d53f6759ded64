"""Translations every reader needs: dates, enumerations, eligibility criteria.

Sources spell the same fact many ways ("Phase 2", "PHASE2", "Phase II"; "Jan 1,
2002", "2002-01-01", "January 2002"). These helpers turn each spelling into the
model's one spelling, and return ``None`` for what they cannot read: the caller
decides whether that is an error for its format.
"""

from __future__ import annotations

import re

from trialkg.errors import InputError
from trialkg.model import PartialDate
from trialkg.text import parse_date_text
from trialkg.values import date_type_value


def stated_date(text: str | None) -> PartialDate | None:
    """A PartialDate of a date the source states, or None when the text is not a date."""
    value = parse_date_text(text) if text else None
    return PartialDate(value) if value else None


def partial_date(
    text: str | None, date_type: str | None, *, file: str | None, record: str, field: str
) -> PartialDate | None:
    """A PartialDate from a stated date, or an InputError naming the field."""
    if text is None or not text.strip():
        return None
    value = parse_date_text(text)
    if value is None:
        raise InputError(
            f"cannot read the date {text!r}; expected a form such as 2023-09-15 or Sep 15, 2023",
            file=file,
            record=record,
            field=field,
            kind="bad-date",
        )
    return PartialDate(value, date_type_value(date_type))


def yes_no(text: str | None) -> bool | None:
    if text is None:
        return None
    key = text.strip().lower().rstrip(".")
    if key in {"yes", "true", "y", "accepts healthy volunteers"}:
        return True
    if key in {"no", "false", "n"}:
        return False
    return None


# A count of more digits than a 64-bit integer holds is not a count a registry states.
MAX_COUNT_DIGITS = 18


def int_value(
    text: str | None,
    *,
    file: str | None = None,
    record: str | None = None,
    field: str | None = None,
) -> int | None:
    """The first whole number in ``text`` (commas between digits allowed), or None."""
    if text is None:
        return None
    m = re.search(r"\d[\d,]*", text)
    if not m:
        return None
    digits = m.group(0).replace(",", "")
    if len(digits) > MAX_COUNT_DIGITS:
        raise InputError(
            f"a number of {len(digits)} digits is not a count",
            file=file,
            record=record,
            field=field,
        )
    return int(digits)


# --- eligibility criteria -----------------------------------------------------------------

# A heading, perhaps behind a bullet, perhaps with the first item on the same line:
# "Inclusion Criteria:", "- KEY EXCLUSION CRITERIA:", "Exclusion Criteria: 1. Age < 18".
_INCLUSION_HEAD = re.compile(
    r"^\s*(?:[-*\u2022]\s*)?(?:key\s+)?inclusion\s+criteria\b[^:\n]{0,40}(?::\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)
_EXCLUSION_HEAD = re.compile(
    r"^\s*(?:[-*\u2022]\s*)?(?:key\s+)?exclusion\s+criteria\b[^:\n]{0,40}(?::\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)
_BULLET = re.compile(
    r"^\s*(?:[*\-\u2022\u25cf\u25aa\u2023\u2043\u00b7]|\d{1,2}[.)]|\(\d{1,2}\)|[a-z][.)])\s+"
)


def _unescape_markdown(text: str) -> str:
    # The registry escapes markdown characters in criteria ("\<", "\>", "\~").
    return re.sub(r"\\([<>~*_\[\]()#+\-.!|])", r"\1", text)


def split_criteria(text: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Inclusion and exclusion criteria, each a tuple of items in record order.

    The registry writes criteria as a text block with "Inclusion Criteria:" and
    "Exclusion Criteria:" headings and bulleted or numbered items; a line that is
    not a bullet continues the item before it.
    """
    if not text:
        return (), ()
    inclusion: list[str] = []
    exclusion: list[str] = []
    current: list[str] | None = None
    for raw_line in _unescape_markdown(text).splitlines():
        line = raw_line.strip()
        if not line:
            continue
        head = _INCLUSION_HEAD.match(line) or _EXCLUSION_HEAD.match(line)
        if head:
            current = inclusion if head.re is _INCLUSION_HEAD else exclusion
            line = (head.group("rest") or "").strip()
            if not line:
                continue
        if current is None:
            continue
        bullet = _BULLET.match(line)
        item = line[bullet.end() :].strip() if bullet else line
        if not item:
            continue
        if bullet or not current:
            current.append(item)
        else:
            current[-1] = f"{current[-1]} {item}"
    return tuple(inclusion), tuple(exclusion)


def clean(text: str | None) -> str | None:
    """Text with surrounding space trimmed; None for empty or missing."""
    if text is None:
        return None
    value = text.strip()
    return value or None
