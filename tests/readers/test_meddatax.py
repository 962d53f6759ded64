"""The meddatax.com page reader, on the seed page and a page of a trial we also hold as JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from trialkg.errors import InputError
from trialkg.model import (
    Arm,
    Contact,
    Identifier,
    Intervention,
    Organisation,
    PartialDate,
    ResponsibleParty,
    Site,
    Trial,
)
from trialkg.readers import Document, detect, meddatax, read_document, read_paths

FIXTURES = Path(__file__).parent.parent / "fixtures"
PAGES = FIXTURES / "pages"
SEED = PAGES / "seed_001_NCT05385549.txt"
APPLE = PAGES / "meddatax_NCT02856893.txt"


def read(path: Path, name: str | None = None) -> Trial:
    [trial] = list(meddatax.read(Document(name or path.name, path.read_bytes())))
    assert isinstance(trial, Trial), trial
    return trial


def read_text(text: str, name: str = "page.txt") -> list[Trial | InputError]:
    return list(read_document(Document(name, text.encode()), format="meddatax"))


@pytest.fixture(scope="module")
def seed() -> Trial:
    return read(SEED)


def test_seed_is_detected_as_meddatax() -> None:
    assert detect(Document(SEED.name, SEED.read_bytes())).name == "meddatax"


def test_seed_identity_and_provenance(seed: Trial) -> None:
    assert seed.nct_id == "NCT05385549"
    assert seed.brief_title == (
        "5 Years of Adjuvant Imatinib in Patients With Gastrointestinal Stromal Tumor "
        "With a High Risk"
    )
    assert seed.official_title is None  # the page does not show one
    assert seed.org_study_id == "AMC2202"  # "Identifier Source: org_study_id"
    assert seed.secondary_ids == ()
    assert seed.source.reader == "meddatax"
    assert seed.source.last_update == PartialDate("2025-08-08")
    assert seed.last_update_posted == PartialDate("2025-08-08")
    assert seed.source.partial is False  # the page runs to "More Related Trials"
    assert seed.source.nct_id_from_filename is False


def test_seed_status_dates_and_design(seed: Trial) -> None:
    assert seed.overall_status == "RECRUITING"
    assert seed.has_results is False  # "Results pending"
    # The page gives no Actual/Estimated for its dates or enrollment.
    assert seed.start_date == PartialDate("2022-09-07")
    assert seed.completion_date == PartialDate("2030-04-30")
    assert seed.primary_completion_date is None
    assert (seed.enrollment, seed.enrollment_type) == (35, None)
    assert seed.study_type == "INTERVENTIONAL"
    assert seed.phases == ("PHASE2",)
    assert seed.allocation == "NA"
    assert seed.intervention_model == "SINGLE_GROUP"
    assert seed.primary_purpose == "TREATMENT"
    assert seed.masking == "NONE"
    assert seed.first_posted is None and seed.status_verified is None


def test_seed_descriptions_and_conditions(seed: Trial) -> None:
    assert seed.brief_summary == (
        "In this study, the investigators aim to investigate the efficacy and safety of 5 years "
        "of adjuvant imatinib treatment in patients with tumor rupture defined by Nishida "
        "classification or those with a tumor size 10cm or larger and a mitotic index of "
        "10/50HPFs or higher."
    )
    assert seed.detailed_description is not None
    assert seed.detailed_description.startswith("Localized resectable GISTs can be cured")
    assert seed.detailed_description.count("\n\n") == 4  # five paragraphs
    assert "Dive into the extended narrative" not in seed.detailed_description
    assert seed.conditions == ("Gastrointestinal Stromal Tumors",)


def test_seed_arm_and_intervention(seed: Trial) -> None:
    dose = (
        "Imatinib Mesylate, 400 mg once daily, oral. 5 years of adjuvant imatinib treatment "
        "(standard treatment 3years + IP treatment : 2yesrs)"
    )
    assert seed.arms == (
        Arm(
            "5 years of adjuvant imatinib treatment",
            "EXPERIMENTAL",
            dose,
            ("Drug: Imatinib Mesylate",),
        ),
    )
    assert seed.interventions == (
        Intervention(
            "Imatinib Mesylate", "DRUG", dose, (), ("5 years of adjuvant imatinib treatment",)
        ),
    )
    assert seed.outcomes == ()  # the page shows none


def test_seed_eligibility(seed: Trial) -> None:
    e = seed.eligibility
    assert e is not None
    assert (e.minimum_age, e.maximum_age) == ("20 Years", None)
    assert e.sex == "ALL"
    assert e.healthy_volunteers is False
    assert len(e.inclusion) == 13
    assert e.inclusion[0] == "Age 20 years or older, at the time of acquisition of informed consent"
    assert (
        e.inclusion[-1] == "Creatinine <1.5 x ULN 7) Provision of a signed written informed consent"
    )
    assert len(e.exclusion) == 11
    assert e.exclusion[0] == "Women of child-bearing potential who are pregnant or breast feeding"
    assert e.exclusion[-1] == "The patients with PDGFR\u03b1 D842V mutation"
    assert e.criteria_text is not None
    assert e.criteria_text.startswith("Inclusion Criteria\n\n1. Age 20 years or older")
    assert e.criteria_text.endswith("11. The patients with PDGFR\u03b1 D842V mutation")
    assert "Minimum Eligible Age" not in e.criteria_text


def test_seed_sponsor_party_contacts_and_site(seed: Trial) -> None:
    assert seed.lead_sponsor == Organisation("Asan Medical Center", "OTHER")
    assert seed.collaborators == ()
    assert seed.responsible_party == ResponsibleParty(
        "PRINCIPAL_INVESTIGATOR", "Min-Hee Ryu", "Professor"
    )
    assert seed.central_contacts == (
        Contact("Ryu Min-Hee, MD, PhD", "CONTACT", "82-2-3010-5936"),
        Contact("Kang Yoon-Koo, MD, PhD", "CONTACT", "82-2-3010-3230"),
    )
    assert seed.sites == (
        Site(
            facility="Asan Medical Center, University of Ulsan College of Medicine",
            city="Seoul",
            state="Seoul",
            country="South Korea",
            status="RECRUITING",
            # One site: the page's facility contacts are that site's.
            contacts=(
                Contact("Yoon-Koo Kang, MD, PhD", "CONTACT", "+82-2-3010-3230"),
                Contact("Min-Hee Ryu, MD, PhD", "CONTACT", "+82-2-3010-5935"),
            ),
        ),
    )


def test_excerpt_agrees_with_the_json_record_of_the_same_trial() -> None:
    page = read(APPLE)
    assert page.source.partial is True
    assert page.has_results is True  # "Results available"
    json_path = FIXTURES / "json" / "NCT02856893.json"
    if not json_path.exists():
        pytest.skip("the JSON record of NCT02856893 is not among the fixtures")
    [record] = [t for t in read_paths([json_path]) if isinstance(t, Trial)]
    for field in (
        "nct_id",
        "brief_title",
        "overall_status",
        "phases",
        "study_type",
        "enrollment",
        "brief_summary",
    ):
        assert getattr(page, field) == getattr(record, field), field
    assert page.start_date is not None and record.start_date is not None
    assert page.start_date.value == record.start_date.value
    assert page.source.last_update == record.source.last_update == PartialDate("2025-10-31")
    # The page writes the registry's "2027-12" (estimated) as 2027-12-31: kept as the page says.
    assert page.completion_date == PartialDate("2027-12-31")
    assert record.completion_date == PartialDate("2027-12", "ESTIMATED")


def test_other_identifiers_with_type_and_domain() -> None:
    text = SEED.read_text(encoding="utf-8").replace(
        "Identifier Source: org_study_id\n",
        "Identifier Source: org_study_id\n\n2022-000123-45\n\nIdentifier Type: EUDRACT_NUMBER\n\n"
        "Identifier Source: secondary_id\n",
    )
    [trial] = read_text(text)
    assert isinstance(trial, Trial)
    assert trial.org_study_id == "AMC2202"
    assert trial.secondary_ids == (Identifier("2022-000123-45", "EUDRACT_NUMBER"),)


def test_pages_of_other_sites_are_not_claimed() -> None:
    for path in sorted((PAGES / "other_sites").iterdir()):
        assert not meddatax.detect(path.read_text(encoding="utf-8")), path.name
    assert not meddatax.detect((PAGES / "seed_000_NCT06038552.txt").read_text(encoding="utf-8"))


def test_truncated_page() -> None:
    text = SEED.read_text(encoding="utf-8")
    cut = text[: text.index("Study Completion Date") + len("Study Completion Date\n\n2030-0")]
    [trial] = read_text(cut, "NCT05385549.txt")
    assert isinstance(trial, Trial)
    assert trial.source.partial is True
    assert trial.start_date == PartialDate("2022-09-07")
    assert trial.completion_date is None  # "2030-0" was cut mid-date
    assert trial.arms == () and trial.eligibility is None


def test_page_without_id_takes_it_from_the_file_name() -> None:
    text = SEED.read_text(encoding="utf-8").replace("NCT ID: NCT05385549", "NCT ID:")
    [trial] = read_text(text, "downloads/NCT05385549.txt")
    assert isinstance(trial, Trial)
    assert (trial.nct_id, trial.source.nct_id_from_filename) == ("NCT05385549", True)


def test_page_without_any_id_names_the_file() -> None:
    text = SEED.read_text(encoding="utf-8").replace("NCT ID: NCT05385549", "NCT ID:")
    [error] = read_text(text, "meddatax-page.txt")
    assert isinstance(error, InputError)
    assert error.file == "meddatax-page.txt"
    with pytest.raises(InputError, match=r"meddatax-page\.txt"):
        list(meddatax.read(Document("meddatax-page.txt", text.encode())))


def test_unreadable_date_names_record_and_field() -> None:
    text = SEED.read_text(encoding="utf-8").replace("2022-09-07", "autumn 2022")
    [error] = read_text(text, "seed.txt")
    assert isinstance(error, InputError)
    assert (error.record, error.field) == ("NCT05385549", "start_date")
