"""Label/value scanning shared by the readers of web pages about a trial.

Pages written by third-party sites state a trial's facts as labels followed by
values: on the same line ("Sponsor: Pfizer"), on the next lines ("Phase" then
"Phase 2"), inside bullets or table cells. The helpers here turn page text into
clean lines, find the lines that carry a known label, and cut the page into the
blocks of lines that follow each label. A value without a label is never taken.

Everything here works line by line with anchored patterns, so a page of any
size is read in time proportional to its length.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import NamedTuple

from trialkg.errors import InputError
from trialkg.model import DateType, Intervention, Organisation, PartialDate
from trialkg.text import NCT_ID, parse_date_text
from trialkg.values import (
    allocation_value,
    intervention_model_value,
    intervention_type_value,
    masking_value,
    observational_model_value,
    purpose_value,
    status_value,
    study_type_value,
    time_perspective_value,
)

# --- lines ------------------------------------------------------------------------------------

_BULLET = re.compile(r"^(?:[\u2022\u25cf\u25aa\u00b7*]|-(?=\s)|\d{1,2}\.(?=\s))\s*")
_BULLET_STARTS = frozenset("\u2022\u25cf\u25aa\u00b7*-0123456789")
_TABLE_RULE = re.compile(r"^[\s|:\-]*$")

# Lines read from one page. A trial page, however long its list of sites, has far
# fewer; the cap keeps a huge or hostile input to a bounded time.
MAX_LINES = 40_000


class Line(NamedTuple):
    """One line of page text: ``text`` without indentation, bullet or table pipes."""

    text: str
    raw: str
    indent: int
    bullet: bool


_BLANK = Line("", "", 0, False)


def page_lines(text: str) -> list[Line]:
    """The page's lines, cleaned; runs of blank lines become one.

    The last line is left out when the page stops inside it, as an excerpt cut
    in mid-line would otherwise give half a value ("Conditions" then "The").
    """
    lines: list[Line] = []
    raws = text.replace("\r\n", "\n").replace("\r", "\n").split("\n", MAX_LINES)
    if len(raws) > MAX_LINES or (len(raws) > 1 and looks_cut(text)):
        raws.pop()
    for raw in raws:
        stripped = raw.strip()
        if not stripped:
            if lines and lines[-1] is not _BLANK:
                lines.append(_BLANK)
            continue
        indent = len(raw) - len(raw.lstrip())
        if len(raw) > _LONG_LINE:
            raw = _SPACE_RUN.sub(_shortened_run, raw)
            stripped = raw.strip()
        bullet = _BULLET.match(stripped) if stripped[0] in _BULLET_STARTS else None
        if bullet:
            stripped = stripped[bullet.end() :]
        if "|" in stripped:
            stripped = "" if _TABLE_RULE.match(stripped) else stripped.strip("| ").strip()
        lines.append(Line(stripped, raw, indent, bullet is not None))
    return lines


# A run of blanks in a long line is cut to its first eight characters: alignment still
# shows (columns are two blanks or more apart), and no pattern with ``\s+`` in front of
# something else can backtrack over a flood of spaces (quadratic on a megabyte).
_LONG_LINE = 1_000
_SPACE_RUN = re.compile(r"[ \t]{9,}")


def _shortened_run(match: re.Match[str]) -> str:
    return match.group()[:8]


def is_cut(text: str) -> bool:
    """True when the page is an excerpt that stops mid-record, or is longer than is read."""
    return looks_cut(text) or text.count("\n", 0, 20_000_000) >= MAX_LINES


def label_key(text: str) -> str:
    """A label as looked up: lower case, single spaces, without a closing colon or '?'."""
    return " ".join(text.lower().split()).rstrip(":?| ").strip()


# --- finding labels ---------------------------------------------------------------------------

SECTION = "_section"
_COUNTED = re.compile(
    r"^(.{3,60}?) \(\d{1,6}\)$"
)  # a heading that ends the block before it and carries no value


@dataclass(frozen=True, slots=True)
class Hit:
    index: int  # line number
    field: str
    label: str  # the label as the page writes it, without a closing colon
    inline: str | None  # the value on the label's own line, if any
    colon: bool = False  # written "Label:", so it names what follows


class Labelled:
    """The label hits of one page and the block of value lines after each."""

    def __init__(
        self,
        lines: list[Line],
        labels: Mapping[str, str],
        *,
        inline: bool = True,
        prefixes: Mapping[str, str] | None = None,
    ):
        """``prefixes``: labels (keys, as ``label_map`` gives them) that a layout writes
        at the start of a line, a space, then the value ("NCT number NCT02509026")."""
        self.lines = lines
        self.hits: list[Hit] = []
        previous: Hit | None = None  # the hit on the last non-empty line, if any
        for index, line in enumerate(lines):
            text = line.text
            if not text:
                continue
            hit = None
            key = label_key(text) if len(text) <= 200 else ""
            if key not in labels and (counted := _COUNTED.match(key)):
                key = counted.group(1)  # "Trial Locations (5)": the label and its count
            colon = text.find(":")
            if key in labels:
                # "Randomized:" then "Randomized": the second is the first one's value; so is
                # "Treatment" under "Primary Purpose", a value of that field's enumeration.
                is_value = (
                    previous is not None
                    and ":" not in text
                    and (
                        (previous.colon and previous.field == labels[key])
                        or _enumerated(previous.field, text)
                    )
                )
                if not is_value:
                    hit = Hit(index, labels[key], text.rstrip(":? "), None, text.endswith(":"))
            elif inline and 0 < colon < 60 and label_key(text[:colon]) in labels:
                value = text[colon + 1 :].strip()
                if value:
                    hit = Hit(
                        index, labels[label_key(text[:colon])], text[:colon].strip(), value, True
                    )
            elif inline and "|" in text:
                hit = _row_hit(index, text, labels)
            if hit is None and prefixes:
                hit = _prefix_hit(index, text, prefixes)
            if hit is not None:
                self.hits.append(hit)
            previous = hit if hit is not None and hit.inline is None else None
        self._by_field: dict[str, list[int]] = {}
        for position, hit in enumerate(self.hits):
            self._by_field.setdefault(hit.field, []).append(position)

    def _end(self, position: int) -> int:
        following = position + 1
        return self.hits[following].index if following < len(self.hits) else len(self.lines)

    def blocks(self, field: str, *, raw: bool = False) -> Iterator[tuple[Hit, list[str]]]:
        """Each hit of the field with its value lines (non-empty, in page order).

        A value on the label's own line comes first; the lines up to the next
        label follow it. ``raw`` keeps bullets and indentation, which criteria need.
        """
        for position in self._by_field.get(field, ()):
            hit = self.hits[position]
            following = self.lines[hit.index + 1 : self._end(position)]
            if raw:
                values = [line.raw.strip() for line in following if line.text]
            else:
                values = [line.text for line in following if line.text]
            yield hit, ([hit.inline, *values] if hit.inline is not None else values)

    def block_lines(self, field: str) -> list[Line]:
        """The raw lines after the first hit of a line-label field, blank ones included."""
        for position in self._by_field.get(field, ()):
            hit = self.hits[position]
            if hit.inline is None:
                return self.lines[hit.index + 1 : self._end(position)]
        return []

    def block(self, field: str, *, raw: bool = False) -> list[str]:
        for _hit, values in self.blocks(field, raw=raw):
            if values:
                return values
        return []

    def first(self, field: str) -> str | None:
        """The field's value: the first line after its first label that has one.

        A line such as "Information provided by:" under "Sponsor:" is another
        label, so that "Sponsor" has no value there.
        """
        for _hit, values in self.blocks(field):
            if values and not (values[0].endswith(":") and len(values[0]) < 80):
                return values[0]
        return None

    def label_of(self, field: str) -> str | None:
        for hit, values in self.blocks(field):
            if values:
                return hit.label
        return None

    def has(self, field: str) -> bool:
        return field in self._by_field


def _prefix_hit(index: int, text: str, prefixes: Mapping[str, str]) -> Hit | None:
    """A row of a flattened two-column table: a known label, a space, the value; the
    longest label wins ("Est. primary completion date" over "Est.")."""
    words = text.split(" ")
    for length in range(min(6, len(words) - 1), 0, -1):
        label = " ".join(words[:length])
        field = prefixes.get(label_key(label))
        value = " ".join(words[length:]).strip()
        if field is not None and value:
            return Hit(index, field, label, value, True)
    return None


# The fields whose values are a registry enumeration, and their readers.
_ENUMERATIONS: dict[str, Callable[[str], object]] = {
    "allocation": allocation_value,
    "intervention_model": intervention_model_value,
    "masking": masking_value,
    "observational_model": observational_model_value,
    "purpose": purpose_value,
    "status": status_value,
    "study_type": study_type_value,
    "time_perspective": time_perspective_value,
}


def _enumerated(field: str, text: str) -> bool:
    """Whether ``text`` is a value of the enumerated field ``field``."""
    reader = _ENUMERATIONS.get(field)
    return reader is not None and reader(text) is not None


def _row_hit(index: int, text: str, labels: Mapping[str, str]) -> Hit | None:
    """A two-cell table row whose first cell is a label: "Phase | Phase 2"."""
    cells = [cell.strip() for cell in text.split("|")]
    if len(cells) != 2 or not cells[1] or len(cells[0]) > 60:
        return None
    field = labels.get(label_key(cells[0]))
    if field is None:
        return None
    return Hit(index, field, cells[0].rstrip(": "), cells[1], True)


def label_map(groups: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """``{field: [label, ...]}`` turned into the ``{label key: field}`` lookup."""
    return {label_key(label): field for field, labels in groups.items() for label in labels}


def count_label_lines(head: str, labels: Iterable[str]) -> int:
    """How many of the given labels stand as a line (or start a 'label:' line) in the text."""
    wanted = {label_key(label) for label in labels}
    found: set[str] = set()
    for line in head.split("\n"):
        text = line.strip().lstrip("\u2022*- ").strip("| ")
        if not text or len(text) > 200:
            continue
        key = label_key(text)
        if key in wanted:
            found.add(key)
            continue
        colon = text.find(":")
        if 0 < colon < 60 and label_key(text[:colon]) in wanted:
            found.add(label_key(text[:colon]))
    return len(found)


# --- what other readers own -------------------------------------------------------------------

_MARKUP_START = re.compile(r"^\s*[\[{<]")


def belongs_elsewhere(head: str) -> bool:
    """True for JSON, XML, ClinicalTrials.gov's own page layouts and meddatax pages.

    Those have readers of their own; the page readers here leave them alone even
    when detection runs them first.
    """
    if _MARKUP_START.match(head):
        return True
    if "Get a concise snapshot of the trial" in head:
        return True
    if "Study Details" in head and "CT.gov ID" in head:
        return True
    return "ClinicalTrials.gov Identifier:" in head and (
        "First received:" in head or "First Posted:" in head
    )


# --- NCT ids ----------------------------------------------------------------------------------

_FILE_NCT = re.compile(r"(?<![A-Za-z0-9])NCT\d{8}(?!\d)")


def file_basename(name: str) -> str:
    return PurePosixPath(name.replace("\\", "/").rsplit("!", 1)[-1]).name


def file_nct_id(name: str) -> str | None:
    """The NCT id a document's file name carries (``NCT01234567_results.txt``), if any."""
    found = _FILE_NCT.search(file_basename(name))
    return found.group(0) if found else None


