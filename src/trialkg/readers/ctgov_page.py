"""ClinicalTrials.gov study pages saved as text, in the layouts the site has had.

- "Study Details" (``Sponsor`` / ``Overall Status`` / ``CT.gov ID`` at the top,
  labels on one line and values on the next);
- the ct2/show page (``Recruitment Status : Completed``, the ``Condition or
  disease | Intervention/treatment | Phase`` and ``Arm | Intervention/treatment``
  tables), including its 2017 form (``This study is currently recruiting
  participants.`` / ``Verified November 2017 by ...``);
- the oldest page (``This study has been completed.``, ``First received:``);
- the results pages of the ct2 site (only their protocol part is read).

All of them are cut into labelled values by the same scan; the sections
(tables, arms, outcomes, sites) are read by ``ctgov_page_sections``. A fact the
page does not state stays empty.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from trialkg.errors import InputError
from trialkg.model import (
    Allocation,
    DateType,
    InterventionModel,
    Masking,
    ObservationalModel,
    PartialDate,
    Purpose,
    Source,
    Status,
    TimePerspective,
    Trial,
)
from trialkg.readers import Document, Reader, RecordResult
from trialkg.readers.common import int_value, partial_date, stated_date
from trialkg.readers.ctgov_page_labels import (
    LABEL_PATTERNS,
    Labels,
    is_label,
    label_of,
    scan_labels,
)
from trialkg.readers.ctgov_page_parts import (
    central_contacts,
    eligibility,
    identifier,
    officials,
    sites,
    sponsors_section,
    status_sentence,
    who_masked,
)
from trialkg.readers.ctgov_page_sections import (
    arms_and_interventions,
    conditions_table,
    is_heading,
    outcomes,
)
from trialkg.readers.pages.precision import is_page_text
from trialkg.readers.pagetext import (
    first_nct_id,
    joined_colons,
    organisation,
    organisations,
    page_lines,
    paragraphs,
    resolve_nct_id,
    responsible_party,
    unbullet,
    without_cut_line,
)
from trialkg.values import (
    allocation_value,
    intervention_model_value,
    masking_value,
    observational_model_value,
    phase_values,
    purpose_value,
    status_value,
    study_type_value,
    time_perspective_value,
)

NAME = "ctgov-page"

# --- detection ------------------------------------------------------------------------------

_DISCLAIMER = (
    "The safety and scientific validity of this study is the responsibility of the study sponsor"
)
_CTGOV_ID_LINE = re.compile(r"^\s*CT\.gov ID\s*\n\s*NCT\d{8}\s*$", re.MULTILINE)
_IDENTIFIER = re.compile(r"\bIdentifier:\s*\|?\s*(NCT\d{8})\b")
_OTHER_CTGOV_LABEL = re.compile(
    r"First (?:received|Received|Posted)|Recruitment Status|Last Update Posted|Study Type\s*:"
)


def detect(head: str) -> bool:
    if head.lstrip()[:1] in {"<", "{", "["}:
        return False
    if _CTGOV_ID_LINE.search(head) and "Study Details" in head:
        return True
    if "ClinicalTrials.gov Identifier:" in head and _OTHER_CTGOV_LABEL.search(head):
        return True
    return _DISCLAIMER in head and _IDENTIFIER.search(head) is not None


# --- the reader -----------------------------------------------------------------------------


def read(document: Document) -> Iterator[RecordResult]:
    text = document.text()
    if not text.strip():
        raise InputError("the page is empty", file=document.name)
    try:
        yield page_to_trial(text, file=document.name)
    except InputError as error:
        if error.field == "nct_id":
            raise
        yield error


_COMPLETE_MARKERS = ("Additional relevant MeSH terms", "No Results Posted", "Last Verified")


def _is_complete(lines: Sequence[str]) -> bool:
    """Whether the page reaches its closing "More Information" block."""
    start = next((i for i, line in enumerate(lines) if unbullet(line) == "More Information"), None)
    if start is None:
        return False
    return any(line.startswith(_COMPLETE_MARKERS) for line in lines[start:])


_CHROME = re.compile(
    r"^(?:We (?:are updating|updated) the design|Show more$|ClinicalTrials\.gov(?: Menu)?$|"
    r"Trial record \d|Previous Study|Skip to|Search for studies|"
    r"U\.S\. National Library of Medicine|!\[|Hide glossary|Glossary|Save this study|Menu$)"
)
_UNKNOWN_STATUS = re.compile(r"Recruitment status was:\s*(.+)$")
_VERIFIED = re.compile(r"^Verified ([A-Za-z]+ \d{4})\b")


def page_to_trial(text: str, *, file: str) -> Trial:
    """The Trial of one ClinicalTrials.gov page saved as text."""
    all_lines = page_lines(text)
    complete = _is_complete(all_lines)
    lines = joined_colons(without_cut_line(all_lines, text, complete=complete))
    labels = scan_labels(lines)

    stated_id = first_nct_id(labels.one("nct_id"))
    if stated_id is None:
        match = _IDENTIFIER.search("\n".join(lines[:200]))
        stated_id = match.group(1) if match else None
    nct_id, from_name = resolve_nct_id(stated_id, file)

    def when(key: str, field_name: str) -> PartialDate | None:
        return _date(labels, key, file=file, record=nct_id, field=field_name)

    # status
    status_text = labels.one("status")
    why_stopped = None
    overall_status: Status | None = None
    if status_text:
        reason = re.search(r"\(([^()]+)\)\s*$", status_text)
        overall_status = status_value(re.sub(r"\s*\([^()]*\)\s*$", "", status_text))
        if reason and overall_status in {"TERMINATED", "WITHDRAWN", "SUSPENDED"}:
            why_stopped = reason.group(1).strip()
    if overall_status is None:
        overall_status, why_stopped = status_sentence(lines)
    last_known = None
    for line in lines[:120]:
        if m := _UNKNOWN_STATUS.search(line):
            last_known = status_value(m.group(1))
            break

    # sponsor and responsible party
    lead = organisation(labels.one("sponsor"))
    collaborators = [org for value in labels.many("collaborator") for org in organisations(value)]
    listed = sponsors_section(lines, is_label)
    if (lead is None and listed) or (
        lead is not None and listed and listed[0].name == lead.name and lead.agency_class is None
    ):
        lead = listed[0]
    if not collaborators and not labels.many("collaborator") and len(listed) > 1:
        collaborators = listed[1:]
    sponsor_names = [lead.name] if lead else []
    sponsor_names += [org.name for org in collaborators]
    party = responsible_party(labels.one("responsible"), sponsor_names)

    # title, acronym
    title = _title(lines)
    official_title = labels.one("official_title")
    acronym = labels.one("acronym")
    if acronym is None and title and _CTGOV_ID_LINE.search("\n".join(lines[:40])):
        acronym, title = _acronym(title, official_title)

    # design
    design = _design(labels)
    study_type_text = labels.one("study_type")
    enrollment_text = labels.one("enrollment")
    enrollment = (
        int_value(enrollment_text, file=file, record=nct_id, field="enrollment")
        if enrollment_text
        else None
    )
    enrollment_type = (
        _qualifier(labels.wording.get("enrollment", "")) if enrollment is not None else None
    )

    # conditions, interventions, phases
    table = conditions_table(lines)
    conditions = list(table.conditions)
    for value in labels.many("conditions"):
        if value not in conditions:
            conditions.append(value)
    phases = table.phases or phase_values(labels.one("phase"))
    arms, interventions = arms_and_interventions(
        lines, extra=table.interventions + labels.many("interventions")
    )

    # eligibility
    criteria = eligibility(
        lines,
        ages=labels.one("ages"),
        sexes=labels.one("sexes"),
        healthy=labels.one("healthy"),
        population=" ".join(labels.many("population")) or None,
        sampling=labels.one("sampling"),
        is_label=is_label,
    )

    # identifiers
    other_ids = labels.many("other_ids")
    org_study_id = identifier(other_ids[0]).value if other_ids else None
    secondary = tuple(identifier(value) for value in other_ids[1:])

    verified = _verified(lines, labels, file=file, record=nct_id)
    last_update_posted = when("last_update_posted", "last_update_posted")
    last_updated = when("last_updated", "last_updated")
    latest = last_update_posted or last_updated
    last_update = latest.value if latest is not None else None

    return Trial(
        nct_id=nct_id,
        source=Source(
            reader=NAME,
            file=file,
            last_update=stated_date(last_update),
            partial=not complete,
            nct_id_from_filename=from_name,
        ),
        brief_title=title,
        official_title=official_title,
        acronym=acronym,
        org_study_id=org_study_id,
        secondary_ids=secondary,
        overall_status=overall_status,
        last_known_status=last_known,
        why_stopped=why_stopped,
        start_date=when("start", "start_date"),
        primary_completion_date=when("primary_completion", "primary_completion_date"),
        completion_date=when("completion", "completion_date"),
        first_posted=when("first_posted", "first_posted"),
        last_update_posted=last_update_posted,
        status_verified=verified,
        study_type=study_type_value(_without_notes(study_type_text)) if study_type_text else None,
        phases=phases,
        allocation=design.allocation,
        intervention_model=design.intervention_model,
        observational_model=design.observational_model,
        time_perspective=design.time_perspective,
        primary_purpose=design.primary_purpose,
        masking=design.masking,
        who_masked=design.who_masked,
        enrollment=enrollment,
        enrollment_type=enrollment_type,
        brief_summary=_text_after(lines, {"Brief Summary", "Purpose"}),
        detailed_description=_text_after(lines, {"Detailed Description"}),
        conditions=tuple(conditions),
        keywords=tuple(labels.many("keywords")),
        lead_sponsor=lead,
        collaborators=tuple(collaborators),
        responsible_party=party,
        officials=tuple(officials(lines, sponsor_names)),
        central_contacts=tuple(central_contacts(lines)),
        arms=tuple(arms),
        interventions=tuple(interventions),
        outcomes=tuple(outcomes(lines, is_label=is_label)),
        eligibility=criteria,
        sites=tuple(sites(lines)),
        has_results=_has_results(lines, labels),
    )


def _title(lines: Sequence[str]) -> str | None:
    for line in lines[:40]:
        if not line or _CHROME.match(line) or is_page_text(line):
            continue
        if label_of(line) or is_heading(line) or line.startswith(("This study", _DISCLAIMER)):
            return None
        return line
    return None


def _acronym(title: str, official: str | None) -> tuple[str | None, str]:
    """``NICHE: Afatinib in ...``: the Study Details page puts the acronym before the title."""
    match = re.fullmatch(r"([^:]{1,20}): (.+)", title)
    if not match:
        return None, title
    prefix = match.group(1)
    if len(prefix.split()) > 3 or not any(ch.isupper() for ch in prefix):
        return None, title
    if official and official.startswith(prefix + ":"):
        return None, title
    return prefix, match.group(2)


def _qualifier(wording: str) -> DateType | None:
    match = re.search(r"\b(Actual|Estimated?|Anticipated)\b", wording)
    if not match:
        return None
    return "ACTUAL" if match.group(1) == "Actual" else "ESTIMATED"


_NOTES = re.compile(r"\s*[(\[][^()\[\]]*[)\]]")


def _without_notes(text: str) -> str:
    """A value without its parenthesised notes: ``Interventional (Clinical Trial)``."""
    return _NOTES.sub("", text).strip()


_DATE_SUFFIXES = re.compile(r"\s*(?:Key Record Dates|History of Changes)\s*$")


def _date(labels: Labels, key: str, *, file: str, record: str, field: str) -> PartialDate | None:
    value = labels.one(key)
    if not value:
        return None
    value = _DATE_SUFFIXES.sub("", value)
    kind = _qualifier(labels.wording.get(key, "")) or _qualifier(value)
    return partial_date(_without_notes(value), kind, file=file, record=record, field=field)


def _verified(
    lines: Sequence[str], labels: Labels, *, file: str, record: str
) -> PartialDate | None:
    value = labels.one("last_verified")
    if value is None:
        for line in lines[:80]:
            if m := _VERIFIED.match(line):
                value = m.group(1)
                break
    if not value:
        return None
    found = partial_date(
        _DATE_SUFFIXES.sub("", value), None, file=file, record=record, field="status_verified"
    )
    # The registry keeps this date to the month; a day shown with it is the page's filler.
    return PartialDate(found.value[:7]) if found else None


@dataclass(frozen=True)
class _Design:
    allocation: Allocation | None = None
    intervention_model: InterventionModel | None = None
    observational_model: ObservationalModel | None = None
    time_perspective: TimePerspective | None = None
    primary_purpose: Purpose | None = None
    masking: Masking | None = None
    who_masked: tuple[str, ...] = ()


def _design(labels: Labels) -> _Design:
    values = {key: labels.one(key) for key in LABEL_PATTERNS}
    # "Study Design: Allocation: Randomized; Intervention Model: ...; Masking: ..."
    for part in (labels.one("study_design") or "").split(";"):
        found = label_of(part.strip())
        if found and values.get(found[0]) is None:
            values[found[0]] = found[1]
    masking = values.get("masking")
    return _Design(
        allocation=allocation_value(values.get("allocation")),
        intervention_model=intervention_model_value(values.get("intervention_model")),
        observational_model=observational_model_value(
            _without_notes(values.get("observational_model") or "") or None
        ),
        time_perspective=time_perspective_value(
            _without_notes(values.get("time_perspective") or "") or None
        ),
        primary_purpose=purpose_value(values.get("primary_purpose")),
        masking=masking_value(masking),
        who_masked=who_masked(masking),
    )


def _text_after(lines: Sequence[str], headings: set[str]) -> str | None:
    start = next(
        (i for i, line in enumerate(lines) if unbullet(line).rstrip(":") in headings), None
    )
    if start is None:
        return None
    body: list[str] = []
    for line in lines[start + 1 :]:
        if line and (is_heading(line) or label_of(line) or conditions_table_header(line)):
            break
        body.append(line)
    return paragraphs(body)


def conditions_table_header(line: str) -> bool:
    return bool(re.match(r"^Conditions?(?: or [Dd]isease)?\s*\|?\s*Interventions?\b", line))


def _has_results(lines: Sequence[str], labels: Labels) -> bool | None:
    if labels.one("results_first") or any(unbullet(line) == "Participant Flow" for line in lines):
        return True
    if any(line.startswith("No Results Posted") for line in lines):
        return False
    return None


READER = Reader(
    name=NAME,
    description="ClinicalTrials.gov study pages saved as text: the Study Details page, the "
    "ct2/show page (2017 and older layouts) and its results pages",
    detect=detect,
    read=read,
)
