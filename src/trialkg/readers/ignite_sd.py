"""Module pages of ignite-sd.com: one module of a registry record per page.

The pages show a module of the API record ("Description Module") as "Label:
value" lines: "NCT ID:", "Brief Summary:", "Detailed Description:". The site's
own "Ignite Creation/Modification Date" is when it copied the record, not when
the record changed, so it is not read as an update date.
"""

from __future__ import annotations

from collections.abc import Iterator

from trialkg.model import Source, Trial
from trialkg.readers import Document, Reader, RecordResult
from trialkg.readers.labels import (
    SECTION,
    Labelled,
    belongs_elsewhere,
    is_cut,
    label_map,
    page_lines,
    resolve_nct_id,
)

NAME = "ignite-sd"
SITE = "ignite-sd.com"

_LABELS = label_map(
    {
        "nct": ("NCT ID",),
        "brief_summary": ("Brief Summary",),
        "detailed_description": ("Detailed Description",),
        "official_title": ("Official Title",),
        "brief_title": ("Brief Title",),
        "acronym": ("Acronym",),
        SECTION: (
            "Study",
            "Study Brief",
            "Protocol Section",
            "Ignite Creation Date",
            "Ignite Modification Date",
        ),
    }
)


def detect(head: str) -> bool:
    return not belongs_elsewhere(head) and (
        "Ignite Creation Date:" in head or "Module path is as follows" in head
    )


def read(document: Document) -> Iterator[RecordResult]:
    text = document.text()
    found = Labelled(page_lines(text), _LABELS)
    nct_id, from_name = resolve_nct_id(text, document.name, found.block("nct")[:1])
    yield Trial(
        nct_id=nct_id,
        source=Source(
            reader=NAME,
            file=document.name,
            partial=is_cut(text),
            nct_id_from_filename=from_name,
            site=SITE,
        ),
        brief_title=found.first("brief_title"),
        official_title=found.first("official_title"),
        acronym=found.first("acronym"),
        brief_summary=_text(found, "brief_summary"),
        detailed_description=_text(found, "detailed_description"),
    )


def _text(found: Labelled, field: str) -> str | None:
    values = found.block(field)
    return "\n".join(values) if values else None


READER = Reader(
    name=NAME,
    description="ignite-sd.com module pages (NCT id, summaries)",
    detect=detect,
    read=read,
)