def resolve_nct_id(text: str, name: str, labelled: Iterable[str | None]) -> tuple[str, bool]:
    """The page's NCT id and whether it came from the file name.

    An id under an identifier label wins; else the file name's; else the first
    id in the page. A page may cite other trials ("the core study NCT00902174"),
    which is why the file name is preferred to an unlabelled mention.
    """
    for value in labelled:
        if value and (m := NCT_ID.search(value)):
            return m.group(0), False
    page_ids = NCT_ID.findall(text)
    from_name = file_nct_id(name)
    if from_name:
        return from_name, from_name not in page_ids
    if page_ids:
        return page_ids[0], False
    raise InputError(
        "no NCT id in the page nor in the file name; name the file after the trial "
        "(NCT01234567.txt) or add the id to the page",
        file=name,
        field="nct_id",
    )


# --- values -----------------------------------------------------------------------------------

# ClinicalTrials.gov's agency classes, as pages print them after a sponsor's name.
_AGENCY_CLASSES = {
    "industry": "INDUSTRY",
    "nih": "NIH",
    "other": "OTHER",
    "other u.s. federal agency": "FED",
    "u.s. fed": "FED",
    "fed": "FED",
    "network": "NETWORK",
    "other_gov": "OTHER_GOV",
    "indiv": "INDIV",
    "unknown": "UNKNOWN",
}


