"""Shared translations: dates, enumerations and eligibility criteria as sources write them."""

from __future__ import annotations

import pytest

from trialkg.errors import InputError
from trialkg.readers.common import partial_date, split_criteria
from trialkg.text import parse_date_text
from trialkg.values import masking_value, phase_values, status_value


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2023-09-15", "2023-09-15"),
        ("2023-09", "2023-09"),
        ("Sep 15, 2023", "2023-09-15"),
        ("September 2009", "2009-09"),
        ("15 September 2023", "2023-09-15"),
        ("09/15/2023", "2023-09-15"),
        ("2023-02-30", None),
        ("soon", None),
    ],
)
def test_dates_as_precise_as_stated(text: str, iso: str | None) -> None:
    assert parse_date_text(text) == iso


def test_an_unreadable_date_names_its_field() -> None:
    with pytest.raises(InputError) as caught:
        partial_date(
            "31/31/2020", "Anticipated", file="f.xml", record="NCT01234567", field="start_date"
        )
    assert str(caught.value).startswith("file f.xml, record NCT01234567, field start_date:")
    assert (
        partial_date("May 2020", "Estimate", file=None, record="x", field="y").type == "ESTIMATED"
    )


def test_enumerations_in_the_registry_spelling() -> None:
    assert phase_values("Phase 1/Phase 2") == ("PHASE1", "PHASE2")
    assert phase_values("Phase II") == ("PHASE2",)
    assert phase_values("Early Phase 1") == ("EARLY_PHASE1",)
    assert phase_values("N/A") == ("NA",)
    assert status_value("Active, not recruiting") == "ACTIVE_NOT_RECRUITING"
    assert status_value("Recruiting") == "RECRUITING"
    assert masking_value("None (Open Label)") == "NONE"
    assert masking_value("Double (Participant, Investigator)") == "DOUBLE"


def test_criteria_split_into_items() -> None:
    text = (
        "Inclusion Criteria:\n\n* Age \\>= 18\n* ECOG 0-1\n  continued on a second line\n\n"
        "Exclusion Criteria: 1. Pregnancy\n2. Prior \\<treatment\\>\n"
    )
    inclusion, exclusion = split_criteria(text)
    assert inclusion == ("Age >= 18", "ECOG 0-1 continued on a second line")
    assert exclusion == ("Pregnancy", "Prior <treatment>")
    assert split_criteria("- KEY INCLUSION CRITERIA:\n  - x\nExclusion criteria:\n- z") == (
        ("x",),
        ("z",),
    )
