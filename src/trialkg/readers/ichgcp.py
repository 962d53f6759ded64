"""Trial pages of the ICH GCP registry mirror (ichgcp.net/clinical-trials-registry/NCT...).

The layout follows ClinicalTrials.gov's: the title, "<date> updated by: <org>",
the official title, the brief summary, then "Study Overview" with label/value
pairs (Study Type, Enrollment (Actual), Phase ...) and "Study Locations" as an
indented tree: region headings, then "City, [State,] Country, Postal code" over
each facility.

The date before "updated by" is when the mirrored record was last updated; it
is kept as the page's update date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from trialkg.model import Site, Source, Trial
from trialkg.readers import Document, Reader, RecordResult
from trialkg.readers.common import stated_date
from trialkg.readers.labels import (
    SECTION,
    Labelled,
    Line,
    belongs_elsewhere,
    count,
    date_type_of,
    is_cut,
    label_map,
    page_date,
    page_lines,
    paragraphs,
    resolve_nct_id,
)
from trialkg.values import (
    allocation_value,
    intervention_model_value,
    masking_value,
    phase_values,
    purpose_value,
    study_type_value,
)

NAME = "ichgcp"
SITE = "ichgcp.net"

_UPDATED = re.compile(r"^(.{6,40}?) updated by: (.+)$")

_LABELS = label_map(
    {
        "study_type": ("Study Type",),
        "enrollment": ("Enrollment (Actual)", "Enrollment (Estimated)", "Enrollment"),
        "phase": ("Phase",),
        "allocation": ("Allocation",),
        "intervention_model": ("Intervention Model",),
        "masking": ("Masking",),
        "purpose": ("Primary Purpose",),
        "sites": ("Study Locations",),
        "overview": ("Study Overview",),
        SECTION: (
            "Contacts and Locations",
            "Study Contact",
            "Participation Criteria",
            "Study Plan",
            "Study Record Dates",
            "Collaborators and Investigators",
            "More Information",
        ),
    }
)


def detect(head: str) -> bool:
    if belongs_elsewhere(head):
        return False
    first_lines = [line.strip() for line in head.split("\n", 12)[:12]]
    return any(_UPDATED.match(line) for line in first_lines) and "Study Overview" in head


def read(document: Document) -> Iterator[RecordResult]:
    text = document.text()
    lines = page_lines(text)
    found = Labelled(lines, _LABELS, inline=False)
    nct_id, from_name = resolve_nct_id(text, document.name, ())
    title, updated, official, summary = _head(lines, found)
    enrollment_label = found.label_of("enrollment")
    enrollment = count(found.first("enrollment"))
    yield Trial(
        nct_id=nct_id,
        source=Source(
            reader=NAME,
            file=document.name,
            last_update=stated_date(updated),
            partial=is_cut(text),
            nct_id_from_filename=from_name,
            site=SITE,
        ),
        brief_title=title,
        official_title=official,
        brief_summary=summary,
        study_type=study_type_value(found.first("study_type")),
        phases=tuple(p for v in found.block("phase")[:3] for p in phase_values(v)),
        allocation=allocation_value(found.first("allocation")),
        intervention_model=intervention_model_value(found.first("intervention_model")),
        masking=masking_value(found.first("masking")),
        primary_purpose=purpose_value(found.first("purpose")),
        enrollment=enrollment,
        enrollment_type=date_type_of(enrollment_label) if enrollment is not None else None,
        sites=_sites(found.block_lines("sites")),
    )


def _head(
    lines: list[Line], found: Labelled
) -> tuple[str | None, str | None, str | None, str | None]:
    """Title, update date, official title and summary: the lines before "Study Overview"."""
    end = next((hit.index for hit in found.hits if hit.field == "overview"), len(lines))
    texts = [(index, line.text) for index, line in enumerate(lines[:end]) if line.text]
    for position, (_index, text) in enumerate(texts[:6]):
        m = _UPDATED.match(text)
        if m is None:
            continue
        date = page_date(m.group(1))
        title = texts[position - 1][1] if position > 0 else None
        official = texts[position + 1][1] if position + 1 < len(texts) else None
        summary_start = texts[position + 2][0] if position + 2 < len(texts) else end
        summary = paragraphs(lines[summary_start:end])
        return title, date.value if date else None, official, summary
    return None, None, None, None


def _place(text: str) -> tuple[str | None, str | None, str | None, str | None]:
    """ "Edegem, Antwerpen, Belgium, 2650": city, state, country, postal code."""
    parts = [part.strip() for part in text.split(",")]
    postal = parts.pop() if len(parts) > 1 and any(c.isdigit() for c in parts[-1]) else None
    if len(parts) == 1:
        return parts[0], None, None, postal
    city, country = parts[0], parts[-1]
    state = ", ".join(parts[1:-1]) or None
    return city, state, country, postal


def _sites(block: list[Line]) -> tuple[Site, ...]:
    """The locations tree: a place line, and the facility one level deeper under it."""
    sites: list[Site] = []
    place: tuple[str | None, str | None, str | None, str | None] | None = None
    place_indent = -1
    for line in block[:5000]:
        if not line.text or not line.bullet:
            continue
        if place is not None and line.indent > place_indent:
            city, state, country, postal = place
            sites.append(Site(line.text, city, state, postal, country))
            continue
        place = _place(line.text) if "," in line.text else None
        place_indent = line.indent
    return tuple(sites)


READER = Reader(
    name=NAME,
    description="ICH GCP registry mirror pages (titles, summary, design, locations)",
    detect=detect,
    read=read,
)
