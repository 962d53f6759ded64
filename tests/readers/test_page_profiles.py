"""Layout profiles: a site as data, read by the general page engine."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from trialkg.model import (
    Arm,
    Contact,
    Identifier,
    Intervention,
    Organisation,
    PartialDate,
    Site,
    Trial,
)
from trialkg.readers import Document, detect, readers
from trialkg.readers.generic_page import page_structure
from trialkg.readers.page_shapes import (
    arm_rows,
    postal_sites,
    role_sponsors,
    run_together,
    tree_sites,
    unflattened,
)
from trialkg.readers.pages.layouts import PROFILES
from trialkg.readers.pages.profiles import Profile, profile_reader

PAGE = (
    Path(__file__).parent.parent / "fixtures" / "third_party" / "ignite-sd.com" / "NCT00004932.txt"
)


def _ignite() -> Profile:
    (profile,) = [p for p in PROFILES if p.name == "ignite-sd"]
    return profile


def _read(profile: Profile) -> Trial:
    (trial,) = profile_reader(profile).read(Document(PAGE.name, PAGE.read_bytes()))
    assert isinstance(trial, Trial)
    return trial


THIRD_PARTY = Path(__file__).parent.parent / "fixtures" / "third_party"


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_every_profile_is_a_registered_reader_found_by_content(profile: Profile) -> None:
    assert readers()[profile.name].description == profile.description
    # The site's folder, or a sister site's ("uams.trialstoday.org" for "trialstoday.org").
    site = profile.site
    folders = [f for f in THIRD_PARTY.iterdir() if f.name == site or f.name.endswith("." + site)]
    pages = sorted(page for folder in folders for page in folder.glob("*.txt"))
    assert pages, f"profile {profile.name} has no real page in tests/fixtures/third_party"
    for page in pages:
        # Renamed, so that only the content can tell the site.
        assert detect(Document("page.txt", page.read_bytes())).name == profile.name


def test_the_hra_profile_reads_identifiers_and_contact_as_data() -> None:
    page = THIRD_PARTY / "hra.nhs.uk" / "NCT02856893.txt"
    (trial,) = readers()["hra"].read(Document(page.name, page.read_bytes()))
    assert isinstance(trial, Trial)
    # "IRAS ID" is the profile's label of the field "id:IRAS": another registry's id.
    assert trial.secondary_ids == (
        Identifier("2016-001834-82", "EUDRACT_NUMBER"),
        Identifier("233866", "OTHER", "IRAS"),
    )
    assert trial.central_contacts == (
        Contact(name="Raffaele Califano", email="Raffaele.califano@christie.nhs.uk"),
    )
    assert trial.brief_title is None  # "EORTC-1613-LCG (APPLE)" is the HRA's short title


def test_a_profile_reads_only_its_fields() -> None:
    trial = _read(replace(_ignite(), fields=frozenset({"brief_summary"})))
    assert trial.nct_id == "NCT00004932" and trial.source.site == "ignite-sd.com"
    assert trial.brief_summary is not None
    assert trial.detailed_description is None
    assert trial.source.last_update is None  # the site's copy date is not the record's


def test_the_site_labels_and_headings_are_data() -> None:
    full = _read(_ignite())
    assert full.brief_summary is not None and full.brief_summary.startswith("RATIONALE:")
    # The site's headings end the description; without them it runs on into them.
    without = _read(replace(_ignite(), sections=()))
    assert full.detailed_description is not None and without.detailed_description is not None
    assert "Study: NCT00004932" not in full.detailed_description
    assert "Study: NCT00004932" in without.detailed_description


def test_a_locations_tree_gives_a_site_only_for_a_place_with_a_facility_under_it() -> None:
    text = (
        "Study Locations\n"
        "    \u2022 Antwerpen\n"
        "      \u2022 Edegem, Antwerpen, Belgium, 2650\n"
        "        \u2022 Novartis Investigative Site\n"
        "      \u2022 Geel, Belgium, 2440\n"
    )
    lines, found = page_structure(text)
    assert tree_sites(found.block_lines("sites")) == (
        Site("Novartis Investigative Site", "Edegem", "Antwerpen", "2650", "Belgium"),
    )
    assert tree_sites([line for line in lines if "Novartis" not in line.text]) == ()


def test_the_ichgcp_head_is_named_by_place_around_its_update_line() -> None:
    page = THIRD_PARTY / "ichgcp.net" / "NCT02900378.txt"
    (trial,) = readers()["ichgcp"].read(Document(page.name, page.read_bytes()))
    assert isinstance(trial, Trial)
    assert trial.source.last_update == PartialDate("2020-09-01")
    assert trial.brief_title is not None and trial.brief_title.endswith("(OUTSTEP-HF)")
    assert trial.official_title is not None
    assert trial.official_title.startswith("A Multi-center, Prospective, Randomized")
    assert trial.brief_summary is not None
    assert trial.brief_summary.startswith("The purpose of this randomized")
    # Without its update line, a page is not the site's, and its head names nothing.
    text = page.read_text(encoding="utf-8").replace(" updated by: ", " by ")
    assert detect(Document("page.txt", text.encode())).name != "ichgcp"


def test_a_value_of_the_labels_enumeration_is_its_value_not_another_label() -> None:
    # "Treatment" and "Randomized" are labels of the vocabulary too; under "Primary
    # Purpose" and "Allocation" they are those fields' values.
    text = "Aspirin for Pain in Adults With Migraine\nNCT ID: NCT01234567\n"
    text += "Allocation\nRandomized\nPrimary Purpose\nTreatment\n"
    trial = _general(text)
    assert (trial.allocation, trial.primary_purpose) == ("RANDOMIZED", "TREATMENT")
    assert trial.interventions == ()


def test_an_arms_table_with_a_cell_a_line_gives_arms_and_their_interventions() -> None:
    rows = [
        "ArmDescriptionAssigned Intervention",
        "Experimental",
        "Arm A Nivolumab",
        "Nivolumab as specified",
        "Drug: Nivolumab",
        "Active Comparator",
        "Arm B Topotecan",
        "Drug: Topotecan",
    ]
    arms, interventions = arm_rows(rows)
    assert arms == (
        Arm("Arm A Nivolumab", "EXPERIMENTAL", "Nivolumab as specified", ("Drug: Nivolumab",)),
        Arm("Arm B Topotecan", "ACTIVE_COMPARATOR", None, ("Drug: Topotecan",)),
    )
    assert [(i.name, i.arm_labels) for i in interventions] == [
        ("Nivolumab", ("Arm A Nivolumab",)),
        ("Topotecan", ("Arm B Topotecan",)),
    ]
    assert arm_rows(["Nivolumab", "Drug: Nivolumab"]) == ((), ())  # no type line, no arm


def test_items_run_together_on_one_line_are_apart_again() -> None:
    assert unflattened(["Confirmed SCLC - Subjects with disease - ECOG 0 or 1"]) == (
        "Confirmed SCLC",
        "Subjects with disease",
        "ECOG 0 or 1",
    )
    assert unflattened(["anti-PD-1 - or anti-CTLA-4 antibody"]) == (
        "anti-PD-1 - or anti-CTLA-4 antibody",
    )  # a dash before a lower-case word joins


def _general(text: str) -> Trial:
    (trial,) = readers()["page"].read(Document("NCT01234567.txt", text.encode()))
    assert isinstance(trial, Trial)
    return trial


def test_the_registry_enumerations_run_together_are_read_all_three_or_not_at_all() -> None:
    lines, _found = page_structure("Title Of A Trial\nPHASE2CompletedINTERVENTIONAL\n")
    assert run_together(lines) == (("PHASE2",), "COMPLETED", "INTERVENTIONAL")
    lines, _found = page_structure("Title Of A Trial\nSomethingINTERVENTIONAL\n")
    assert run_together(lines) == ((), None, None)  # no status: not the badge line


def test_postal_sites_are_read_only_when_the_whole_block_has_that_shape() -> None:
    block = ["3220", "Novartis Investigative Site, Geelong", "19111", "Fox Chase, Philadelphia"]
    assert postal_sites(block) == (
        Site("Novartis Investigative Site", "Geelong", zip="3220"),
        Site("Fox Chase", "Philadelphia", zip="19111"),
    )
    assert postal_sites(["Fox Chase Cancer Center", "Philadelphia"]) == ()


def test_sponsors_by_role_name_and_class() -> None:
    lead, collaborators = role_sponsors(
        ["lead", "Novartis Pharmaceuticals", "INDUSTRY", "collaborator", "NCI", "NIH"]
    )
    assert lead == Organisation("Novartis Pharmaceuticals", "INDUSTRY")
    assert collaborators == (Organisation("NCI", "NIH"),)


def test_a_label_with_its_count_and_a_type_line_over_the_name() -> None:
    text = (
        "Aspirin for Pain in Adults With Migraine\nNCT ID: NCT01234567\n"
        "Interventions\nDRUG\nAspirin\n"
        "Aspirin 100 mg by mouth once a day for twelve weeks, with food, in the morning.\n"
        "Locations (2)\n\u2022 Boston, United States, 02115\n"
        "  \u2022 Dana Farber Cancer Institute\n"
    )
    trial = _general(text)
    assert trial.interventions == (
        Intervention(
            "Aspirin",
            "DRUG",
            "Aspirin 100 mg by mouth once a day for twelve weeks, with food, in the morning.",
        ),
    )
    assert trial.sites == (
        Site("Dana Farber Cancer Institute", "Boston", None, "02115", "United States"),
    )


def test_rows_of_a_flattened_table_and_a_dose_under_a_typed_name() -> None:
    page = THIRD_PARTY / "inclinicaltrials.com" / "NCT02509026.txt"
    (trial,) = readers()["inclinicaltrials"].read(Document(page.name, page.read_bytes()))
    assert isinstance(trial, Trial)
    # "NCT number NCT02509026", "Other study ID # B1801381": label, a space, the value.
    assert (trial.nct_id, trial.org_study_id) == ("NCT02509026", "B1801381")
    assert trial.completion_date == PartialDate("2019-09-06")  # "Est." is the site's
    # "Biological:", "Etanercept", then "50 mg subcutaneous, once weekly, 24 weeks": the
    # line under a name typed by a line of its own describes it; it is no intervention.
    assert trial.interventions == (
        Intervention("Etanercept", "BIOLOGICAL", "50 mg subcutaneous, once weekly, 24 weeks"),
    )
