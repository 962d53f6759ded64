"""The documented vocabulary covers every term the graph uses."""

from __future__ import annotations

import rdflib
from rdflib.namespace import OWL, RDF, RDFS

import trialkg
from trialkg.rdf import vocab
from trialkg.vocabulary import vocabulary_path


def test_every_trialkg_term_in_the_graph_is_declared_with_label_and_comment(
    json_store: trialkg.TrialStore, seed_store: trialkg.TrialStore
) -> None:
    documented = rdflib.Graph().parse(vocabulary_path(), format="turtle")
    used: set[str] = set()
    for store in (json_store, seed_store):
        for quad in store.quads():
            used.add(quad.predicate.value)
            if quad.predicate.value == vocab.TYPE:
                used.add(quad.object.value)
    ours = sorted(t for t in used if t.startswith(vocab.TKG))
    assert len(ours) > 60
    for term in ours:
        node = rdflib.URIRef(term)
        kinds = set(documented.objects(node, RDF.type))
        assert kinds & {OWL.Class, OWL.DatatypeProperty, OWL.ObjectProperty}, term
        assert documented.value(node, RDFS.label) is not None, term
        assert documented.value(node, RDFS.comment) is not None, term


def test_classes_align_to_schema_org_and_biolink() -> None:
    documented = rdflib.Graph().parse(vocabulary_path(), format="turtle")
    trial = set(documented.objects(rdflib.URIRef(vocab.Trial), RDFS.subClassOf))
    assert {
        rdflib.URIRef("http://schema.org/MedicalTrial"),
        rdflib.URIRef(vocab.BIOLINK + "ClinicalTrial"),
    } <= trial
    drug = set(documented.objects(rdflib.URIRef(vocab.TKG + "Drug"), RDFS.subClassOf))
    assert rdflib.URIRef("http://schema.org/Drug") in drug
