"""Compare: two sources of the same trials, field by field."""

from __future__ import annotations

from trialkg.compare.report import (
    ComparisonReport,
    FieldComparison,
    Figures,
    SourceInfo,
    compare_sources,
    figures_table,
    total_figures,
)
from trialkg.compare.rules import AGREE, CONFLICT, FEWER, ONLY

__all__ = [
    "AGREE",
    "CONFLICT",
    "FEWER",
    "ONLY",
    "ComparisonReport",
    "FieldComparison",
    "Figures",
    "SourceInfo",
    "compare_sources",
    "figures_table",
    "total_figures",
]
