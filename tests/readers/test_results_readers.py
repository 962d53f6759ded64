"""The results sections of both registry formats: what is read, and what a record contradicts."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from tests.conftest import FIXTURES, JSON_DIR
from trialkg.errors import InputError
from trialkg.model import Trial
from trialkg.readers import Document, read_document
from trialkg.results_model import EventCount, Results

AFATINIB = JSON_DIR / "NCT02369484.json"
DUPILUMAB = JSON_DIR / "NCT02210780.json"
DMF_XML = FIXTURES / "xml" / "NCT02438137.xml"


def _trial(data: bytes, name: str) -> Trial:
    (trial,) = read_document(Document(name, data))
    assert isinstance(trial, Trial), trial
    return trial


def _results(trial: Trial) -> Results:
    assert trial.results is not None
    return trial.results


def _study(path: Path = AFATINIB) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# --- API v2 JSON ------------------------------------------------------------------------------


def test_json_adverse_events_keep_every_group_apart() -> None:
    study = _study(DUPILUMAB)
    harms = _results(_trial(DUPILUMAB.read_bytes(), "d.json")).adverse_events
    assert harms is not None
    module = study["resultsSection"]["adverseEventsModule"]
    assert [g.group.id for g in harms.groups] == [g["id"] for g in module["eventGroups"]]
    for group, raw in zip(harms.groups, module["eventGroups"], strict=True):
        assert (group.serious_affected, group.serious_at_risk) == (
            raw["seriousNumAffected"],
            raw["seriousNumAtRisk"],
        )
        assert group.deaths_affected == raw.get("deathsNumAffected")
    raw_events = module.get("seriousEvents", []) + module.get("otherEvents", [])
    assert len(harms.events) == len(raw_events)
    for event, raw in zip(harms.events, raw_events, strict=True):
        assert event.term == raw["term"]
        assert event.organ_system == raw.get("organSystem")
        assert [c.group_id for c in event.counts] == [s["groupId"] for s in raw["stats"]]
        assert [c.affected for c in event.counts] == [s["numAffected"] for s in raw["stats"]]
    assert {e.serious for e in harms.events} == {True, False}


def test_json_flow_baseline_and_outcomes() -> None:
    results = _results(_trial(AFATINIB.read_bytes(), "a.json"))
    assert results.flow is not None
    (period,) = results.flow.periods
    assert [(m.type, m.counts[0].count) for m in period.milestones] == [
        ("STARTED", 13),
        ("COMPLETED", 13),
        ("NOT COMPLETED", 0),
    ]
    primary = results.outcomes[0]
    assert primary.type == "PRIMARY"
    assert primary.param_type == "COUNT_OF_PARTICIPANTS"
    values = [(m.category_title, m.value, m.denominator) for m in primary.measurements]
    assert values[:2] == [('DC at 12 weeks- "Yes"', "7", 13), ('DC at 12 weeks- "No"', "6", 13)]
    assert results.baseline is not None
    assert [g.id for g in results.baseline.groups] == ["BG000"]
    assert results.problems == ()


def test_json_affected_above_at_risk_is_left_out_and_named() -> None:
    study = _study()
    bad = copy.deepcopy(study)
    stats = bad["resultsSection"]["adverseEventsModule"]["seriousEvents"][0]["stats"][0]
    stats["numAffected"], stats["numAtRisk"], stats["numEvents"] = 20, 13, 2
    results = _results(_trial(json.dumps(bad).encode(), "bad.json"))
    assert results.adverse_events is not None
    first = results.adverse_events.events[0]
    assert first.counts == (EventCount("EG000", None, None, 2),)
    (problem,) = results.problems
    assert (
        problem.field == "resultsSection.adverseEventsModule.seriousEvents[0].stats[0].numAffected"
    )
    assert "20 participants affected of 13 at risk" in problem.message
    # The rest of the record stays.
    good = _results(_trial(json.dumps(study).encode(), "good.json"))
    assert good.adverse_events is not None
    assert results.adverse_events.events[1:] == good.adverse_events.events[1:]
    assert results.outcomes == good.outcomes


def test_json_value_for_an_undefined_group_is_left_out() -> None:
    bad = _study()
    measure = bad["resultsSection"]["outcomeMeasuresModule"]["outcomeMeasures"][0]
    measure["classes"][0]["categories"][0]["measurements"][0]["groupId"] = "OG009"
    bad["resultsSection"]["participantFlowModule"]["periods"][0]["milestones"][0]["achievements"][
        0
    ]["numSubjects"] = "-3"
    results = _results(_trial(json.dumps(bad).encode(), "bad.json"))
    fields = [p.field for p in results.problems]
    assert fields == [
        "resultsSection.participantFlowModule.periods[0].milestones[0].achievements[0].numSubjects",
        "resultsSection.outcomeMeasuresModule.outcomeMeasures[0].classes[0].categories[0]"
        ".measurements[0]",
    ]
    assert "'OG009', which the record does not define" in results.problems[1].message
    assert results.flow is not None
    assert results.flow.periods[0].milestones[0].counts[0].count is None
    assert all(m.group_id == "OG000" for m in results.outcomes[0].measurements)


def test_json_results_of_the_wrong_type_reject_the_record_with_the_field() -> None:
    bad = _study()
    bad["resultsSection"]["adverseEventsModule"]["eventGroups"] = {"id": "EG000"}
    (error,) = read_document(Document("bad.json", json.dumps(bad).encode()))
    assert isinstance(error, InputError)
    assert error.record == "NCT02369484"
    assert error.field == "resultsSection.adverseEventsModule.eventGroups"


def test_json_protocol_details() -> None:
    details = _trial(AFATINIB.read_bytes(), "a.json").details
    assert details is not None
    assert details.has_dmc is True
    assert details.has_expanded_access is False
    assert details.ipd_sharing == "NO"
    assert [(w.url, w.label) for w in details.web_links] == [("http://www.etop-eu.org/", "Sponsor")]


# --- legacy XML -------------------------------------------------------------------------------


def test_xml_adverse_events_totals_and_vocabulary() -> None:
    results = _results(_trial(DMF_XML.read_bytes(), "dmf.xml"))
    harms = results.adverse_events
    assert harms is not None
    totals = [
        (g.group.id, g.deaths_affected, g.serious_affected, g.serious_at_risk, g.other_affected)
        for g in harms.groups
    ]
    assert totals == [("E1", 0, 1, 44, 27), ("E2", 0, 1, 21, 7)]
    # The "Total" rows are totals, not events.
    assert [e.term for e in harms.events] == [
        "Myocardial Infarction",
        "Pneumonia",
        "Indigestion",
        "Nausea",
        "Cold",
        "Sinus Infection",
        "Flushing",
    ]
    flushing = harms.events[-1]
    assert (flushing.serious, flushing.organ_system, flushing.vocabulary) == (
        False,
        "Skin and subcutaneous tissue disorders",
        "CTCAE (4.0)",
    )
    assert flushing.counts == (EventCount("E1", 23, 44, 27), EventCount("E2", 0, 21, 0))


def test_xml_outcome_analysis_and_flow() -> None:
    results = _results(_trial(DMF_XML.read_bytes(), "dmf.xml"))
    analysed = [m for m in results.outcomes if m.analyses]
    (analysis,) = analysed[0].analyses
    assert analysis.group_ids == ("O1", "O2")
    assert (analysis.method, analysis.p_value, analysis.param_value) == (
        "Regression, Linear",
        "0.0124",
        "-11.3",
    )
    assert analysis.ci_sides == "TWO_SIDED"
    assert results.flow is not None
    reasons = results.flow.periods[0].drop_reasons
    assert [(r.type, [c.count for c in r.counts]) for r in reasons] == [
        ("Lost to Follow-up", [3, 2]),
        ("Adverse Event", [1, 0]),
        ("Withdrawal by Subject", [4, 3]),
        ("Physician Decision", [0, 1]),
    ]


def test_xml_contradictions_are_left_out_and_named() -> None:
    text = DMF_XML.read_text(encoding="utf-8")
    text = text.replace(
        '<counts group_id="E1" events="27" subjects_affected="23" subjects_at_risk="44"/>',
        '<counts group_id="E1" events="27" subjects_affected="45" subjects_at_risk="44"/>',
    ).replace(
        '<counts group_id="E2" events="2" subjects_affected="2" subjects_at_risk="21"/>',
        '<counts group_id="E7" events="2" subjects_affected="2" subjects_at_risk="21"/>',
    )
    results = _results(_trial(text.encode(), "bad.xml"))
    fields = [p.field for p in results.problems]
    base = "clinical_results/reported_events/other_events/category_list"
    assert fields == [
        f"{base}/category[3]/event_list/event[2]/counts[2]",
        f"{base}/category[4]/event_list/event[1]/counts[1]@subjects_affected",
    ]
    assert results.adverse_events is not None
    sinus, flushing = results.adverse_events.events[-2:]
    assert [c.group_id for c in sinus.counts] == ["E1"]
    assert flushing.counts[0] == EventCount("E1", None, None, 27)


def test_xml_protocol_details() -> None:
    details = _trial(DMF_XML.read_bytes(), "dmf.xml").details
    assert details is not None
    assert (details.has_dmc, details.fda_regulated_drug, details.fda_regulated_device) == (
        False,
        True,
        False,
    )
    assert details.ipd_sharing == "NO"
    assert details.has_expanded_access is False


def test_xml_web_links_biospecimen_and_ipd_documents() -> None:
    text = (
        DMF_XML.read_text(encoding="utf-8")
        .replace(
            "<patient_data>\n    <sharing_ipd>No</sharing_ipd>",
            "<patient_data>\n    <sharing_ipd>Yes</sharing_ipd>\n"
            "    <ipd_info_type>Statistical Analysis Plan (SAP)</ipd_info_type>\n"
            "    <ipd_info_type>Study Protocol</ipd_info_type>\n"
            "    <ipd_url>https://example.org/ipd</ipd_url>",
        )
        .replace(
            "<clinical_results>",
            "<link><url>http://www.example.org/</url><description>Sponsor</description></link>\n"
            "<biospec_retention>Samples With DNA</biospec_retention>\n"
            "<biospec_descr><textblock>Plasma and serum</textblock></biospec_descr>\n"
            "<clinical_results>",
            1,
        )
    )
    details = _trial(text.encode(), "dmf.xml").details
    assert details is not None
    assert details.ipd_sharing == "YES"
    assert details.ipd_info_types == ("SAP", "STUDY_PROTOCOL")
    assert details.ipd_url == "https://example.org/ipd"
    assert [(w.url, w.label) for w in details.web_links] == [("http://www.example.org/", "Sponsor")]
    assert (details.biospecimen_retention, details.biospecimen_description) == (
        "SAMPLES_WITH_DNA",
        "Plasma and serum",
    )
