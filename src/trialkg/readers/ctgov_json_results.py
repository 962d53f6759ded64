"""The ``resultsSection`` of a ClinicalTrials.gov API v2 study: flow, baseline, outcomes, harms.

``read_results`` is the only place that knows the section's field names. Every
count goes through ``Checks``: a value the record contradicts is left out and
named with its field path (``resultsSection.adverseEventsModule...``).
"""

from __future__ import annotations

from typing import Any

from trialkg.readers.json_fields import get, module, objects, string, strings
from trialkg.readers.results_checks import Checks
from trialkg.results_model import (
    OUTCOME_TYPES,
    AdverseEvent,
    AdverseEvents,
    Analysis,
    Baseline,
    EventCount,
    EventGroup,
    FlowPeriod,
    FlowStep,
    GroupCount,
    Measure,
    Measurement,
    ParticipantFlow,
    ResultGroup,
    Results,
)

ROOT = "resultsSection"


def read_results(study: dict[str, Any]) -> Results | None:
    """The study's results, or None when it has no results section."""
    section = study.get(ROOT)
    if section is None:
        return None
    section = module(study, ROOT)
    checks = Checks()
    flow = _flow(module(section, "participantFlowModule"), checks)
    baseline = _baseline(module(section, "baselineCharacteristicsModule"), checks)
    outcomes = tuple(
        _outcome(item, f"{ROOT}.outcomeMeasuresModule.outcomeMeasures[{index}]", checks)
        for index, item in enumerate(objects(section, "outcomeMeasuresModule", "outcomeMeasures"))
        if string(item, "title")
    )
    harms = _adverse_events(module(section, "adverseEventsModule"), checks)
    return Results(
        flow=flow,
        baseline=baseline,
        outcomes=outcomes,
        adverse_events=harms,
        limitations=string(section, "moreInfoModule", "limitationsAndCaveats", "description"),
        problems=tuple(checks.problems),
    )


def _groups(data: dict[str, Any]) -> tuple[ResultGroup, ...]:
    return tuple(
        ResultGroup(group_id, string(item, "title"), string(item, "description"))
        for item in objects(data, "groups")
        if (group_id := string(item, "id"))
    )


def _counts(
    data: dict[str, Any], key: str, value_key: str, groups: set[str], field: str, checks: Checks
) -> tuple[GroupCount, ...]:
    counts = []
    for index, item in enumerate(objects(data, key)):
        where = f"{field}.{key}[{index}]"
        group_id = string(item, "groupId")
        if not checks.group(group_id, groups, where):
            continue
        assert group_id is not None
        count = checks.count(get(item, value_key), f"{where}.{value_key}")
        counts.append(GroupCount(group_id, count, string(item, "comment")))
    return tuple(counts)


# --- participant flow -------------------------------------------------------------------------


def _flow(data: dict[str, Any], checks: Checks) -> ParticipantFlow | None:
    if not data:
        return None
    field = f"{ROOT}.participantFlowModule"
    groups = _groups(data)
    ids = {g.id for g in groups}
    periods = []
    for p_index, period in enumerate(objects(data, "periods")):
        where = f"{field}.periods[{p_index}]"
        milestones = tuple(
            FlowStep(
                kind,
                _counts(
                    item, "achievements", "numSubjects", ids, f"{where}.milestones[{i}]", checks
                ),
                string(item, "comment"),
            )
            for i, item in enumerate(objects(period, "milestones"))
            if (kind := string(item, "type"))
        )
        reasons = tuple(
            FlowStep(
                kind,
                _counts(item, "reasons", "numSubjects", ids, f"{where}.dropWithdraws[{i}]", checks),
                string(item, "comment"),
            )
            for i, item in enumerate(objects(period, "dropWithdraws"))
            if (kind := string(item, "type"))
        )
        periods.append(FlowPeriod(string(period, "title"), milestones, reasons))
    return ParticipantFlow(
        groups=groups,
        periods=tuple(periods),
        recruitment_details=string(data, "recruitmentDetails"),
        pre_assignment_details=string(data, "preAssignmentDetails"),
    )


