"""Short all-capital condition names, and the registry's bare MeSH headings as evidence.

Issue: NCT03228394, a trial of ganaxolone in postpartum depression, lists the
condition "PPD"; the linker made it MeSH C535387 "Arthropathy, progressive
pseudorheumatoid, of childhood" through a MONDO synonym.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.linking.conftest import MESH, drug_concepts, trial
from trialkg.linking import Linker
from trialkg.linking.normalise import is_short_abbreviation
from trialkg.model import Intervention, MeshTerm, Trial
from trialkg.readers import Document, read_document

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
POSTPARTUM_DEPRESSION = "mesh-D019052"


def _condition(
    linker: Linker, name: str, *, others: tuple[str, ...] = (), **fields: object
) -> tuple[str, str | None, str | None]:
    """The key, first target and method of the condition ``name`` in a record of its own."""
    record = trial(conditions=(*others, name), **fields)
    concept = linker.link_trial(record).conditions[-1][0]
    first = concept.matches[0] if concept.matches else None
    return concept.key, first.iri if first else None, concept.method or None


def test_issue_ppd_in_the_ganaxolone_trial_is_left_unlinked(linker: Linker) -> None:
    path = FIXTURES / "xml" / "NCT03228394.xml"
    (record,) = read_document(Document(path.name, path.read_bytes()))
    assert isinstance(record, Trial)
    links = linker.link_trial(record)
    (ppd,) = links.conditions[record.conditions.index("PPD")]
    assert (ppd.key, ppd.label, ppd.matches) == ("ppd", "PPD", ())
    # The record's other conditions still link; postpartum depression is one of them.
    (postpartum,) = links.conditions[record.conditions.index("Depression, Postpartum")]
    assert postpartum.key == POSTPARTUM_DEPRESSION


@pytest.mark.parametrize(
    "where",
    [
        {"brief_title": "Ganaxolone in Women With Postpartum Depression (PPD)"},
        {"brief_summary": "Women with postpartum depression (PPD) receive ganaxolone."},
        {"others": ("Postpartum Depression (PPD)",)},
    ],
    ids=["title", "summary", "other condition"],
)
def test_an_abbreviation_the_record_defines_links_through_its_expansion(
    linker: Linker, where: dict[str, object]
) -> None:
    key, iri, method = _condition(linker, "PPD", **where)
    assert (key, iri, method) == (POSTPARTUM_DEPRESSION, MESH + "D019052", "abbreviation")


def test_the_definition_holds_in_its_own_record_only(linker: Linker) -> None:
    defines = _condition(linker, "PPD", brief_title="Postpartum Depression (PPD)")
    assert defines[0] == POSTPARTUM_DEPRESSION
    assert _condition(linker, "PPD") == ("ppd", None, None)


@pytest.mark.parametrize(
    ("name", "key", "method"),
    [
        ("COVID-19", "mesh-D000086382", "exact"),  # the descriptor's preferred heading
        ("COPD", "mesh-D029424", "synonym"),  # an entry term of its preferred concept
        ("AIDS", "mesh-D000163", "synonym"),
    ],
)
def test_an_abbreviation_that_is_one_descriptors_own_term_links(
    linker: Linker, name: str, key: str, method: str
) -> None:
    found_key, _, found_method = _condition(linker, name)
    assert (found_key, found_method) == (key, method)


@pytest.mark.parametrize("name", ["PPD", "ALS", "CF", "TB"])
def test_an_abbreviation_known_only_from_other_sources_or_ambiguous_is_not_linked(
    linker: Linker, name: str
) -> None:
    # MONDO's unscoped synonyms, a supplementary concept's synonym, and in "PPD"'s case
    # also MeSH's Tuberculin: none is firm enough for a bare abbreviation.
    assert _condition(linker, name) == (name.lower(), None, None)


@pytest.mark.parametrize(
    ("name", "key"),
    [("NSCLC", "mesh-D002289"), ("HIV", "mesh-D015658"), ("PMDD", "mesh-D065446")],
)
def test_trialkgs_curated_abbreviations_still_decide(linker: Linker, name: str, key: str) -> None:
    found_key, _, method = _condition(linker, name)
    assert (found_key, method) == (key, "curated")


def test_which_names_are_short_abbreviations() -> None:
    assert all(map(is_short_abbreviation, ["PPD", "COPD", "COVID-19", "T2DM", " HIV "]))
    for name in ("Ppd", "mCRPC", "P", "ABCDEF", "PPD (postpartum depression)", "Lung Cancer"):
        assert not is_short_abbreviation(name), name


def test_a_bare_heading_is_registry_evidence_without_demoting_an_exact_link(
    linker: Linker,
) -> None:
    record = trial(
        conditions=("Cystic Fibrosis", "Lung Cancer"),
        condition_meshes=(MeshTerm(None, "Cystic Fibrosis"), MeshTerm(None, "Lung Neoplasms")),
    )
    (cystic,), (lung,) = linker.link_trial(record).conditions
    assert cystic.key == "mesh-D003550" and cystic.method == "exact+registry-mesh"
    # "Lung Cancer" is MONDO's lung cancer; it is only a narrower term of Lung Neoplasms.
    assert lung.key == "mondo-0008903" and lung.matches[0].relation == "exact"


def test_a_descriptor_left_over_is_not_the_one_drug_left(linker: Linker) -> None:
    # NCT03101111: the registry indexes the measles-vector vaccine MV-CHIK as "Vaccines".
    (concept,) = drug_concepts(
        linker, "MV-CHIK", "BIOLOGICAL", meshes=(MeshTerm(None, "Vaccines"),)
    )
    assert concept.matches == () and concept.key == "mv-chik"
    record = trial(
        interventions=(Intervention("Furmonertinib", "DRUG"),),
        intervention_meshes=(MeshTerm(None, "aflutinib"),),
    )
    (furmonertinib,) = linker.link_trial(record).interventions[0]
    assert furmonertinib.matches[0].iri == MESH + "C000705711"


def test_an_abbreviation_named_twice_for_one_disease_links(linker: Linker) -> None:
    """ "ADHD" is a MeSH entry term of Attention Deficit Disorder with Hyperactivity and a
    MONDO synonym of "attention deficit-hyperactivity disorder", itself an entry term of
    that descriptor: one disease under two names, so the abbreviation names one concept
    (it was left unlinked as ambiguous, 3 mentions in the corpora)."""
    assert _condition(linker, "ADHD")[:2] == ("mesh-D001289", MESH + "D001289")


def test_an_abbreviation_whose_other_reading_is_another_disease_stays_unlinked(
    linker: Linker,
) -> None:
    # "MPNST": MONDO's tumour name is a term of MeSH Neurofibrosarcoma, but the MeSH
    # reading is a narrower concept's term, not the heading or an entry term.
    assert _condition(linker, "MPNST")[1:] == (None, None)
    assert _condition(linker, "PPD")[1:] == (None, None)
