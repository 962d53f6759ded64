"""Helpers for the linker tests: trials built in memory, the shipped linker."""

from __future__ import annotations

import pytest

from trialkg.linking import Concept, Linker, default_linker
from trialkg.model import Intervention, MeshTerm, Site, Source, Trial


@pytest.fixture(scope="session")
def linker() -> Linker:
    return default_linker()


def trial(nct: str = "NCT01234567", **fields: object) -> Trial:
    return Trial(
        nct_id=nct, source=Source(reader="ctgov-json", structured=True, file="t.json"), **fields
    )  # type: ignore[arg-type]


def drug_concepts(
    linker: Linker,
    name: str,
    kind: str = "DRUG",
    *,
    meshes: tuple[MeshTerm, ...] = (),
    **fields: object,
) -> tuple[Concept, ...]:
    record = trial(interventions=(Intervention(name, kind),), intervention_meshes=meshes, **fields)
    return linker.link_trial(record).interventions[0]


def targets(concept: Concept) -> dict[str, str]:
    """External IRI -> relation, for the concept's matches."""
    return {m.iri: m.relation for m in concept.matches}


MESH = "http://id.nlm.nih.gov/mesh/"
__all__ = ["MESH", "MeshTerm", "Site", "drug_concepts", "targets", "trial"]
