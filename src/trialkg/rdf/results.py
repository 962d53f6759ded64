"""The mapping of a trial's results: groups, participant flow, baseline, outcomes, harms.

Called by ``rdf.mapping`` with its writer; pure like it. Every count stays with
its group (``tkg:AdverseEventCount`` of one event in one group): nothing is
pooled across groups, so a rate is always per group.

A result group is tied to the arm it reports (``tkg:reportsArm``) only when
that is unambiguous, and ``tkg:armMatchMethod`` says how it was decided (see
``match_arms``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from trialkg.linking import Concept, TrialLinks
from trialkg.model import Arm, Trial
from trialkg.rdf import iri, vocab
from trialkg.rdf.terms import IRI, Lit, Object, Triple
from trialkg.rdf.vocab import TYPE, p
from trialkg.results_model import (
    AdverseEvents,
    Analysis,
    Baseline,
    Measure,
    Measurement,
    ParticipantFlow,
    ProtocolDetails,
    ResultGroup,
    Results,
)
from trialkg.text import fold

if TYPE_CHECKING:
    from trialkg.rdf.mapping import _Writer

XSD = vocab.XSD
# Writes a concept's shared node with the mapping's writer (or a _Capture) and names it.
ConceptWriter = Callable[[Any, Concept, str], str]
# A number as a record writes one: "19.63", "-2", ".29", "1,234" is not one.
_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")


@functools.lru_cache(maxsize=4096)
def _int(value: int) -> Lit:
    # Counts repeat (a few hundred distinct values in a bulk of 45,000): one literal each.
    return Lit(str(value), XSD + "integer")


def _count_node(
    w: _Writer,
    owner: str,
    link: str,
    cls: str,
    group: tuple[str, str],
    numbers: Sequence[tuple[str, int | None]],
) -> str:
    """One group's count node under its owner (a flow step, an event): tied to the owner
    and to the group (its node and slug), with its numbers; an absent number stays absent."""
    node = f"{owner}/group/{group[1]}"
    w.link(owner, link, node)
    w.link(node, TYPE, cls)
    w.link(node, _GROUP, group[0])
    for predicate, value in numbers:
        if value is not None:
            w.add(node, predicate, _int(value))
    return node


_TRUE, _FALSE = Lit("true", XSD + "boolean"), Lit("false", XSD + "boolean")


def _bool(value: bool) -> Lit:
    return _TRUE if value else _FALSE


def value_literal(value: str | None) -> Lit | None:
    """The record's value as written, an xsd:decimal when it is a plain number."""
    if value is None:
        return None
    return Lit(value, XSD + "decimal") if _DECIMAL.match(value) else Lit(value)


# --- groups and arms --------------------------------------------------------------------------


def _words(text: str | None) -> str:
    return " ".join(fold(text or "").split())


def match_arms(groups: Sequence[ResultGroup], arms: Sequence[Arm]) -> dict[str, tuple[int, str]]:
    """The arm (its index) each group reports, with the method, where only one arm fits.

    Tried in order, each only where it names exactly one arm:

    * ``title``: the group's title is the arm's label (case and spacing aside);
    * ``title-prefix``: the title is the label followed by more words
      ("Treatment A Mobile Application (CT-101-M)");
    * ``description``: the group's description starts with the arm's description;
    * ``single-arm``: the trial has one arm and the results one group.

    A group that fits none, or more than one arm, is left without an arm.
    """
    labels = [_words(arm.label) for arm in arms]
    descriptions = [_words(arm.description) for arm in arms]
    found: dict[str, tuple[int, str]] = {}
    for group in groups:
        fits = _fitting_arms(_words(group.title), _words(group.description), labels, descriptions)
        if fits is not None:
            found[group.id] = fits
        elif len(arms) == 1 and len(groups) == 1:
            found[group.id] = (0, "single-arm")
    return found


