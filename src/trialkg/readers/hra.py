"""Research summaries of the UK Health Research Authority (hra.nhs.uk).

The layout: the study's short title, then bulleted labels each over its value:
Research type, Full title, IRAS ID, Contact name, Contact email, Sponsor
organisation, Eudract number, Clinicaltrials.gov Identifier, Duration of Study
in the UK, Research summary.

The short title is the HRA's own and the research summary is a lay summary
written for the HRA, so neither is taken as the registry's brief title or brief
summary. The page sometimes files another number under "Clinicaltrials.gov
Identifier" ("125379, IND number"); only a value that is an NCT id is taken.
"""

from __future__ import annotations

from collections.abc import Iterator

from trialkg.model import Contact, Identifier, Source, Trial
from trialkg.readers import Document, Reader, RecordResult
from trialkg.readers.labels import (
    SECTION,
    Labelled,
    belongs_elsewhere,
    count_label_lines,
    is_cut,
    label_map,
    organisation,
    page_lines,
    resolve_nct_id,
)

NAME = "hra"
SITE = "hra.nhs.uk"

_LABELS = label_map(
    {
        "nct": ("Clinicaltrials.gov Identifier",),
        "official_title": ("Full title",),
        "iras": ("IRAS ID",),
        "contact": ("Contact name",),
        "email": ("Contact email",),
        "sponsor": ("Sponsor organisation",),
        "eudract": ("Eudract number",),
        SECTION: (
            "Research type",
            "Duration of Study in the UK",
            "Research summary",
            "Summary of Research",
            "REC name",
            "REC reference",
            "Date of REC Opinion",
            "REC opinion",
            "Data collection arrangements",
            "Research programme",
            "Storage license",
            "Research database title",
            "Establishment organisation",
            "Establishment organisation address",
        ),
    }
)


def detect(head: str) -> bool:
    if belongs_elsewhere(head):
        return False
    return count_label_lines(head, ("IRAS ID", "Research type", "Sponsor organisation")) >= 2


def read(document: Document) -> Iterator[RecordResult]:
    text = document.text()
    found = Labelled(page_lines(text), _LABELS, inline=False)
    nct_id, from_name = resolve_nct_id(
        text, document.name, [v for _hit, block in found.blocks("nct") for v in block[:1]]
    )
    ids = []
    if eudract := found.first("eudract"):
        ids.append(Identifier(eudract, "EUDRACT_NUMBER"))
    if iras := found.first("iras"):
        ids.append(Identifier(iras, "OTHER", "IRAS"))
    contact = found.first("contact")
    yield Trial(
        nct_id=nct_id,
        source=Source(
            reader=NAME,
            file=document.name,
            partial=is_cut(text),
            nct_id_from_filename=from_name,
            site=SITE,
        ),
        official_title=found.first("official_title"),
        secondary_ids=tuple(ids),
        lead_sponsor=organisation(found.first("sponsor")),
        central_contacts=(Contact(name=contact, email=found.first("email")),) if contact else (),
    )


READER = Reader(
    name=NAME,
    description="UK Health Research Authority research summaries "
    "(full title, sponsor, identifiers)",
    detect=detect,
    read=read,
)
