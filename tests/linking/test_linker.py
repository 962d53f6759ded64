"""The linker on trials built in memory: one node per drug, typed candidates, record evidence."""

from __future__ import annotations

import pytest

from tests.linking.conftest import MESH, drug_concepts, targets, trial
from trialkg.linking import Linker
from trialkg.model import Intervention, MeshTerm

IMATINIB = "mesh-D000068877"


@pytest.mark.parametrize(
    ("mention", "method"),
    [
        ("Imatinib Mesylate", "exact"),
        ("Imatinib Mesylate 400 mg tablets", "normalised"),
        ("imatinib (IM)", "normalised"),
        ("Imatinib(IM)", "normalised"),
        ("imatinib", "synonym"),
        ("Gleevec", "brand"),
        ("Glivec®", "brand"),
        ("STI571", "synonym"),
        ("STI-571", "synonym"),
    ],
)
def test_every_spelling_of_imatinib_is_one_node_named_as_mesh_names_it(
    linker: Linker, mention: str, method: str
) -> None:
    (concept,) = drug_concepts(linker, mention)
    assert (concept.kind, concept.key, concept.label) == ("drug", IMATINIB, "Imatinib Mesylate")
    first = concept.matches[0]
    assert (first.iri, first.relation, first.method) == (
        MESH + "D000068877",
        "exact",
        "vocabulary-term",
    )
    assert concept.method == method
    assert first.source.startswith("MeSH; trialkg lexicon ")
    found = targets(concept)
    # The node is the active ingredient: imatinib is exact, its mesylate salt close.
    assert found["https://go.drugbank.com/drugs/DB00619"] == "exact"
    assert found["http://purl.obolibrary.org/obo/CHEBI_45783"] == "exact"
    assert found["http://purl.obolibrary.org/obo/CHEBI_31690"] == "close"


def test_drug_keys_resolve_a_users_words_to_the_same_node(linker: Linker) -> None:
    for mention in ("Gleevec", "STI571", "imatinib", "Imatinib Mesylate", "glivec"):
        assert IMATINIB in linker.drug_keys(mention)


def test_tace_is_a_procedure_never_the_adam17_protein(linker: Linker) -> None:
    (procedure,) = drug_concepts(linker, "TACE", "PROCEDURE")
    assert procedure.key == "mesh-D016461" and procedure.label == "Chemoembolization, Therapeutic"
    assert procedure.method == "curated"
    # TACE is also an entry term of ADAM17 Protein (D08, an enzyme): never a drug link.
    (as_drug,) = drug_concepts(linker, "TACE")
    assert MESH + "D000072198" not in targets(as_drug)
    assert (as_drug.kind, as_drug.key) == ("procedure", "mesh-D016461")
    condition = linker.link_trial(trial(conditions=("TACE",))).conditions[0][0]
    assert condition.matches == ()


def test_a_condition_links_to_a_disease_and_a_drug_to_a_chemical(linker: Linker) -> None:
    # "HIV" is the MeSH descriptor of the virus (tree B); as a condition it is the infection.
    condition = linker.link_trial(trial(conditions=("HIV",))).conditions[0][0]
    assert condition.key == "mesh-D015658" and condition.label == "HIV Infections"
    (procedure,) = drug_concepts(linker, "HR", "PROCEDURE")
    assert procedure.label == "Hepatectomy"
    hazard = linker.link_trial(trial(conditions=("HR",))).conditions[0][0]
    assert hazard.matches == ()


def test_salt_forms_link_to_the_active_ingredient(linker: Linker) -> None:
    (concept,) = drug_concepts(linker, "Anlotinib Hydrochloride")
    assert (concept.key, concept.label) == ("mesh-C000625192", "anlotinib")
    assert concept.method == "salt"
    (sunitinib,) = drug_concepts(linker, "Sunitinib Malate")
    assert sunitinib.label == "Sunitinib"


def test_brand_names_link_to_the_generic(linker: Linker) -> None:
    (concept,) = drug_concepts(linker, "Keytruda")
    assert concept.label.lower() == "pembrolizumab"
    assert "https://go.drugbank.com/drugs/DB09037" in targets(concept)


@pytest.mark.parametrize(
    ("mention", "labels"),
    [
        ("Busulfan/Cyclophosphamide", ["Busulfan", "Cyclophosphamide"]),
        ("Paclitaxel + Carboplatin", ["Paclitaxel", "Carboplatin"]),
        ("Vinorelbine, cisplatin", ["Vinorelbine", "Cisplatin"]),
        ("Methylprednisolone or Prednisolone", ["Methylprednisolone", "Prednisolone"]),
    ],
)
def test_a_combination_of_known_drugs_is_split(
    linker: Linker, mention: str, labels: list[str]
) -> None:
    concepts = drug_concepts(linker, mention)
    assert [c.label for c in concepts] == labels
    assert all(c.method.endswith("+split") for c in concepts)


