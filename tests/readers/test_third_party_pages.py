"""Readers of trial pages from third-party sites: one test per dedicated layout, the
general reader on long-tail sites, NCT id resolution, and detection over every fixture."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trialkg.errors import InputError, UnknownFormatError
from trialkg.model import (
    Arm,
    Identifier,
    Intervention,
    Organisation,
    Outcome,
    PartialDate,
    Site,
    Trial,
)
from trialkg.readers import Document, detect, read_document, read_paths, readers

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGES = FIXTURES / "third_party"

# The reader each site's pages are meant for.
READER_OF_SITE = {
    "biotechhunter.com": "biotechhunter",
    "clinicaltrialexchange.com": "clinicaltrialexchange",
    "hra.nhs.uk": "hra",
    "ichgcp.net": "ichgcp",
    "ignite-sd.com": "ignite-sd",
    "inclinicaltrials.com": "inclinicaltrials",
    "trials.co": "trials-co",
    "uams.trialstoday.org": "trialstoday",
    "canadiancancertrials.ca": "page",
    "centerwatch.com": "page",
    "crick.ai": "page",
    "ctv.veeva.com": "page",
    "curemydisease.com": "page",
    "etop.ibcsg.org": "page",
    "gisttrials.org": "page",
    "inova.org": "page",
    "knowcancer.com": "page",
    "trial.medpath.com": "page",
    "uchicagomedicine.org": "page",
    "vellito.com": "page",
}

ALL_PAGES = sorted(PAGES.rglob("*.txt"))


def page(relative: str, *, format: str | None = None) -> Trial:
    """The one trial a fixture page gives."""
    results = list(read_paths([PAGES / relative], format=format))
    assert len(results) == 1, results
    result = results[0]
    assert isinstance(result, Trial), result
    return result


# --- detection over every fixture -----------------------------------------------------------


def test_every_site_has_an_intended_reader() -> None:
    assert {path.parent.name for path in ALL_PAGES} == set(READER_OF_SITE)


@pytest.mark.parametrize("path", ALL_PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_lands_on_its_reader_and_reads(path: Path) -> None:
    document = Document(path.name, path.read_bytes())
    assert detect(document).name == READER_OF_SITE[path.parent.name]
    results = list(read_paths([path]))
    assert len(results) == 1
    trial = results[0]
    assert isinstance(trial, Trial), trial
    assert path.name.startswith(trial.nct_id)
    assert trial.source.reader == READER_OF_SITE[path.parent.name]


@pytest.mark.parametrize("path", ALL_PAGES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_page_cut_anywhere_gives_a_trial_or_an_input_error(path: Path) -> None:
    data = path.read_bytes()
    for end in range(0, len(data), 89):
        for result in read_document(Document(path.name, data[:end]), format="page"):
            assert isinstance(result, Trial | InputError)


# --- trials.co ------------------------------------------------------------------------------


def test_trials_co_reads_rows_criteria_sites_and_the_arms_table() -> None:
    trial = page("trials.co/NCT03228394.txt")
    assert trial.nct_id == "NCT03228394"
    assert trial.source.nct_id_from_filename  # the site never prints the id
    assert trial.source.site == "trials.co"
    assert trial.source.partial
    assert trial.brief_title == (
        "A Clinical Trial of Intravenous (IV) Ganaxolone in Women With Postpartum Depression"
    )
    assert trial.overall_status == "COMPLETED"
    assert trial.phases == ("PHASE2",)
    assert trial.study_type == "INTERVENTIONAL"
    assert trial.primary_purpose == "TREATMENT"
    assert trial.keywords == ("Postpartum Care", "Postpartum Depression")
    assert trial.interventions == (Intervention("Ganaxolone"), Intervention("Placebo"))
    assert trial.arms == (
        Arm("Ganaxolone", "EXPERIMENTAL", "Intravenous"),
        Arm("Placebo", "PLACEBO_COMPARATOR", "Intravenous"),
    )
    assert trial.sites == (Site(facility="Marinus Research Site"),) * 16
    assert trial.eligibility is not None
    assert trial.eligibility.inclusion[1] == "Subject gave birth in the last 6 months"
    assert trial.eligibility.exclusion[-1] == "History of seizure disorder"


def test_trials_co_reads_the_ages_sex_and_volunteers_line() -> None:
    trial = page("trials.co/NCT00471497.txt")
    eligibility = trial.eligibility
    assert eligibility is not None
    assert (eligibility.minimum_age, eligibility.maximum_age) == ("18 Years", None)
    assert eligibility.std_ages == ("ADULT", "OLDER_ADULT")
    assert eligibility.sex == "ALL"
    assert eligibility.healthy_volunteers is False
    # The condition holds a comma: the sentence "trial for X focused on" says where it ends.
    assert trial.conditions == ("Myelogenous Leukemia, Chronic",)
    assert trial.lead_sponsor == Organisation("Novartis Pharmaceuticals")


# --- clinicaltrialexchange.com --------------------------------------------------------------


def test_clinicaltrialexchange_reads_labelled_values_and_skips_placeholders() -> None:
    trial = page("clinicaltrialexchange.com/NCT02481830.txt")
    assert trial.brief_title == (
        "Effectiveness Study of Nivolumab Compared to Chemotherapy in Patients With Relapsed "
        "Small-cell Lung Cancer"
    )
    assert trial.overall_status == "ACTIVE_NOT_RECRUITING"
    assert trial.completion_date == PartialDate("2022-01-28")
    assert trial.enrollment is None  # "Target enrollment: 0" is the site's blank
    assert trial.phases == ("PHASE3",)
    assert trial.lead_sponsor == Organisation("Bristol-Myers Squibb")
    assert trial.collaborators == (Organisation("Ono Pharmaceutical Co. Ltd"),)
    assert trial.interventions == ()  # "Treatments" lists MeSH terms, not interventions
    assert trial.eligibility is not None
    assert trial.eligibility.sex == "ALL"
    assert trial.eligibility.healthy_volunteers is False
    assert trial.eligibility.inclusion[0] == (
        "Histologically or cytologically confirmed small cell lung cancer (SCLC)"
    )
    # A Unix-epoch end date is no date.
    assert page("clinicaltrialexchange.com/NCT00171977.txt").completion_date is None


def test_clinicaltrialexchange_glued_rendering_reads_the_same() -> None:
    plain = page("clinicaltrialexchange.com/NCT00171977.txt")
    glued = page("clinicaltrialexchange.com/NCT00171977_alt.txt")
    assert glued.phases == ("PHASE4",)
    assert replace(glued, source=plain.source) == plain


# --- biotechhunter.com ----------------------------------------------------------------------


def test_biotechhunter_reads_badges_timeline_interventions_sites_and_sponsor() -> None:
    trial = page("biotechhunter.com/NCT00237185.txt")
    assert (trial.phases, trial.overall_status, trial.study_type) == (
        ("PHASE2",),
        "COMPLETED",
        "INTERVENTIONAL",
    )
    assert trial.enrollment == 148
    assert trial.start_date == PartialDate("2000-06-30")
    assert trial.completion_date == PartialDate("2013-06-30")
    assert [(i.name, i.type) for i in trial.interventions] == [("Imatinib mesylate", "DRUG")]
    assert trial.sites[1] == Site("Fox Chase Cancer Center", "Philadelphia", zip="19111")
    assert trial.sites[-1] == Site("Novartis Investigative Site", "Helsinki", zip="FIN-00029")
    assert trial.lead_sponsor is not None
    assert trial.lead_sponsor.name == "Novartis Pharmaceuticals"


def test_biotechhunter_excerpt_prefers_the_file_name_to_a_cited_core_study() -> None:
    trial = page("biotechhunter.com/NCT01117987.txt")
    assert trial.nct_id == "NCT01117987"  # the page cites only its core study NCT00902174
    assert trial.source.nct_id_from_filename
    assert trial.enrollment == 144
    assert trial.primary_completion_date == PartialDate("2014-04-30")
    assert trial.brief_title is None  # the excerpt starts below the title


# --- ignite-sd.com, hra.nhs.uk, inclinicaltrials.com, ichgcp.net ----------------------------


def test_ignite_sd_reads_the_module_lines() -> None:
    trial = page("ignite-sd.com/NCT00004932.txt")
    assert trial.nct_id == "NCT00004932"
    assert not trial.source.nct_id_from_filename
    assert trial.brief_summary is not None
    assert trial.brief_summary.startswith("RATIONALE: Imatinib mesylate may interfere")
    assert trial.detailed_description is not None
    assert trial.detailed_description.endswith("within 3.5 years.")
    assert trial.source.last_update is None  # the site's copy date is not the record's


def test_hra_reads_title_sponsor_and_identifiers() -> None:
    trial = page("hra.nhs.uk/NCT02856893.txt")
    assert trial.official_title is not None
    assert trial.official_title.startswith("APPLE trial: Feasibility and activity of AZD9291")
    assert trial.lead_sponsor == Organisation(
        "European Organisation for Research and Treatment of Cancer (EORTC)"
    )
    assert Identifier("2016-001834-82", "EUDRACT_NUMBER") in trial.secondary_ids
    assert trial.brief_summary is None  # the lay summary is the HRA's, not the registry's
    # The second "Clinicaltrials.gov Identifier" holds an IND number, not an NCT id.
    assert page("hra.nhs.uk/NCT03465722.txt").nct_id == "NCT03465722"


def test_inclinicaltrials_reads_label_value_rows() -> None:
    trial = page("inclinicaltrials.com/NCT02509026.txt")
    assert trial.org_study_id == "B1801381"
    assert trial.phases == ("PHASE4",)
    assert trial.start_date == PartialDate("2015-09-24")
    assert trial.completion_date == PartialDate("2019-09-06")  # "Est." is the site's, not a type
    assert trial.primary_completion_date == PartialDate("2019-05-28")
    assert trial.status_verified == PartialDate("2020-06")
    assert trial.enrollment == 210
    assert trial.interventions == (
        Intervention("Etanercept", "BIOLOGICAL", "50 mg subcutaneous, once weekly, 24 weeks"),
    )
    assert trial.eligibility is not None
    assert (trial.eligibility.minimum_age, trial.eligibility.maximum_age) == (
        "18 Years",
        "49 Years",
    )


def test_ichgcp_reads_head_overview_and_the_locations_tree() -> None:
    trial = page("ichgcp.net/NCT02900378.txt")
    assert trial.source.last_update == PartialDate("2020-09-01")
    assert trial.official_title is not None
    assert trial.official_title.startswith("A Multi-center, Prospective, Randomized")
    assert (trial.enrollment, trial.enrollment_type) == (621, "ACTUAL")
    assert trial.phases == ("PHASE3",)
    assert Site("Novartis Investigative Site", "Edegem", "Antwerpen", "2650", "Belgium") in (
        trial.sites
    )
    assert Site("Novartis Investigative Site", "Sofia", None, "1709", "Bulgaria") in trial.sites


# --- TrialsToday, checked against the registry record of the same trial ----------------------


def test_trialstoday_page_agrees_with_the_registry_record() -> None:
    trial = page("uams.trialstoday.org/NCT02481830_print.txt")
    records = list(read_paths([FIXTURES / "third_party_records" / "NCT02481830.xml"]))
    record = records[0]
    assert isinstance(record, Trial)
    assert trial.brief_title == record.brief_title
    assert [(a.label, a.type, a.intervention_names) for a in trial.arms] == [
        (a.label, a.type, a.intervention_names) for a in record.arms
    ]
    assert [(i.name, i.type, i.arm_labels) for i in trial.interventions] == [
        (i.name, i.type, i.arm_labels) for i in record.interventions
    ]
    for field in ("phases", "study_type", "allocation", "intervention_model", "masking"):
        assert getattr(trial, field) == getattr(record, field), field
    assert trial.primary_purpose == record.primary_purpose
    assert trial.conditions == record.conditions
    # The page's last line, "Bristol-Myers Squibb" under "Sponsor", has no newline after it.
    assert trial.lead_sponsor == Organisation("Bristol-Myers Squibb")
    assert record.lead_sponsor is not None
    assert record.lead_sponsor.name == "Bristol-Myers Squibb"
    assert trial.eligibility is not None and record.eligibility is not None
    assert trial.eligibility.minimum_age == record.eligibility.minimum_age
    assert trial.eligibility.sex == record.eligibility.sex
    assert trial.eligibility.healthy_volunteers == record.eligibility.healthy_volunteers
    assert set(trial.eligibility.inclusion) <= set(record.eligibility.inclusion)
    # The page is newer than the record: the trial has completed since.
    assert (trial.overall_status, record.overall_status) == ("COMPLETED", "ACTIVE_NOT_RECRUITING")


def test_trialstoday_keeps_a_last_one_line_value_unless_it_shows_its_cut() -> None:
    page_text = (PAGES / "uams.trialstoday.org" / "NCT02481830_print.txt").read_bytes()
    assert page_text.endswith(b"Sponsor\nBristol-Myers Squibb")

    def sponsor(data: bytes) -> Organisation | None:
        (trial,) = read_document(Document("NCT02481830.txt", data), format="trialstoday")
        assert isinstance(trial, Trial)
        return trial.lead_sponsor

    assert sponsor(page_text) == Organisation("Bristol-Myers Squibb")
    assert sponsor(page_text + b"\n") == Organisation("Bristol-Myers Squibb")
    assert sponsor(page_text.replace(b"Squibb", b"Squibb &")) is None
    # A last line that is not the first line under a one-line label may be half a text.
    assert sponsor(page_text.replace(b"Sponsor\n", b"Sponsor\nAcme\n")) == Organisation("Acme")


def test_trials_co_page_agrees_with_the_registry_record_where_the_record_has_not_changed() -> None:
    trial = page("trials.co/NCT03228394.txt")
    (record,) = read_paths([FIXTURES / "third_party_records" / "NCT03228394.xml"])
    assert isinstance(record, Trial)
    assert [(a.label, a.type) for a in trial.arms] == [(a.label, a.type) for a in record.arms]
    assert [i.name for i in trial.interventions] == [i.name for i in record.interventions]
    assert (trial.phases, trial.study_type, trial.primary_purpose) == (
        record.phases,
        record.study_type,
        record.primary_purpose,
    )
    assert trial.keywords == record.keywords
    assert set(trial.conditions) <= set(record.conditions)
    assert {s.facility for s in trial.sites} == {s.facility for s in record.sites}
    assert record.eligibility is not None and trial.eligibility is not None
    assert set(trial.eligibility.exclusion) <= set(record.eligibility.exclusion)


# --- the general reader on long-tail sites ----------------------------------------------------


def test_page_reads_ctv_veeva_status_phase_ids_and_eligibility() -> None:
    trial = page("ctv.veeva.com/NCT01207388.txt")
    assert trial.source == replace(trial.source, reader="page", site="ctv.veeva.com")
    assert (trial.overall_status, trial.phases) == ("COMPLETED", ("PHASE2",))
    assert trial.conditions == ("B-cell Acute Lymphoblastic Leukemia",)
    assert trial.interventions == (Intervention("Blinatumomab", "DRUG"),)
    assert trial.org_study_id == "MT103-203"
    assert trial.enrollment == 116
    assert trial.eligibility is not None
    assert trial.eligibility.minimum_age == "18 Years"
    assert trial.eligibility.healthy_volunteers is False
    # The first heading is the title as ClinicalTrials.gov displays it, the acronym appended.
    assert trial.brief_title == (
        "Confirmatory Phase II Study of Blinatumomab (MT103) in Patients With Minimal Residual "
        "Disease of B-precursor Acute Lymphoblastic Leukemia (ALL) (BLAST)"
    )
    # "Amgen logo", then "Amgen": a logo names the funder's brand, not the registry's lead
    # sponsor ("Amgen Research (Munich) GmbH" in the record), so no sponsor is read.
    assert trial.lead_sponsor is None


def test_page_reads_medpath_lists_and_criteria() -> None:
    trial = page("trial.medpath.com/NCT03228394.txt")
    assert trial.source.site == "trial.medpath.com"
    # Below the site's name "MedPath": the title.
    assert trial.brief_title == (
        "A Clinical Trial of Intravenous (IV) Ganaxolone in Women With Postpartum Depression"
    )
    assert trial.phases == ("PHASE2",)  # "Phase 2" names itself
    assert trial.overall_status == "COMPLETED"
    assert "Depression, Postpartum" in trial.conditions and len(trial.conditions) == 10
    assert trial.interventions == (
        Intervention("Ganaxolone", "DRUG"),
        Intervention("Placebo", "DRUG"),
    )
    assert trial.lead_sponsor == Organisation("Marinus Pharmaceuticals")
    assert trial.enrollment == 91
    assert trial.eligibility is not None
    assert trial.eligibility.sex == "FEMALE"
    assert len(trial.eligibility.inclusion) == 4
    assert trial.eligibility.exclusion[2] == "Active suicidal ideation"


def test_page_reads_etop_trial_information() -> None:
    trial = page("etop.ibcsg.org/NCT02369484.txt")
    assert (trial.enrollment, trial.enrollment_type) == (13, "ACTUAL")  # the final accrual
    assert trial.start_date == PartialDate("2015-09-16")  # "First Patient In"
    assert trial.completion_date == PartialDate("2017-08-17")
    assert trial.secondary_ids == (Identifier("2014-005098-35", "EUDRACT_NUMBER"),)
    assert [o.name for o in trial.officials] == ["Solange Peters", "Rafal Dziadziuszko"]
    assert Outcome("SECONDARY", "Overall survival") in trial.outcomes


def test_page_reads_gisttrials_pipe_table_and_falls_back_to_the_file_name() -> None:
    trial = page("gisttrials.org/NCT00075218.txt")
    assert trial.nct_id == "NCT00075218"
    assert trial.source.nct_id_from_filename  # "NCT#:" is empty on the page
    assert trial.phases == ("PHASE3",)  # a bare "3" under "Phase:"
    assert trial.overall_status == "COMPLETED"
    assert trial.allocation == "RANDOMIZED"
    assert trial.start_date == PartialDate("2003-12-01")  # "Start Date 12/01/2003"
    assert trial.org_study_id == "A6181004"
    assert trial.lead_sponsor == Organisation("Pfizer")


def test_page_reads_centerwatch_badges_and_page_update() -> None:
    trial = page("centerwatch.com/NCT02465060.txt")
    assert trial.overall_status == "RECRUITING"
    assert trial.enrollment == 6452
    assert trial.completion_date == PartialDate("2022-06-30")
    assert trial.lead_sponsor == Organisation("National Cancer Institute (NCI)")
    assert trial.source.last_update == PartialDate("2021-07-28")
    assert trial.conditions == ()  # the tag cloud is not labelled
    assert trial.brief_title == (
        "Targeted Therapy Directed by Genetic Testing in Treating Patients With Advanced "
        "Refractory Solid Tumors Lymphomas or Multiple Myeloma (The MATCH Screening Trial)"
    )


def test_page_reads_crick_vellito_knowcancer_canadian_and_curemydisease() -> None:
    crick = page("crick.ai/NCT04520308.txt")
    assert (crick.study_type, crick.allocation, crick.primary_purpose, crick.masking) == (
        "INTERVENTIONAL",
        "NA",
        "DIAGNOSTIC",
        "NONE",
    )
    vellito = page("vellito.com/NCT03228394.txt")
    assert vellito.interventions == (
        Intervention("Ganaxolone", "DRUG"),
        Intervention("Placebo", "DRUG"),
    )
    assert vellito.primary_completion_date == PartialDate("2019-05")
    # "NCT03228394 \u2197Enrolled (actual)": the label glued after a link's arrow.
    assert (vellito.enrollment, vellito.enrollment_type) == (91, "ACTUAL")
    assert vellito.brief_title == (
        "A Clinical Trial of Intravenous (IV) Ganaxolone in Women With Postpartum Depression"
    )
    # The "\u00b7"-separated line under the title.
    assert vellito.conditions == (
        "Depression",
        "Depressive Disorder",
        "Depression, Postpartum",
        "Behavioral Symptoms",
        "Mood Disorders",
    )
    knowcancer = page("knowcancer.com/NCT01054911.txt")
    assert (knowcancer.intervention_model, knowcancer.masking, knowcancer.primary_purpose) == (
        "SINGLE_GROUP",
        "NONE",
        "TREATMENT",
    )
    assert knowcancer.officials == ()  # "Principal Investigator" captions the line above it
    assert (
        knowcancer.brief_title == "Pilot Trial of Neoadjuvant Sunitinib in Patients With Bulky GIST"
    )
    # A "Name | Location" table; its row is the page's last line, closed by its "|".
    assert knowcancer.sites == (
        Site("University of Alabama at Birmingham", "Birmingham", "Alabama", "35294-3300"),
    )
    canadian = page("canadiancancertrials.ca/NCT04044560.txt")
    assert canadian.outcomes[0] == Outcome("PRIMARY", "MRD Response")
    assert canadian.brief_title == (
        "Blinatumomab for MRD in Pre-B ALL Patients Following Stem Cell Transplant"
    )
    assert canadian.official_title is not None and canadian.official_title.startswith(
        "Blinatumomab for Minimal Residual Disease (MRD)"
    )
    cure = page("curemydisease.com/NCT07593248.txt")
    assert cure.lead_sponsor == Organisation("AstraZeneca")
    assert cure.source.last_update == PartialDate("2026-06-27")
    assert cure.conditions == ()  # the page stops inside the first condition
    # "Massive Real-World study to see if targeted pills boost survival ...": the site's own
    # plain-language headline, not the trial's title.
    assert cure.brief_title is None


def test_page_takes_its_title_but_no_unlabelled_badge() -> None:
    trial = page("uchicagomedicine.org/NCT02101853.txt")
    assert trial.nct_id == "NCT02101853"
    # "Interventional" and "Recruiting" stand alone as bullets, with no label.
    assert (trial.study_type, trial.overall_status) == (None, None)
    assert trial.brief_title == (
        "Blinatumomab in Treating Younger Patients With Relapsed B-cell Acute Lymphoblastic "
        "Leukemia"
    )
    # The official title below the NCT id is not the head's.
    assert trial.official_title is None


def test_page_takes_no_sentence_case_heading_as_the_title() -> None:
    # ETOP's heading is the official title rewritten in sentence case, then the acronym
    # and a short title of its own: neither is the registry's brief title.
    trial = page("etop.ibcsg.org/NCT02369484.txt")
    assert trial.brief_title is None


def _general_page(data: bytes) -> Trial:
    """The one trial the general page reader finds in a page's text."""
    (trial,) = read_document(Document("x.txt", data), format="page")
    assert isinstance(trial, Trial)
    return trial