def _fitting_arms(
    title: str, described: str, labels: list[str], descriptions: list[str]
) -> tuple[int, str] | None:
    """The one arm a group's title or description names, with the test that found it."""
    indices = range(len(labels))
    tests = (
        ("title", [i for i in indices if title and title == labels[i]]),
        (
            "title-prefix",
            [
                i
                for i in indices
                if labels[i]
                and title.startswith(labels[i])
                and not title[len(labels[i]) : len(labels[i]) + 1].isalnum()
            ],
        ),
        (
            "description",
            [
                i
                for i in indices
                if len(descriptions[i]) >= 20 and described.startswith(descriptions[i])
            ],
        ),
    )
    for method, fits in tests:
        if len(fits) == 1:
            return fits[0], method
    return None


class _Context:
    """One trial's results mapping: its writer, IRIs and the arms groups may report."""

    def __init__(self, w: _Writer, trial: Trial) -> None:
        self.w = w
        self.nct = trial.nct_id
        self.trial = iri.trial(trial.nct_id)
        self.arms = trial.arms
        slugger = iri.Slugger()  # the same slugs as the mapping gives the arms
        self.arm_nodes = [self.part("arm", slugger(arm.label)) for arm in trial.arms]
        self.slugs: dict[str, str] = {}  # group id -> its slug, as the groups' nodes use it

    def part(self, kind: str, local: str) -> str:
        return iri.part(self.nct, kind, local)

    def groups(
        self, owner: str, groups: Sequence[ResultGroup], base: str | None = None
    ) -> dict[str, str]:
        """Group nodes under ``base`` (the trial's when None), each tied to its owner."""
        w = self.w
        matched = match_arms(groups, self.arms)
        nodes = {}
        for group in groups:
            local = self.slugs[group.id] = iri.slug(group.id)
            node = f"{base}/group/{local}" if base else self.part("group", local)
            nodes[group.id] = node
            w.link(self.trial, p("resultGroup"), node)
            w.link(owner, p("group"), node)
            w.link(node, TYPE, vocab.TKG + "ResultGroup")
            w.text(node, p("groupId"), group.id)
            w.text(node, vocab.LABEL, group.title)
            w.text(node, p("description"), group.description)
            if group.id in matched:
                index, method = matched[group.id]
                w.link(node, p("reportsArm"), self.arm_nodes[index])
                w.text(node, p("armMatchMethod"), method)
        return nodes


def map_results(
    w: _Writer, trial: Trial, links: TrialLinks, concept: ConceptWriter, *, results: bool = True
) -> None:
    """The results and the further protocol fields of one trial, into the writer."""
    if trial.details is not None:
        _details(w, trial.nct_id, trial.details)
    found = trial.results
    if found is None or not results:
        return
    c = _Context(w, trial)
    w.text(c.trial, p("limitationsAndCaveats"), found.limitations)
    if found.flow is not None:
        _flow(c, found.flow)
    if found.baseline is not None:
        _baseline(c, found.baseline)
    for index, measure in enumerate(found.outcomes, start=1):
        _outcome(c, measure, index)
    if found.adverse_events is not None:
        _adverse_events(c, found.adverse_events, links.adverse_events, concept)
    _problems(w, found, trial)


def _problems(w: _Writer, found: Results, trial: Trial) -> None:
    """Each value left out, named on the record's source graph (its provenance node)."""
    graph = iri.graph(trial.nct_id, iri.source_key(trial.source))
    for problem in found.problems:
        w.text(graph, p("droppedValue"), f"{problem.field}: {problem.message}")


# --- participant flow -------------------------------------------------------------------------


