"""Shared fixtures: paths to the real records copied into tests/fixtures, and built stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import trialkg
from trialkg.store import TrialStore

FIXTURES = Path(__file__).parent / "fixtures"
JSON_DIR = FIXTURES / "json"
SEEDS_DIR = FIXTURES / "seeds"
SEED_CTGOV = SEEDS_DIR / "000_d9cd8b5e99bf18e1.txt"
SEED_MEDDATAX = SEEDS_DIR / "001_172ae6945c998fb2.txt"
REPO = Path(__file__).parent.parent


@pytest.fixture(scope="session")
def json_store() -> Iterator[TrialStore]:
    """An in-memory store of the 110 ClinicalTrials.gov JSON records."""
    store = trialkg.open_store()
    report = trialkg.build(store, [JSON_DIR])
    assert report.rejected == 0, [str(e) for e in report.errors]
    yield store


@pytest.fixture(scope="session")
def seed_store() -> Iterator[TrialStore]:
    """An in-memory store of the two seed records."""
    store = trialkg.open_store()
    report = trialkg.build(store, [SEEDS_DIR])
    assert report.rejected == 0, [str(e) for e in report.errors]
    yield store


@pytest.fixture(scope="session")
def json_store_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store on disk (closed) of the 110 ClinicalTrials.gov JSON records: for servers."""
    folder = tmp_path_factory.mktemp("json-store") / "store"
    with trialkg.open_store(folder) as store:
        report = trialkg.build(store, [JSON_DIR], trialkg.BuildOptions(workers=1))
        assert report.rejected == 0, [str(e) for e in report.errors]
    return folder
