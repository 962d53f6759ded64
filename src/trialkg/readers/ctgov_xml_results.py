"""The ``<clinical_results>`` of a legacy ClinicalTrials.gov XML record.

``read_results`` is the only place that knows its element names. Where the XML
says it another way than the API v2 JSON:

* a group's id is an attribute (``<group group_id="E1">``), and each outcome
  numbers its own groups (``O1``, ``O2`` ...), as the JSON does;
* an event group's totals are events of a category titled "Total"
  ("Total, all-cause mortality", "Total, serious adverse events", "Total,
  other adverse events"), not fields of the group;
* an event's vocabulary and assessment default to the list's
  ``default_vocab`` and ``default_assessment``;
* enumerated words are spelt as the API spells them (Primary -> PRIMARY,
  Count of Participants -> COUNT_OF_PARTICIPANTS, 2-Sided -> TWO_SIDED).

Every count goes through ``Checks``: a value the record contradicts is left out
and named with its element path.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element

from trialkg.readers.ctgov_xml_values import block, key, text
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

ROOT = "clinical_results"
_SIDES = {"1_SIDED": "ONE_SIDED", "2_SIDED": "TWO_SIDED"}
# The "Total" category's rows: the event group's totals, by the words after "Total, ".
_TOTALS = {"all-cause mortality": "deaths", "serious adverse events": "serious"}


def read_results(study: Element) -> Results | None:
    """The record's results, or None when it has none."""
    section = study.find(ROOT)
    if section is None:
        return None
    checks = Checks()
    outcomes = tuple(
        _outcome(item, f"{ROOT}/outcome_list/outcome[{index}]", checks)
        for index, item in enumerate(section.findall("outcome_list/outcome"), start=1)
        if text(item, "title")
    )
    return Results(
        flow=_flow(section.find("participant_flow"), checks),
        baseline=_baseline(section.find("baseline"), checks),
        outcomes=outcomes,
        adverse_events=_adverse_events(section.find("reported_events"), checks),
        limitations=text(section, "limitations_and_caveats"),
        problems=tuple(checks.problems),
    )


def _groups(element: Element) -> tuple[ResultGroup, ...]:
    return tuple(
        ResultGroup(group_id, text(item, "title"), block(item, "description"))
        for item in element.findall("group_list/group")
        if (group_id := (item.get("group_id") or "").strip())
    )


def _counts(
    element: Element,
    path: str,
    attribute: str,
    groups: set[str],
    field: str,
    checks: Checks,
) -> tuple[GroupCount, ...]:
    return tuple(
        GroupCount(
            group_id, checks.count(item.get(attribute), f"{where}@{attribute}"), text(item, ".")
        )
        for group_id, item, where in _per_group(element.findall(path), field, path, groups, checks)
    )


def _per_group(
    items: list[Element], field: str, path: str, groups: set[str], checks: Checks
) -> Iterator[tuple[str, Element, str]]:
    """Each item of a per-group list (counts, measurements) with its group id and its
    field; an item for a group the record does not define is reported and left out."""
    for index, item in enumerate(items, start=1):
        where = f"{field}/{path}[{index}]"
        group_id = item.get("group_id")
        if checks.group(group_id, groups, where):
            assert group_id is not None
            yield group_id, item, where


# --- participant flow -------------------------------------------------------------------------


def _flow(element: Element | None, checks: Checks) -> ParticipantFlow | None:
    if element is None:
        return None
    field = f"{ROOT}/participant_flow"
    groups = _groups(element)
    ids = {g.id for g in groups}
    periods = []
    for p_index, period in enumerate(element.findall("period_list/period"), start=1):
        where = f"{field}/period_list/period[{p_index}]"

        periods.append(
            FlowPeriod(
                text(period, "title"),
                _steps(period, "milestone_list/milestone", ids, where, checks),
                _steps(
                    period, "drop_withdraw_reason_list/drop_withdraw_reason", ids, where, checks
                ),
            )
        )
    return ParticipantFlow(
        groups=groups,
        periods=tuple(periods),
        recruitment_details=text(element, "recruitment_details"),
        pre_assignment_details=text(element, "pre_assignment_details"),
    )


