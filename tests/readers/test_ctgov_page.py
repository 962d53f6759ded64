"""The ClinicalTrials.gov page reader, on real pages in each layout the site has had."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trialkg.errors import InputError
from trialkg.model import (
    Arm,
    Contact,
    Intervention,
    Organisation,
    Outcome,
    PartialDate,
    Site,
    Trial,
)
from trialkg.readers import Document, ctgov_page, detect, read_document

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"
SEED = PAGES / "seed_000_NCT06038552.txt"


def read(path: Path, name: str | None = None) -> Trial:
    results = list(ctgov_page.read(Document(name or path.name, path.read_bytes())))
    assert len(results) == 1
    trial = results[0]
    assert isinstance(trial, Trial), trial
    return trial


def read_text(text: str, name: str = "page.txt") -> list[Trial | InputError]:
    return list(read_document(Document(name, text.encode()), format="ctgov-page"))


# --- seed 000: the Study Details page, read line by line --------------------------------------


@pytest.fixture(scope="module")
def seed() -> Trial:
    return read(SEED)


def test_seed_is_detected_as_a_clinicaltrials_gov_page() -> None:
    assert detect(Document(SEED.name, SEED.read_bytes())).name == "ctgov-page"


def test_seed_identity_and_provenance(seed: Trial) -> None:
    assert seed.nct_id == "NCT06038552"
    assert seed.brief_title == (
        "The Long-term Efficacy of Imatinib With Hepatic Resection or Other Local Treatment "
        "for GIST Liver Metastases"
    )
    assert seed.official_title == (
        "The Long-term Efficacy of Imatinib With Hepatic Resection or Other Local Treatment for "
        "Gastrointestinal Stromal Tumours Liver Metastases:a Retrospective Cohort Study"
    )
    assert seed.acronym is None
    assert seed.org_study_id == "No.[2023]352"
    assert seed.secondary_ids == ()
    assert seed.source.reader == "ctgov-page"
    assert seed.source.file == SEED.name
    assert seed.source.last_update == PartialDate("2023-09-15")
    assert seed.source.partial is False  # the page runs to "No Results Posted"
    assert seed.source.nct_id_from_filename is False


def test_seed_status_and_dates(seed: Trial) -> None:
    assert seed.overall_status == "COMPLETED"
    assert seed.why_stopped is None
    assert seed.start_date == PartialDate("2002-01-01", "ACTUAL")
    assert seed.primary_completion_date == PartialDate("2022-12-31", "ACTUAL")
    assert seed.completion_date == PartialDate("2023-05-01", "ACTUAL")
    assert seed.first_posted == PartialDate("2023-09-15")
    assert seed.last_update_posted == PartialDate("2023-09-15")
    # "Last Verified: Sep 1, 2023": the registry keeps this date to the month.
    assert seed.status_verified == PartialDate("2023-09")
    assert seed.has_results is False


def test_seed_design(seed: Trial) -> None:
    assert seed.study_type == "OBSERVATIONAL"
    assert seed.observational_model == "COHORT"
    assert seed.time_perspective == "RETROSPECTIVE"
    assert seed.enrollment == 238
    assert seed.enrollment_type == "ACTUAL"
    # An observational page states no phase, allocation, model or masking.
    assert seed.phases == ()
    assert (seed.allocation, seed.intervention_model, seed.masking) == (None, None, None)
    assert seed.primary_purpose is None


def test_seed_descriptions_and_no_conditions(seed: Trial) -> None:
    assert seed.brief_summary is not None
    assert seed.brief_summary.startswith("The goal of this observational study is to evaluate")
    assert seed.brief_summary.endswith("to see if it has a better Overall survival (OS).")
    assert "• IM combined with RFA or TACE group" in seed.brief_summary
    assert seed.detailed_description is not None
    assert seed.detailed_description.startswith("Gastrointestinal stromal tumors (GISTs) represent")
    assert seed.detailed_description.endswith("in patients suffering from GIST liver metastases.")
    # The "Condition or Disease" column is empty: no condition is taken from the title.
    assert seed.conditions == ()
    assert seed.keywords == ()


def test_seed_arms(seed: Trial) -> None:
    assert seed.arms == (
        Arm("IM group", None, "Imatinib(IM)", ("Drug: imatinib (IM)",)),
        Arm(
            "IM combined with HR group",
            None,
            "Imatinib(IM) combined with hepatic resection(HR)",
            ("Drug: imatinib (IM)", "Procedure: hepatic resection (HR)"),
        ),
        Arm(
            "IM combined with RFA or TACE group",
            None,
            "Imatinib(IM) combined with radiofrequency ablation (RFA) or transarterial "
            "chemoembolization (TACE)",
            (
                "Drug: imatinib (IM)",
                "Procedure: radiofrequency ablation (RFA)",
                "Procedure: transarterial chemoembolization (TACE)",
            ),
        ),
    )


def test_seed_interventions(seed: Trial) -> None:
    by_name = {iv.name: iv for iv in seed.interventions}
    assert list(by_name) == [
        "imatinib (IM)",
        "hepatic resection (HR)",
        "radiofrequency ablation (RFA)",
        "transarterial chemoembolization (TACE)",
    ]
    imatinib = by_name["imatinib (IM)"]
    assert imatinib.type == "DRUG"
    assert imatinib.other_names == ("Gleevec",)
    assert imatinib.description == (
        "Patients with GIST liver metastases were administered an initial IM dose of 400 mg "
        "daily, while those with KIT exon 9 mutations received 600-800 mg daily. All patients "
        "continued IM indefinitely unless progression or intolerable adverse reactions."
    )
    assert imatinib.arm_labels == (
        "IM group",
        "IM combined with HR group",
        "IM combined with RFA or TACE group",
    )
    resection = by_name["hepatic resection (HR)"]
    assert resection.type == "PROCEDURE"
    assert resection.other_names == ()
    assert resection.arm_labels == ("IM combined with HR group",)
    assert resection.description is not None
    assert resection.description.startswith("HR The determination of the surgical modality")
    assert resection.description.endswith("to enhance the precision of operative assessment.")
    ablation = by_name["radiofrequency ablation (RFA)"]
    assert ablation.type == "PROCEDURE"
    assert ablation.description is not None
    assert ablation.description.startswith("RFA RFA was executed utilizing")
    assert ablation.arm_labels == ("IM combined with RFA or TACE group",)
    tace = by_name["transarterial chemoembolization (TACE)"]
    assert tace.type == "PROCEDURE"
    assert tace.description is not None
    assert tace.description.endswith(
        "either absorbable gelatin sponge particles or polyvinyl alcohol particles ."
    )
    assert tace.arm_labels == ("IM combined with RFA or TACE group",)


def test_seed_outcome(seed: Trial) -> None:
    assert seed.outcomes == (
        Outcome(
            "PRIMARY",
            "Overall survival",
            "up to 200 months",
            "Overall survival (OS) was the span between GIST liver metastases diagnosis and the "
            "date of death.",
        ),
    )


def test_seed_eligibility(seed: Trial) -> None:
    e = seed.eligibility
    assert e is not None
    assert (e.minimum_age, e.maximum_age) == ("18 Years", "75 Years")
    assert e.sex == "ALL"
    assert e.healthy_volunteers is False
    assert len(e.inclusion) == 3
    assert e.inclusion[0] == "Pathological evidence of GIST of primary tumors"
    assert e.inclusion[-1] == (
        "Sufficient liver, hematologic, and renal function, coupled with an Eastern Cooperative "
        "Oncology Group performance status score ranging from 0 to 1"
    )
    assert len(e.exclusion) == 4
    assert e.exclusion[0] == "IM was not used during treatment"
    assert e.exclusion[-1] == "Failure to follow up"
    assert e.criteria_text is not None
    assert e.criteria_text.startswith("Inclusion Criteria:\n• Pathological evidence of GIST")
    assert e.criteria_text.endswith("• Failure to follow up")
    assert "Contacts and Locations" not in e.criteria_text


def test_seed_sponsor_party_and_site(seed: Trial) -> None:
    assert seed.lead_sponsor == Organisation(
        "First Affiliated Hospital, Sun Yat-Sen University", "OTHER"
    )
    assert seed.collaborators == ()  # "(none)"
    party = seed.responsible_party
    assert party is not None
    assert party.name == "Xinhua Zhang, MD"
    assert party.title == "Deputy Director"
    assert party.affiliation == "First Affiliated Hospital, Sun Yat-Sen University"
    assert party.type is None  # the page does not say investigator or sponsor-investigator
    assert seed.officials == ()  # "None specified."
    assert seed.central_contacts == ()
    assert seed.sites == (
        Site(
            facility="The First Affiliated Hospital of Sun Yat-sen University",
            city="Guangzhou",
            state="Guangdong",
            country="China",
        ),
    )
    assert seed.references == ()


# --- the other layouts ------------------------------------------------------------------------


def test_ct2_page_of_2017_to_2023() -> None:
    trial = read(PAGES / "NCT01054911.txt")
    assert trial.nct_id == "NCT01054911"
    assert trial.brief_title == "Evaluation of Patients With Bulky GIST Using Sunitinib"
    assert (
        trial.official_title == "Pilot Trial of Neoadjuvant Sunitinib in Patients With Bulky GIST"
    )
    assert (trial.overall_status, trial.why_stopped) == ("TERMINATED", "poor accrual")
    assert trial.first_posted == PartialDate("2010-01-22")
    assert trial.last_update_posted == PartialDate("2016-09-22")
    assert trial.has_results is True  # "Results First Posted : June 3, 2016"
    # One line of the flattened table: condition, two interventions, phase.
    assert trial.conditions == ("Tumor",)
    assert [(iv.type, iv.name) for iv in trial.interventions] == [
        ("DRUG", "Sunitinib"),
        ("PROCEDURE", "Surgery"),
    ]
    assert trial.phases == ("NA",)
    assert trial.study_type == "INTERVENTIONAL"
    assert (trial.enrollment, trial.enrollment_type) == (5, "ACTUAL")
    assert trial.intervention_model == "SINGLE_GROUP"
    assert trial.masking == "NONE"
    assert trial.primary_purpose == "TREATMENT"
    assert trial.start_date == PartialDate("2009-10")
    # The excerpt stops at "Actual Primary Completion Date : September 2": not a date to trust.
    assert trial.primary_completion_date is None
    assert trial.source.partial is True
    party = trial.responsible_party
    assert party is not None
    assert (party.name, party.affiliation) == (
        "James Posey, MD",
        "University of Alabama at Birmingham",
    )
    assert trial.detailed_description is not None
    assert trial.detailed_description.count("\n\n") == 1


def test_oldest_layout() -> None:
    trial = read(PAGES / "NCT01054911_oldlayout.txt")
    assert trial.nct_id == "NCT01054911"
    assert (
        trial.overall_status == "ACTIVE_NOT_RECRUITING"
    )  # "This study is ongoing, but not recruiting"
    assert trial.lead_sponsor is None  # "Sponsor:" lost its value when the page was saved
    assert trial.collaborators == (Organisation("Pfizer"),)
    assert trial.source.last_update == PartialDate(
        "2013-09-24"
    )  # "Last updated: September 24, 2013"
    assert trial.status_verified == PartialDate("2013-08")
    assert trial.first_posted is None  # "First received" is the submission date, not a posting
    assert trial.conditions == ("Tumor",)
    assert [iv.name for iv in trial.interventions] == ["Sunitinib", "Surgery"]
    assert (trial.enrollment, trial.enrollment_type) == (5, None)
    assert trial.start_date == PartialDate("2009-10")
    assert trial.completion_date == PartialDate("2015-09", "ESTIMATED")
    assert trial.primary_completion_date == PartialDate("2014-09", "ESTIMATED")
    assert trial.masking == "NONE"
    assert [(o.kind, o.time_frame) for o in trial.outcomes] == [
        ("PRIMARY", "~24 months"),
        ("SECONDARY", "~24 months"),
        ("SECONDARY", "~24 months"),
    ]
    assert trial.outcomes[0].measure == (
        "To characterize the safety/tolerability of sunitinib given neoadjuvantly."
    )


def test_december_2017_layout() -> None:
    trial = read(PAGES / "NCT02465060.txt")
    assert trial.nct_id == "NCT02465060"
    assert trial.brief_title is not None
    assert trial.brief_title.startswith("NCI-MATCH: Targeted Therapy Directed by Genetic Testing")
    assert trial.overall_status == "RECRUITING"
    assert trial.status_verified == PartialDate("2017-11")
    assert trial.first_posted == PartialDate("2015-06-08")
    assert trial.last_update_posted == PartialDate("2017-12-15")
    assert trial.responsible_party is not None
    assert trial.responsible_party.type == "SPONSOR"
    assert trial.brief_summary is not None
    assert trial.brief_summary.startswith("This phase II trial studies how well treatment")
    # The condition line is cut mid-word ("Lymphom"): none of it is taken.
    assert trial.conditions == ()


def test_oldest_results_page() -> None:
    trial = read(PAGES / "NCT00075218_results.txt")
    assert trial.nct_id == "NCT00075218"
    assert trial.overall_status == "COMPLETED"
    assert trial.has_results is True
    assert trial.study_type == "INTERVENTIONAL"
    assert trial.allocation == "RANDOMIZED"
    assert trial.intervention_model == "CROSSOVER"
    assert trial.masking == "DOUBLE"
    assert trial.who_masked == ("PARTICIPANT", "INVESTIGATOR")
    assert trial.primary_purpose == "TREATMENT"
    assert trial.conditions == ("Gastrointestinal Stromal Tumor",)
    assert [(iv.type, iv.name) for iv in trial.interventions] == [
        ("DRUG", "Placebo"),
        ("DRUG", "SU011248"),
    ]
    assert trial.lead_sponsor is None  # "Information provided by: Pfizer" is not the sponsor line
    assert trial.arms == ()  # reporting groups are results, not arms


def test_results_page_with_pipe_tables() -> None:
    trial = read(PAGES / "NCT00237185_results.txt")
    assert trial.nct_id == "NCT00237185"
    assert trial.overall_status == "COMPLETED"
    assert trial.first_posted == PartialDate("2005-10-12")
    assert trial.last_update_posted == PartialDate("2014-08-19")
    assert trial.lead_sponsor == Organisation("Novartis Pharmaceuticals")
    assert trial.allocation == "RANDOMIZED"
    assert trial.intervention_model == "PARALLEL"
    assert trial.masking == "NONE"
    assert trial.conditions == (
        "Unresectable or Metastatic Malignant Gastrointestinal Stromal Tumor (GIST)",
    )
    assert trial.interventions == (Intervention("Imatinib mesylate", "DRUG"),)


def test_study_details_layout_with_typed_arms_and_collaborators() -> None:
    dupilumab = read(PAGES / "clincosm_NCT02277743.txt")
    assert (dupilumab.acronym, dupilumab.brief_title) == (
        "SOLO 1",
        "Study of Dupilumab Monotherapy Administered to Adult Patients With Moderate-to-Severe "
        "Atopic Dermatitis",
    )
    assert dupilumab.phases == ("PHASE3",)
    assert dupilumab.who_masked == ("PARTICIPANT", "INVESTIGATOR", "OUTCOMES_ASSESSOR")
    assert [(a.type, a.label) for a in dupilumab.arms][:2] == [
        ("EXPERIMENTAL", "Placebo"),
        ("EXPERIMENTAL", "Dupilumab 300 mg once weekly (qw)"),
    ]
    drug = next(iv for iv in dupilumab.interventions if iv.name == "Dupilumab")
    assert drug.other_names == ("REGN668", "SAR231893", "DUPIXENT®")
    cf = read(PAGES / "clincosm_NCT00763412.txt")
    assert cf.lead_sponsor == Organisation("Arbelaez, Ana Maria", "OTHER")
    assert cf.collaborators == (
        Organisation("Washington University School of Medicine", "OTHER"),
        Organisation("National Institutes of Health (NIH)", "NIH"),
        Organisation("Novo Nordisk A/S", "INDUSTRY"),
        Organisation(
            "National Institute of Diabetes and Digestive and Kidney Diseases (NIDDK)", "NIH"
        ),
    )
    assert cf.phases == ("NA",)


CT2_WITH_PIPES = """\
Pilot Trial Page
ClinicalTrials.gov Identifier: NCT01054911
Recruitment Status : Completed
First Posted : January 22, 2010
Condition or disease | Intervention/treatment | Phase |
---|---|---|
Gastrointestinal Stromal Tumor | Drug: Sunitinib
Procedure: Surgery | Phase 1
Phase 2 |

