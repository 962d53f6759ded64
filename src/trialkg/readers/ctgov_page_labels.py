"""The labels of ClinicalTrials.gov study pages, and the scan that finds their values.

Every layout the site has had writes a fact as a label and a value: on one line
("Recruitment Status : Completed"), on the next line ("Overall Status" then
"Completed"), or as a table row. ``scan_labels`` takes the first value of each
label on a page; list labels (conditions, collaborators ...) take the lines that
follow until the next label or heading.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from trialkg.readers.ctgov_page_sections import is_heading
from trialkg.readers.pagetext import next_filled, unbullet, unpiped

_QUALIFIER = r"(?:Actual|Estimated?|Anticipated)"
# Every label the pages use, including some read for nothing else than to end the value of
# the label before them ("Information provided by:", "First received:", the MeSH terms).
LABEL_PATTERNS = {
    "responsible": r"Information provided by \(Responsible Party\)|Responsible Party",
    "provided_by": r"Information provided by",
    "sponsor": r"Sponsor|Sponsored by|Lead Sponsor",
    "collaborator": r"Collaborators?",
    "status": r"Overall Status|Recruitment Status",
    "nct_id": r"ClinicalTrials\.gov Identifier|CT\.gov ID|ClinicalTrials\.gov ID",
    "first_posted": rf"First Posted(?: \({_QUALIFIER}\))?",
    "first_received": r"(?:Study )?First Received|First Submitted",
    "results_first": rf"Results First (?:Posted|Received|Submitted)(?: \({_QUALIFIER}\))?",
    "last_update_posted": rf"Last Update Posted(?: \({_QUALIFIER}\))?",
    "last_updated": r"Last [Uu]pdated",
    "last_verified": r"Last [Vv]erified",
    "study_type": r"Study Type",
    "study_design": r"Study Design",
    "enrollment": rf"(?:{_QUALIFIER} )?Enrollment(?: \({_QUALIFIER}\))?",
    "allocation": r"Allocation",
    "intervention_model": r"Intervention(?:al)? Model",
    "masking": r"Masking",
    "primary_purpose": r"Primary Purpose",
    "observational_model": r"Observational Model",
    "time_perspective": r"Time Perspective",
    "official_title": r"Official Title",
    "acronym": r"Acronym",
    "start": rf"(?:{_QUALIFIER} )?Study Start(?: Date)?(?: \({_QUALIFIER}\))?",
    "primary_completion": rf"(?:{_QUALIFIER} )?Primary Completion(?: Date)?(?: \({_QUALIFIER}\))?",
    "completion": rf"(?:{_QUALIFIER} )?Study Completion(?: Date)?(?: \({_QUALIFIER}\))?",
    "ages": r"Ages? Eligible for Study|Ages Eligible",
    "sexes": r"(?:Sexes|Genders|Sex|Gender) Eligible for Study",
    "healthy": r"Accepts Healthy Volunteers",
    "sampling": r"Sampling Method",
    "population": r"Study Population",
    "other_ids": r"Other Study ID Numbers?",
    "conditions": r"Conditions?",
    "interventions": r"Interventions?",
    "phase": r"Phases?",
    "keywords": r"Keywords provided by [^:|]{1,200}|Keywords",
    "mesh": r"Additional relevant MeSH terms",
}
_LABEL = re.compile(
    "^(?:"
    + "|".join(f"(?P<{key}>{pattern})" for key, pattern in LABEL_PATTERNS.items())
    + r")\s*(?::|\|\s*$|$)\s*\|?\s*(?P<rest>.*)$"
)
# The first letters of every label above: a cheap test that spares most lines the pattern.
_LABEL_INITIALS = frozenset("ACEFGIKLMOPRST")
# Labels whose value runs on over the following lines.
_LISTS = {"collaborator", "conditions", "interventions", "other_ids", "keywords", "population"}
_BARE_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def label_of(line: str) -> tuple[str, str] | None:
    """The label key and the rest of a labelled line, or None."""
    bare = unbullet(line)
    if not bare or len(bare) > 400 or bare[0] not in _LABEL_INITIALS:
        return None
    match = _LABEL.match(bare)
    if match is None:
        return None
    key = next(name for name in LABEL_PATTERNS if match.group(name) is not None)
    return key, match.group("rest").strip()


@dataclass
class Labels:
    """The first value of each label on the page, with the label's own wording."""

    values: dict[str, list[str]] = field(default_factory=dict)
    wording: dict[str, str] = field(default_factory=dict)

    def one(self, key: str) -> str | None:
        found = self.values.get(key)
        return found[0] if found else None

    def many(self, key: str) -> list[str]:
        return self.values.get(key, [])


def scan_labels(lines: Sequence[str]) -> Labels:
    labels = Labels()
    for index, line in enumerate(lines):
        found = label_of(line)
        if found is None:
            continue
        key, rest = found
        if key in labels.values:
            continue
        values: list[str] = [unpiped(rest)] if unpiped(rest) else []
        cursor = index + 1
        if not values:
            nxt = next_filled(lines, cursor, min(len(lines), cursor + 3))
            if nxt is None or _ends_value(lines[nxt]):
                labels.values[key] = []
                labels.wording[key] = line
                continue
            values.append(unpiped(unbullet(lines[nxt])))
            cursor = nxt + 1
        if key in _LISTS:
            while cursor < len(lines) and lines[cursor] and not _ends_value(lines[cursor]):
                if _BARE_NUMBER.match(lines[cursor]):
                    break
                values.append(unpiped(unbullet(lines[cursor])))
                cursor += 1
        labels.values[key] = [value for value in values if value]
        labels.wording[key] = line
    return labels


def is_label(line: str) -> bool:
    return label_of(line) is not None


def _ends_value(line: str) -> bool:
    return label_of(line) is not None or is_heading(line)
