"""The results of a trial as its record reports them: groups, flow, baseline, outcomes, harms.

These frozen dataclasses hang off ``model.Trial.results``. Numbers of participants
are ints; a measured value, a spread, a limit or a p-value stays the text the
record writes ("19.63", "NA", "<0.001"), and the mapping types it where it is a
number. Counts are never pooled here: every count belongs to one group.

A value the record contradicts (more participants affected than at risk, a
measurement for a group the record does not define) is left out, and a
``ResultsProblem`` names the field and says what was dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

# Outcome measure types, in the API v2 spelling.
OUTCOME_TYPES = frozenset({"PRIMARY", "SECONDARY", "OTHER_PRE_SPECIFIED", "POST_HOC"})


@dataclass(frozen=True, slots=True)
class ResultGroup:
    """A group the results report on: ``FG000`` / ``P1`` as the record numbers it."""

    id: str
    title: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class GroupCount:
    """Participants of one group: at a milestone, for a drop-out reason, or a denominator."""

    group_id: str
    count: int | None
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class FlowStep:
    """A milestone (STARTED, COMPLETED ...) or a drop-out reason of a flow period."""

    type: str
    counts: tuple[GroupCount, ...] = ()
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class FlowPeriod:
    title: str | None
    milestones: tuple[FlowStep, ...] = ()
    drop_reasons: tuple[FlowStep, ...] = ()


@dataclass(frozen=True, slots=True)
class ParticipantFlow:
    groups: tuple[ResultGroup, ...]
    periods: tuple[FlowPeriod, ...] = ()
    recruitment_details: str | None = None
    pre_assignment_details: str | None = None


@dataclass(frozen=True, slots=True)
class Measurement:
    """One group's value in one class and category of a measure, as the record writes it."""

    group_id: str
    value: str | None
    spread: str | None = None
    lower_limit: str | None = None
    upper_limit: str | None = None
    comment: str | None = None
    class_title: str | None = None
    category_title: str | None = None
    denominator: int | None = None  # participants analysed in this group (and class)


@dataclass(frozen=True, slots=True)
class Analysis:
    """A statistical analysis of an outcome: the groups compared and what it found."""

    group_ids: tuple[str, ...]
    group_description: str | None = None
    method: str | None = None
    method_comment: str | None = None
    p_value: str | None = None
    p_value_comment: str | None = None
    param_type: str | None = None
    param_value: str | None = None
    ci_percent: str | None = None
    ci_sides: str | None = None
    ci_lower_limit: str | None = None
    ci_upper_limit: str | None = None
    dispersion_type: str | None = None
    dispersion_value: str | None = None
    non_inferiority_type: str | None = None
    non_inferiority_comment: str | None = None
    estimate_comment: str | None = None


@dataclass(frozen=True, slots=True)
class Measure:
    """A baseline characteristic (``type`` None) or an outcome measure with its values."""

    title: str
    type: str | None = None  # PRIMARY, SECONDARY, OTHER_PRE_SPECIFIED, POST_HOC
    description: str | None = None
    time_frame: str | None = None
    population: str | None = None
    param_type: str | None = None
    dispersion_type: str | None = None
    unit: str | None = None
    reporting_status: str | None = None
    groups: tuple[ResultGroup, ...] = ()  # an outcome's own groups; a baseline measure's none
    measurements: tuple[Measurement, ...] = ()
    analyses: tuple[Analysis, ...] = ()


@dataclass(frozen=True, slots=True)
class Baseline:
    groups: tuple[ResultGroup, ...]
    measures: tuple[Measure, ...] = ()
    population: str | None = None
    denominators: tuple[GroupCount, ...] = ()


@dataclass(frozen=True, slots=True)
class EventGroup:
    """A group of the adverse-event report, with its totals."""

    group: ResultGroup
    deaths_affected: int | None = None
    deaths_at_risk: int | None = None
    serious_affected: int | None = None
    serious_at_risk: int | None = None
    other_affected: int | None = None
    other_at_risk: int | None = None


@dataclass(frozen=True, slots=True)
class EventCount:
    """One event in one group: participants affected, at risk, and events counted."""

    group_id: str
    affected: int | None = None
    at_risk: int | None = None
    events: int | None = None


@dataclass(frozen=True, slots=True)
class AdverseEvent:
    term: str
    serious: bool
    organ_system: str | None = None
    vocabulary: str | None = None  # as the record names it: "MedDRA 23.0"
    assessment: str | None = None  # SYSTEMATIC_ASSESSMENT / NON_SYSTEMATIC_ASSESSMENT
    notes: str | None = None
    counts: tuple[EventCount, ...] = ()


@dataclass(frozen=True, slots=True)
class AdverseEvents:
    groups: tuple[EventGroup, ...]
    events: tuple[AdverseEvent, ...] = ()
    time_frame: str | None = None
    description: str | None = None
    frequency_threshold: str | None = None  # percent, as written


@dataclass(frozen=True, slots=True)
class ResultsProblem:
    """A value left out because the record contradicts itself there."""

    field: str
    message: str


@dataclass(frozen=True, slots=True)
class Results:
    flow: ParticipantFlow | None = None
    baseline: Baseline | None = None
    outcomes: tuple[Measure, ...] = ()
    adverse_events: AdverseEvents | None = None
    limitations: str | None = None
    problems: tuple[ResultsProblem, ...] = ()


# --- protocol fields beyond the core model ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class WebLink:
    url: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class ProtocolDetails:
    """Oversight, sample retention, expanded access, data sharing and links, as stated."""

    has_dmc: bool | None = None  # a data monitoring committee
    fda_regulated_drug: bool | None = None
    fda_regulated_device: bool | None = None
    unapproved_device: bool | None = None
    us_export: bool | None = None
    has_expanded_access: bool | None = None
    expanded_access_nct_id: str | None = None
    biospecimen_retention: str | None = None  # NONE_RETAINED, SAMPLES_WITH_DNA, SAMPLES_WITHOUT_DNA
    biospecimen_description: str | None = None
    target_duration: str | None = None
    patient_registry: bool | None = None
    ipd_sharing: str | None = None  # YES, NO, UNDECIDED
    ipd_description: str | None = None
    ipd_info_types: tuple[str, ...] = ()
    ipd_time_frame: str | None = None
    ipd_access_criteria: str | None = None
    ipd_url: str | None = None
    web_links: tuple[WebLink, ...] = ()