def _flow(c: _Context, flow: ParticipantFlow) -> None:
    w = c.w
    node = c.part("participant-flow", "flow")
    w.link(c.trial, p("participantFlow"), node)
    w.link(node, TYPE, vocab.TKG + "ParticipantFlow")
    w.text(node, p("recruitmentDetails"), flow.recruitment_details)
    w.text(node, p("preAssignmentDetails"), flow.pre_assignment_details)
    groups = c.groups(node, flow.groups)
    for p_index, period in enumerate(flow.periods, start=1):
        period_node = c.part("flow-period", str(p_index))
        w.link(node, p("period"), period_node)
        w.link(period_node, TYPE, vocab.TKG + "FlowPeriod")
        w.text(period_node, vocab.LABEL, period.title)
        for kind, steps, cls in (
            ("milestone", period.milestones, "FlowMilestone"),
            ("drop-reason", period.drop_reasons, "DropReason"),
        ):
            for s_index, step in enumerate(steps, start=1):
                step_node = f"{period_node}/{kind}/{s_index}"
                w.link(
                    period_node,
                    p("milestone" if cls == "FlowMilestone" else "dropReason"),
                    step_node,
                )
                w.link(step_node, TYPE, vocab.TKG + cls)
                w.text(step_node, p("stepType"), step.type)
                w.text(step_node, p("comment"), step.comment)
                for count in step.counts:
                    group = (groups[count.group_id], c.slugs[count.group_id])
                    numbers = ((_PARTICIPANTS, count.count),)
                    count_node = _count_node(w, step_node, _COUNT, _GROUP_COUNT, group, numbers)
                    w.text(count_node, p("comment"), count.comment)


# --- baseline and outcome measures ------------------------------------------------------------


def _baseline(c: _Context, baseline: Baseline) -> None:
    w = c.w
    node = c.part("baseline", "characteristics")
    w.link(c.trial, p("baseline"), node)
    w.link(node, TYPE, vocab.TKG + "Baseline")
    w.text(node, p("population"), baseline.population)
    groups = c.groups(node, baseline.groups)
    for count in baseline.denominators:
        if count.count is not None:
            w.add(groups[count.group_id], p("participantsAnalysed"), _int(count.count))
    for index, measure in enumerate(baseline.measures, start=1):
        measure_node = c.part("baseline-measure", str(index))
        w.link(node, p("baselineMeasure"), measure_node)
        w.link(measure_node, TYPE, vocab.TKG + "BaselineMeasure")
        _measure(c, measure_node, measure, groups)


def _outcome(c: _Context, measure: Measure, index: int) -> None:
    w = c.w
    node = c.part("outcome-measure", str(index))
    w.link(c.trial, p("outcomeMeasure"), node)
    w.link(node, TYPE, vocab.TKG + "OutcomeMeasure")
    w.text(node, p("outcomeType"), measure.type)
    w.text(node, p("timeFrame"), measure.time_frame)
    w.text(node, p("reportingStatus"), measure.reporting_status)
    groups = c.groups(node, measure.groups, base=node)
    _measure(c, node, measure, groups)
    for a_index, analysis in enumerate(measure.analyses, start=1):
        _analysis(c, f"{node}/analysis/{a_index}", node, analysis, groups)


def _measure(c: _Context, node: str, measure: Measure, groups: dict[str, str]) -> None:
    w = c.w
    w.text(node, vocab.LABEL, measure.title)
    w.text(node, p("description"), measure.description)
    w.text(node, p("population"), measure.population)
    w.text(node, p("paramType"), measure.param_type)
    w.text(node, p("dispersionType"), measure.dispersion_type)
    w.text(node, p("unit"), measure.unit)
    for index, value in enumerate(measure.measurements, start=1):
        _measurement(c, f"{node}/value/{index}", node, value, groups)


def _measurement(
    c: _Context, node: str, measure: str, value: Measurement, groups: dict[str, str]
) -> None:
    w = c.w
    w.link(measure, p("measurement"), node)
    w.link(node, TYPE, vocab.TKG + "Measurement")
    w.link(node, p("group"), groups[value.group_id])
    w.text(node, p("className"), value.class_title)
    w.text(node, p("category"), value.category_title)
    w.add(node, p("value"), value_literal(value.value))
    w.add(node, p("spread"), value_literal(value.spread))
    w.add(node, p("lowerLimit"), value_literal(value.lower_limit))
    w.add(node, p("upperLimit"), value_literal(value.upper_limit))
    w.text(node, p("comment"), value.comment)
    if value.denominator is not None:
        w.add(node, p("denominator"), _int(value.denominator))