def organisation(text: str | None) -> Organisation | None:
    """``"Bristol-Myers Squibb (Industry)"`` gives the name and the agency class."""
    if text is None:
        return None
    name = text.strip().rstrip(",;")
    if name.lower() in {"(none)", "none", "n/a"} or not any(c.isalpha() for c in name):
        return None
    agency = None
    if name.endswith(")") and (opening := name.rfind("(")) > 0:
        agency = _AGENCY_CLASSES.get(name[opening + 1 : -1].strip().lower())
        if agency:
            name = name[:opening].strip()
    return Organisation(name, agency)


_INTERVENTION_PREFIX = re.compile(r"^([A-Za-z][A-Za-z /]{1,30}):\s*(\S.*)$")
# The name ends on a non-space (the lookbehind): the shortest name is tried first, and
# without that test every space of a long run inside the name rescanned the rest of the
# run in search of the "(" (fuzz finding 5).
_INTERVENTION_SUFFIX = re.compile(r"^(\S.*?)(?<!\s)\s*\(([A-Za-z][A-Za-z /]{1,30})\)$")


def intervention(text: str) -> Intervention | None:
    """``"Drug: Afatinib"``, ``"Afatinib (Drug)"`` or a plain name."""
    value = text.strip().rstrip(";,")
    if not value:
        return None
    if (m := _INTERVENTION_PREFIX.match(value)) and (kind := intervention_type_value(m.group(1))):
        return Intervention(m.group(2).strip(), kind)
    if (m := _INTERVENTION_SUFFIX.match(value)) and (kind := intervention_type_value(m.group(2))):
        return Intervention(m.group(1).strip(), kind)
    return Intervention(value)


