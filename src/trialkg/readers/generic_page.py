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
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from trialkg.model import (
    Allocation,
    Contact,
    DateType,
    Identifier,
    Intervention,
    InterventionModel,
    Masking,
    MeshTerm,
    ObservationalModel,
    PartialDate,
    Phase,
    Purpose,
    Source,
    Status,
    StudyType,
    TimePerspective,
    Trial,
)
from trialkg.readers import Document, Reader, RecordResult
from trialkg.readers import generic_parts as parts
from trialkg.readers.common import stated_date
from trialkg.readers.ctgov_page_sections import conditions_table
from trialkg.readers.labels import (
    MAX_LINES,
    Labelled,
    Line,
    belongs_elsewhere,
    count,
    count_label_lines,
    date_type_of,
    is_cut,
    label_key,
    looks_cut,
    page_date,
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
from trialkg.readers.page_vocabulary import GROUPS, ID_FIELD, LABELS, NCT_LABELS, TRIAL_LABELS
from trialkg.text import NCT_ID
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
    nct_id, from_name = resolve_nct_id(text, name, labelled_ids(found, lines))
    status, status_phases = _status_and_phases(found)
    badge_phases, badge_status, badge_type = run_together(lines)
    # The registry's "Condition or disease | Intervention/treatment | Phase" table, which
    # sites copy with its pipes or with its cells run together on one line.
    table = conditions_table([line.text for line in lines])
    phases = status_phases or _phases(found, lines) or table.phases or badge_phases
    design = _design_pairs(lines)
    enrollment, enrollment_type = _enrollment(found, lines)
    summary = parts.text(found, "brief_summary")
    purpose = purpose_value(found.first("purpose")) or design.purpose
    # "Purpose" heads either the primary purpose ("DIAGNOSTIC") or a summary paragraph.
    purpose_or_summary = found.first("purpose_or_summary")
    if (stated := purpose_value(purpose_or_summary)) is not None:
        purpose = purpose or stated
    elif purpose_or_summary is not None:
        summary = summary or parts.text(found, "purpose_or_summary")
    org_ids = _org_ids(found)
    beside = _dates_beside_labels(lines)

    def date(field: str) -> PartialDate | None:
        return _date(found, field) or beside.get(field)

    return Trial(
        nct_id=nct_id,
        source=Source(
            reader=reader,
            file=name,
            last_update=stated_date(_page_update(found, lines)),
            partial=is_cut(text),
            nct_id_from_filename=from_name,
            site=site or _site(lines),
        ),
        brief_title=found.first("brief_title") or _head_title(head, official_title),
        official_title=official_title,
        acronym=found.first("acronym"),
        org_study_id=org_ids[0] if org_ids else None,
        secondary_ids=_secondary_ids(found, org_ids[1:]),
        central_contacts=_contacts(found),
        overall_status=status or badge_status,
        start_date=date("start"),
        primary_completion_date=date("primary_completion"),
        completion_date=date("completion"),
        first_posted=date("first_posted"),
        last_update_posted=_date(found, "last_update_posted"),
        status_verified=date("verified"),
        study_type=_study_type(found.first("study_type")) or badge_type,
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


# --- identity ---------------------------------------------------------------------------------

_NCT_LABEL_KEYS = tuple(sorted((label.lower() for label in NCT_LABELS), key=len, reverse=True))


def labelled_ids(found: Labelled, lines: list[Line]) -> list[str]:
    """NCT ids that stand under or beside an identifier label."""
    values = [value for _hit, block in found.blocks("nct") for value in block[:3]]
    for line in lines:
        lower = line.text.lower()
        if "nct" in lower and lower.startswith(_NCT_LABEL_KEYS):
            values.append(line.text)
    return values


def _org_ids(found: Labelled) -> list[str]:
    ids: list[str] = []
    for value in found.block("org_study_id")[:5]:
        ids.extend(part.strip() for part in value.split(",") if part.strip())
    if not ids:
        # "Identifiers" lists the NCT id and the sponsor's own id together.
        ids = [v for v in found.block("nct")[:3] if not NCT_ID.search(v) and len(v) < 40]
    return ids


def _secondary_ids(found: Labelled, others: list[str]) -> tuple[Identifier, ...]:
    ids = [Identifier(value) for value in others]
    ids.extend(Identifier(v) for v in found.block("secondary_id")[:5] if len(v) < 60)
    ids.extend(
        Identifier(v.split()[0], "EUDRACT_NUMBER") for v in found.block("eudract")[:1] if v.split()
    )
    registries = sorted({hit.field for hit in found.hits if hit.field.startswith(ID_FIELD)})
    for registry in registries:
        value = found.first(registry)
        # One id: a token without spaces, not a sentence or another label's text.
        if value is not None and len(value.split()) == 1 and len(value) < 40:
            ids.append(Identifier(value, "OTHER", registry[len(ID_FIELD) :]))
    return tuple(dict.fromkeys(ids))


def _contacts(found: Labelled) -> tuple[Contact, ...]:
    """The central contact the page names under a contact label, with its e-mail if given."""
    name = found.first("contact_name")
    if name is None or len(name) > 80 or "@" in name or ":" in name:
        return ()
    email = found.first("contact_email")
    if email is not None and (len(email.split()) != 1 or "@" not in email):
        email = None
    return (Contact(name=name, email=email),)


# --- status, phase, design --------------------------------------------------------------------


def _study_type(text: str | None) -> StudyType | None:
    """ "Interventional (Clinical Trial)", "Observational [Patient Registry]": the type."""
    if text is None:
        return None
    # split at the first bracket: a pattern that backtracks over a line of a million spaces
    # would take minutes
    return study_type_value(text) or study_type_value(re.split(r"[(\[]", text, maxsplit=1)[0])


def _status(text: str) -> Status | None:
    return status_value(text) or status_value(text.split("(")[0])


def _status_and_phases(found: Labelled) -> tuple[Status | None, tuple[Phase, ...]]:
    status = next((s for v in found.block("status")[:2] if (s := _status(v))), None)
    phases: tuple[Phase, ...] = ()
    for value in found.block("status_phase")[:3]:
        status = status or _status(value)
        phases = phases or phase_values(value)
    return status, phases


_BARE_PHASE = re.compile(r"^(IV|I{1,3}|[0-4])(?:\s*[/&,-]\s*(IV|I{1,3}|[1-4]))?$")
_BARE_PHASES: dict[str, Phase] = {
    "I": "PHASE1",
    "II": "PHASE2",
    "III": "PHASE3",
    "IV": "PHASE4",
    "1": "PHASE1",
    "2": "PHASE2",
    "3": "PHASE3",
    "4": "PHASE4",
}


def phase(text: str) -> tuple[Phase, ...]:
    """``Phase 2``, ``PHASE2``, ``N/A``, or a bare ``3`` or ``1/2`` under a Phase label."""
    found = phase_values(text)
    if found:
        return found
    m = _BARE_PHASE.match(text.strip())
    if not m:
        return ()
    return tuple(dict.fromkeys(_BARE_PHASES[part] for part in m.groups() if part in _BARE_PHASES))


def _phases(found: Labelled, lines: list[Line]) -> tuple[Phase, ...]:
    for value in found.block("phase")[:3]:
        if result := phase(value):
            return result
    # "Phase 2" alone on a line names itself.
    for line in lines:
        text = line.text
        if (
            len(text) < 20
            and text[:5].lower() == "phase"
            and text[5:].strip()
            and (result := phase_values(text))
            and result != ("NA",)
        ):
            return result
    return ()


_DESIGN_LABEL = re.compile(
    r"(Allocation|Intervention Model|Masking|Primary Purpose|Observational Model|"
    r"Time Perspective|Endpoint Classification):\s*"
)
V = TypeVar("V", bound=str)


@dataclass(frozen=True, slots=True)
class _Design:
    allocation: Allocation | None = None
    intervention_model: InterventionModel | None = None
    masking: Masking | None = None
    purpose: Purpose | None = None
    observational_model: ObservationalModel | None = None
    time_perspective: TimePerspective | None = None


def _design_pairs(lines: list[Line]) -> _Design:
    """Design values written as one line of pairs: "Allocation: Randomized; Masking: None"."""
    stated: dict[str, list[str]] = {}
    for line in lines:
        if line.text.count(":") < 2 or len(line.text) > 600:
            continue
        parts = _DESIGN_LABEL.split(line.text)
        if len(parts) < 5:
            continue
        for label, value in zip(parts[1::2], parts[2::2], strict=False):
            stated.setdefault(label, []).append(value.strip().rstrip(",;").strip())

    def first(label: str, read: Callable[[str], V | None]) -> V | None:
        """The first value under the label that reads as one of the model's."""
        return next((result for value in stated.get(label, ()) if (result := read(value))), None)

    return _Design(
        allocation=first("Allocation", allocation_value),
        intervention_model=first("Intervention Model", intervention_model_value),
        masking=first("Masking", masking_value),
        purpose=first("Primary Purpose", purpose_value),
        observational_model=first("Observational Model", observational_model_value),
        time_perspective=first("Time Perspective", time_perspective_value),
    )


def _enrollment(found: Labelled, lines: list[Line]) -> tuple[int | None, DateType | None]:
    choice: tuple[int | None, DateType | None] = (None, None)
    for hit, values in found.blocks("enrollment"):
        number = count(values[0]) if values else None
        if number is None:
            continue
        kind = date_type_of(hit.label, values[0])
        if "final accrual" in hit.label.lower():
            kind = "ACTUAL"
        if choice[0] is None or (kind == "ACTUAL" and choice[1] != "ACTUAL"):
            choice = (number, kind)
    if choice[0] is None:
        # A number right above its unit label ("148" over "Participants"), a field only a
        # layout profile names.
        for hit in found.hits:
            if hit.field == "enrollment_unit" and hit.inline is None:
                above = [line.text for line in lines[: hit.index] if line.text]
                if above and above[-1].replace(",", "").isdigit():
                    return count(above[-1]), None
        # "N=91" states a number of participants by itself.
        for line in lines:
            if line.text[:2].lower() == "n=" and (number := count(line.text)) is not None:
                return number, None
    return choice


# --- dates ------------------------------------------------------------------------------------


_DATE_FIELDS = ("start", "primary_completion", "completion", "first_posted", "verified")
_DATE_LABELS = sorted(
    ((label.lower() + " ", field) for field in _DATE_FIELDS for label in GROUPS[field]),
    key=lambda pair: -len(pair[0]),
)
_DATE_LABEL_WORDS = frozenset(label.split()[0] for label, _field in _DATE_LABELS)


def _date(found: Labelled, field: str) -> PartialDate | None:
    for hit, values in found.blocks(field):
        if not values:
            continue
        value = values[0]
        stated = value.split("(")[0].strip()
        if result := page_date(stated, date_type_of(hit.label, value)):
            return result
    return None


def _dates_beside_labels(lines: list[Line]) -> dict[str, PartialDate]:
    """Dates written after their label without a colon: "Start Date 12/01/2003"."""
    dates: dict[str, PartialDate] = {}
    for line in lines:
        if len(line.text) > 80 or line.text.split(" ", 1)[0].lower() not in _DATE_LABEL_WORDS:
            continue
        lower = line.text.lower()
        for label, field in _DATE_LABELS:
            if lower.startswith(label) and field not in dates:
                rest = line.text[len(label) :].strip()
                if date := page_date(rest.split("(")[0].strip(), date_type_of(label, rest)):
                    dates[field] = date
                break
    return dates


_UPDATED = re.compile(r"(?:last updated|updated on)\s*:?\s*", re.IGNORECASE)


def _page_update(found: Labelled, lines: list[Line]) -> str | None:
    """The date the page says it was last updated ("Updated on 28 July 2021")."""
    if date := _date(found, "page_update"):
        return date.value
    for line in lines:
        if len(line.text) > 300 or "pdated" not in line.text:
            continue
        for m in _UPDATED.finditer(line.text):
            words = re.split(r"[\u00b7|]", line.text[m.end() :], maxsplit=1)[0].split()
            for size in (3, 2, 1):
                if len(words) >= size and (date := page_date(" ".join(words[:size]))):
                    return date.value
    return None


READER = Reader(
    name=NAME,
    description="a web page about one trial from any other site: its labelled facts "
    "(status, phase, sponsor, enrollment, conditions, eligibility ...)",
    detect=detect,
    read=read,
)