# --- baseline and outcome measures ------------------------------------------------------------


def _denominators(
    data: dict[str, Any], groups: set[str], field: str, checks: Checks
) -> dict[str, int | None]:
    """Participants analysed per group, from the first denominator (participants)."""
    found: dict[str, int | None] = {}
    for index, denom in enumerate(objects(data, "denoms")):
        for count in _counts(denom, "counts", "value", groups, f"{field}.denoms[{index}]", checks):
            found.setdefault(count.group_id, count.count)
    return found


def _measurements(
    data: dict[str, Any],
    groups: set[str],
    overall: dict[str, int | None],
    field: str,
    checks: Checks,
) -> tuple[Measurement, ...]:
    found = []
    for c_index, klass in enumerate(objects(data, "classes")):
        c_field = f"{field}.classes[{c_index}]"
        in_class = _denominators(klass, groups, c_field, checks)
        class_title = string(klass, "title")
        for k_index, category in enumerate(objects(klass, "categories")):
            k_field = f"{c_field}.categories[{k_index}]"
            for m_index, item in enumerate(objects(category, "measurements")):
                group_id = string(item, "groupId")
                if not checks.group(group_id, groups, f"{k_field}.measurements[{m_index}]"):
                    continue
                assert group_id is not None
                found.append(
                    Measurement(
                        group_id=group_id,
                        value=string(item, "value"),
                        spread=string(item, "spread"),
                        lower_limit=string(item, "lowerLimit"),
                        upper_limit=string(item, "upperLimit"),
                        comment=string(item, "comment"),
                        class_title=class_title,
                        category_title=string(category, "title"),
                        denominator=in_class.get(group_id, overall.get(group_id)),
                    )
                )
    return tuple(found)


def _baseline(data: dict[str, Any], checks: Checks) -> Baseline | None:
    if not data:
        return None
    field = f"{ROOT}.baselineCharacteristicsModule"
    groups = _groups(data)
    ids = {g.id for g in groups}
    overall = _denominators(data, ids, field, checks)
    measures = tuple(
        Measure(
            title=title,
            description=string(item, "description"),
            population=string(item, "populationDescription"),
            param_type=string(item, "paramType"),
            dispersion_type=string(item, "dispersionType"),
            unit=string(item, "unitOfMeasure"),
            measurements=_measurements(
                item,
                ids,
                _denominators(item, ids, f"{field}.measures[{index}]", checks) or overall,
                f"{field}.measures[{index}]",
                checks,
            ),
        )
        for index, item in enumerate(objects(data, "measures"))
        if (title := string(item, "title"))
    )
    return Baseline(
        groups=groups,
        measures=measures,
        population=string(data, "populationDescription"),
        denominators=tuple(GroupCount(g, n) for g, n in overall.items()),
    )


