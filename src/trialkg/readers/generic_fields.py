"""The general page reader's labelled fields: ids and contacts, status, phase and design,
enrollment, and dates (``generic_page.page_trial`` puts them together)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from trialkg.model import (
    Allocation,
    Contact,
    DateType,
    Identifier,
    InterventionModel,
    Masking,
    ObservationalModel,
    PartialDate,
    Phase,
    Purpose,
    Status,
    StudyType,
    TimePerspective,
)
from trialkg.readers.labels import Labelled, Line, count, date_type_of, page_date
from trialkg.readers.page_vocabulary import GROUPS, ID_FIELD, NCT_LABELS
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


def org_ids(found: Labelled) -> list[str]:
    ids: list[str] = []
    for value in found.block("org_study_id")[:5]:
        ids.extend(part.strip() for part in value.split(",") if part.strip())
    if not ids:
        # "Identifiers" lists the NCT id and the sponsor's own id together.
        ids = [v for v in found.block("nct")[:3] if not NCT_ID.search(v) and len(v) < 40]
    return ids


def secondary_ids(found: Labelled, others: list[str]) -> tuple[Identifier, ...]:
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


def contacts(found: Labelled) -> tuple[Contact, ...]:
    """The central contact the page names under a contact label, with its e-mail if given."""
    name = found.first("contact_name")
    if name is None or len(name) > 80 or "@" in name or ":" in name:
        return ()
    email = found.first("contact_email")
    if email is not None and (len(email.split()) != 1 or "@" not in email):
        email = None
    return (Contact(name=name, email=email),)


# --- status, phase, design --------------------------------------------------------------------


def study_type(text: str | None) -> StudyType | None:
    """ "Interventional (Clinical Trial)", "Observational [Patient Registry]": the type."""
    if text is None:
        return None
    # split at the first bracket: a pattern that backtracks over a line of a million spaces
    # would take minutes
    return study_type_value(text) or study_type_value(re.split(r"[(\[]", text, maxsplit=1)[0])


def _status(text: str) -> Status | None:
    return status_value(text) or status_value(text.split("(")[0])


def status_and_phases(found: Labelled) -> tuple[Status | None, tuple[Phase, ...]]:
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


def labelled_phases(found: Labelled, lines: list[Line]) -> tuple[Phase, ...]:
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
class Design:
    allocation: Allocation | None = None
    intervention_model: InterventionModel | None = None
    masking: Masking | None = None
    purpose: Purpose | None = None
    observational_model: ObservationalModel | None = None
    time_perspective: TimePerspective | None = None


def design_pairs(lines: list[Line]) -> Design:
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

    return Design(
        allocation=first("Allocation", allocation_value),
        intervention_model=first("Intervention Model", intervention_model_value),
        masking=first("Masking", masking_value),
        purpose=first("Primary Purpose", purpose_value),
        observational_model=first("Observational Model", observational_model_value),
        time_perspective=first("Time Perspective", time_perspective_value),
    )


def enrollment(found: Labelled, lines: list[Line]) -> tuple[int | None, DateType | None]:
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


def labelled_date(found: Labelled, field: str) -> PartialDate | None:
    for hit, values in found.blocks(field):
        if not values:
            continue
        value = values[0]
        stated = value.split("(")[0].strip()
        if result := page_date(stated, date_type_of(hit.label, value)):
            return result
    return None


def dates_beside_labels(lines: list[Line]) -> dict[str, PartialDate]:
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


def page_update(found: Labelled, lines: list[Line]) -> str | None:
    """The date the page says it was last updated ("Updated on 28 July 2021")."""
    if date := labelled_date(found, "page_update"):
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
