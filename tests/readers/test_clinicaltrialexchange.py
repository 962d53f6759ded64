"""clinicaltrialexchange.com's "Treatments": the registry's MeSH intervention headings."""

from __future__ import annotations

from pathlib import Path

from trialkg.linking import default_linker
from trialkg.model import MeshTerm, Trial
from trialkg.readers import Document, read_document

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGES = FIXTURES / "third_party" / "clinicaltrialexchange.com"


def page(name: str) -> Trial:
    (trial,) = read_document(Document(name, (PAGES / name).read_bytes()))
    assert isinstance(trial, Trial), trial
    return trial


def test_treatments_are_headings_without_ids() -> None:
    trial = page("NCT02481830.txt")
    assert trial.interventions == ()  # the headings are not the trial's interventions
    assert trial.intervention_meshes == (
        MeshTerm(None, "Amrubicin"),
        MeshTerm(None, "Antibodies, Monoclonal"),
        MeshTerm(None, "Nivolumab"),
        MeshTerm(None, "Topotecan"),
    )
    assert trial.condition_meshes == ()  # the page lists no condition headings


def test_treatments_resolve_to_the_ids_the_xml_record_of_the_trial_gives() -> None:
    links = default_linker().link_trial(page("NCT02481830.txt"))
    assert [(m.id, m.term) for m in links.intervention_meshes] == [
        ("C055866", "Amrubicin"),  # a supplementary concept, as in the XML record
        ("D000911", "Antibodies, Monoclonal"),
        ("D000077594", "Nivolumab"),
        ("D019772", "Topotecan"),
    ]


def test_the_glued_rendering_gives_the_same_heading() -> None:
    for name in ("NCT00171977.txt", "NCT00171977_alt.txt"):
        links = default_linker().link_trial(page(name))
        assert links.intervention_meshes == (MeshTerm("D000068877", "Imatinib Mesylate"),)


def test_a_page_cut_after_the_label_has_no_treatments() -> None:
    # The excerpt stops right after "Treatments:\nImatinib Mesylate": the last line of a
    # cut page may be half a heading, so it is not read.
    assert page("NCT00028002.txt").intervention_meshes == ()
