"""Validation: the SHACL shapes, compiled to SPARQL and run over a store or a graph."""

from __future__ import annotations

from trialkg.validate.runner import (
    ValidationReport,
    Violation,
    compiled_checks,
    shapes_graph,
    validate_graph,
    validate_store,
)

__all__ = [
    "ValidationReport",
    "Violation",
    "compiled_checks",
    "shapes_graph",
    "validate_graph",
    "validate_store",
]