@pytest.mark.parametrize(
    "head",
    [
        b"Menu\nFind a Clinical Trial\n",
        b"Back to search results\n",
        b"Clinical Trials for Lung Cancer\n",
        b"Memorial Sloan Kettering Cancer Center\n",
        b"University of Chicago Medicine\n",
        b"We use cookies to improve your experience on our site.\n",
        b"Accept All Cookies\n",
        b"A study to see if a new pill helps people with asthma\n",
        b"Enrolling by invitation\n",
    ],
    ids=lambda h: h.decode().split("\n")[-2][:30],
)
def test_site_chrome_and_headlines_are_no_title(head: bytes) -> None:
    text = head + b"Aspirin for Pain in Adults With Migraine\nStatus: Recruiting\nNCT01234567\n"
    trial = _general_page(text)
    assert trial.brief_title is None  # the first line of three words or more decides
    assert trial.overall_status == "RECRUITING"


def test_a_heading_badge_line_is_no_conditions_and_a_far_logo_no_sponsor() -> None:
    text = (
        b"MedSite logo\nMedSite\n"
        b"Aspirin for Pain in Adults With Migraine\n"
        b"Recruiting \xc2\xb7 Phase 2 \xc2\xb7 Drug\n"
        b"Status: Recruiting\nNCT ID: NCT01234567\n"
    )
    trial = _general_page(text)
    assert trial.brief_title == "Aspirin for Pain in Adults With Migraine"
    assert trial.conditions == ()  # a status, a phase and a type are badges
    assert trial.lead_sponsor is None  # the site's logo stands above the title


