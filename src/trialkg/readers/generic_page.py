"""Any web page about one trial: the general reader for sites without a reader of their own.

It reads what the page labels ("Recruitment Status: Recruiting", "Phase" then
"Phase 2", "Sponsor: X", "Enrollment: 120 (estimated)" ...) wherever the label
stands: a value without a label (a lone "Recruiting") stays absent, because
nothing says what it is. The one exception is the page's head, where the place
of a line says what it is: its first line is the title when it reads like a
registry title (sites that write their own headline, in plain words, state no
title), and a "·"-separated line right under it lists the conditions (``generic_parts.head``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace

from trialkg.model import (
    Intervention,
    MeshTerm,
    PartialDate,
    Source,
    Trial,
)
from trialkg.readers import Document, Reader, RecordResult
from trialkg.readers import generic_fields as fields
from trialkg.readers import generic_parts as parts
from trialkg.readers.common import stated_date
from trialkg.readers.ctgov_page_sections import conditions_table
from trialkg.readers.labels import (
    MAX_LINES,
    Labelled,
    Line,
    belongs_elsewhere,
    count_label_lines,
    is_cut,
    label_key,
    looks_cut,
    page_lines,
    resolve_nct_id,
)
from trialkg.readers.page_shapes import (
    arm_rows,
    postal_sites,
    role_sponsors,
    run_together,
    tree_sites,
    unglue,
    with_last_value,
)
from trialkg.readers.page_vocabulary import LABELS, TRIAL_LABELS
from trialkg.text import NCT_ID
from trialkg.values import (
    allocation_value,
    intervention_model_value,
    masking_value,
    observational_model_value,
    purpose_value,
    time_perspective_value,
)

NAME = "page"


def detect(head: str) -> bool:
    if belongs_elsewhere(head):
        return False
    return NCT_ID.search(head) is not None or count_label_lines(head, TRIAL_LABELS) >= 2


def read(document: Document) -> Iterator[RecordResult]:
    yield page_trial(document.text(), document.name, reader=NAME)


# A few sites print their own name on the page; the page is then known to be theirs.
_SITE_MARKS = (
    ("ClinicalTrials.Veeva", "ctv.veeva.com"),
    ("MedPath", "trial.medpath.com"),
    ("Curemydisease.com", "curemydisease.com"),
)


def _site(lines: list[Line]) -> str | None:
    heads = {line.text for line in lines[:5]}
    for mark, site in _SITE_MARKS:
        if mark in heads or any(line.text.startswith(mark + " ") for line in lines):
            return site
    return None


def page_trial(
    text: str,
    name: str,
    *,
    reader: str,
    site: str | None = None,
    labels: Mapping[str, str] = LABELS,
    glued: tuple[str, ...] = (),
    last_values: tuple[str, ...] = (),
    prefixes: Mapping[str, str] | None = None,
) -> Trial:
    """The trial a page states, read from its labels (``labels``: the vocabulary, or a
    layout profile's) and its head. ``glued``: labels a layout runs into the end of the line
    before them ("Phase 4Accepts Healthy Volunteers?"), set back on a line of their own."""
    lines, found = page_structure(text, labels, glued, last_values, prefixes)
    row_arms, row_interventions = arm_rows(found.block("arms"))
    role_lead, role_collaborators = role_sponsors(found.block("sponsor_roles"))
    labelled_arms = parts.arms(found)
    head = parts.head(found, lines)
    official_title = found.first("official_title")
    nct_id, from_name = resolve_nct_id(text, name, fields.labelled_ids(found, lines))
    status, status_phases = fields.status_and_phases(found)
    badge_phases, badge_status, badge_type = run_together(lines)
    # The registry's "Condition or disease | Intervention/treatment | Phase" table, which
    # sites copy with its pipes or with its cells run together on one line.
    table = conditions_table([line.text for line in lines])
    phases = status_phases or fields.labelled_phases(found, lines) or table.phases or badge_phases
    design = fields.design_pairs(lines)
    enrollment, enrollment_type = fields.enrollment(found, lines)
    summary = parts.text(found, "brief_summary")
    purpose = purpose_value(found.first("purpose")) or design.purpose
    # "Purpose" heads either the primary purpose ("DIAGNOSTIC") or a summary paragraph.
    purpose_or_summary = found.first("purpose_or_summary")
    if (stated := purpose_value(purpose_or_summary)) is not None:
        purpose = purpose or stated
    elif purpose_or_summary is not None:
        summary = summary or parts.text(found, "purpose_or_summary")
    org_ids = fields.org_ids(found)
    beside = fields.dates_beside_labels(lines)

    def date(field: str) -> PartialDate | None:
        return fields.labelled_date(found, field) or beside.get(field)

    return Trial(
        nct_id=nct_id,
        source=Source(
            reader=reader,
            file=name,
            last_update=stated_date(fields.page_update(found, lines)),
            partial=is_cut(text),
            nct_id_from_filename=from_name,
            site=site or _site(lines),
        ),
        brief_title=found.first("brief_title") or _head_title(head, official_title),
        official_title=official_title,
        acronym=found.first("acronym"),
        org_study_id=org_ids[0] if org_ids else None,
        secondary_ids=fields.secondary_ids(found, org_ids[1:]),
        central_contacts=fields.contacts(found),
        overall_status=status or badge_status,
        start_date=date("start"),
        primary_completion_date=date("primary_completion"),
        completion_date=date("completion"),
        first_posted=date("first_posted"),
        last_update_posted=fields.labelled_date(found, "last_update_posted"),
        status_verified=date("verified"),
        study_type=fields.study_type(found.first("study_type")) or badge_type,
        phases=phases,
        allocation=allocation_value(found.first("allocation")) or design.allocation,
        intervention_model=intervention_model_value(found.first("intervention_model"))
        or design.intervention_model,
        observational_model=observational_model_value(found.first("observational_model"))
        or design.observational_model,
        time_perspective=time_perspective_value(found.first("time_perspective"))
        or design.time_perspective,
        primary_purpose=purpose,
        masking=masking_value(found.first("masking")) or design.masking,
        enrollment=enrollment,
        enrollment_type=enrollment_type,
        brief_summary=summary,
        detailed_description=parts.text(found, "detailed_description"),
        conditions=parts.conditions(found)
        or tuple(dict.fromkeys(table.conditions))
        or head.conditions,
        keywords=parts.keywords(found),
        lead_sponsor=parts.sponsor(found, lines) or role_lead,
        collaborators=parts.collaborators(found) or role_collaborators,
        officials=parts.officials(found),
        arms=labelled_arms or row_arms,
        interventions=_with_arm_labels(
            parts.interventions(found, lines), () if labelled_arms else row_interventions
        ),
        intervention_meshes=tuple(
            MeshTerm(None, heading)
            for heading in dict.fromkeys(found.block("intervention_meshes"))
            if len(heading) <= 120
        ),
        outcomes=parts.outcomes(found),
        eligibility=parts.eligibility(found),
        sites=tree_sites(found.block_lines("sites"))
        or postal_sites(found.block("sites"))
        or parts.sites(found)
        or parts.table_sites(lines),
    )


# A link's text ends at its arrow; what is glued after it is the next element
# ("NCT03228394 \u2197Enrolled (actual)").
_LINK_END = re.compile(r"\u2197(?=\S)")


def page_structure(
    text: str,
    labels: Mapping[str, str] = LABELS,
    glued: tuple[str, ...] = (),
    last_values: tuple[str, ...] = (),
    prefixes: Mapping[str, str] | None = None,
) -> tuple[list[Line], Labelled]:
    """The page's lines and its label hits, as the engine reads them. ``last_values``:
    labels whose value takes one line, which a page may end on
    (``page_shapes.with_last_value``)."""
    page = _LINK_END.sub("\u2197\n", unglue(text, glued) if glued else text)
    lines = _with_closed_row(page_lines(page), page)
    if last_values:
        lines = with_last_value(lines, page, frozenset(map(label_key, last_values)))
    return lines, Labelled(lines, labels, prefixes=prefixes)


def _with_arm_labels(
    items: tuple[Intervention, ...], from_rows: tuple[Intervention, ...]
) -> tuple[Intervention, ...]:
    """The interventions, each with the labels of the arms table rows that list it."""
    if not from_rows:
        return items
    rows = {item.name.lower(): item for item in from_rows}
    kept = tuple(
        replace(item, arm_labels=rows[item.name.lower()].arm_labels)
        if item.name.lower() in rows and not item.arm_labels
        else item
        for item in items
    )
    named = {item.name.lower() for item in items}
    return kept + tuple(item for key, item in rows.items() if key not in named)


def _with_closed_row(lines: list[Line], text: str) -> list[Line]:
    """The lines, with the page's last one back when it is a table row closed by its pipe.

    ``page_lines`` leaves out a last line that the page may stop inside; a row
    that ends with its closing "|" is whole.
    """
    if not looks_cut(text) or not 0 < text.count("\n") < MAX_LINES:
        return lines
    raw = text.rsplit("\n", 1)[1]
    if not raw.rstrip().endswith("|") or raw.count("|") < 2:
        return lines
    return [*lines, *page_lines(raw)]


def _head_title(head: parts.Head, official_title: str | None) -> str | None:
    """The head's title, unless it is the official title the page labels as such."""
    if head.title is None or (official_title and _words(head.title) == _words(official_title)):
        return None
    return head.title


def _words(text: str) -> list[str]:
    return text.casefold().split()


READER = Reader(
    name=NAME,
    description="a web page about one trial from any other site: its labelled facts "
    "(status, phase, sponsor, enrollment, conditions, eligibility ...)",
    detect=detect,
    read=read,
)
