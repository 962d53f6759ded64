"""The legacy ClinicalTrials.gov XML reader, on real AACT records and hand-made bad ones."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from trialkg.errors import InputError
from trialkg.linking import default_linker
from trialkg.model import (
    ARM_TYPES,
    DATE_TYPES,
    INTERVENTION_TYPES,
    OUTCOME_KINDS,
    PHASES,
    SEXES,
    STATUSES,
    STUDY_TYPES,
    Contact,
    Identifier,
    MeshTerm,
    Organisation,
    PartialDate,
    Reference,
    Site,
    Trial,
)
from trialkg.rdf import vocab
from trialkg.rdf.convert import triples_to_rdflib
from trialkg.rdf.mapping import MappingOptions, map_trial
from trialkg.rdf.terms import IRI, Lit
from trialkg.readers import Document, detect, read_document, read_paths
from trialkg.readers.ctgov_xml_values import criteria_lists, textblock
from trialkg.text import is_nct_id
from trialkg.validate import validate_graph

FIXTURES = Path(__file__).parent.parent / "fixtures" / "xml"
RECORDS = sorted(FIXTURES.glob("*.xml"))
ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
TKG, RDFS_LABEL = vocab.TKG, vocab.LABEL


def read_one(path: Path) -> Trial:
    results = list(read_document(Document(path.name, path.read_bytes())))
    assert len(results) == 1
    (trial,) = results
    assert isinstance(trial, Trial), trial
    return trial


def read_bytes(data: bytes, name: str = "handmade.xml") -> list[Trial | InputError]:
    return list(read_document(Document(name, data), format="ctgov-xml"))


def study(body: str, *, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>') -> bytes:
    return f"{prolog}\n<clinical_study>\n{body}\n</clinical_study>\n".encode()


# --- every fixture record -------------------------------------------------------------------


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.stem)
def test_contract(path: Path) -> None:
    document = Document(path.name, path.read_bytes())
    assert detect(document).name == "ctgov-xml"
    trial = read_one(path)

    assert is_nct_id(trial.nct_id) and trial.nct_id == path.stem
    assert trial.source.reader == "ctgov-xml" and trial.source.file == path.name
    assert trial.source.last_update and ISO_DATE.fullmatch(trial.source.last_update.value)
    assert trial.brief_title and trial.overall_status in STATUSES
    assert trial.study_type in STUDY_TYPES
    assert set(trial.phases) <= PHASES
    for when in (
        trial.start_date,
        trial.primary_completion_date,
        trial.completion_date,
        trial.first_posted,
        trial.last_update_posted,
        trial.status_verified,
    ):
        if when is not None:
            assert ISO_DATE.fullmatch(when.value) and when.type in DATE_TYPES | {None}
    assert {arm.type for arm in trial.arms} <= ARM_TYPES | {None}
    assert {i.type for i in trial.interventions} <= INTERVENTION_TYPES
    assert {o.kind for o in trial.outcomes} <= OUTCOME_KINDS
    assert trial.eligibility is not None and trial.eligibility.sex in SEXES
    # Every arm an intervention names is one of the record's arms, and the link is kept both ways.
    labels = {arm.label for arm in trial.arms}
    for intervention in trial.interventions:
        assert set(intervention.arm_labels) <= labels
    links = sum(len(arm.intervention_names) for arm in trial.arms)
    assert links == sum(len(i.arm_labels) for i in trial.interventions)
    # The XML's wrapping and indentation are gone from every text block.
    for text in (trial.brief_summary, trial.detailed_description, trial.eligibility.criteria_text):
        assert text is None or not re.search(r"\n {3,}|^\s", text)
    # MeSH headings come without ids in the XML: kept as headings, never given made-up ids.
    for mesh in trial.condition_meshes + trial.intervention_meshes:
        assert mesh.id is None and mesh.term


def test_every_fixture_gives_a_graph_that_conforms_to_the_shapes() -> None:
    linker = default_linker()
    for path in RECORDS:
        trial = read_one(path)
        triples = map_trial(trial, linker.link_trial(trial), MappingOptions(include_contacts=True))
        assert validate_graph(triples_to_rdflib(triples)) == [], trial.nct_id


def test_every_fixture_is_read_through_a_directory_walk() -> None:
    trials = [r for r in read_paths(RECORDS) if isinstance(r, Trial)]
    assert sorted(t.nct_id for t in trials) == sorted(p.stem for p in RECORDS)


def test_the_bulk_download_zip_is_read_member_by_member(tmp_path: Path) -> None:
    archive = tmp_path / "AllPublicXML.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in RECORDS[:3]:
            zipped.write(path, f"NCT0000xxxx/{path.name}")
    trials = list(read_paths([archive]))
    assert [t.nct_id for t in trials if isinstance(t, Trial)] == [p.stem for p in RECORDS[:3]]
    assert trials[0].source.file == f"AllPublicXML.zip!NCT0000xxxx/{RECORDS[0].name}"


# --- two records field by field -------------------------------------------------------------


def test_ganaxolone_trial_field_by_field() -> None:
    trial = read_one(FIXTURES / "NCT03228394.xml")

    assert trial.brief_title == (
        "A Clinical Trial of Intravenous Ganaxolone in Women With Postpartum Depression"
    )
    assert trial.org_study_id == "1042-PPD-2002" and trial.secondary_ids == ()
    assert trial.overall_status == "RECRUITING"
    assert trial.start_date == PartialDate("2017-06-27", "ACTUAL")
    assert trial.primary_completion_date == PartialDate("2018-08-17", "ESTIMATED")  # Anticipated
    assert trial.first_posted == PartialDate("2017-07-24", "ACTUAL")
    assert trial.last_update_posted == PartialDate("2018-03-06", "ACTUAL")
    assert trial.status_verified == PartialDate("2018-03")
    assert trial.source.last_update == PartialDate("2018-03-06", "ACTUAL")

    assert (trial.study_type, trial.phases) == ("INTERVENTIONAL", ("PHASE2",))
    assert (trial.allocation, trial.intervention_model, trial.primary_purpose) == (
        "RANDOMIZED",
        "PARALLEL",
        "TREATMENT",
    )
    assert trial.masking == "QUADRUPLE"
    assert trial.who_masked == ("PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR")
    assert (trial.enrollment, trial.enrollment_type) == (60, "ESTIMATED")
    assert trial.brief_summary == (
        "This study will evaluate the Safety, Pharmacokinetics and Efficacy of IV Administration "
        "of Ganaxolone in Women with Postpartum Depression"
    )
    assert trial.conditions[:3] == ("Depression", "Depressive Disorder", "Depression, Postpartum")
    assert len(trial.conditions) == 10
    assert trial.keywords == ("Postpartum Care", "Postpartum Depression")
    # The registry's MeSH indexing, by heading only, in the record's order.
    assert [m.term for m in trial.condition_meshes] == [
        "Disease",
        "Depression",
        "Depressive Disorder",
        "Mental Disorders",
        "Psychotic Disorders",
        "Mood Disorders",
        "Depression, Postpartum",
        "Pregnancy Complications",
        "Behavioral Symptoms",
        "Puerperal Disorders",
    ]
    assert trial.intervention_meshes == (MeshTerm(None, "Pregnanolone"),)

    ganaxolone, placebo = trial.arms
    assert (ganaxolone.label, ganaxolone.type, ganaxolone.description) == (
        "Ganaxolone",
        "EXPERIMENTAL",
        "Intravenous",
    )
    assert ganaxolone.intervention_names == ("Drug: Ganaxolone",)
    assert (placebo.type, placebo.intervention_names) == ("PLACEBO_COMPARATOR", ("Drug: Placebo",))
    drug = trial.interventions[0]
    assert (drug.name, drug.type, drug.description, drug.arm_labels) == (
        "Ganaxolone",
        "DRUG",
        "Ganaxolone IV",
        ("Ganaxolone",),
    )

    kinds = [o.kind for o in trial.outcomes]
    assert (kinds.count("PRIMARY"), kinds.count("SECONDARY")) == (7, 7)
    first = trial.outcomes[0]
    assert (first.measure, first.time_frame) == ("Treatment-Emergent Adverse Events", "34 days")

    eligibility = trial.eligibility
    assert eligibility is not None
    assert eligibility.inclusion[1:3] == (
        "Subject gave birth in the last 6 months",
        "Subject has a HAMD17 score of ≥ 26 at screening",
    )
    assert eligibility.inclusion[0].endswith("must be diagnosed according to MINI 7.0 interview")
    assert len(eligibility.inclusion) == 4
    assert eligibility.exclusion == (
        "Current or past history of any psychotic illness, including Major Depressive Episode "
        "with psychotic features",
        "History of suicide attempt within the past 3 years",
        "Active suicidal ideation",
        "History of bipolar I disorder",
        "History of seizure disorder",
    )
    assert (eligibility.minimum_age, eligibility.maximum_age) == ("18 Years", "45 Years")
    assert (eligibility.sex, eligibility.healthy_volunteers) == ("FEMALE", False)
    assert eligibility.criteria_text is not None
    assert eligibility.criteria_text.startswith("Inclusion Criteria:\n\n- Subject experienced")

    assert trial.lead_sponsor == Organisation("Marinus Pharmaceuticals", "INDUSTRY")
    assert trial.responsible_party is not None and trial.responsible_party.type == "SPONSOR"
    official = trial.officials[0]
    assert (official.name, official.role) == ("Jaakko Lappalainen, MD, PhD", "STUDY_DIRECTOR")
    assert trial.central_contacts == (
        Contact(
            "Jaakko Lappalainen, MD, PhD",
            "CONTACT",
            "484 801 4678",
            "jlappalainen@marinuspharma.com",
        ),
        Contact("William Amerine", "CONTACT", "484-801-4676", "wamerine@marinuspharma.com"),
    )
    assert len(trial.sites) == 13
    assert trial.sites[0] == Site(
        facility="Marinus Research Site",
        city="Little Rock",
        state="Arkansas",
        zip="72211",
        country="United States",
        status="RECRUITING",
    )
    assert trial.sites[-1].city == "Richmond"
    assert trial.has_results is False


def test_the_ganaxolone_trials_mesh_headings_become_the_descriptors_they_name() -> None:
    trial = read_one(FIXTURES / "NCT03228394.xml")
    links = default_linker().link_trial(trial)
    # The preferred heading of each descriptor, looked up exactly (MeSH 2025 ids).
    assert [(m.id, m.term) for m in links.condition_meshes] == [
        ("D004194", "Disease"),
        ("D003863", "Depression"),
        ("D003866", "Depressive Disorder"),
        ("D001523", "Mental Disorders"),
        ("D011618", "Psychotic Disorders"),
        ("D019964", "Mood Disorders"),
        ("D019052", "Depression, Postpartum"),
        ("D011248", "Pregnancy Complications"),
        ("D001526", "Behavioral Symptoms"),
        ("D011644", "Puerperal Disorders"),
    ]
    assert links.intervention_meshes == (MeshTerm("D011280", "Pregnanolone"),)
    triples = map_trial(trial, links)
    trial_iri = "https://clinicaltrials.gov/study/NCT03228394"
    postpartum = "http://id.nlm.nih.gov/mesh/D019052"
    assert (trial_iri, TKG + "conditionMesh", IRI(postpartum)) in triples
    assert (postpartum, RDFS_LABEL, Lit("Depression, Postpartum")) in triples
    pregnanolone = IRI("http://id.nlm.nih.gov/mesh/D011280")
    assert (trial_iri, TKG + "interventionMesh", pregnanolone) in triples
    # The registry's indexing confirms the record's own condition names, as for JSON.
    (postpartum_condition,) = links.conditions[trial.conditions.index("Depression, Postpartum")]
    assert postpartum_condition.method == "exact+registry-mesh"


def test_checkmate_331_mesh_headings_name_the_ids_the_registry_gives() -> None:
    trial = read_one(FIXTURES / "NCT02481830.xml")
    links = default_linker().link_trial(trial)
    assert [m.id for m in links.condition_meshes] == ["D008175", "D055752"]
    # Amrubicin is a supplementary concept: its record's name is the heading.
    assert [(m.id, m.term) for m in links.intervention_meshes] == [
        ("D000077594", "Nivolumab"),
        ("D019772", "Topotecan"),
        ("C055866", "Amrubicin"),
    ]


def test_checkmate_331_field_by_field() -> None:
    trial = read_one(FIXTURES / "NCT02481830.xml")

    assert trial.acronym == "CheckMate331"
    assert trial.secondary_ids == (Identifier("2015-001097-18"),)
    assert trial.overall_status == "ACTIVE_NOT_RECRUITING"
    assert trial.primary_completion_date == PartialDate("2018-08-17", "ACTUAL")
    assert trial.completion_date == PartialDate("2019-11-30", "ESTIMATED")
    assert trial.first_posted == PartialDate("2015-06-25", "ESTIMATED")  # type="Estimate"
    assert trial.status_verified == PartialDate("2019-04")
    assert (trial.phases, trial.masking, trial.who_masked) == (("PHASE3",), "NONE", ())
    assert (trial.enrollment, trial.enrollment_type) == (803, "ACTUAL")

    assert [(a.label, a.type, a.intervention_names) for a in trial.arms] == [
        ("Arm A Nivolumab", "EXPERIMENTAL", ("Drug: Nivolumab",)),
        ("Arm B Chemotherapy Topotecan", "ACTIVE_COMPARATOR", ("Drug: Topotecan",)),
        ("Arm B Chemotherapy Amrubicin", "ACTIVE_COMPARATOR", ("Drug: Amrubicin",)),
    ]
    nivolumab = trial.interventions[0]
    assert (nivolumab.name, nivolumab.arm_labels) == ("Nivolumab", ("Arm A Nivolumab",))
    assert trial.condition_meshes == (
        MeshTerm(None, "Lung Neoplasms"),
        MeshTerm(None, "Small Cell Lung Carcinoma"),
    )
    assert [m.term for m in trial.intervention_meshes] == ["Nivolumab", "Topotecan", "Amrubicin"]

    eligibility = trial.eligibility
    assert eligibility is not None and eligibility.criteria_text is not None
    # The notice before the headings is a paragraph of the text, not a criterion.
    assert eligibility.criteria_text.startswith(
        "For more information regarding BMS clinical trial participation, please visit "
        "www.BMSStudyConnect.com\n\nInclusion Criteria:\n\n- Histologically"
    )
    assert eligibility.inclusion[2] == (
        "Must have recurrence or progression after platinum-based first-line chemotherapy or "
        "chemoradiation therapy for the treatment of limited or extensive disease stage SCLC"
    )
    assert len(eligibility.inclusion) == 4 and len(eligibility.exclusion) == 3
    assert eligibility.maximum_age is None  # "N/A": no upper limit stated

    assert trial.lead_sponsor == Organisation("Bristol-Myers Squibb", "INDUSTRY")
    assert trial.collaborators == (Organisation("Ono Pharmaceutical Co. Ltd", "INDUSTRY"),)
    assert trial.central_contacts == ()
    assert len(trial.sites) == 149
    assert trial.sites[0] == Site(
        facility="Univ Of Ark For Med Sci",
        city="Little Rock",
        state="Arkansas",
        zip="72205",
        country="United States",
    )


def test_an_observational_record_with_site_investigators() -> None:
    trial = read_one(FIXTURES / "NCT03459976.xml")

    assert trial.study_type == "OBSERVATIONAL"
    assert (trial.observational_model, trial.time_perspective) == ("CASE_CONTROL", "RETROSPECTIVE")
    eligibility = trial.eligibility
    assert eligibility is not None
    assert eligibility.sampling_method == "NON_PROBABILITY_SAMPLE"
    assert eligibility.study_population is not None
    assert eligibility.study_population.startswith("Control group: 42 Patients")
    assert eligibility.inclusion == ("Age (45 - 70 yr old).",)
    assert eligibility.exclusion[0] == "Age more than 70 yr and less than 40 yr."
    assert eligibility.exclusion[-1] == "Smoker."
    assert trial.references == (
        Reference(
            citation="Benati M, Montagnana M, Danese E, Paviati E, Giudici S, Ruzzenente O, "
            "Franchi M, Lippi G. The clinical significance of DJ-1 and HE4 in patients with "
            "endometrial cancer. J Clin Lab Anal. 2018 Jan;32(1). doi: 10.1002/jcla.22223. "
            "Epub 2017 Apr 4.",
            pmid="28374920",
            type="RESULT",
        ),
    )
    party = trial.responsible_party
    assert party is not None
    assert (party.type, party.name, party.affiliation) == (
        "PRINCIPAL_INVESTIGATOR",
        "f m dabnon",
        "Ain Shams University",
    )
    assert trial.sites[0].contacts == (
        Contact("F m dabnon, master", "CONTACT", "01149733132", "abukraafatma@med.asu.edu.eg"),
        Contact("f m dabnon, master", "PRINCIPAL_INVESTIGATOR"),
    )


def test_a_1999_record_with_the_old_date_names() -> None:
    trial = read_one(FIXTURES / "NCT00002475.xml")

    # firstreceived_date is a submission date; the model has no field for it.
    assert trial.first_posted is None and trial.last_update_posted is None
    assert trial.source.last_update == PartialDate("2013-07-09")  # lastchanged_date
    assert trial.start_date == PartialDate("1991-04")
    assert trial.responsible_party is not None
    assert trial.responsible_party.name == "Charles L. Wiseman"
    assert trial.primary_purpose == "TREATMENT" and trial.arms == ()
    assert [i.name for i in trial.interventions][:2] == [
        "allogeneic tumor cell vaccine",
        "autologous tumor cell vaccine",
    ]
    assert {r.type for r in trial.references} == {"RESULT"}
    # No inclusion/exclusion headings in these PDQ-style criteria: nothing is guessed.
    assert trial.eligibility is not None
    assert (trial.eligibility.inclusion, trial.eligibility.exclusion) == ((), ())
    assert trial.eligibility.criteria_text is not None
    assert "\n\nAge:\n\n- 18 and over\n\n" in trial.eligibility.criteria_text


def test_other_statuses_designs_and_results() -> None:
    expanded = read_one(FIXTURES / "NCT03133988.xml")
    assert (expanded.study_type, expanded.overall_status) == ("EXPANDED_ACCESS", "AVAILABLE")
    unknown = read_one(FIXTURES / "NCT02591940.xml")
    assert (unknown.overall_status, unknown.last_known_status) == (
        "UNKNOWN",
        "ENROLLING_BY_INVITATION",
    )
    assert read_one(FIXTURES / "NCT03424005.xml").phases == ("PHASE1", "PHASE2")
    assert read_one(FIXTURES / "NCT02708238.xml").has_results is True


def test_a_heading_behind_a_bullet_still_starts_the_inclusion_list() -> None:
    trial = read_one(FIXTURES / "NCT00001177.xml")
    assert trial.eligibility is not None
    inclusion = trial.eligibility.inclusion
    assert inclusion[0].startswith("The subjects of this study will be women who meet")
    assert inclusion[3:5] == ("age 18 to 50;", "not pregnant and in good medical health;")


# --- text blocks ----------------------------------------------------------------------------


def test_textblock_rejoins_wrapped_lines_and_keeps_paragraphs() -> None:
    raw = """
      PRIMARY OBJECTIVES:

      I. To evaluate the proportion of patients with objective response (OR) to targeted study
      agent(s) in patients with advanced refractory cancers.

      II. To evaluate time until death.
    """
    assert textblock(raw) == (
        "PRIMARY OBJECTIVES:\n\n"
        "I. To evaluate the proportion of patients with objective response (OR) to targeted study "
        "agent(s) in patients with advanced refractory cancers.\n\n"
        "II. To evaluate time until death."
    )


def test_textblock_nests_items_and_aligns_two_digit_numbers() -> None:
    raw = """
        Inclusion Criteria:

          -  Histologically confirmed cancer, including the following tumor
             types:

               -  Colon cancer

               -  Lung cancer

          -  Metastatic disease

          9. Ninth

         10. Tenth
    """
    assert textblock(raw) == (
        "Inclusion Criteria:\n\n"
        "- Histologically confirmed cancer, including the following tumor types:\n"
        "  - Colon cancer\n"
        "  - Lung cancer\n"
        "- Metastatic disease\n"
        "9. Ninth\n"
        "10. Tenth"
    )


def test_criteria_with_the_first_item_on_the_heading_line() -> None:
    inclusion, exclusion = criteria_lists(
        "Inclusion Criteria:\n\n1. Aged 40 or older\n\nExclusion Criteria: 1. Age less than 40.\n\n"
        "2. No medication benefits."
    )
    assert inclusion == ("Aged 40 or older",)
    assert exclusion == ("Age less than 40.", "No medication benefits.")


def test_the_pre_2017_design_sentence() -> None:
    (trial,) = read_bytes(
        study(
            "<id_info><nct_id>NCT09999904</nct_id></id_info>"
            "<study_design>Allocation: Randomized, Endpoint Classification: Safety/Efficacy Study, "
            "Intervention Model: Parallel Assignment, Masking: Double Blind (Subject, Caregiver, "
            "Investigator), Primary Purpose: Treatment</study_design>"
            "<eligibility><gender>Both</gender><minimum_age>18 Years</minimum_age></eligibility>"
        )
    )
    assert isinstance(trial, Trial)
    assert (trial.allocation, trial.intervention_model, trial.primary_purpose) == (
        "RANDOMIZED",
        "PARALLEL",
        "TREATMENT",
    )
    assert (trial.masking, trial.who_masked) == (
        "DOUBLE",
        ("PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR"),
    )
    assert trial.eligibility is not None and trial.eligibility.sex == "ALL"
