"""The registry's MeSH indexing in the graph: ids as NLM writes them, bare headings resolved
exactly or kept as the record's words."""

from __future__ import annotations

import rdflib

from trialkg.linking import default_linker
from trialkg.linking.ids import canonical_mesh_id
from trialkg.model import MeshTerm, Source, Trial
from trialkg.rdf import vocab
from trialkg.rdf.mapping import map_trial
from trialkg.rdf.terms import IRI, Lit
from trialkg.vocabulary import vocabulary_path

TKG = vocab.TKG
TRIAL = "https://clinicaltrials.gov/study/NCT02970669"
MESH = "http://id.nlm.nih.gov/mesh/"


def _triples(**fields: object) -> list[tuple[str, str, object]]:
    trial = Trial(
        nct_id="NCT02970669",
        source=Source(reader="ctgov-xml", structured=True, file="t.xml"),
        **fields,
    )  # type: ignore[arg-type]
    return map_trial(trial, default_linker().link_trial(trial))


def test_an_unresolved_heading_stays_the_records_words() -> None:
    # NCT02970669's XML indexes its interventions "LCZ 696", a heading no MeSH record
    # of the shipped lexicon has: no id is made up for it.
    triples = _triples(
        intervention_meshes=(MeshTerm(None, "LCZ 696"), MeshTerm(None, "Enalapril")),
        condition_meshes=(MeshTerm(None, "Heart Failure"),),
    )
    assert (TRIAL, TKG + "interventionMeshTerm", Lit("LCZ 696")) in triples
    assert (TRIAL, TKG + "interventionMesh", IRI(MESH + "D004656")) in triples
    assert (TRIAL, TKG + "conditionMesh", IRI(MESH + "D006333")) in triples
    assert not any(p == TKG + "interventionMesh" and "LCZ" in str(o) for _, p, o in triples)
    assert not any(p == TKG + "conditionMeshTerm" for _, p, _ in triples)


def test_a_heading_is_matched_exactly_and_case_aside_only() -> None:
    linker = default_linker()
    resolve = linker.headings.resolve
    # The preferred heading, in any case; an entry term of one descriptor.
    assert resolve((MeshTerm(None, "lung neoplasms"),)) == (MeshTerm("D008175", "lung neoplasms"),)
    assert resolve((MeshTerm(None, "Lung Cancers"),))[0].id == "D008175"
    assert resolve((MeshTerm(None, "Gleevec"),))[0].id == "D000068877"
    # Not MeSH's words: MONDO's synonyms of MeSH descriptors ("CF" cystic fibrosis, "TB"
    # tuberculosis), trialkg's curated abbreviation, a near miss.
    for heading in ("CF", "TB", "NSCLC", "Neoplasm, Lung, Small"):
        assert resolve((MeshTerm(None, heading),)) == (MeshTerm(None, heading),), heading


def test_a_padded_id_and_a_resolved_heading_are_one_node() -> None:
    # ClinicalTrials.gov writes D003550 as D000003550 in newer downloads.
    from_json = _triples(condition_meshes=(MeshTerm("D000003550", "Cystic Fibrosis"),))
    from_xml = _triples(condition_meshes=(MeshTerm(None, "Cystic Fibrosis"),))
    node = IRI(MESH + "D003550")
    assert (TRIAL, TKG + "conditionMesh", node) in from_json
    assert (TRIAL, TKG + "conditionMesh", node) in from_xml
    assert canonical_mesh_id("D000077716") == "D000077716"  # minted with nine digits
    assert canonical_mesh_id("C000072379") == "C072379"
    assert canonical_mesh_id("C000705711") == "C000705711"


def test_the_heading_properties_are_documented() -> None:
    documented = rdflib.Graph().parse(vocabulary_path(), format="turtle")
    for name in ("conditionMeshTerm", "interventionMeshTerm"):
        node = rdflib.URIRef(TKG + name)
        assert documented.value(node, rdflib.RDFS.label) is not None
        assert "MeSH heading" in str(documented.value(node, rdflib.RDFS.comment))