def _analysis(
    c: _Context, node: str, measure: str, analysis: Analysis, groups: dict[str, str]
) -> None:
    w = c.w
    w.link(measure, p("analysis"), node)
    w.link(node, TYPE, vocab.TKG + "StatisticalAnalysis")
    for group_id in analysis.group_ids:
        w.link(node, p("comparesGroup"), groups[group_id])
    w.text(node, p("groupDescription"), analysis.group_description)
    w.text(node, p("statisticalMethod"), analysis.method)
    w.text(node, p("methodComment"), analysis.method_comment)
    w.add(node, p("pValue"), value_literal(analysis.p_value))
    w.text(node, p("pValueComment"), analysis.p_value_comment)
    w.text(node, p("estimateType"), analysis.param_type)
    w.add(node, p("estimateValue"), value_literal(analysis.param_value))
    w.add(node, p("ciPercent"), value_literal(analysis.ci_percent))
    w.text(node, p("ciSides"), analysis.ci_sides)
    w.add(node, p("ciLowerLimit"), value_literal(analysis.ci_lower_limit))
    w.add(node, p("ciUpperLimit"), value_literal(analysis.ci_upper_limit))
    w.text(node, p("dispersionType"), analysis.dispersion_type)
    w.add(node, p("dispersionValue"), value_literal(analysis.dispersion_value))
    w.text(node, p("nonInferiorityType"), analysis.non_inferiority_type)
    w.text(node, p("nonInferiorityComment"), analysis.non_inferiority_comment)
    w.text(node, p("estimateComment"), analysis.estimate_comment)


# --- adverse events ---------------------------------------------------------------------------

_TERM = vocab.TKG + "AdverseEventTerm"
# The predicates of the most frequent nodes (a count per event and group), made once.
_COUNT, _GROUP, _AFFECTED, _AT_RISK, _EVENTS = (
    p(name) for name in ("count", "group", "affected", "atRisk", "events")
)
_EVENT_COUNT = vocab.TKG + "AdverseEventCount"
_GROUP_COUNT = vocab.TKG + "GroupCount"
_PARTICIPANTS = p("participants")
_TOTALS = (
    ("deathsAffected", "deaths_affected"),
    ("deathsAtRisk", "deaths_at_risk"),
    ("seriousAffected", "serious_affected"),
    ("seriousAtRisk", "serious_at_risk"),
    ("otherAffected", "other_affected"),
    ("otherAtRisk", "other_at_risk"),
)


def _adverse_events(
    c: _Context,
    harms: AdverseEvents,
    concepts: tuple[Concept, ...],
    concept: ConceptWriter,
) -> None:
    w = c.w
    node = c.part("adverse-events", "report")
    w.link(c.trial, p("adverseEventReport"), node)
    w.link(node, TYPE, vocab.TKG + "AdverseEventReport")
    w.text(node, p("timeFrame"), harms.time_frame)
    w.text(node, p("description"), harms.description)
    w.add(node, p("frequencyThreshold"), value_literal(harms.frequency_threshold))
    groups = c.groups(node, [g.group for g in harms.groups])
    for group in harms.groups:
        group_node = groups[group.group.id]
        for name, attribute in _TOTALS:
            count = getattr(group, attribute)
            if count is not None:
                w.add(group_node, p(name), _int(count))
    numbers = {True: 0, False: 0}
    written: dict[Concept, str] = {}
    for index, event in enumerate(harms.events):
        numbers[event.serious] += 1
        kind = "serious" if event.serious else "other"
        event_node = c.part("adverse-event", f"{kind}-{numbers[event.serious]}")
        w.link(c.trial, p("adverseEvent"), event_node)
        w.link(event_node, TYPE, vocab.TKG + "AdverseEvent")
        w.text(event_node, p("term"), event.term)
        w.add(event_node, p("serious"), _bool(event.serious))
        w.text(event_node, p("organSystem"), event.organ_system)
        w.text(event_node, p("sourceVocabulary"), event.vocabulary)
        w.text(event_node, p("assessmentType"), event.assessment)
        w.text(event_node, p("notes"), event.notes)
        if index < len(concepts):
            # A term the trial lists again (serious and other) writes its shared node once.
            target = written.get(concepts[index])
            if target is None:
                target = written[concepts[index]] = _term_node(w, concepts[index], concept)
            w.link(event_node, p("eventConcept"), target)
        for count in event.counts:
            of_group = (groups[count.group_id], c.slugs[count.group_id])
            values = (
                (_AFFECTED, count.affected),
                (_AT_RISK, count.at_risk),
                (_EVENTS, count.events),
            )
            _count_node(w, event_node, _COUNT, _EVENT_COUNT, of_group, values)