_EPOCH_DAYS = {"1969-12-31", "1970-01-01"}


def page_date(text: str | None, date_type: DateType | None = None) -> PartialDate | None:
    """A date as the page states it, or None when the value is not a date.

    Pages print an empty date as the Unix epoch (1969-12-31 or 1970-01-01);
    that is no date.
    """
    if text is None:
        return None
    value = parse_date_text(text)
    if value is None or value in _EPOCH_DAYS:
        return None
    return PartialDate(value, date_type)


def date_type_of(label: str | None, value: str | None = None) -> DateType | None:
    words = f"{label or ''} {value or ''}".lower()
    if "actual" in words:
        return "ACTUAL"
    if "estimated" in words or "anticipated" in words or "expected" in words:
        return "ESTIMATED"
    return None


_INT = re.compile(r"^\s*(?:n\s*=\s*)?(\d{1,3}(?:,\d{3})+|\d{1,9})\b", re.IGNORECASE)


def count(text: str | None) -> int | None:
    """A whole number at the start of a value: ``"2,809"``, ``"116 patients"``, ``"N=91"``."""
    if text is None:
        return None
    m = _INT.match(text)
    return int(m.group(1).replace(",", "")) if m else None


# --- partial pages ----------------------------------------------------------------------------

_CLOSED = ".!?)]\"'\u201d\u2019"


def looks_cut(text: str) -> bool:
    """True when the page stops in mid-sentence or mid-list, as excerpts do."""
    tail = text.rstrip()
    return not tail or tail[-1] not in _CLOSED


def paragraphs(lines: Iterable[Line]) -> str | None:
    """Hard-wrapped text rejoined: lines into paragraphs, paragraphs apart by a blank line."""
    result: list[str] = []
    current: list[str] = []
    for line in lines:
        if line.text:
            current.append(line.raw.strip())
        elif current:
            result.append(" ".join(current))
            current = []
    if current:
        result.append(" ".join(current))
    return "\n\n".join(result) or None


def unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))