def _outcome(data: dict[str, Any], field: str, checks: Checks) -> Measure:
    groups = _groups(data)
    ids = {g.id for g in groups}
    kind = string(data, "type")
    if kind is not None and kind not in OUTCOME_TYPES:
        checks.problem(f"{field}.type", f"unknown outcome type {kind!r}; left out")
        kind = None
    analyses = []
    for index, item in enumerate(objects(data, "analyses")):
        compared = strings(item, "groupIds")
        unknown = [g for g in compared if g not in ids]
        if unknown:
            checks.problem(
                f"{field}.analyses[{index}].groupIds",
                f"compares group(s) {', '.join(unknown)}, which the record does not define; "
                "the analysis is left out",
            )
            continue
        analyses.append(
            Analysis(
                group_ids=compared,
                group_description=string(item, "groupDescription"),
                method=string(item, "statisticalMethod"),
                method_comment=string(item, "statisticalComment"),
                p_value=string(item, "pValue"),
                p_value_comment=string(item, "pValueComment"),
                param_type=string(item, "paramType"),
                param_value=string(item, "paramValue"),
                ci_percent=string(item, "ciPctValue"),
                ci_sides=string(item, "ciNumSides"),
                ci_lower_limit=string(item, "ciLowerLimit"),
                ci_upper_limit=string(item, "ciUpperLimit"),
                dispersion_type=string(item, "dispersionType"),
                dispersion_value=string(item, "dispersionValue"),
                non_inferiority_type=string(item, "nonInferiorityType"),
                non_inferiority_comment=string(item, "nonInferiorityComment"),
                estimate_comment=string(item, "estimateComment"),
            )
        )
    overall = _denominators(data, ids, field, checks)
    return Measure(
        title=string(data, "title") or "",
        type=kind,
        description=string(data, "description"),
        time_frame=string(data, "timeFrame"),
        population=string(data, "populationDescription"),
        param_type=string(data, "paramType"),
        dispersion_type=string(data, "dispersionType"),
        unit=string(data, "unitOfMeasure"),
        reporting_status=string(data, "reportingStatus"),
        groups=groups,
        measurements=_measurements(data, ids, overall, field, checks),
        analyses=tuple(analyses),
    )


# --- adverse events ---------------------------------------------------------------------------


def _adverse_events(data: dict[str, Any], checks: Checks) -> AdverseEvents | None:
    if not data:
        return None
    field = f"{ROOT}.adverseEventsModule"
    groups = []
    for index, item in enumerate(objects(data, "eventGroups")):
        group_id = string(item, "id")
        if not group_id:
            continue
        where = f"{field}.eventGroups[{index}]"
        totals: dict[str, int | None] = {}
        for kind in ("deaths", "serious", "other"):
            affected = checks.count(get(item, f"{kind}NumAffected"), f"{where}.{kind}NumAffected")
            at_risk = checks.count(get(item, f"{kind}NumAtRisk"), f"{where}.{kind}NumAtRisk")
            pair = checks.pair(affected, at_risk, f"{where}.{kind}NumAffected")
            totals[f"{kind}_affected"], totals[f"{kind}_at_risk"] = pair
        groups.append(
            EventGroup(
                ResultGroup(group_id, string(item, "title"), string(item, "description")),
                **totals,
            )
        )
    ids = {g.group.id for g in groups}
    events = []
    for serious, key in ((True, "seriousEvents"), (False, "otherEvents")):
        for index, item in enumerate(objects(data, key)):
            term = string(item, "term")
            if not term:
                continue
            events.append(
                AdverseEvent(
                    term=term,
                    serious=serious,
                    organ_system=string(item, "organSystem"),
                    vocabulary=string(item, "sourceVocabulary"),
                    assessment=string(item, "assessmentType"),
                    notes=string(item, "notes"),
                    counts=_event_counts(item, ids, f"{field}.{key}[{index}]", checks),
                )
            )
    return AdverseEvents(
        groups=tuple(groups),
        events=tuple(events),
        time_frame=string(data, "timeFrame"),
        description=string(data, "description"),
        frequency_threshold=string(data, "frequencyThreshold"),
    )


def _event_counts(
    data: dict[str, Any], groups: set[str], field: str, checks: Checks
) -> tuple[EventCount, ...]:
    counts = []
    for index, item in enumerate(objects(data, "stats")):
        where = f"{field}.stats[{index}]"
        group_id = string(item, "groupId")
        if not checks.group(group_id, groups, where):
            continue
        assert group_id is not None
        affected, at_risk = checks.pair(
            checks.count(get(item, "numAffected"), f"{where}.numAffected"),
            checks.count(get(item, "numAtRisk"), f"{where}.numAtRisk"),
            f"{where}.numAffected",
        )
        events = checks.count(get(item, "numEvents"), f"{where}.numEvents")
        counts.append(EventCount(group_id, affected, at_risk, events))
    return tuple(counts)
