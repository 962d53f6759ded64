"""Layout profiles: a site as data, read by the general page engine."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from trialkg.model import Trial
from trialkg.readers import Document, detect, readers
from trialkg.readers.pages.profiles import PROFILES, Profile, profile_reader

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


def test_every_profile_is_a_registered_reader_found_by_content() -> None:
    for profile in PROFILES:
        assert readers()[profile.name].description == profile.description
    assert detect(Document(PAGE.name, PAGE.read_bytes())).name == "ignite-sd"


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
