"""Issue 14: links that hold in every therapeutic area (one test per class of miss)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

import trialkg
from tests.linking.conftest import MESH, drug_concepts, trial
from trialkg.build import BuildOptions
from trialkg.errors import QueryError
from trialkg.linking import Linker
from trialkg.linking.lexicon import OVERLAY_ENV
from trialkg.model import Intervention, MeshTerm
from trialkg.query import expand_curie, run_query
from trialkg.rdf import vocab
from trialkg.rdf.mapping import map_trial
from trialkg.rdf.terms import IRI
from trialkg.resources import resource_dir

IMATINIB = vocab.ID + "drug/mesh-D000068877"


# -- canonical identifiers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("D000017239", "D017239"),  # Paclitaxel, as the registry pads it
        ("D000016190", "D016190"),  # Carboplatin
        ("C000582435", "C582435"),  # pembrolizumab
        ("C000531958", "C531958"),  # lenvatinib
        ("D000006820", "D006820"),  # Hyaluronic Acid
        ("D000068877", "D000068877"),  # Imatinib Mesylate: minted with nine digits
        ("d017239", "D017239"),
    ],
)
def test_registry_mesh_ids_are_made_canonical(linker: Linker, written: str, canonical: str) -> None:
    assert linker.lexicon.mesh_id(written) == canonical
    assert expand_curie("mesh:" + written) == MESH + canonical
    assert expand_curie(f"<{MESH}{written.upper()}>") == MESH + canonical
    record = trial(intervention_meshes=(MeshTerm(written, "x"),))
    assert linker.link_trial(record).intervention_meshes == (MeshTerm(canonical, "x"),)


def test_an_unknown_mesh_id_given_by_a_user_is_an_error_naming_it() -> None:
    with pytest.raises(QueryError, match="D999999999"):
        expand_curie("mesh:D999999999")
    with pytest.raises(QueryError, match="not a MeSH id"):
        expand_curie("mesh:imatinib")


@pytest.mark.parametrize(
    ("curie", "iri"),
    [
        ("umls:C0939537", "http://linkedlifedata.com/resource/umls/id/C0939537"),
        ("hp:0002664", "http://purl.obolibrary.org/obo/HP_0002664"),
        ("HP:0002664", "http://purl.obolibrary.org/obo/HP_0002664"),
        ("efo:0000311", "http://www.ebi.ac.uk/efo/EFO_0000311"),
        ("ror:02mhbdp94", "https://ror.org/02mhbdp94"),
        ("CHEBI:45783", "http://purl.obolibrary.org/obo/CHEBI_45783"),
        ("chebi:CHEBI:45783", "http://purl.obolibrary.org/obo/CHEBI_45783"),
        ("MESH:C522911", MESH + "C522911"),
        ("DrugBank:db00619", "https://go.drugbank.com/drugs/DB00619"),
        ("NCIT:C2926", "http://purl.obolibrary.org/obo/NCIT_C2926"),
        ("MONDO_0005233", "http://purl.obolibrary.org/obo/MONDO_0005233"),
    ],
)
def test_one_prefix_registry_expands_every_vocabulary(curie: str, iri: str) -> None:
    assert expand_curie(curie) == iri


def test_the_registry_s_padded_carboplatin_confirms_the_link(linker: Linker) -> None:
    (concept,) = drug_concepts(
        linker, "Carboplatin", meshes=(MeshTerm("D000016190", "Carboplatin"),)
    )
    assert concept.key == "mesh-D016190" and concept.method == "exact+registry-mesh"


# -- the registry's derived terms as evidence -------------------------------------------


def _condition(linker: Linker, name: str, *meshes: tuple[str, str]) -> tuple[str, ...]:
    record = trial(conditions=(name,), condition_meshes=tuple(MeshTerm(*m) for m in meshes))
    (concepts,) = linker.link_trial(record).conditions
    return tuple(
        f"{c.key} {c.method} {c.matches[0].relation if c.matches else '-'}" for c in concepts
    )


@pytest.mark.parametrize(
    ("name", "mesh", "expected"),
    [
        ("Asthmatics", ("D001249", "Asthma"), "mesh-D001249 registry-derived exact"),
        ("Asthmatic Patients", ("D001249", "Asthma"), "mesh-D001249 registry-derived exact"),
        (
            "Corticosteroid Resistant (CR) Asthmatics",
            ("D001249", "Asthma"),
            "mesh-D001249 registry-derived exact",
        ),
        (
            "Diabete Mellitus",
            ("D003920", "Diabetes Mellitus"),
            "mesh-D003920 registry-derived exact",
        ),
        (
            "Cluster Headache - Episodic and Chronic",
            ("D003027", "Cluster Headache"),
            "mesh-D003027 registry-derived exact",
        ),
        (
            "Untreated Advanced or Recurrent Thymic Carcinomas",
            ("D013945", "Thymoma"),
            # "Thymic carcinoma" is a narrower concept of MeSH Thymoma: a close match.
            "untreated-advanced-or-recurrent-thymic-carcinomas registry-derived close",
        ),
    ],
)
def test_a_mention_takes_the_registry_s_term_in_other_words(
    linker: Linker, name: str, mesh: tuple[str, str], expected: str
) -> None:
    (found,) = _condition(linker, name, mesh)
    assert found.startswith(expected)


def test_a_registry_term_no_mention_names_is_not_forced_onto_one(linker: Linker) -> None:
    found = _condition(
        linker,
        "Lung cancer metastatic to brain",
        ("D008175", "Lung Neoplasms"),
        ("D001932", "Brain Neoplasms"),
    )
    assert not any("registry-derived" in f for f in found)
    record = trial(conditions=("Tiredness",), condition_meshes=(MeshTerm("D005221", "Fatigue"),))
    triples = map_trial(record, Linker().link_trial(record))
    trial_iri = vocab.CTGOV + "NCT01234567"
    assert (trial_iri, vocab.TKG + "conditionMesh", IRI(MESH + "D005221")) in triples


def test_cancer_linked_outside_mesh_is_close_to_the_registry_s_neoplasms(linker: Linker) -> None:
    record = trial(conditions=("Breast Cancer",), condition_meshes=(MeshTerm("D001943", "x"),))
    ((concept,),) = linker.link_trial(record).conditions
    assert concept.key == "mondo-0007254"  # MONDO's breast cancer: a neoplasm may be benign
    record = trial(
        conditions=("Breast Cancer",), condition_meshes=(MeshTerm("D001943", "Breast Neoplasms"),)
    )
    ((concept,),) = linker.link_trial(record).conditions
    close = {m.iri: (m.relation, m.method) for m in concept.matches}[MESH + "D001943"]
    assert close == ("close", "registry-derived")


def test_a_list_of_conditions_is_one_condition_per_item(linker: Linker) -> None:
    found = _condition(linker, "Obesity or Overweight")
    assert [f.split()[0] for f in found] == ["mesh-D009765", "mesh-D050177"]
    # A disease whose name holds "and" stays one.
    (one,) = _condition(linker, "Hand, Foot and Mouth Disease")
    assert one.startswith("mesh-D006232 ")


@pytest.mark.parametrize("name", ["Healthy", "Healthy Volunteers", "Healthy Participants"])
def test_healthy_volunteers_are_a_fact_not_a_condition(linker: Linker, name: str) -> None:
    record = trial(conditions=(name, "Asthma"))
    links = linker.link_trial(record)
    assert links.conditions[0] == () and links.healthy_volunteers
    triples = map_trial(record, links)
    assert not any(o == IRI(vocab.ID + "condition/healthy") for _, _, o in triples)
    trial_iri = vocab.CTGOV + "NCT01234567"
    assert any(
        s == trial_iri and p == vocab.TKG + "studiesHealthyVolunteers" for s, p, _ in triples
    )


def test_a_drug_mention_takes_the_registry_term_it_names(linker: Linker) -> None:
    meshes = (MeshTerm("D001623", "Betamethasone"), MeshTerm("C028994", "x y z"))
    (concept,) = drug_concepts(linker, "Betamethasone epidural steroid injection", meshes=meshes)
    assert concept.key == "mesh-D001623" and concept.method == "registry-derived"
    # A route is a form word: the cleaned name is the drug's own, which the registry confirms.
    (concept,) = drug_concepts(linker, "Epidural betamethasone injection", meshes=meshes)
    assert concept.key == "mesh-D001623" and concept.method == "normalised+registry-mesh"
    # More said than the registry's term: close to it ("compound" betamethasone).
    (concept,) = drug_concepts(linker, "Caudal compound betamethasone", meshes=meshes)
    assert concept.matches[0].iri == MESH + "D001623" and concept.matches[0].relation == "close"


def test_a_combination_is_not_read_as_the_one_registry_term_within_it(linker: Linker) -> None:
    meshes = (MeshTerm("D013792", "Thalidomide"),)
    concepts = drug_concepts(linker, "Anti-TNF or Thalidomide", meshes=meshes)
    assert all(c.method != "registry-derived" for c in concepts)
    # Each part is its own node: thalidomide linked, "Anti-TNF" not.
    assert [(c.key, bool(c.matches)) for c in concepts] == [
        ("anti-tnf", False),
        ("mesh-D013792", True),
    ]
    (drug, chemotherapy) = drug_concepts(linker, "Sugemalimab and Chemotherapy")
    assert drug.kind == "drug" and drug.matches and chemotherapy.kind == "procedure"


@pytest.mark.parametrize(("name", "alias"), [("Depo-Medroxyprogesterone (DMPA)", "DMPA")])
def test_a_short_alias_does_not_link_through_a_chemical_s_synonym(
    linker: Linker, name: str, alias: str
) -> None:
    (concept,) = drug_concepts(linker, name)
    assert not any("C0" in m.iri or "C1" in m.iri for m in concept.matches), concept
    record = trial(
        interventions=(Intervention("photodynamic therapy", "DRUG", other_names=("PDT",)),)
    )
    ((concept,),) = linker.link_trial(record).interventions
    assert not any(m.iri.startswith(MESH + "C") for m in concept.matches), concept


# -- placebo and sham -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [("Placebo", "DRUG"), ("Placebo Oral Tablet", "OTHER"), ("Sham NightWare", "DEVICE")],
)
def test_a_placebo_or_sham_is_the_placebo_node_not_a_drug(
    linker: Linker, name: str, kind: str
) -> None:
    (concept,) = drug_concepts(linker, name, kind)
    assert (concept.kind, concept.key) == ("placebo", "placebo")
    assert concept.matches[0].iri == MESH + "D010919"
    record = trial(interventions=(Intervention(name, kind),))
    triples = map_trial(record, linker.link_trial(record))
    node = vocab.ID + "placebo/placebo"
    assert (node, vocab.TYPE, IRI(vocab.TKG + "Placebo")) in triples
    assert (node, vocab.TYPE, IRI(vocab.TKG + "Drug")) not in triples


def test_a_drug_given_with_placebo_keeps_the_drug(linker: Linker) -> None:
    concepts = drug_concepts(linker, "Dapagliflozin and placebo")
    assert [c.kind for c in concepts] == ["drug", "placebo"]


@pytest.fixture(scope="module")
def placebo_store(tmp_path_factory: pytest.TempPathFactory) -> trialkg.TrialStore:
    folder = tmp_path_factory.mktemp("placebo")
    template = (
        '{"protocolSection": {"identificationModule": {"nctId": "NCT", "briefTitle": "T"},'
        ' "armsInterventionsModule": {"interventions": ['
        '{"type": "DRUG", "name": "Metformin"}, {"type": "DRUG", "name": "Placebo"}]}}}'
    )
    for index, nct in enumerate(("NCT00000101", "NCT00000102")):
        text = template.replace('"NCT"', f'"{nct}"').replace('"T"', f'"T{index}"')
        (folder / f"{nct}.json").write_text(text, encoding="utf-8")
    store = trialkg.open_store(folder / "store")
    assert trialkg.build(store, [folder], BuildOptions(overlay="")).built == 2
    return store


def test_shared_drugs_leaves_placebo_out_unless_asked(placebo_store: trialkg.TrialStore) -> None:
    plain = [row[0] for row in run_query(placebo_store, "shared-drugs").rows]
    assert plain == [vocab.ID + "drug/mesh-D008687"]
    both = run_query(placebo_store, "shared-drugs", {"include_placebo": "true"}).rows
    assert {row[0] for row in both} == {
        vocab.ID + "drug/mesh-D008687",
        vocab.ID + "placebo/placebo",
    }


def test_trials_for_drug_finds_placebo_only_when_asked(placebo_store: trialkg.TrialStore) -> None:
    assert run_query(placebo_store, "trials-for-drug", {"drug": "placebo"}).rows == []
    assert run_query(placebo_store, "trials-for-drug", {"drug": "mesh:D010919"}).rows == []
    asked = run_query(
        placebo_store, "trials-for-drug", {"drug": "placebo", "include_placebo": "true"}
    )
    assert [row[0] for row in asked.rows] == ["NCT00000101", "NCT00000102"]
    padded = run_query(placebo_store, "trials-for-drug", {"drug": "mesh:D000008687"})
    assert [row[0] for row in padded.rows] == ["NCT00000101", "NCT00000102"]
    with pytest.raises(QueryError, match="true or false"):
        run_query(placebo_store, "shared-drugs", {"include_placebo": "maybe"})


def test_trials_for_drug_finds_the_trials_the_registry_indexes_with_the_id(
    tmp_path: Path,
) -> None:
    record = (
        '{"protocolSection": {"identificationModule": {"nctId": "NCT00000301"},'
        ' "armsInterventionsModule": {"interventions": ['
        '{"type": "DRUG", "name": "Psoriasis cream"}]}},'
        ' "derivedSection": {"interventionBrowseModule": {"meshes": ['
        '{"id": "D003033", "term": "Coal Tar"}]}}}'
    )
    (tmp_path / "NCT00000301.json").write_text(record, encoding="utf-8")
    store = trialkg.open_store(tmp_path / "store")
    trialkg.build(store, [tmp_path / "NCT00000301.json"], BuildOptions(overlay=""))
    rows = run_query(store, "trials-for-drug", {"drug": "mesh:D003033"}).rows
    assert rows == [("NCT00000301", None, None, "Coal Tar")]


# -- one linker per build; the overlay is an option -------------------------------------


def test_issue_14_an_overlay_set_between_two_builds_in_one_process_applies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = [str(resource_dir("data") / "examples")]
    store = trialkg.open_store(tmp_path / "store")
    monkeypatch.delenv(OVERLAY_ENV, raising=False)
    assert trialkg.build(store, seeds).built == 2
    assert _uses(store, IMATINIB)
    overlay = tmp_path / "overlay.tsv"
    # Forbids the concept Imatinib Mesylate, whatever name a record gives it.
    overlay.write_text("drug\tMESH:D000068877\t-\n", encoding="utf-8")
    monkeypatch.setenv(OVERLAY_ENV, str(overlay))
    assert trialkg.build(store, seeds).built == 2
    assert not _uses(store, IMATINIB)
    # The option wins over the variable: no overlay links imatinib again.
    assert trialkg.build(store, seeds, BuildOptions(overlay="", workers=2)).built == 2
    assert _uses(store, IMATINIB)


def _uses(store: trialkg.TrialStore, drug: str) -> bool:
    pattern = store.oxigraph.quads_for_pattern(
        None, ox.NamedNode(vocab.TKG + "concept"), ox.NamedNode(drug), None
    )
    return any(True for _ in pattern)


# -- readable, minimal link records -----------------------------------------------------


def test_one_link_per_concept_and_target(linker: Linker) -> None:
    record = trial(
        interventions=(
            Intervention("Imatinib Mesylate 400 mg tablets", "DRUG"),
            Intervention("Gleevec", "DRUG"),
        )
    )
    links = linker.link_trial(record)
    triples = map_trial(record, links)
    link_nodes = {o for s, p, o in triples if s == IMATINIB and p == vocab.TKG + "link"}
    targets = {m.iri for concepts in links.interventions for c in concepts for m in c.matches}
    assert len(link_nodes) == len(targets) == 6
    methods = {o.value for s, p, o in triples if p == vocab.TKG + "matchMethod"}  # type: ignore[union-attr]
    assert methods == {"normalised", "brand"}


# -- trialkg stats: the registry's terms the links meet ---------------------------------


def test_stats_shows_the_registry_terms_the_links_meet(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from trialkg.cli import main

    record = (
        '{"protocolSection": {"identificationModule": {"nctId": "NCT00000201"},'
        ' "conditionsModule": {"conditions": ["Asthmatics", "Tiredness"]},'
        ' "armsInterventionsModule": {"interventions": [{"type": "DRUG", "name": "Metformin"}]}},'
        ' "derivedSection": {"conditionBrowseModule": {"meshes": ['
        '{"id": "D001249", "term": "Asthma"}, {"id": "D005221", "term": "Fatigue"}]},'
        ' "interventionBrowseModule": {"meshes": [{"id": "D000008687", "term": "Metformin"}]}}}'
    )
    (tmp_path / "NCT00000201.json").write_text(record, encoding="utf-8")
    store = str(tmp_path / "store")
    runner = CliRunner()
    built = runner.invoke(main, ["build", str(tmp_path / "NCT00000201.json"), "--store", store])
    assert built.exit_code == 0, built.output
    result = runner.invoke(main, ["stats", "--store", store])
    assert result.exit_code == 0, result.output
    assert "  condition     1/2 (50.0%); trials 1/1 (100.0%)" in result.output
    assert "  intervention  1/1 (100.0%); trials 1/1 (100.0%)" in result.output


# -- procedures, devices and behavioural interventions ----------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "key", "relation"),
    [
        ("General anaesthesia", "PROCEDURE", "mesh-D000768", "exact"),  # Anesthesia, General
        ("Acupuncture", "PROCEDURE", "mesh-D015670", "exact"),  # Acupuncture Therapy
        ("Cupping", "PROCEDURE", "mesh-D000079742", "exact"),  # Cupping Therapy
        ("lumbar discectomy", "PROCEDURE", "lumbar-discectomy", "close"),  # Diskectomy
        # Done under the microscope: close to the technique itself (Diskectomy).
        ("Microdiscectomy", "PROCEDURE", "microdiscectomy", "close"),
        ("Open microdiscectomy", "PROCEDURE", "open-microdiscectomy", "close"),
        ("Microdiscectomy Surgery", "PROCEDURE", "microdiscectomy-surgery", "close"),
        ("Cognitive Behavioral Therapy", "BEHAVIORAL", "mesh-D015928", "exact"),  # F04
        ("Continuous glucose monitoring (CGM)", "DEVICE", "mesh-D000095583", "exact"),
    ],
)
def test_procedures_link_through_mesh_s_own_forms(
    linker: Linker, name: str, kind: str, key: str, relation: str
) -> None:
    (concept,) = drug_concepts(linker, name, kind)
    assert (concept.key, concept.matches[0].relation) == (key, relation)


def test_a_micro_technique_is_close_to_the_technique(linker: Linker) -> None:
    (concept,) = drug_concepts(linker, "Microdiscectomy", "PROCEDURE")
    assert [(m.iri, m.relation) for m in concept.matches[:1]] == [(MESH + "D017586", "close")]


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("Microbiome transplant", ["microbiome transplant therapy", "transplant"]),
        ("Micronutrient supplement", ["micronutrient supplement therapy", "supplement"]),
    ],
)
def test_a_micro_word_that_names_no_technique_is_left_whole(name: str, forms: list[str]) -> None:
    from trialkg.linking.procedures import procedure_forms

    assert [form for form, _ in procedure_forms(name)] == forms


def test_a_generic_head_is_not_a_procedure(linker: Linker) -> None:
    (concept,) = drug_concepts(linker, "Chuna manual therapy", "PROCEDURE")
    assert concept.matches == () or concept.matches[0].iri != MESH + "D013812"  # Therapeutics


@pytest.mark.parametrize(
    ("name", "linked"),
    [("KW-6002", True), ("Furmonertinib 80 mg", True), ("isolated perfusion", False)],
)
def test_the_one_registry_term_left_goes_only_to_a_substance_s_name(
    linker: Linker, name: str, linked: bool
) -> None:
    (concept,) = drug_concepts(linker, name, meshes=(MeshTerm("C000705711", "aflutinib"),))
    assert any(m.iri == MESH + "C000705711" for m in concept.matches) is linked


# -- regimens by MeSH's "X protocol" names -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("CHOP regimen", "mesh-C034587"),  # CHOP protocol
        ("FOLFIRI regimen", "mesh-C480833"),  # an entry term of IFL protocol
        ("EPOCH", "mesh-C079446"),
        ("Stanford V regimen", "mesh-C093371"),
    ],
)
def test_a_regimen_links_to_the_protocol_mesh_names(linker: Linker, name: str, key: str) -> None:
    (concept,) = drug_concepts(linker, name)
    assert (concept.key, concept.method) == (key, "regimen")


def test_a_regimen_whose_drugs_are_named_stays_its_drugs(linker: Linker) -> None:
    # Queries by drug find the trial through each drug; the protocol would hide them.
    found = drug_concepts(linker, "FOLFOX (5-fluorouracil, Leucovorin, Oxaliplatin)")
    assert {c.key for c in found} == {"mesh-D005472", "mesh-D002955", "mesh-D000077150"}


@pytest.mark.parametrize("name", ["AC", "Clinical", "Imatinib regimen"])
def test_short_names_and_drugs_are_not_read_as_protocols(linker: Linker, name: str) -> None:
    (concept,) = drug_concepts(linker, name)
    assert concept.method != "regimen"


def test_another_name_the_record_gives_is_not_read_as_a_protocol(linker: Linker) -> None:
    # NCT00494780 gives its prednisone intervention the other name "CHOP": the drugs it
    # names stay the drugs.
    from trialkg.model import Intervention

    given = Intervention("Prednisolone, Prednisone or equivalent", "DRUG", other_names=("CHOP",))
    found = linker.link_trial(trial(interventions=(given,))).interventions[0]
    assert "mesh-C034587" not in {c.key for c in found}
    assert {"mesh-D011239", "mesh-D011241"} <= {c.key for c in found}
