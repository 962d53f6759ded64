"""The linker seen through a built store: trials-for-drug by any name, and the link report."""

from __future__ import annotations

import pytest

import trialkg
from tests.conftest import SEEDS_DIR
from trialkg.link_report import linked_shares, unlinked_mentions
from trialkg.query import run_query
from trialkg.store import TrialStore


@pytest.fixture(scope="module")
def seeds() -> TrialStore:
    store = trialkg.open_store()
    report = trialkg.build(store, [SEEDS_DIR])
    assert report.built == 2, [str(e) for e in report.errors]
    return store


@pytest.mark.parametrize(
    "drug",
    ["Gleevec", "STI571", "mesh:D000068877", "imatinib", "Imatinib Mesylate", "drugbank:DB00619"],
)
def test_trials_for_drug_by_brand_code_curie_or_name(seeds: TrialStore, drug: str) -> None:
    rows = run_query(seeds, "trials-for-drug", {"drug": drug}).as_dicts()
    assert sorted({r["nct_id"] for r in rows}) == ["NCT05385549", "NCT06038552"]
    assert {r["intervention"] for r in rows} == {"imatinib (IM)", "Imatinib Mesylate"}


def test_the_seeds_share_one_imatinib_node(seeds: TrialStore) -> None:
    rows = run_query(seeds, "shared-drugs").as_dicts()
    assert [(r["label"], r["trials"]) for r in rows] == [("Imatinib Mesylate", 2)]


def test_linked_shares_count_mentions_per_type(seeds: TrialStore) -> None:
    shares = linked_shares(seeds)
    assert shares["drug"] == (2, 2)
    assert shares["procedure"] == (3, 3)  # hepatic resection, RFA, TACE
    assert set(shares) == {"drug", "condition", "procedure", "organisation"}
    linked, total = shares["organisation"]
    assert total >= 3 and linked == 0  # no organisation registry ships; an overlay adds ids


def test_unlinked_mentions_are_listed_most_frequent_first(seeds: TrialStore) -> None:
    rows = unlinked_mentions(seeds)
    assert all(kind in {"drug", "condition", "procedure", "organisation"} for kind, _, _ in rows)
    counts = [count for _, _, count in rows]
    assert counts == sorted(counts, reverse=True)
    assert ("organisation", "Asan Medical Center", 1) in rows
    assert not any(kind == "drug" for kind, _, _ in rows)
