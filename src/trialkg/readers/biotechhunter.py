"""Trial pages of biotechhunter.com ("Trial Locations (5)", "All Listed Sponsors").

The layout: the title; one line that runs phase, status and study type together
in the registry's spelling ("PHASE2CompletedINTERVENTIONAL"); the enrollment as
a number over the word "Participants"; a timeline of labelled dates; conditions;
interventions as a type line ("DRUG"), a name and a description; sites as a
postal code over "Facility, City"; sponsors as a role ("lead"), a name and an
agency class. The NCT id is only in the page's address, so it comes from the
file name when the page does not cite it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from trialkg.model import (
    INTERVENTION_TYPES,
    Intervention,
    Organisation,
    Phase,
    Site,
    Source,
    Status,
    StudyType,
    Trial,
)
from trialkg.readers import Document, Reader, RecordResult
from trialkg.readers.labels import (
    SECTION,
    Labelled,
    Line,
    belongs_elsewhere,
    count,
    is_cut,
    label_map,
    page_date,
    page_lines,
    resolve_nct_id,
)
from trialkg.values import phase_values, status_value, study_type_value

NAME = "biotechhunter"
SITE = "biotechhunter.com"

_LABELS = label_map(
    {
        "enrollment": ("Enrollment",),
        "participants": ("Participants",),
        "start": ("Start Date",),
        "primary_completion": ("Primary Completion Date",),
        "completion": ("Study Completion Date",),
        "conditions": ("Conditions",),
        "interventions": ("Interventions",),
        "sites": ("Trial Locations",),
        "sponsors": ("Sponsors", "All Listed Sponsors"),
        SECTION: ("Timeline",),
    }
)
_LOCATIONS = re.compile(r"^Trial Locations \(\d{1,6}\)$")
_STUDY_TYPES = ("INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS")
_PHASE_PREFIX = re.compile(r"^((?:EARLY_PHASE1|PHASE[1-4]|NA)(?:[/, ]*(?:PHASE[1-4]))*)")


def detect(head: str) -> bool:
    if belongs_elsewhere(head):
        return False
    if "All Listed Sponsors" in head or re.search(r"^Trial Locations \(\d+\)", head, re.M):
        return True
    lines = {line.strip() for line in head.split("\n")}
    return {"Participants", "Start Date", "Primary Completion Date"} <= lines


def read(document: Document) -> Iterator[RecordResult]:
    text = document.text()
    lines = [
        Line("Trial Locations", line.raw, line.indent, line.bullet)
        if _LOCATIONS.match(line.text)
        else line
        for line in page_lines(text)
    ]
    found = Labelled(lines, _LABELS, inline=False)
    nct_id, from_name = resolve_nct_id(text, document.name, ())
    phases, status, study_type = _badges(lines)
    sponsors = _sponsors(found.block("sponsors"))
    yield Trial(
        nct_id=nct_id,
        source=Source(
            reader=NAME,
            file=document.name,
            partial=is_cut(text),
            nct_id_from_filename=from_name,
            site=SITE,
        ),
        brief_title=_title(lines, found),
        overall_status=status,
        study_type=study_type,
        phases=phases,
        enrollment=_enrollment(lines, found),
        start_date=page_date(found.first("start")),
        primary_completion_date=page_date(found.first("primary_completion")),
        completion_date=page_date(found.first("completion")),
        conditions=tuple(v for v in found.block("conditions") if len(v) < 200),
        interventions=_interventions(found.block("interventions")),
        sites=_sites(found.block("sites")),
        lead_sponsor=next((org for role, org in sponsors if role == "lead"), None),
        collaborators=tuple(org for role, org in sponsors if role == "collaborator"),
    )


def _badges(lines: list[Line]) -> tuple[tuple[Phase, ...], Status | None, StudyType | None]:
    """ "PHASE2CompletedINTERVENTIONAL": phase, status and study type run together."""
    for line in lines[:20]:
        text = line.text
        kind = next((t for t in _STUDY_TYPES if text.endswith(t)), None)
        if kind is None or " " in text.replace("Active, not", "").replace("Not yet", ""):
            continue
        rest = text[: -len(kind)]
        phase_match = _PHASE_PREFIX.match(rest)
        phases = phase_values(phase_match.group(1)) if phase_match else ()
        if phase_match and phase_match.group(1) == "NA":
            phases = ("NA",)
        status = status_value(rest[phase_match.end() :] if phase_match else rest)
        return phases, status, study_type_value(kind)
    return (), None, None


def _title(lines: list[Line], found: Labelled) -> str | None:
    first = found.hits[0].index if found.hits else len(lines)
    texts = [line.text for line in lines[:first] if line.text]
    # The title stands above the badge line; an excerpt that starts lower has none.
    return texts[0] if len(texts) >= 2 else None


def _enrollment(lines: list[Line], found: Labelled) -> int | None:
    if (number := count(found.first("enrollment"))) is not None:
        return number
    # The number stands over the word "Participants" when the label is cut off.
    for hit in found.hits:
        if hit.field == "participants":
            before = [line.text for line in lines[: hit.index] if line.text]
            if before and before[-1].replace(",", "").isdigit():
                return count(before[-1])
    return None


def _interventions(values: list[str]) -> tuple[Intervention, ...]:
    items: list[Intervention] = []
    position = 0
    while position + 1 < len(values):
        kind = values[position]
        if kind not in INTERVENTION_TYPES:
            break
        name = values[position + 1]
        description = values[position + 2] if position + 2 < len(values) else None
        if description is not None and description in INTERVENTION_TYPES:
            description = None
        items.append(Intervention(name, kind, description))
        position += 3 if description is not None else 2
    return tuple(items)


def _sites(values: list[str]) -> tuple[Site, ...]:
    """Each site is a postal code line, then "Facility, City"."""
    sites: list[Site] = []
    postal: str | None = None
    for value in values[:2000]:
        if "," not in value and len(value) <= 12 and any(c.isdigit() for c in value):
            postal = value
            continue
        facility, _, city = value.rpartition(", ")
        sites.append(Site(facility=facility or value, city=city if facility else None, zip=postal))
        postal = None
    return tuple(sites)


_ROLES = {"lead": "lead", "collaborator": "collaborator"}
_CLASSES = {"INDUSTRY", "NIH", "FED", "OTHER_GOV", "INDIV", "NETWORK", "OTHER", "AMBIG", "UNKNOWN"}


def _sponsors(values: list[str]) -> list[tuple[str, Organisation]]:
    """ "lead", "Novartis Pharmaceuticals", "INDUSTRY": role, name, agency class."""
    sponsors: list[tuple[str, Organisation]] = []
    role: str | None = None
    for value in values[:200]:
        if value.lower() in _ROLES:
            role = _ROLES[value.lower()]
        elif value in _CLASSES and sponsors:
            last_role, last = sponsors[-1]
            sponsors[-1] = (last_role, Organisation(last.name, value))
        elif role is not None:
            sponsors.append((role, Organisation(value)))
            role = None
    return sponsors


READER = Reader(
    name=NAME,
    description="biotechhunter.com trial pages "
    "(phase, status, dates, interventions, sites, sponsors)",
    detect=detect,
    read=read,
)
