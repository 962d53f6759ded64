"""inclinicaltrials.com: the locations table, whose columns run together in text.

Issue "every shape a trial record comes in": the page NCT02509026 has eight
complete rows ("Australia Genesis Research Services Pty Ltd Broadmeadow New
South Wales") and the graph had no sites.
"""

from __future__ import annotations

from pathlib import Path

from trialkg.model import Site, Trial
from trialkg.readers import Document, get_reader

PAGE = Path(__file__).resolve().parent.parent / "fixtures/third_party/inclinicaltrials.com"
HEAD = b"Country Name City State\n"


def _read(data: bytes) -> Trial:
    (trial,) = get_reader("inclinicaltrials").read(Document("NCT02509026.txt", data))
    assert isinstance(trial, Trial), trial
    return trial


def _sites(rows: bytes, head: bytes = HEAD) -> tuple[Site, ...]:
    page = (PAGE / "NCT02509026.txt").read_bytes()
    table = page.index(HEAD)
    return _read(page[:table] + head + rows + b"\nOutcome\n").sites


def test_each_complete_row_gives_its_country_and_state() -> None:
    trial = _read((PAGE / "NCT02509026.txt").read_bytes())
    states = [
        "New South Wales",  # Genesis Research Services Pty Ltd, Broadmeadow
        "New South Wales",  # Hunter Imaging Group, Cardiff
        "Queensland",  # Pacific Radiology, Maroochydore
        "Queensland",  # Rheumatology Research Centre, Maroochydore
        "Western Australia",  # SKG Radiology Hollywood Hospital, Nedlands
        "South Australia",  # Benson Radiology, North Adelaide
        "Western Australia",  # SKG Radiology Subiaco, Subiaco
        "Western Australia",  # R.K. Will Pty Ltd, Victoria Park
    ]
    # The ninth row stops inside its facility name ("The Queen Elizabeth Hospi"): left out.
    assert trial.sites == tuple(Site(state=state, country="Australia") for state in states)
    # Facility and city run together; no rule tells them apart, so neither is guessed.
    assert all(site.facility is None and site.city is None for site in trial.sites)


def test_a_country_of_several_words_and_a_state_of_several_words() -> None:
    rows = (
        b"United States Georgetown University Washington District of Columbia\n"
        b"United States Mayo Clinic Rochester Minnesota\n"
        b"Korea, Republic of Seoul National University Hospital Seoul\n"
        b"Canada Royal Jubilee Hospital Victoria British Columbia\n"
    )
    assert _sites(rows) == (
        Site(state="District of Columbia", country="United States"),
        Site(state="Minnesota", country="United States"),
        Site(country="Korea, Republic of"),  # no list of Korea's provinces here: no state
        Site(state="British Columbia", country="Canada"),
    )


def test_a_row_that_is_only_a_state_name_after_the_country_gives_no_state() -> None:
    assert _sites(b"Australia Victoria\n") == (Site(country="Australia"),)


def test_the_table_ends_at_a_row_without_a_country_and_needs_its_head() -> None:
    rows = (
        b"Australia Pacific Radiology Maroochydore Queensland\n"
        b"Page 1 of 3\n"
        b"Australia X Y Tasmania\n"
    )
    assert _sites(rows) == (Site(state="Queensland", country="Australia"),)
    assert _sites(rows, head=b"Name City Country\n") == ()
