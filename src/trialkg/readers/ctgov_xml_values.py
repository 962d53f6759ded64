"""Values of the legacy ClinicalTrials.gov XML, in the model's spelling.

The record-level mapping is in ``ctgov_xml``; this module reads single values:
element text, the hard-wrapped text blocks, dates with their ``type``
attribute, and the design values, whether a record holds them in
``<study_design_info>`` or (before 2017) in one ``<study_design>`` sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar
from xml.etree.ElementTree import Element

from trialkg.errors import InputError
from trialkg.model import DateType, PartialDate
from trialkg.readers.common import MAX_COUNT_DIGITS, clean, partial_date, split_criteria
from trialkg.text import enum_value

# --- element text ----------------------------------------------------------------------------


def text(element: Element | None, path: str) -> str | None:
    """The trimmed text of the first element at ``path``; None when absent or empty."""
    found = element.find(path) if element is not None else None
    return clean("".join(found.itertext())) if found is not None else None


def texts(element: Element, path: str) -> tuple[str, ...]:
    """The texts of every element at ``path``, in record order, each once."""
    values = (clean("".join(found.itertext())) for found in element.findall(path))
    return tuple(dict.fromkeys(value for value in values if value))


def block(element: Element | None, path: str) -> str | None:
    """The normalised ``<textblock>`` under ``path`` (or the element's own text)."""
    found = element.find(path) if element is not None else None
    if found is None:
        return None
    inner = found.find("textblock")
    return textblock("".join((inner if inner is not None else found).itertext()))


def person(element: Element) -> str | None:
    """A name from last_name, or from first/middle/last and degrees as older records split it."""
    parts = (text(element, tag) for tag in ("first_name", "middle_name", "last_name"))
    name = " ".join(part for part in parts if part)
    degrees = text(element, "degrees")
    return (f"{name}, {degrees}" if degrees else name) if name else None


def key(value: str | None) -> str | None:
    """An enumerated value in the API's spelling: "Sub-Investigator" gives SUB_INVESTIGATOR."""
    if value is None:
        return None
    return re.sub(r"[^A-Za-z0-9]+", "_", value).strip("_").upper() or None


# --- text blocks -----------------------------------------------------------------------------

# A list item as the XML writes it: "-  text", "1. text", "a) text", "(i) text", "•text".
_ITEM = re.compile(
    r"(?P<marker>[-*\u2022\u25cf\u00b7]|\d{1,3}[.)]|[a-zA-Z][.)]|\(\w{1,4}\))"
    r"(?:\s+|(?<=[\u2022\u25cf\u00b7]))"
)
_SYMBOLS = frozenset("-*\u2022\u25cf\u00b7")


def textblock(raw: str | None) -> str | None:
    """A hard-wrapped, indented text block as the API's JSON writes it.

    The XML wraps every text block near column 100 and indents each line;
    blank lines separate paragraphs and list items. Here the lines of each
    paragraph or item are rejoined with a space; an item becomes "- text"
    (or keeps its number), indented two spaces per nesting level; items follow
    each other on single lines, everything else is separated by a blank line.
    """
    if raw is None:
        return None
    blocks: list[list[str]] = [[]]
    for line in raw.expandtabs().splitlines():
        if line.strip():
            blocks[-1].append(line.rstrip())
        elif blocks[-1]:
            blocks.append([])
    blocks = [lines for lines in blocks if lines]
    if not blocks:
        return None
    margin = min(len(line) - len(line.lstrip()) for lines in blocks for line in lines)

    parsed: list[tuple[int | None, str]] = []  # (indentation when an item, text)
    for lines in blocks:
        indent = len(lines[0]) - len(lines[0].lstrip())
        joined = " ".join(line.strip() for line in lines)
        item = _ITEM.match(joined)
        symbol = item is not None and item.group("marker") in _SYMBOLS
        # "I. To evaluate ..." at the margin is a numbered paragraph, not a list item.
        if item is None or not (symbol or indent > margin):
            parsed.append((None, joined))
            continue
        marker = "-" if symbol else item.group("marker")
        parsed.append((indent, f"{marker} {joined[item.end() :].strip()}"))

    levels = _nesting_levels({column for column, _ in parsed if column is not None})
    out: list[str] = []
    previous_item = False
    for column, line in parsed:
        if out:
            out.append("\n" if column is not None and previous_item else "\n\n")
        out.append(line if column is None else "  " * levels[column] + line)
        previous_item = column is not None
    return "".join(out)


def _nesting_levels(indents: set[int]) -> dict[int, int]:
    """The nesting level of each item indentation; right-aligned "9." and "10." share one."""
    levels: dict[int, int] = {}
    level, start = -1, -10
    for indent in sorted(indents):
        if indent - start > 1:
            level, start = level + 1, indent
        levels[indent] = level
    return levels


# Headings the shared splitter misses: "-  INCLUSION CRITERIA:" behind a bullet, and
# "Exclusion Criteria: 1. Age ..." with the first criterion on the heading's line.
_CRITERIA_HEADING = re.compile(
    r"^\s*(?:[-*\u2022]\s*)?((?:key\s+)?(?:inclusion|exclusion)\s+criteria\b[^:\n]{0,60}?)"
    r"(?::\s*(.*)|\s*)$",
    re.IGNORECASE,
)


def criteria_lists(criteria: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Inclusion and exclusion items of a normalised criteria text block."""
    if not criteria:
        return (), ()
    lines: list[str] = []
    for line in criteria.splitlines():
        heading = _CRITERIA_HEADING.match(line)
        if heading is None:
            lines.append(line)
            continue
        lines.append(heading.group(1).strip() + ":")
        if heading.group(2):
            lines.append(heading.group(2).strip())
    return split_criteria("\n".join(lines))


# --- dates and enumerations ------------------------------------------------------------------

_DATE_TYPES: dict[str, DateType] = {
    "ACTUAL": "ACTUAL",
    "ANTICIPATED": "ESTIMATED",
    "ESTIMATE": "ESTIMATED",
    "ESTIMATED": "ESTIMATED",
}
_WHO_MASKED = frozenset({"PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR"})
_WHO_MASKED_ALIASES = {"SUBJECT": "PARTICIPANT", "CAREGIVER": "CARE_PROVIDER"}
_DESIGN_KEYS = (
    "Allocation",
    "Endpoint Classification",
    "Intervention Model",
    "Masking",
    "Primary Purpose",
    "Observational Model",
    "Time Perspective",
)
_DESIGN_SPLIT = re.compile(r",\s*(?=(?:" + "|".join(_DESIGN_KEYS) + r")\s*:)")
V = TypeVar("V", bound=str)  # a controlled value of the model


def date_type(value: str | None) -> DateType | None:
    """ACTUAL or ESTIMATED from the type attribute: Actual, Anticipated, Estimate."""
    return _DATE_TYPES.get(key(value) or "")


def who_masked(masking: str | None) -> tuple[str, ...]:
    """The roles in the parentheses of "Double (Participant, Investigator)"."""
    if not masking or "(" not in masking:
        return ()
    inside = masking[masking.index("(") + 1 :].split(")", 1)[0]
    roles = (enum_value(r, _WHO_MASKED, aliases=_WHO_MASKED_ALIASES) for r in inside.split(","))
    return tuple(dict.fromkeys(role for role in roles if role))


def design(study: Element) -> dict[str, str]:
    """Design values by element name, from study_design_info or the older study_design sentence.

    Before 2017 a record wrote "Allocation: Randomized, Endpoint Classification:
    Safety/Efficacy Study, Intervention Model: Parallel Assignment, Masking:
    Double Blind (Subject, Investigator), Primary Purpose: Treatment".
    """
    info = study.find("study_design_info")
    if info is not None:
        return {child.tag: value for child in info if (value := clean(child.text))}
    values: dict[str, str] = {}
    for part in _DESIGN_SPLIT.split(text(study, "study_design") or ""):
        name, _, value = part.partition(":")
        if value.strip():
            values[name.strip().lower().replace(" ", "_")] = value.strip()
    return values


class RecordValues:
    """The values of one study that can fail, with the file and NCT id for the InputError."""

    def __init__(self, file: str | None, nct_id: str) -> None:
        self.file = file
        self.nct_id = nct_id

    def error(self, message: str, field: str) -> InputError:
        return InputError(message, file=self.file, record=self.nct_id, field=field)

    def enum(self, value: str | None, translate: Callable[[str], V | None], field: str) -> V | None:
        """A stated value in the model's spelling; an InputError when the value is not known."""
        if value is None:
            return None
        result = translate(value)
        if result is None:
            raise self.error(f"unknown value {value!r}", field)
        return result

    def date(self, study: Element, tag: str) -> PartialDate | None:
        found = study.find(tag)
        if found is None:
            return None
        kind = date_type(found.get("type"))
        return partial_date(found.text, kind, file=self.file, record=self.nct_id, field=tag)

    def enrollment(self, study: Element) -> tuple[int | None, DateType | None]:
        found = study.find("enrollment")
        count = clean(found.text) if found is not None else None
        if found is None or count is None:
            return None, None
        # isdecimal, not isdigit: int() refuses digits such as "²".
        if not count.isdecimal() or len(count) > MAX_COUNT_DIGITS:
            raise self.error(f"enrollment {count[:40]!r} is not a whole number", "enrollment")
        return int(count), date_type(found.get("type"))
