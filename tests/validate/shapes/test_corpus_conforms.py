"""The 110 ClinicalTrials.gov API v2 records, built and validated, conform."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
import rdflib
from rdflib.namespace import RDF

from trialkg.rdf.convert import to_rdflib_graph
from trialkg.store import TrialStore
from trialkg.validate import validate_store

SHAPES_DIR = Path(__file__).resolve().parents[3] / "shapes"
TKG = rdflib.Namespace("https://w3id.org/trialkg/vocab#")


def test_json_corpus_conforms_to_the_shapes(json_store: TrialStore) -> None:
    """The shapes compiled to SPARQL (tests/validate/test_equivalence.py holds them to
    pyshacl's report), over every trial with its results."""
    report = validate_store(json_store)
    assert report.trials == 110
    assert report.conforms, [str(v) for v in report.violations[:20]]


@pytest.mark.slow
def test_json_corpus_conforms_to_the_shapes_by_pyshacl(json_store: TrialStore) -> None:
    """pyshacl on the union of the trial graphs, as the validator sees one chunk (minutes
    with the results sections)."""
    shapes = rdflib.Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        shapes.parse(path, format="turtle")
    data = to_rdflib_graph(json_store.quads())
    trials = set(data.subjects(RDF.type, TKG.Trial))
    assert len(trials) == 110
    assert len(set(data.subjects(RDF.type, TKG.Arm))) > 100  # the SPARQL constraint has work

    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, inference="none")

    assert conforms, text