def _steps(
    period: Element, path: str, groups: set[str], field: str, checks: Checks
) -> tuple[FlowStep, ...]:
    """The milestones or drop-out reasons of a period, with their counts per group."""
    return tuple(
        FlowStep(
            title,
            _counts(
                item,
                "participants_list/participants",
                "count",
                groups,
                f"{field}/{path}[{index}]",
                checks,
            ),
        )
        for index, item in enumerate(period.findall(path), start=1)
        if (title := text(item, "title"))
    )


# --- baseline and outcome measures ------------------------------------------------------------


def _analysed(
    element: Element, groups: set[str], field: str, checks: Checks
) -> dict[str, int | None]:
    """Participants analysed per group, from the first analysed list (participants)."""
    found: dict[str, int | None] = {}
    for index, analysed in enumerate(element.findall("analyzed_list/analyzed"), start=1):
        where = f"{field}/analyzed_list/analyzed[{index}]"
        for count in _counts(analysed, "count_list/count", "value", groups, where, checks):
            found.setdefault(count.group_id, count.count)
    return found


def _measurements(
    measure: Element,
    groups: set[str],
    overall: dict[str, int | None],
    field: str,
    checks: Checks,
) -> tuple[Measurement, ...]:
    found = []
    for c_index, klass in enumerate(measure.findall("class_list/class"), start=1):
        c_field = f"{field}/class_list/class[{c_index}]"
        in_class = _analysed(klass, groups, c_field, checks)
        for k_index, category in enumerate(klass.findall("category_list/category"), start=1):
            k_field = f"{c_field}/category_list/category[{k_index}]"
            path = "measurement_list/measurement"
            items = category.findall(path)
            for group_id, item, _ in _per_group(items, k_field, path, groups, checks):
                found.append(
                    Measurement(
                        group_id=group_id,
                        value=_attribute(item, "value"),
                        spread=_attribute(item, "spread"),
                        lower_limit=_attribute(item, "lower_limit"),
                        upper_limit=_attribute(item, "upper_limit"),
                        comment=text(item, "."),
                        class_title=text(klass, "title"),
                        category_title=text(category, "title"),
                        denominator=in_class.get(group_id, overall.get(group_id)),
                    )
                )
    return tuple(found)


def _attribute(element: Element, name: str) -> str | None:
    value = (element.get(name) or "").strip()
    return value or None


def _baseline(element: Element | None, checks: Checks) -> Baseline | None:
    if element is None:
        return None
    field = f"{ROOT}/baseline"
    groups = _groups(element)
    ids = {g.id for g in groups}
    overall = _analysed(element, ids, field, checks)
    measures = tuple(
        Measure(
            title=title,
            description=text(item, "description"),
            population=text(item, "population"),
            param_type=key(text(item, "param")),
            dispersion_type=text(item, "dispersion"),
            unit=text(item, "units"),
            measurements=_measurements(
                item,
                ids,
                _analysed(item, ids, f"{field}/measure_list/measure[{index}]", checks) or overall,
                f"{field}/measure_list/measure[{index}]",
                checks,
            ),
        )
        for index, item in enumerate(element.findall("measure_list/measure"), start=1)
        if (title := text(item, "title"))
    )
    return Baseline(
        groups=groups,
        measures=measures,
        population=text(element, "population"),
        denominators=tuple(GroupCount(g, n) for g, n in overall.items()),
    )