def test_a_labelled_title_wins_and_a_heading_that_is_the_official_title_is_no_brief_title() -> None:
    text = b"Aspirin for Pain in Adults With Migraine\nTitle: Aspirin in Migraine\nNCT01234567\n"
    trial = _general_page(text)
    assert trial.brief_title == "Aspirin in Migraine"
    text = (
        b"Aspirin for Pain in Adults With Migraine\nOfficial Title: Aspirin for pain in adults "
        b"with migraine\nNCT ID: NCT01234567\n"
    )
    trial = _general_page(text)
    assert trial.official_title == "Aspirin for pain in adults with migraine"
    assert trial.brief_title is None


def test_a_cut_table_row_is_left_out_and_a_closed_one_kept() -> None:
    table = b"NCT ID: NCT01234567\nName | Location |\n---|---|\nMayo Clinic | Rochester, MN 55905 |"
    trial = _general_page(table)
    assert trial.sites == (Site("Mayo Clinic", "Rochester", "MN", "55905"),)
    cut = _general_page(table[:-12])
    assert cut.sites == ()


def test_page_takes_a_label_under_a_label_as_no_value() -> None:
    text = b"NCT ID: NCT01234567\nSponsor:\nInformation provided by:\nPfizer\n"
    trial = _general_page(text)
    assert trial.lead_sponsor is None


