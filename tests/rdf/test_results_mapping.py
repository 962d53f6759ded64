"""The mapping of results: groups tied to arms, counts per group, values as written."""

from __future__ import annotations

from trialkg.linking import default_linker
from trialkg.model import Arm, Source, Trial
from trialkg.rdf import iri, vocab
from trialkg.rdf.mapping import MappingOptions, graph_name, map_trial
from trialkg.rdf.results import match_arms, value_literal
from trialkg.rdf.terms import IRI, Lit
from trialkg.results_model import (
    AdverseEvent,
    AdverseEvents,
    EventCount,
    EventGroup,
    ResultGroup,
    Results,
    ResultsProblem,
)

TKG = vocab.TKG
NCT = "NCT01234567"


def _arms(*labels: str, descriptions: tuple[str, ...] = ()) -> tuple[Arm, ...]:
    described = descriptions or (None,) * len(labels)
    return tuple(Arm(label, description=d) for label, d in zip(labels, described, strict=True))


def test_groups_match_arms_by_title_prefix_and_description_only_when_unambiguous() -> None:
    arms = _arms(
        "Treatment A Mobile Application",
        "Cohort 1",
        "Cohort 10",
        descriptions=(None, "Five micrograms of KTP-001 on a disc", None),
    )
    groups = [
        ResultGroup("EG000", "treatment a  mobile application"),
        ResultGroup("EG001", "Treatment A Mobile Application (CT-101-M)"),
        ResultGroup("EG002", "Low dose", "Five micrograms of KTP-001 on a disc, once"),
        ResultGroup("EG003", "Cohort 1"),
        ResultGroup("EG004", "Total"),
        ResultGroup("EG005", "Cohort 10 extension"),
    ]
    assert match_arms(groups, arms) == {
        "EG000": (0, "title"),
        "EG001": (0, "title-prefix"),
        "EG002": (1, "description"),
        "EG003": (1, "title"),
        "EG005": (2, "title-prefix"),  # "Cohort 1" is not a word-prefix of "Cohort 10"
    }


def test_one_arm_and_one_group_match_and_two_candidates_do_not() -> None:
    assert match_arms([ResultGroup("E1", "Healthy Participants")], _arms("Part A")) == {
        "E1": (0, "single-arm")
    }
    # Both labels are prefixes of the title: unsure, so no arm.
    assert match_arms([ResultGroup("E1", "Arm A B")], _arms("Arm", "Arm A")) == {}
    assert match_arms([ResultGroup("E1", "X"), ResultGroup("E2", "Y")], _arms("Z")) == {}


def test_values_are_kept_as_written_and_typed_where_numbers() -> None:
    decimal = vocab.XSD + "decimal"
    assert value_literal("19.63") == Lit("19.63", decimal)
    assert value_literal(".29") == Lit(".29", decimal)
    assert value_literal("-2") == Lit("-2", decimal)
    assert value_literal("NA") == Lit("NA")
    assert value_literal("<0.001") == Lit("<0.001")
    assert value_literal("1,234") == Lit("1,234")
    assert value_literal(None) is None


def _trial_with_events() -> Trial:
    harms = AdverseEvents(
        groups=(
            EventGroup(ResultGroup("EG000", "Drug"), serious_affected=2, serious_at_risk=10),
            EventGroup(ResultGroup("EG001", "Placebo"), serious_affected=0, serious_at_risk=9),
        ),
        events=(
            AdverseEvent(
                "Nausea",
                serious=False,
                organ_system="Gastrointestinal disorders",
                vocabulary="MedDRA 23.0",
                counts=(EventCount("EG000", 4, 10, 6), EventCount("EG001", 1, 9, None)),
            ),
        ),
    )
    return Trial(
        nct_id=NCT,
        source=Source(reader="ctgov-json"),
        arms=_arms("Drug", "Placebo"),
        results=Results(
            adverse_events=harms,
            problems=(ResultsProblem("resultsSection.x", "affected above at risk; left out"),),
        ),
    )


def test_adverse_event_counts_stay_per_group() -> None:
    trial = _trial_with_events()
    triples = map_trial(trial, default_linker().link_trial(trial))
    event = iri.part(NCT, "adverse-event", "other-1")
    counts = {o for s, p, o in triples if s == event and p == TKG + "count"}
    assert counts == {IRI(f"{event}/group/eg000"), IRI(f"{event}/group/eg001")}

    def value(subject: str, name: str) -> object:
        (found,) = [o for s, p, o in triples if s == subject and p == TKG + name]
        return found

    integer = vocab.XSD + "integer"
    assert value(f"{event}/group/eg000", "affected") == Lit("4", integer)
    assert value(f"{event}/group/eg001", "atRisk") == Lit("9", integer)
    assert not [o for s, p, o in triples if s == f"{event}/group/eg001" and p == TKG + "events"]
    group = iri.part(NCT, "group", "eg000")
    assert value(group, "reportsArm") == IRI(iri.part(NCT, "arm", "drug"))
    assert value(group, "armMatchMethod") == Lit("title")
    assert value(group, "seriousAtRisk") == Lit("10", integer)
    # The event's term is linked to a shared node, the dropped value named on the source.
    concept = value(event, "eventConcept")
    assert str(concept).startswith(vocab.ID + "adverse-event/")
    assert value(graph_name(trial), "droppedValue") == Lit(
        "resultsSection.x: affected above at risk; left out"
    )


def test_results_can_be_left_out() -> None:
    trial = _trial_with_events()
    triples = map_trial(
        trial, default_linker().link_trial(trial), MappingOptions(include_results=False)
    )
    assert not [t for t in triples if "/adverse-event" in t[0] or "/group/" in t[0]]
    assert not [t for t in triples if t[1] == TKG + "droppedValue"]
    assert [t for t in triples if t[1] == TKG + "arm"]