def test_a_combination_with_an_unknown_part_keeps_that_part_unlinked(linker: Linker) -> None:
    # Never anlotinib alone: the unknown part is a node of its own, without links.
    unknown, anlotinib = drug_concepts(linker, "AK104+anlotinib")
    assert (unknown.key, unknown.matches) == ("ak104", ())
    assert anlotinib.label.lower() == "anlotinib" and anlotinib.method.endswith("+split")


def test_a_placebo_is_not_the_drug_it_imitates(linker: Linker) -> None:
    (concept,) = drug_concepts(linker, "matching placebo enalapril")
    assert concept.label == "Placebos"


def test_an_abbreviation_is_read_within_its_own_record_only(linker: Linker) -> None:
    defines = trial(
        "NCT00000001",
        brief_summary="Patients receive imatinib (IM) after surgery.",
        interventions=(Intervention("IM", "DRUG"),),
    )
    silent = trial("NCT00000002", interventions=(Intervention("IM", "DRUG"),))
    (linked,) = linker.link_trial(defines).interventions[0]
    assert linked.key == IMATINIB and linked.method == "abbreviation"
    (unlinked,) = linker.link_trial(silent).interventions[0]
    assert unlinked.matches == () and unlinked.key == "im"


def test_the_registrys_mesh_terms_confirm_a_link(linker: Linker) -> None:
    (concept,) = drug_concepts(
        linker, "Gleevec", meshes=(MeshTerm("D000068877", "Imatinib Mesylate"),)
    )
    assert concept.method == "brand+registry-mesh"
    assert concept.matches[0].confidence == 1.0


def test_padded_registry_ids_are_the_same_descriptor(linker: Linker) -> None:
    record = trial(
        conditions=("Cystic Fibrosis",),
        condition_meshes=(MeshTerm("D000003550", "Cystic Fibrosis"),),
    )
    condition = linker.link_trial(record).conditions[0][0]
    assert condition.key == "mesh-D003550" and condition.method == "exact+registry-mesh"


def test_the_one_drug_left_takes_the_one_registry_term_left(linker: Linker) -> None:
    # NCT05466149: the record says Furmonertinib, the registry indexes it as aflutinib.
    (concept,) = drug_concepts(
        linker, "Furmonertinib", meshes=(MeshTerm("C000705711", "aflutinib"),)
    )
    first = concept.matches[0]
    assert (first.iri, concept.method, concept.confidence) == (
        MESH + "C000705711",
        "registry-mesh",
        0.7,
    )


def test_a_drug_linked_elsewhere_gains_the_registrys_mesh_term(linker: Linker) -> None:
    # NCT03318939: poziotinib is a DrugBank drug here; the registry calls it HM781-36B.
    (concept,) = drug_concepts(linker, "Poziotinib", meshes=(MeshTerm("C557213", "HM781-36B"),))
    assert concept.key == "drugbank-DB12114"
    assert (MESH + "C557213", "exact") in {(m.iri, m.relation) for m in concept.matches}


def test_partners_listed_as_other_names_are_not_synonyms(linker: Linker) -> None:
    # NCT05821933 lists the partners of RC108 as its "other names".
    rc108 = Intervention(
        "RC108",
        "DRUG",
        description="RC108 plus Furmonertinib and/or Toripalimab",
        other_names=("Furmonertinib", "Toripalimab"),
    )
    (concept,) = linker.link_trial(trial(interventions=(rc108,))).interventions[0]
    assert concept.matches == () and concept.label == "RC108"


def test_an_interventions_other_names_are_its_synonyms(linker: Linker) -> None:
    record = trial(interventions=(Intervention("Study drug A", "DRUG", other_names=("Tagrisso",)),))
    (concept,) = linker.link_trial(record).interventions[0]
    assert concept.label.lower() == "osimertinib" and concept.method == "other-name"


def test_conditions_spelled_differently_are_one_node(linker: Linker) -> None:
    names = (
        "NSCLC",
        "Non Small Cell Lung Cancer",
        "Carcinoma, Non-Small-Cell Lung",
        "non-small cell lung carcinoma",
    )
    record = trial(conditions=names)
    keys = {c.key for cs in linker.link_trial(record).conditions for c in cs}
    assert keys == {"mesh-D002289"}


def test_a_qualified_disease_is_a_close_match_of_its_own(linker: Linker) -> None:
    condition = linker.link_trial(trial(conditions=("Recurrent Lung Carcinoma",))).conditions[0][0]
    assert (
        condition.key == "recurrent-lung-carcinoma"
        and condition.label == "Recurrent Lung Carcinoma"
    )
    assert {m.relation for m in condition.matches} == {"close"}
    assert condition.method == "modifier"


def test_a_chemotherapy_filed_as_a_drug_is_the_procedure(linker: Linker) -> None:
    (concept,) = drug_concepts(linker, "Chemotherapy")
    assert (concept.kind, concept.label) == ("procedure", "Drug Therapy")


def test_links_are_deterministic(linker: Linker) -> None:
    record = trial(
        interventions=(
            Intervention("Imatinib Mesylate 400 mg", "DRUG"),
            Intervention("TACE", "PROCEDURE"),
        ),
        conditions=("GIST",),
    )
    assert linker.link_trial(record) == Linker().link_trial(record)