def test_page_ends_a_collaborator_list_at_none_and_at_bare_numbers() -> None:
    text = b"NCT ID: NCT01234567\nSponsor\nAcme (Industry)\nCollaborator\n(none)\n638\n119\n"
    trial = _general_page(text)
    assert trial.lead_sponsor == Organisation("Acme", "INDUSTRY")
    assert trial.collaborators == ()


def test_page_reads_enrollment_with_its_type_and_design_pairs() -> None:
    text = (
        b"NCT ID: NCT01234567\nRecruitment Status: Recruiting\nEnrollment: 120 (estimated)\n"
        b"Study Design: Allocation: Randomized; Intervention Model: Parallel Assignment; "
        b"Masking: Double (Participant, Investigator); Primary Purpose: Prevention\n"
        b"Interventions: Drug: Aspirin\nBiological: Vaccine X\n"
    )
    trial = _general_page(text)
    assert (trial.overall_status, trial.enrollment, trial.enrollment_type) == (
        "RECRUITING",
        120,
        "ESTIMATED",
    )
    assert (trial.allocation, trial.intervention_model, trial.masking, trial.primary_purpose) == (
        "RANDOMIZED",
        "PARALLEL",
        "DOUBLE",
        "PREVENTION",
    )
    assert trial.interventions == (
        Intervention("Aspirin", "DRUG"),
        Intervention("Vaccine X", "BIOLOGICAL"),
    )