def _outcome(element: Element, field: str, checks: Checks) -> Measure:
    groups = _groups(element)
    ids = {g.id for g in groups}
    kind = key(text(element, "type"))
    if kind is not None and kind not in OUTCOME_TYPES:
        checks.problem(f"{field}/type", f"unknown outcome type {kind!r}; left out")
        kind = None
    measure = element.find("measure")
    analyses = []
    for index, item in enumerate(element.findall("analysis_list/analysis"), start=1):
        compared = tuple(
            value for g in item.findall("group_id_list/group_id") if (value := text(g, "."))
        )
        unknown = [g for g in compared if g not in ids]
        if unknown:
            checks.problem(
                f"{field}/analysis_list/analysis[{index}]/group_id_list",
                f"compares group(s) {', '.join(unknown)}, which the record does not define; "
                "the analysis is left out",
            )
            continue
        sides = key(text(item, "ci_n_sides"))
        analyses.append(
            Analysis(
                group_ids=compared,
                group_description=text(item, "groups_desc"),
                method=text(item, "method"),
                method_comment=text(item, "method_desc"),
                p_value=text(item, "p_value"),
                p_value_comment=text(item, "p_value_desc"),
                param_type=text(item, "param_type"),
                param_value=text(item, "param_value"),
                ci_percent=text(item, "ci_percent"),
                ci_sides=_SIDES.get(sides or "", sides),
                ci_lower_limit=text(item, "ci_lower_limit"),
                ci_upper_limit=text(item, "ci_upper_limit"),
                dispersion_type=text(item, "dispersion_type"),
                dispersion_value=text(item, "dispersion_value"),
                non_inferiority_type=key(text(item, "non_inferiority_type")),
                non_inferiority_comment=text(item, "non_inferiority_desc"),
                estimate_comment=text(item, "estimate_desc"),
            )
        )
    measurements: tuple[Measurement, ...] = ()
    if measure is not None:
        overall = _analysed(measure, ids, f"{field}/measure", checks)
        measurements = _measurements(measure, ids, overall, f"{field}/measure", checks)
    return Measure(
        title=text(element, "title") or "",
        type=kind,
        description=text(element, "description"),
        time_frame=text(element, "time_frame"),
        population=text(element, "population"),
        param_type=key(text(measure, "param")),
        dispersion_type=text(measure, "dispersion"),
        unit=text(measure, "units"),
        groups=groups,
        measurements=measurements,
        analyses=tuple(analyses),
    )


# --- adverse events ---------------------------------------------------------------------------


def _adverse_events(element: Element | None, checks: Checks) -> AdverseEvents | None:
    if element is None:
        return None
    field = f"{ROOT}/reported_events"
    groups = _groups(element)
    ids = {g.id for g in groups}
    totals: dict[str, dict[str, int | None]] = {g.id: {} for g in groups}
    events = []
    threshold = None
    for serious, tag in ((True, "serious_events"), (False, "other_events")):
        part = element.find(tag)
        if part is None:
            continue
        threshold = threshold or text(part, "frequency_threshold")
        vocabulary = text(part, "default_vocab")
        assessment = text(part, "default_assessment")
        categories = part.findall("category_list/category")
        for c_index, category in enumerate(categories, start=1):
            organ_system = text(category, "title")
            items = category.findall("event_list/event")
            for e_index, item in enumerate(items, start=1):
                where = (
                    f"{field}/{tag}/category_list/category[{c_index}]/event_list/event[{e_index}]"
                )
                term = text(item, "sub_title")
                if not term:
                    continue
                counts = _event_counts(item, ids, where, checks)
                total = _total_kind(organ_system, term, serious)
                if total is not None:
                    for count in counts:
                        totals[count.group_id][f"{total}_affected"] = count.affected
                        totals[count.group_id][f"{total}_at_risk"] = count.at_risk
                    continue
                title = item.find("sub_title")
                events.append(
                    AdverseEvent(
                        term=term,
                        serious=serious,
                        organ_system=organ_system,
                        vocabulary=(_attribute(title, "vocab") if title is not None else None)
                        or vocabulary,
                        assessment=key(text(item, "assessment") or assessment),
                        notes=text(item, "description"),
                        counts=counts,
                    )
                )
    return AdverseEvents(
        groups=tuple(EventGroup(g, **totals[g.id]) for g in groups),
        events=tuple(events),
        time_frame=text(element, "time_frame"),
        description=text(element, "desc"),
        frequency_threshold=threshold,
    )


def _total_kind(category: str | None, term: str, serious: bool) -> str | None:
    """Which total a row of the "Total" category gives: deaths, serious or other; else None."""
    if (category or "").casefold() != "total" or not term.casefold().startswith("total,"):
        return None
    words = term.split(",", 1)[1].strip().casefold()
    if words in _TOTALS:
        return _TOTALS[words]
    return "other" if words == "other adverse events" and not serious else None


def _event_counts(
    element: Element, groups: set[str], field: str, checks: Checks
) -> tuple[EventCount, ...]:
    found = []
    for group_id, item, where in _per_group(
        element.findall("counts"), field, "counts", groups, checks
    ):
        affected, at_risk = checks.pair(
            checks.count(item.get("subjects_affected"), f"{where}@subjects_affected"),
            checks.count(item.get("subjects_at_risk"), f"{where}@subjects_at_risk"),
            f"{where}@subjects_affected",
        )
        events = checks.count(item.get("events"), f"{where}@events")
        found.append(EventCount(group_id, affected, at_risk, events))
    return tuple(found)
