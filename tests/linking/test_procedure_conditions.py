"""Conditions that name a procedure: what the trial's participants undergo.

Registries let a trial list its focus as a condition: "Kidney Transplantation",
"Hemodialysis", "Diskectomy", "Anesthesia". These are MeSH descriptors of the
procedure branches (E), not diseases, and the condition linker left them unlinked
(85 such mentions in the corpora: 13 "Blood Transfusion", 8 "Kidney
Transplantation" ...). A mention that is word for word the MeSH term of one
procedure now links to it; anything less stays unlinked.
"""

from __future__ import annotations

import pytest

from tests.linking.conftest import MESH, trial
from trialkg.linking import Linker


def _first(linker: Linker, name: str) -> tuple[str, str | None, str | None]:
    """The node key, first target and its relation of the condition ``name``."""
    concept = linker.link_trial(trial(conditions=(name,))).conditions[0][0]
    first = concept.matches[0] if concept.matches else None
    return concept.key, first.iri if first else None, first.relation if first else None


@pytest.mark.parametrize(
    ("name", "key", "descriptor", "relation"),
    [
        ("Kidney Transplantation", "mesh-D016030", "D016030", "exact"),
        ("Diskectomy", "mesh-D017586", "D017586", "exact"),
        ("Coronary Artery Bypass Surgery", "mesh-D001026", "D001026", "exact"),  # entry term
        ("Total Knee Replacement", "mesh-D019645", "D019645", "exact"),
        # A term of a narrower concept of Renal Dialysis: close, as for any mention, and
        # the node stays the mention's own.
        ("Hemodialysis", "hemodialysis", "D006435", "close"),
    ],
)
def test_a_condition_that_is_a_procedure_term_links_to_it(
    linker: Linker, name: str, key: str, descriptor: str, relation: str
) -> None:
    assert _first(linker, name) == (key, MESH + descriptor, relation)


@pytest.mark.parametrize(
    "name",
    [
        "Kidney Transplant Recipients",  # reworded: not the term itself
        "Microdiscectomy",  # not a MeSH term
        "CABG",  # a short abbreviation alone is never looked up as a procedure
        "Hip Replacement",  # no MeSH term reads so
    ],
)
def test_anything_short_of_the_term_stays_unlinked(linker: Linker, name: str) -> None:
    assert _first(linker, name)[1:] == (None, None)


def test_a_disease_still_comes_first(linker: Linker) -> None:
    # "Lung Neoplasms" is a disease; the procedure rule is only a fallback.
    assert _first(linker, "Lung Neoplasms")[:2] == ("mesh-D008175", MESH + "D008175")


def test_adverse_event_terms_are_not_read_as_procedures(linker: Linker) -> None:
    # An event is something that happened to a participant; the event linker keeps to
    # diseases and findings, so "Blood Transfusion" as an event term stays its own node.
    assert linker.condition_concept("Blood Transfusion").matches == ()
    linked = linker.condition_concepts("Blood Transfusion", procedures=True)
    assert [m.iri for m in linked[0].matches][:1] == [MESH + "D001803"]
