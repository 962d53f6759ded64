"""The mapping Trial -> triples: stated facts only, stable IRIs, one node per drug."""

from __future__ import annotations

import dataclasses
import gc

from trialkg.errors import InputError
from trialkg.linking import default_linker
from trialkg.model import Arm, Contact, Intervention, Organisation, Site, Source, Trial
from trialkg.rdf import vocab
from trialkg.rdf.mapping import MappingOptions, map_trial, map_trial_graphs
from trialkg.rdf.terms import IRI, Lit

TKG = vocab.TKG
SCHEMA = vocab.SCHEMA
XSD = vocab.XSD


def _trial(nct: str = "NCT01234567", **fields: object) -> Trial:
    return Trial(
        nct_id=nct, source=Source(reader="ctgov-json", structured=True, file="t.json"), **fields
    )  # type: ignore[arg-type]


def _triples(trial: Trial, **options: bool) -> list[tuple[str, str, object]]:
    return map_trial(trial, default_linker().link_trial(trial), MappingOptions(**options))


def _objects(triples: list, subject: str, predicate: str) -> set:
    return {o for s, p, o in triples if s == subject and p == predicate}


def test_a_fact_the_record_does_not_state_stays_absent() -> None:
    triples = _triples(_trial(brief_title="Only a title"))
    trial_iri = "https://clinicaltrials.gov/study/NCT01234567"
    predicates = {p for s, p, _ in triples if s == trial_iri}
    assert predicates == {vocab.TYPE, TKG + "nctId", TKG + "briefTitle"}


def test_the_same_drug_however_written_is_one_node() -> None:
    spellings = [
        "imatinib (IM)",
        "Imatinib(IM)",
        "Imatinib Mesylate",
        "Gleevec",
        "Imatinib Mesylate 400 mg tablets",
    ]
    nodes = set()
    for index, name in enumerate(spellings):
        trial = _trial(f"NCT0000000{index}", interventions=(Intervention(name, "DRUG"),))
        triples = _triples(trial)
        concepts = {o for s, p, o in triples if p == TKG + "concept"}
        assert len(concepts) == 1
        nodes |= concepts
        # The record's own words stay on its intervention.
        assert Lit(name) in {o for s, p, o in triples if p == vocab.LABEL and "/intervention/" in s}
    assert len(nodes) == 1


def test_arms_point_at_their_interventions_within_the_trial() -> None:
    trial = _trial(
        interventions=(
            Intervention("Afatinib", "DRUG", arm_labels=("Arm A",)),
            Intervention("Surgery", "PROCEDURE"),
        ),
        arms=(Arm("Arm A", "EXPERIMENTAL", intervention_names=("Procedure: Surgery",)),),
    )
    triples = _triples(trial)
    arm = "https://w3id.org/trialkg/id/trial/NCT01234567/arm/arm-a"
    given = _objects(triples, arm, TKG + "givesIntervention")
    assert given == {
        IRI("https://w3id.org/trialkg/id/trial/NCT01234567/intervention/drug-afatinib"),
        IRI("https://w3id.org/trialkg/id/trial/NCT01234567/intervention/procedure-surgery"),
    }


def test_contact_details_are_left_out_unless_asked_for() -> None:
    trial = _trial(central_contacts=(Contact("Dr A", "CONTACT", "+1 555 0100", "a@example.org"),))
    plain = {p for _, p, _ in _triples(trial)}
    assert TKG + "phone" not in plain and TKG + "email" not in plain
    assert TKG + "personName" in plain
    asked = {p for _, p, _ in _triples(trial, include_contacts=True)}
    assert {TKG + "phone", TKG + "email"} <= asked


def test_mapping_is_deterministic_and_does_not_touch_its_input() -> None:
    trial = _trial(
        lead_sponsor=Organisation("First Affiliated Hospital, Sun Yat-Sen University", "OTHER"),
        interventions=(Intervention("Imatinib", "DRUG"),),
    )
    before = dataclasses.replace(trial)
    assert _triples(trial) == _triples(trial)
    assert trial == before


def test_provenance_names_source_format_and_version() -> None:
    triples = _triples(_trial())
    graph = "https://w3id.org/trialkg/graph/NCT01234567/ctgov-json"
    assert _objects(triples, graph, TKG + "sourceFormat") == {Lit("ctgov-json")}
    assert _objects(triples, graph, TKG + "sourceFile") == {Lit("t.json")}
    assert _objects(triples, graph, TKG + "describes") == {
        IRI("https://clinicaltrials.gov/study/NCT01234567")
    }


def test_mapping_leaves_no_reference_cycles() -> None:
    """A trial's triples are freed as soon as they are written, not at the next run of the
    cyclic garbage collector: over a registry build, that is most of the workers' garbage."""
    trial = _trial(
        brief_title="Imatinib in CML",
        interventions=[Intervention(type="DRUG", name="Imatinib Mesylate")],
        lead_sponsor=Organisation(name="Novartis", agency_class="INDUSTRY"),
    )
    links = default_linker().link_trial(trial)
    gc.collect()
    gc.disable()
    try:
        gc.set_debug(gc.DEBUG_SAVEALL)
        own, shared = map_trial_graphs(trial, links)
        assert own and shared  # the drug's node has vocabulary facts: both writers were used
        gc.collect()
        left = [type(o).__name__ for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert left == []


def test_coordinates_are_plain_decimals_even_near_zero() -> None:
    """Python writes 0.00001 as 1e-05, which is not an xsd:decimal."""
    sites = (
        Site(facility="Greenwich", latitude=0.00001, longitude=-0.00005),
        Site(facility="Zurich", latitude=47.0, longitude=8.5412345678),
    )
    triples = _triples(_trial(sites=sites))
    values = sorted(
        o.value for _, p, o in triples if p in (SCHEMA + "latitude", SCHEMA + "longitude")
    )
    assert values == ["-0.00005", "0.00001", "47.0", "8.541235"]
    assert {o.datatype for _, p, o in triples if p == SCHEMA + "latitude"} == {XSD + "decimal"}


def test_structured_readers_are_the_ones_whose_sources_say_so() -> None:
    """Graph naming by reader name (the store's provenance) and by ``Source.structured``
    (a trial just read) must agree for every reader's real records."""
    from tests.conftest import JSON_DIR
    from trialkg.rdf.iri import STRUCTURED_READERS
    from trialkg.readers import read_paths

    xml = JSON_DIR.parent / "xml"
    pages = JSON_DIR.parent / "seeds"
    seen: dict[str, bool] = {}
    for result in read_paths([*sorted(JSON_DIR.glob("*.json"))[:3], xml, pages]):
        if not isinstance(result, InputError):
            seen.setdefault(result.source.reader, result.source.structured)
    assert {"ctgov-json", "ctgov-xml"} <= set(seen) and len(seen) > 2
    assert {name for name, structured in seen.items() if structured} == STRUCTURED_READERS