# --- NCT ids --------------------------------------------------------------------------------


def test_a_page_without_any_label_is_read_by_its_file_name_for_what_it_states() -> None:
    """arnoldpalmerhospital.com's page has a title, a paragraph of aims and a date, no
    labels and no id: no reader claims its content, but its file name names the trial,
    so the general reader takes the title, and nothing more, as a partial record."""
    path = FIXTURES / "third_party_unrecognised" / "arnoldpalmerhospital.com" / "NCT02101853.txt"
    with pytest.raises(UnknownFormatError):
        detect(Document(path.name, path.read_bytes()))
    for format in (None, "page"):
        (trial,) = read_paths([path], format=format)
        assert isinstance(trial, Trial)
        assert (trial.nct_id, trial.source.nct_id_from_filename) == ("NCT02101853", True)
        assert trial.source.reader == "page" and trial.source.partial
        title = "Blinatumomab in Treating Younger Patients W/Relapsed B-cell ALL"
        assert trial.brief_title == title
        assert trial.start_date is None and trial.brief_summary is None  # unlabelled: not guessed
    # The same words under a name that names no trial are still refused.
    (refused,) = read_document(Document("page.txt", path.read_bytes()))
    assert isinstance(refused, UnknownFormatError)
    # A file named after a trial but stating nothing trialkg can read is refused too.
    (junk,) = read_document(Document("NCT02101853.txt", b"flour, eggs, milk\n\n3 tbsp sugar\n"))
    assert isinstance(junk, UnknownFormatError)
    assert "no reader recognises this content" in str(junk)