class _Capture:
    """Takes the shared triples a concept writer makes, to write them again unchanged."""

    def __init__(self) -> None:
        self.triples: list[Triple] = []

    @property
    def shared(self) -> _Capture:
        return self

    def add(self, subject: str, predicate: str, obj: Object | None) -> None:
        if obj is not None:
            self.triples.append((subject, predicate, obj))

    def text(self, subject: str, predicate: str, value: str | None) -> None:
        if value:
            self.triples.append((subject, predicate, Lit(value)))

    def link(self, subject: str, predicate: str, target: str) -> None:
        self.triples.append((subject, predicate, IRI(target)))


# A term's shared node and its links are the same in every trial that reports it: made
# once per process (a few thousand terms), then copied.
_TERM_NODES: dict[Concept, tuple[str, list[Triple]]] = {}
_TERM_NODES_LIMIT = 50_000


def _term_node(w: _Writer, term: Concept, concept: ConceptWriter) -> str:
    found = _TERM_NODES.get(term)
    if found is None:
        capture = _Capture()
        node = concept(capture, term, _TERM)
        if len(_TERM_NODES) >= _TERM_NODES_LIMIT:
            _TERM_NODES.clear()
        found = _TERM_NODES[term] = (node, capture.triples)
    w.shared.triples.extend(found[1])
    return found[0]


# --- protocol fields beyond the core ----------------------------------------------------------


def _details(w: _Writer, nct: str, details: ProtocolDetails) -> None:
    trial = iri.trial(nct)
    for name, flag in (
        ("hasDmc", details.has_dmc),
        ("fdaRegulatedDrug", details.fda_regulated_drug),
        ("fdaRegulatedDevice", details.fda_regulated_device),
        ("unapprovedDevice", details.unapproved_device),
        ("usExport", details.us_export),
        ("hasExpandedAccess", details.has_expanded_access),
        ("patientRegistry", details.patient_registry),
    ):
        if flag is not None:
            w.add(trial, p(name), _bool(flag))
    w.text(trial, p("expandedAccessNctId"), details.expanded_access_nct_id)
    w.text(trial, p("biospecimenRetention"), details.biospecimen_retention)
    w.text(trial, p("biospecimenDescription"), details.biospecimen_description)
    w.text(trial, p("targetDuration"), details.target_duration)
    w.text(trial, p("ipdSharing"), details.ipd_sharing)
    w.text(trial, p("ipdDescription"), details.ipd_description)
    w.texts(trial, p("ipdInfoType"), details.ipd_info_types)
    w.text(trial, p("ipdTimeFrame"), details.ipd_time_frame)
    w.text(trial, p("ipdAccessCriteria"), details.ipd_access_criteria)
    if details.ipd_url:
        w.add(trial, p("ipdUrl"), Lit(details.ipd_url, XSD + "anyURI"))
    slugger = iri.Slugger()
    for link in details.web_links:
        node = iri.part(nct, "web-link", slugger(link.url))
        w.link(trial, p("webLink"), node)
        w.link(node, TYPE, vocab.TKG + "WebLink")
        w.add(node, p("url"), Lit(link.url, XSD + "anyURI"))
        w.text(node, vocab.LABEL, link.label)