Arm | Intervention/treatment |
---|---|
Experimental: Sunitinib then surgery
Sunitinib before resection | Drug: Sunitinib
37.5 mg daily
Other Name: Sutent
Procedure: Surgery
Resection after 12 weeks |

Contacts and Locations
Contacts
Contact: Jane Roe, RN 205-555-0100 jane.roe@example.org
Locations
United States, Alabama
University of Alabama at Birmingham
Birmingham, Alabama, United States, 35294
Principal Investigator: James A Posey, MD
Sponsors and Collaborators
University of Alabama at Birmingham
Pfizer
Investigators
Principal Investigator: James A Posey, MD University of Alabama at Birmingham
More Information
Other Study ID Numbers: F090910001
Last Verified: August 2016
"""


def test_ct2_pipe_tables_sites_and_people() -> None:
    """A ct2 page saved with its tables as ``|`` rows (constructed in that layout)."""
    [trial] = read_text(CT2_WITH_PIPES)
    assert isinstance(trial, Trial)
    assert trial.conditions == ("Gastrointestinal Stromal Tumor",)
    assert trial.phases == ("PHASE1", "PHASE2")
    assert trial.arms == (
        Arm(
            "Sunitinib then surgery",
            "EXPERIMENTAL",
            "Sunitinib before resection",
            ("Drug: Sunitinib", "Procedure: Surgery"),
        ),
    )
    sunitinib, surgery = trial.interventions
    assert (sunitinib.description, sunitinib.other_names) == ("37.5 mg daily", ("Sutent",))
    assert sunitinib.arm_labels == ("Sunitinib then surgery",)
    assert surgery.description == "Resection after 12 weeks"
    assert trial.central_contacts == (
        Contact("Jane Roe, RN", "CONTACT", "205-555-0100", "jane.roe@example.org"),
    )
    [site] = trial.sites
    assert (site.facility, site.city, site.state, site.zip, site.country) == (
        "University of Alabama at Birmingham",
        "Birmingham",
        "Alabama",
        "35294",
        "United States",
    )
    assert site.contacts == (Contact("James A Posey, MD", "PRINCIPAL_INVESTIGATOR"),)
    assert trial.lead_sponsor == Organisation("University of Alabama at Birmingham")
    assert trial.collaborators == (Organisation("Pfizer"),)
    [official] = trial.officials
    assert (official.name, official.role, official.affiliation) == (
        "James A Posey, MD",
        "PRINCIPAL_INVESTIGATOR",
        "University of Alabama at Birmingham",
    )
    assert trial.org_study_id == "F090910001"
    assert trial.status_verified == PartialDate("2016-08")
    assert trial.source.partial is False


# --- detection ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted((PAGES / "other_sites").iterdir()), ids=lambda p: p.name)
def test_pages_of_other_sites_are_not_claimed(path: Path) -> None:
    assert not ctgov_page.detect(path.read_text(encoding="utf-8"))


def test_meddatax_pages_are_left_to_their_reader() -> None:
    for name in ("seed_001_NCT05385549.txt", "meddatax_NCT02856893.txt"):
        assert not ctgov_page.detect((PAGES / name).read_text(encoding="utf-8")), name


def test_json_and_xml_are_not_claimed() -> None:
    assert not ctgov_page.detect('{"protocolSection": {"ClinicalTrials.gov Identifier:": 1}}')
    assert not ctgov_page.detect("<clinical_study>ClinicalTrials.gov Identifier: First Posted")


# --- bad input ----------------------------------------------------------------------------


def test_truncated_page_keeps_what_it_states() -> None:
    text = SEED.read_text(encoding="utf-8")
    cut = text[
        : text.index("Actual Primary Completion Date :")
        + len("Actual Primary Completion Date :\nDec 3")
    ]
    [trial] = read_text(cut, "NCT06038552.txt")
    assert isinstance(trial, Trial)
    assert trial.source.partial is True
    assert trial.start_date == PartialDate("2002-01-01", "ACTUAL")
    assert trial.primary_completion_date is None  # "Dec 3" was cut from "Dec 31, 2022"
    assert trial.arms == () and trial.eligibility is None and trial.sites == ()


def test_page_without_id_takes_it_from_the_file_name() -> None:
    text = SEED.read_text(encoding="utf-8").replace("NCT06038552", "")
    [trial] = read_text(text, "pages/NCT06038552_results.txt")
    assert isinstance(trial, Trial)
    assert trial.nct_id == "NCT06038552"
    assert trial.source.nct_id_from_filename is True


def test_page_without_any_id_names_the_file() -> None:
    text = SEED.read_text(encoding="utf-8")
    text = text[: text.index("CT.gov ID")]  # cut before the id
    [error] = read_text(text, "saved-page.txt")
    assert isinstance(error, InputError)
    assert error.file == "saved-page.txt"
    assert "NCT id" in str(error)
    with pytest.raises(InputError, match=r"saved-page\.txt"):
        list(ctgov_page.read(Document("saved-page.txt", text.encode())))


def test_unreadable_date_names_record_and_field() -> None:
    text = SEED.read_text(encoding="utf-8").replace("Jan 1, 2002", "early 2002")
    [error] = read_text(text, "seed.txt")
    assert isinstance(error, InputError)
    assert (error.file, error.record, error.field) == ("seed.txt", "NCT06038552", "start_date")


def test_empty_page() -> None:
    [error] = read_text("  \n", "NCT06038552.txt")
    assert isinstance(error, InputError)
    assert error.file == "NCT06038552.txt"


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from([*SEED.read_text(encoding="utf-8").splitlines(), "|", ":", "• ", ""]),
        max_size=60,
    )
)
def test_any_shuffle_of_page_lines_gives_a_trial_or_an_input_error(lines: list[str]) -> None:
    text = "CT.gov ID\nNCT06038552\nStudy Details\n" + "\n".join(lines)
    for result in read_text(text):
        assert isinstance(result, (Trial, InputError))