def test_file_name_variants_give_the_id() -> None:
    text = b"Status: Recruiting\nPhase: Phase 2\nSponsor: Acme\n"
    for name in ("NCT01234567.txt", "pages/NCT01234567_alt.txt", "bulk.zip!x/NCT01234567.html"):
        (trial,) = read_document(Document(name, text))
        assert isinstance(trial, Trial)
        assert (trial.nct_id, trial.source.nct_id_from_filename) == ("NCT01234567", True)
        assert trial.lead_sponsor == Organisation("Acme")


def test_a_labelled_id_wins_over_the_file_name_and_other_mentions() -> None:
    text = b"See also NCT00000001.\nNCT ID: NCT07654321\nStatus: Completed\nPhase: Phase 3\n"
    (trial,) = read_document(Document("NCT01234567.txt", text))
    assert isinstance(trial, Trial)
    assert (trial.nct_id, trial.source.nct_id_from_filename) == ("NCT07654321", False)


def test_no_id_in_page_or_file_name_is_an_input_error_naming_the_file() -> None:
    text = b"Status: Recruiting\nPhase: Phase 2\nSponsor: Acme\nEnrollment: 120 (estimated)\n"
    (result,) = read_document(Document("downloads/page.txt", text))
    assert isinstance(result, InputError)
    assert result.file == "downloads/page.txt"
    assert result.field == "nct_id"


