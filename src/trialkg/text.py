"""Text helpers every stage shares: one folded spelling, NCT ids, dates, enumerations.

Pure functions of strings, with no knowledge of any input format; readers, the
linker and the mapping all use them, so they sit below all three.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import TypeVar

_DASHES = dict.fromkeys(
    map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-"
)
_MARKS = dict.fromkeys(map(ord, "\u00ae\u2122\u00a9\u2120"), None)
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032`\u00b4"), "'") | dict.fromkeys(
    map(ord, "\u201c\u201d\u201e\u201f\u2033"), '"'
)


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Unicode-compatible, case-folded text with one spelling of dashes, quotes and spaces."""
    if text.isascii() and "`" not in text:
        return " ".join(text.casefold().split())  # NFKC and the tables change no ASCII text
    # The marks go first: NFKC would spell the trade mark sign as "TM".
    value = unicodedata.normalize("NFKC", text.translate(_MARKS))
    value = value.translate(_DASHES).translate(_QUOTES)
    return " ".join(value.casefold().split())


NCT_ID = re.compile(r"\bNCT\d{8}\b")
_NCT_ID_FULL = re.compile(r"NCT\d{8}")

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})$")
_MONTH_YEAR = re.compile(r"^([A-Za-z]+)\.?,?\s+(\d{4})$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def is_nct_id(value: str) -> bool:
    return _NCT_ID_FULL.fullmatch(value) is not None


def _checked(year: int, month: int | None, day: int | None) -> str | None:
    if not 1800 <= year <= 2200:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date_text(text: str) -> str | None:
    """ISO form of a date as precise as stated, or None when it is not a date.

    Reads ``2023-09-15``, ``2023-09``, ``2023``, ``Sep 15, 2023``,
    ``15 September 2023``, ``September 2023`` and ``09/15/2023`` (US order,
    the registry's own).
    """
    value = text.strip().rstrip(".").strip()
    if m := _ISO.match(value):
        year, month, day = m.groups()
        return _checked(int(year), int(month) if month else None, int(day) if day else None)
    if m := _MONTH_DAY_YEAR.match(value):
        month = _MONTHS.get(m.group(1).lower())
        return _checked(int(m.group(3)), month, int(m.group(2))) if month else None
    if m := _DAY_MONTH_YEAR.match(value):
        month = _MONTHS.get(m.group(2).lower())
        return _checked(int(m.group(3)), month, int(m.group(1))) if month else None
    if m := _MONTH_YEAR.match(value):
        month = _MONTHS.get(m.group(1).lower())
        return _checked(int(m.group(2)), month, None) if month else None
    if m := _SLASHED.match(value):
        return _checked(int(m.group(3)), int(m.group(1)), int(m.group(2)))
    return None


E = TypeVar("E", bound=str)


def enum_key(text: str) -> str:
    key = re.sub(r"[^A-Za-z0-9]+", "_", text.strip()).strip("_").upper()
    return key


def enum_value(
    text: str | None,
    allowed: frozenset[E],
    *,
    aliases: Mapping[str, E] | None = None,
) -> E | None:
    """The allowed spelling of an enumerated value, or None when it is not one."""
    if text is None:
        return None
    key = enum_key(text)
    if not key:
        return None
    if aliases and key in aliases:
        return aliases[key]
    return key if key in allowed else None
