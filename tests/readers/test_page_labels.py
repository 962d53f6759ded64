"""Plain labels through the one vocabulary: two-cell table rows, synonyms, countries."""

from __future__ import annotations

from pathlib import Path

from trialkg.model import Site, Trial
from trialkg.readers import Document, read_document
from trialkg.readers.generic_page import page_trial

PAGES = Path(__file__).parent.parent / "fixtures" / "pages" / "labels"


def _trial(name: str) -> Trial:
    path = PAGES / name
    (trial,) = read_document(Document(path.name, path.read_bytes()))
    assert isinstance(trial, Trial)
    return trial


def test_two_cell_rows_under_plain_labels_are_read() -> None:
    trial = _trial("clinicalmetric.com_NCT03922724.txt")
    assert trial.nct_id == "NCT03922724"
    assert trial.overall_status == "RECRUITING"
    assert trial.phases == ("PHASE2",)
    assert trial.study_type == "INTERVENTIONAL"
    assert trial.enrollment == 330
    assert trial.conditions == ("Peripheral T-cell Lymphomas",)
    assert trial.lead_sponsor is not None
    assert trial.lead_sponsor.name == "National Cancer Institute (NCI)"


def test_clinical_trial_title_and_specific_condition_are_synonyms() -> None:
    trial = _trial("legacyhealth.org_NCT06876714.txt")
    assert trial.brief_title is not None
    assert trial.brief_title.startswith("ShortStop-HER2: Shortened duration of adjuvant therapy")
    assert trial.conditions == ("Breast Cancer",)


def test_national_clinical_trial_number_type_of_study_and_countries() -> None:
    text = (
        "National Clinical Trial Number: NCT04266249\n"
        "Clinical Trial Title: Testing the Ability to Decrease Chemotherapy\n"
        "Type of study\nInterventional\n"
        "Countries:\nUnited States, Canada\n"
    )
    trial = page_trial(text, "page.txt", reader="page")
    assert trial.nct_id == "NCT04266249" and not trial.source.nct_id_from_filename
    assert trial.brief_title == "Testing the Ability to Decrease Chemotherapy"
    assert trial.study_type == "INTERVENTIONAL"
    assert trial.sites == (Site(country="United States"), Site(country="Canada"))


def test_a_copied_classic_table_with_its_cells_run_together() -> None:
    """A site's copy of the classic page: the table's header and row each on one line,
    "Study Type : Interventional  (Clinical Trial)" under the design labels."""
    trial = _trial("de.frojeostern.com_NCT04184622.txt")
    assert trial.source.reader == "page"
    assert trial.conditions == ("Overweight Obesity",)
    assert [i.name for i in trial.interventions] == ["Tirzepatide", "Placebo"]
    assert trial.phases == ("PHASE3",)
    assert (trial.study_type, trial.enrollment) == ("INTERVENTIONAL", 2539)
    assert trial.brief_title is None  # the site's own headline is not the registry's title


def test_labels_in_the_languages_sites_use() -> None:
    text = (
        "NCT ID: NCT04266249\n"
        "Studientitel: Weniger Chemotherapie bei HER2-positivem Brustkrebs\n"
        "Erkrankung: Brustkrebs\n"
        "Studienphase: Phase 2\n"
        "Promoteur: Alliance for Clinical Trials in Oncology\n"
    )
    trial = page_trial(text, "page.txt", reader="page")
    assert trial.brief_title == "Weniger Chemotherapie bei HER2-positivem Brustkrebs"
    assert trial.conditions == ("Brustkrebs",)
    assert trial.phases == ("PHASE2",)
    assert trial.lead_sponsor is not None
    assert trial.lead_sponsor.name == "Alliance for Clinical Trials in Oncology"