# --- robustness -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"Status: " * 150_000,
        b"\n" * 1_000_000,
        b"Phase\n" * 200_000,
        b"Inclusion Criteria:\n" + b"- x\n" * 250_000,
        b"Sponsor: " + b"(" * 1_000_000,
        b"  \xe2\x80\xa2 Sofia, Bulgaria, 1233\n" * 40_000,
    ],
    ids=["labels", "blank", "phase-lines", "criteria", "parens", "sites"],
)
def test_a_megabyte_of_junk_gives_trials_or_input_errors_with_every_reader(data: bytes) -> None:

    names = set(READER_OF_SITE.values())
    for reader in readers().values():
        if reader.name not in names:
            continue
        with contextlib.suppress(InputError):
            list(reader.read(Document("NCT01234567.txt", data)))


_PIECES = st.sampled_from(
    [
        "Status",
        "Phase:",
        "Phase 2",
        "Sponsor: ",
        "Enrollment",
        "Inclusion Criteria:",
        "- item",
        "\u2022 ",
        "Arm 1",
        "Arm Type",
        "Arm Label",
        "Experimental",
        "Drug: X",
        "NCT01234567",
        "Trial Locations (2)",
        "lead",
        "INDUSTRY",
        "About this trial",
        "This is an interventional treatment trial for X focused on measuring a, b",
        "Sept 1, 2020 updated by: Acme",
        "Study Overview",
        "      \u2022 Sofia, Bulgaria, 1233",
        "18 Years - undefined (Adult)All SexesAccepts Healthy Volunteers",
        "Trial end date:",
        "1969-12-31",
        "|",
        ":",
        "(",
        "",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=40))
def test_any_mix_of_labels_and_junk_gives_a_trial_or_an_input_error(pieces: list[str]) -> None:
    data = "\n".join(pieces).encode("utf-8", "surrogatepass")
    names = set(READER_OF_SITE.values())
    for reader in readers().values():
        if reader.name in names:
            reader.detect(data.decode("utf-8", "replace"))
            for name in ("NCT07654321.txt", "page.txt"):
                try:
                    results = list(reader.read(Document(name, data)))
                except InputError:
                    continue
                assert all(isinstance(r, Trial | InputError) for r in results)
