"""Trial pages of the TrialsToday platform (uams.trialstoday.org and its sister sites).

The layout: an optional title (the print view has it), "Purpose", "Condition",
"Eligibility" with "Eligible Ages", "Eligible Genders" and "Accepts Healthy
Volunteers", the criteria, "Study Design" as label/value lines, "Arm Groups" as
a table read row by row (arm type, label, description, "Drug: X" bullets), and
"More Details" with the NCT id, status and sponsor, then the site's "Notice".

The platform flattens each criteria list into one line, items joined by " - ";
an item is taken to start wherever " - " is followed by a capital letter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from trialkg.model import Arm, Eligibility, Intervention, Source, Trial
from trialkg.readers import Document, Reader, RecordResult
from trialkg.readers.labels import (
    MAX_LINES,
    SECTION,
    Labelled,
    Line,
    belongs_elsewhere,
    count_label_lines,
    intervention,
    is_cut,
    label_key,
    label_map,
    looks_cut,
    organisation,
    page_lines,
    resolve_nct_id,
    unique,
)
from trialkg.readers.page_eligibility import (
    ages,
    healthy_volunteers,
    sex,
)
from trialkg.values import (
    allocation_value,
    arm_type_value,
    intervention_model_value,
    masking_value,
    observational_model_value,
    phase_values,
    purpose_value,
    status_value,
    study_type_value,
    time_perspective_value,
)

NAME = "trialstoday"
SITE = "trialstoday.org"

_LABELS = label_map(
    {
        "purpose_text": ("Purpose",),
        "conditions": ("Condition", "Conditions"),
        "ages": ("Eligible Ages",),
        "sex": ("Eligible Genders",),
        "healthy": ("Accepts Healthy Volunteers",),
        "inclusion": ("Inclusion Criteria",),
        "exclusion": ("Exclusion Criteria",),
        "phase": ("Phase",),
        "study_type": ("Study Type",),
        "allocation": ("Allocation",),
        "intervention_model": ("Intervention Model",),
        "observational_model": ("Observational Model",),
        "time_perspective": ("Time Perspective",),
        "purpose": ("Primary Purpose",),
        "masking": ("Masking",),
        "arms": ("Arm Groups",),
        "nct": ("NCT ID",),
        "status": ("Status",),
        "sponsor": ("Sponsor",),
        "notice": ("Notice",),
        SECTION: ("Eligibility", "Study Design", "Recruiting Locations", "More Details"),
    }
)


def detect(head: str) -> bool:
    if belongs_elsewhere(head):
        return False
    return count_label_lines(head, ("Eligible Ages", "Eligible Genders", "Arm Groups")) >= 2


def read(document: Document) -> Iterator[RecordResult]:
    text = document.text()
    lines = _with_last_value(page_lines(text), text)
    found = Labelled(lines, _LABELS, inline=False)
    nct_id, from_name = resolve_nct_id(text, document.name, found.block("nct")[:1])
    arms, interventions = _arms(found.block("arms"))
    first_hit = found.hits[0].index if found.hits else 0
    titles = [line.text for line in lines[:first_hit] if line.text]
    yield Trial(
        nct_id=nct_id,
        source=Source(
            reader=NAME,
            file=document.name,
            partial=not found.has("notice") and is_cut(text),
            nct_id_from_filename=from_name,
            site=SITE,
        ),
        brief_title=titles[0] if titles else None,
        overall_status=status_value(found.first("status")),
        study_type=study_type_value(found.first("study_type")),
        phases=phase_values(found.first("phase")),
        allocation=allocation_value(found.first("allocation")),
        intervention_model=intervention_model_value(found.first("intervention_model")),
        observational_model=observational_model_value(found.first("observational_model")),
        time_perspective=time_perspective_value(found.first("time_perspective")),
        primary_purpose=purpose_value(found.first("purpose")),
        masking=masking_value(found.first("masking")),
        brief_summary="\n".join(found.block("purpose_text")) or None,
        conditions=unique(v for v in found.block("conditions") if len(v) < 200),
        lead_sponsor=organisation(found.first("sponsor")),
        arms=arms,
        interventions=interventions,
        eligibility=_eligibility(found),
    )


# "More Details", the layout's last block: each label takes one line of value.
_ONE_LINE_LABELS = frozenset({"nct id", "status", "sponsor"})
_JOINING_ENDS = ("-", "&", ",", "/", "(", "+", " and", " of", " the", " for")


def _with_last_value(lines: list[Line], text: str) -> list[Line]:
    """The page's lines, with its last one back when it is a whole value under its label.

    ``page_lines`` leaves out a last line that does not end a sentence, as the page
    may stop inside it. The print view ends with "Sponsor" and the sponsor's name
    on one line: a page that stops at the end of that line, right under the
    label, is taken to state the value whole. A value ending on a joining mark or
    word ("Bristol-Myers &") shows a cut and stays out. A name cut between two of
    its words could not be told from a whole one: that risk is taken for the
    one-line values of this last block only.
    """
    if not looks_cut(text) or not 0 < text.count("\n") < MAX_LINES:
        return lines
    raw = text.rsplit("\n", 1)[1]
    value = raw.strip()
    filled = [line for line in lines if line.text]
    if (
        not value
        or len(value) > 200
        or not filled
        or label_key(filled[-1].text) not in _ONE_LINE_LABELS
        or value.lower().endswith(_JOINING_ENDS)
    ):
        return lines
    return [*lines, Line(value, raw, len(raw) - len(raw.lstrip()), False)]


# " - " before a capital letter separates items run together on one line. The lookbehind
# starts a match only at the first space of a run: without it, a search tried from every
# space of a long run and rescanned the rest of the run each time (fuzz finding 4).
_ITEM_BREAK = re.compile(r"(?<!\s)\s+-\s+(?=[A-Z])")


def _items(values: list[str]) -> tuple[str, ...]:
    return tuple(item.strip() for v in values for item in _ITEM_BREAK.split(v) if item.strip())


def _eligibility(found: Labelled) -> Eligibility | None:
    inclusion = _items(found.block("inclusion"))
    exclusion = _items(found.block("exclusion"))
    parts = []
    if inclusion:
        parts.append("Inclusion Criteria:\n" + "\n".join(found.block("inclusion")))
    if exclusion:
        parts.append("Exclusion Criteria:\n" + "\n".join(found.block("exclusion")))
    limits = ages(found.first("ages"))
    eligibility = Eligibility(
        criteria_text="\n\n".join(parts) or None,
        inclusion=inclusion,
        exclusion=exclusion,
        minimum_age=limits.minimum,
        maximum_age=limits.maximum,
        sex=sex(found.first("sex")),
        healthy_volunteers=healthy_volunteers(found.first("healthy")),
        std_ages=limits.std_ages,
    )
    return None if eligibility == Eligibility() else eligibility


def _arms(values: list[str]) -> tuple[tuple[Arm, ...], tuple[Intervention, ...]]:
    """Rows of the arms table: an arm type, the label, a description, "Drug: X" bullets."""
    arms: list[Arm] = []
    links: dict[str, tuple[Intervention, list[str]]] = {}
    state = "type"
    for value in values[:2000]:
        kind = arm_type_value(value)
        typed = intervention(value)
        if kind is not None and state != "label":
            arms.append(Arm(label="", type=kind))
            state = "label"
        elif not arms or value.replace(" ", "") == "ArmDescriptionAssignedIntervention":
            continue
        elif state == "label":
            arms[-1] = Arm(value, arms[-1].type)
            state = "description"
        elif typed is not None and typed.type is not None:
            arm = arms[-1]
            spelt = f"{value.split(':', 1)[0].strip()}: {typed.name}"
            arms[-1] = Arm(arm.label, arm.type, arm.description, (*arm.intervention_names, spelt))
            known = links.setdefault(typed.name.lower(), (typed, []))
            known[1].append(arm.label)
        elif state == "description" and arms[-1].description is None:
            arm = arms[-1]
            arms[-1] = Arm(arm.label, arm.type, value, arm.intervention_names)
    interventions = tuple(
        Intervention(item.name, item.type, arm_labels=unique(labels))
        for item, labels in links.values()
    )
    return tuple(arm for arm in arms if arm.label), interventions


READER = Reader(
    name=NAME,
    description="TrialsToday platform trial pages (eligibility, design, arm groups, status)",
    detect=detect,
    read=read,
)
