"""A validation report in the forms a program reads: SHACL's own ``sh:ValidationReport``
(Turtle) and the same results as JSON, besides the text a person reads.

Each result names its focus node, path, severity, message, value and the shape whose
constraint failed (``sh:sourceShape``; a property shape without an IRI of its own is a
blank node carrying its ``sh:path``). Results are sorted, so the same store gives the same
report.
"""

from __future__ import annotations

import json

import rdflib
from rdflib.namespace import RDF, SH, XSD

from trialkg.validate.runner import ValidationReport, Violation

FORMATS = ("text", "json", "turtle")


def format_report(report: ValidationReport, fmt: str) -> str:
    if fmt == "json":
        return report_json(report)
    if fmt == "turtle":
        return report_turtle(report)
    return report.text()


def _term(value: str) -> rdflib.term.Node:
    if value.startswith(("http://", "https://", "urn:")):
        return rdflib.URIRef(value)
    return rdflib.Literal(value)


def report_graph(report: ValidationReport) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.bind("sh", SH)
    node = rdflib.BNode("report")
    graph.add((node, RDF.type, SH.ValidationReport))
    graph.add((node, SH.conforms, rdflib.Literal(report.conforms, datatype=XSD.boolean)))
    for number, violation in enumerate(sorted(report.violations)):
        result = rdflib.BNode(f"result{number}")
        graph.add((node, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        graph.add((result, SH.focusNode, _term(violation.focus)))
        graph.add((result, SH.resultSeverity, SH[violation.severity]))
        graph.add((result, SH.resultMessage, rdflib.Literal(violation.message)))
        if violation.path:
            graph.add((result, SH.resultPath, rdflib.URIRef(violation.path)))
        if violation.value:
            graph.add((result, SH.value, _term(violation.value)))
        graph.add((result, SH.sourceShape, _shape(graph, violation, number)))
    return graph


def _shape(graph: rdflib.Graph, violation: Violation, number: int) -> rdflib.term.Node:
    if violation.shape:
        return rdflib.URIRef(violation.shape)
    shape = rdflib.BNode(f"shape{number}")
    if violation.path:
        graph.add((shape, SH.path, rdflib.URIRef(violation.path)))
    return shape


def report_turtle(report: ValidationReport) -> str:
    return report_graph(report).serialize(format="turtle")


def report_json(report: ValidationReport) -> str:
    results = [
        {
            "trial": v.trial,
            "focusNode": v.focus,
            "resultPath": v.path or None,
            "resultSeverity": v.severity,
            "resultMessage": v.message,
            "value": v.value or None,
            "sourceShape": v.shape or None,
        }
        for v in sorted(report.violations)
    ]
    document = {
        "conforms": report.conforms,
        "trials": report.trials,
        "triples": report.triples,
        "results": results,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
