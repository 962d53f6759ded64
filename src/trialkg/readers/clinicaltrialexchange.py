"""Trial pages of clinicaltrialexchange.com ("Trial end date:", "Target enrollment:").

The layout: "Overview", the title, then labelled values (Status, Trial end date,
Target enrollment, Participant gender, Summary, Phase, Accepts Healthy
Volunteers?, Lead Sponsor, Collaborators, Treatments, Criteria). The NCT id is
only in the page's address, so it comes from the file name.

What the site prints for a missing value is not read as a value: an end date of
1969-12-31 (the Unix epoch) and a target enrollment of 0. "Treatments" lists the
registry's MeSH intervention headings ("Antibodies, Monoclonal"), not the trial's
interventions: they are the trial's ``intervention_meshes``, headings without
descriptor ids, which the linker resolves by an exact lookup.

One rendering of the site runs some labels into the value before them
("Phase 4Accepts Healthy Volunteers?", "NoDetails") and prints scalar values
twice; the reader splits such lines and takes the first value.
"""

from __future__ import annotations

from collections.abc import Iterator

from trialkg.model import Eligibility, MeshTerm, Source, Trial
from trialkg.readers import Document, Reader, RecordResult
from trialkg.readers.labels import (
    MAX_LINES,
    SECTION,
    Labelled,
    belongs_elsewhere,
    count,
    count_label_lines,
    is_cut,
    label_map,
    organisation,
    page_date,
    page_lines,
    paragraphs,
    resolve_nct_id,
)
from trialkg.readers.page_eligibility import (
    criteria,
    healthy_volunteers,
    sex,
)
from trialkg.values import phase_values, status_value

NAME = "clinicaltrialexchange"
SITE = "clinicaltrialexchange.com"

_LABELS = label_map(
    {
        "status": ("Status",),
        "end": ("Trial end date",),
        "enrollment": ("Target enrollment",),
        "sex": ("Participant gender",),
        "summary": ("Summary",),
        "phase": ("Phase",),
        "healthy": ("Accepts Healthy Volunteers?",),
        "sponsor": ("Lead Sponsor",),
        "collaborators": ("Collaborator", "Collaborators"),
        "treatments": ("Treatments",),
        "criteria": ("Criteria",),
        SECTION: ("Overview", "Details"),
    }
)

# Labels the site runs into the end of the line before them.
_GLUED = (
    "Accepts Healthy Volunteers?",
    "Collaborators:",
    "Collaborator:",
    "Lead Sponsor:",
    "Treatments:",
    "Details",
    "Phase:",
)


def detect(head: str) -> bool:
    if belongs_elsewhere(head):
        return False
    return (
        count_label_lines(head, ("Trial end date", "Target enrollment", "Participant gender")) >= 2
    )


def _unglue(text: str) -> str:
    lines: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n", MAX_LINES)[:MAX_LINES]:
        stripped = line.rstrip()
        for label in _GLUED:
            cut = len(stripped) - len(label)
            if cut > 0 and stripped.endswith(label) and not stripped[cut - 1].isspace():
                lines.extend([stripped[:cut], label])
                break
        else:
            lines.append(line)
    return "\n".join(lines)


def read(document: Document) -> Iterator[RecordResult]:
    text = document.text()
    lines = page_lines(_unglue(text))
    found = Labelled(lines, _LABELS, inline=False)
    nct_id, from_name = resolve_nct_id(text, document.name, ())
    enrollment = count(found.first("enrollment"))
    criteria_text, inclusion, exclusion = criteria(found.block("criteria", raw=True))
    eligibility = Eligibility(
        criteria_text=criteria_text,
        inclusion=inclusion,
        exclusion=exclusion,
        sex=sex(found.first("sex")),
        healthy_volunteers=healthy_volunteers(found.first("healthy")),
    )
    yield Trial(
        nct_id=nct_id,
        source=Source(
            reader=NAME,
            file=document.name,
            partial=is_cut(text),
            nct_id_from_filename=from_name,
            site=SITE,
        ),
        brief_title=_title(found),
        overall_status=status_value(found.first("status")),
        completion_date=page_date(found.first("end")),
        phases=phase_values(found.first("phase")),
        enrollment=enrollment or None,  # the site prints 0 when it has no count
        brief_summary=paragraphs(found.block_lines("summary")),
        lead_sponsor=organisation(found.first("sponsor")),
        collaborators=tuple(
            org
            for value in dict.fromkeys(found.block("collaborators"))
            if (org := organisation(value)) is not None
        ),
        eligibility=None if eligibility == Eligibility() else eligibility,
        intervention_meshes=tuple(
            MeshTerm(None, heading) for heading in dict.fromkeys(found.block("treatments"))
        ),
    )


def _title(found: Labelled) -> str | None:
    first = next((hit.index for hit in found.hits if hit.field != SECTION), len(found.lines))
    texts = [line.text for line in found.lines[:first] if line.text and line.text != "Overview"]
    return texts[0] if texts else None


READER = Reader(
    name=NAME,
    description="clinicaltrialexchange.com trial pages "
    "(status, end date, phase, sponsors, criteria)",
    detect=detect,
    read=read,
)
