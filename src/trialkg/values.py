"""The model's controlled values, read from the many ways sources write them.

"Phase 2", "PHASE2" and "Phase II" are one phase; "Active, not recruiting" and
"ACTIVE_NOT_RECRUITING" one status. Each function returns the model's spelling
(a ``Literal`` of ``trialkg.model``), or ``None`` for text that is not such a value.
"""

from __future__ import annotations

import re

from trialkg.model import (
    ALLOCATIONS,
    ARM_TYPES,
    DATE_TYPES,
    INTERVENTION_MODELS,
    INTERVENTION_TYPES,
    MASKINGS,
    OBSERVATIONAL_MODELS,
    PHASES,
    PURPOSES,
    SEXES,
    STATUSES,
    STUDY_TYPES,
    TIME_PERSPECTIVES,
    Allocation,
    ArmType,
    DateType,
    InterventionModel,
    InterventionType,
    Masking,
    ObservationalModel,
    Phase,
    Purpose,
    Sex,
    Status,
    StudyType,
    TimePerspective,
)
from trialkg.text import enum_key, enum_value

_STATUS_ALIASES: dict[str, Status] = {
    "ACTIVE": "ACTIVE_NOT_RECRUITING",
    "ACTIVE_NOT_RECRUITING": "ACTIVE_NOT_RECRUITING",
    "NOT_RECRUITING": "ACTIVE_NOT_RECRUITING",
    "UNKNOWN_STATUS": "UNKNOWN",
    "WITHHELD": "WITHHELD",
    "ENROLLING_BY_INVITATION_ONLY": "ENROLLING_BY_INVITATION",
    "COMPLETE": "COMPLETED",
}


def status_value(text: str | None) -> Status | None:
    return enum_value(text, STATUSES, aliases=_STATUS_ALIASES)


_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4"}
_PHASES: dict[str, Phase] = {phase: phase for phase in PHASES}


def phase_values(text: str | None) -> tuple[Phase, ...]:
    """Phases stated in text: ``Phase 1/Phase 2`` gives (PHASE1, PHASE2); ``N/A`` gives (NA,)."""
    if text is None:
        return ()
    value = text.strip()
    if not value:
        return ()
    upper = value.upper()
    if upper in {"NA", "N/A", "NOT APPLICABLE", "NOT_APPLICABLE"}:
        return ("NA",)
    found: list[str] = []
    if re.search(r"EARLY[\s_]*PHASE[\s_]*(1|I)\b", upper):
        found.append("EARLY_PHASE1")
        upper = re.sub(r"EARLY[\s_]*PHASE[\s_]*(1|I)\b", " ", upper)
    # "Phase 1/2" and "Phase 1/Phase 2" both name two phases.
    for m in re.finditer(
        r"PHASE[\s_]*((?:[1-4]|IV|III|II|I)(?:\s*[/,&]\s*(?:PHASE[\s_]*)?(?:[1-4]|IV|III|II|I))*)\b",
        upper,
    ):
        for part in re.findall(r"IV|III|II|I|[1-4]", m.group(1)):
            found.append("PHASE" + _ROMAN.get(part, part))
    return tuple(dict.fromkeys(_PHASES[p] for p in found if p in _PHASES))


def study_type_value(text: str | None) -> StudyType | None:
    return enum_value(
        text,
        STUDY_TYPES,
        aliases={
            "EXPANDED_ACCESS": "EXPANDED_ACCESS",
            "OBSERVATIONAL_PATIENT_REGISTRY": "OBSERVATIONAL",
        },
    )


_INTERVENTION_ALIASES: dict[str, InterventionType] = {
    "BIOLOGIC": "BIOLOGICAL",
    "BIOLOGICS": "BIOLOGICAL",
    "BEHAVIOURAL": "BEHAVIORAL",
    "DIAGNOSTIC": "DIAGNOSTIC_TEST",
    "RADIOTHERAPY": "RADIATION",
    "SUPPLEMENT": "DIETARY_SUPPLEMENT",
    "SURGERY": "PROCEDURE",
    "PROCEDURE_SURGERY": "PROCEDURE",
    "COMBINATION": "COMBINATION_PRODUCT",
}


def intervention_type_value(text: str | None) -> InterventionType | None:
    return enum_value(text, INTERVENTION_TYPES, aliases=_INTERVENTION_ALIASES)


_ARM_ALIASES: dict[str, ArmType] = {
    "ACTIVE_COMPARATOR_ARM": "ACTIVE_COMPARATOR",
    "PLACEBO": "PLACEBO_COMPARATOR",
    "SHAM": "SHAM_COMPARATOR",
    "NO_INTERVENTION_ARM": "NO_INTERVENTION",
}


def arm_type_value(text: str | None) -> ArmType | None:
    return enum_value(text, ARM_TYPES, aliases=_ARM_ALIASES)


_DATE_TYPE_ALIASES: dict[str, DateType] = {
    "ANTICIPATED": "ESTIMATED",
    "EXPECTED": "ESTIMATED",
    "ESTIMATE": "ESTIMATED",
}


def date_type_value(text: str | None) -> DateType | None:
    """Whether a date or a count is ACTUAL or ESTIMATED ("Anticipated" is ESTIMATED)."""
    return enum_value(text, DATE_TYPES, aliases=_DATE_TYPE_ALIASES)


def sex_value(text: str | None) -> Sex | None:
    return enum_value(text, SEXES, aliases={"BOTH": "ALL", "WOMEN": "FEMALE", "MEN": "MALE"})


def allocation_value(text: str | None) -> Allocation | None:
    return enum_value(
        text,
        ALLOCATIONS,
        aliases={
            "RANDOMISED": "RANDOMIZED",
            "NON_RANDOMISED": "NON_RANDOMIZED",
            "N_A": "NA",
            "NOT_APPLICABLE": "NA",
            "NONRANDOMIZED": "NON_RANDOMIZED",
        },
    )


def intervention_model_value(text: str | None) -> InterventionModel | None:
    if text is None:
        return None
    key = enum_key(text).removesuffix("_ASSIGNMENT")
    return enum_value(key, INTERVENTION_MODELS, aliases={"SINGLE_GROUP_ASSIGNMENT": "SINGLE_GROUP"})


_MASKINGS: dict[str, Masking] = {masking: masking for masking in MASKINGS}
_MASKING_ALIASES: dict[str, Masking] = {
    "SINGLE_BLIND": "SINGLE",
    "DOUBLE_BLIND": "DOUBLE",
    "TRIPLE_BLIND": "TRIPLE",
}


def masking_value(text: str | None) -> Masking | None:
    """``Open Label`` and ``None (Open Label)`` are NONE;
    ``Double (Participant, ...)`` is DOUBLE."""
    if text is None:
        return None
    key = enum_key(text)
    if key.startswith(("NONE", "OPEN_LABEL", "NO_MASKING")):
        return "NONE"
    first = key.split("_", 1)[0]
    return _MASKING_ALIASES.get(key) or _MASKINGS.get(first)


def purpose_value(text: str | None) -> Purpose | None:
    return enum_value(text, PURPOSES, aliases={"DIAGNOSIS": "DIAGNOSTIC"})


def observational_model_value(text: str | None) -> ObservationalModel | None:
    return enum_value(text, OBSERVATIONAL_MODELS, aliases={"CASE_CONTROL_STUDY": "CASE_CONTROL"})


def time_perspective_value(text: str | None) -> TimePerspective | None:
    return enum_value(text, TIME_PERSPECTIVES, aliases={"CROSS_SECTIONAL": "CROSS_SECTIONAL"})
