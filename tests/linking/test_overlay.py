"""A user's overlay adds, overrides and forbids entries without rebuilding the lexicon."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.linking.conftest import drug_concepts, targets, trial
from trialkg.errors import InputError
from trialkg.linking import Linker
from trialkg.linking.lexicon import OVERLAY_ENV, Lexicon, linking_fingerprint
from trialkg.linking.overlay import parse_overlay
from trialkg.model import Intervention, Organisation

OVERLAY = """\
# kind\tmention\ttarget\trelation\tlabel
drug\tAK112\tdrugbank:DB18931\texact\tivonescimab
drug\tHSK40118\tdrugbank:DB99999\texact\tHSK40118 (a code the vocabulary lacks)
drug\tPlacebo\t-
drug\tEPOCH\t-
condition\tIM\tmesh:D009190
xref\tmesh:D000068877\twikidata:Q0000001\tclose
organisation\tShanghai Chest Hosp.\tror:000000000\texact\tShanghai Chest Hospital
"""


@pytest.fixture(scope="module")
def overlay_linker(tmp_path_factory: pytest.TempPathFactory) -> Linker:
    path = tmp_path_factory.mktemp("overlay") / "mine.tsv"
    path.write_text(OVERLAY, encoding="utf-8")
    return Linker(overlay=path)


def test_an_overlay_links_a_code_to_a_known_concept(overlay_linker: Linker) -> None:
    (concept,) = drug_concepts(overlay_linker, "AK112")
    assert concept.key == "drugbank-DB18931" and concept.label.lower() == "ivonescimab"
    assert concept.method == "overlay"
    assert concept.matches[0].source == "overlay mine.tsv"


def test_an_overlay_target_the_vocabulary_lacks_becomes_a_concept(overlay_linker: Linker) -> None:
    (concept,) = drug_concepts(overlay_linker, "HSK40118")
    assert (
        concept.key == "drugbank-DB99999"
        and concept.label == "HSK40118 (a code the vocabulary lacks)"
    )


def test_a_dash_forbids_a_link(overlay_linker: Linker, linker: Linker) -> None:
    assert drug_concepts(linker, "Placebo")[0].matches
    assert drug_concepts(overlay_linker, "Placebo")[0].matches == ()


def test_a_dash_forbids_a_regimen_in_a_combination_too(
    overlay_linker: Linker, linker: Linker
) -> None:
    # "EPOCH" alone is MeSH's EPOCH protocol; a user who forbids the name keeps it
    # unlinked as a part of "Rituxan and EPOCH" as well.
    assert "mesh-C079446" in {c.key for c in drug_concepts(linker, "Rituxan and EPOCH")}
    assert "mesh-C079446" not in {c.key for c in drug_concepts(overlay_linker, "Rituxan and EPOCH")}


def test_an_overlay_entry_applies_to_its_own_kind(overlay_linker: Linker) -> None:
    record = trial(conditions=("IM",), interventions=(Intervention("IM", "DRUG"),))
    links = overlay_linker.link_trial(record)
    assert links.conditions[0][0].key == "mesh-D009190"
    assert links.interventions[0][0].matches == ()


def test_an_overlay_adds_a_cross_reference(overlay_linker: Linker) -> None:
    (concept,) = drug_concepts(overlay_linker, "Gleevec")
    assert targets(concept)["http://www.wikidata.org/entity/Q0000001"] == "close"


def test_an_overlay_names_an_organisation(overlay_linker: Linker) -> None:
    concept = overlay_linker.organisation_concept(Organisation("Shanghai Chest Hospital"))
    assert (concept.key, concept.label) == ("ror-000000000", "Shanghai Chest Hospital")
    assert [m.iri for m in concept.matches] == ["https://ror.org/000000000"]


def test_an_overlay_changes_the_fingerprint(overlay_linker: Linker, linker: Linker) -> None:
    assert linker.lexicon.fingerprint == linker.lexicon.version
    assert overlay_linker.lexicon.fingerprint.startswith(linker.lexicon.version + "+overlay-")


def test_the_fingerprint_is_known_without_loading_the_vocabulary(
    overlay_linker: Linker, linker: Linker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(OVERLAY_ENV, raising=False)
    assert linking_fingerprint() == linker.lexicon.fingerprint
    path = tmp_path / "mine.tsv"
    path.write_text(OVERLAY, encoding="utf-8")
    assert linking_fingerprint(path) == overlay_linker.lexicon.fingerprint
    path.write_text(OVERLAY.replace("mesh:D009190", "mesh:D009191"), encoding="utf-8")
    assert linking_fingerprint(path) != overlay_linker.lexicon.fingerprint


def test_the_environment_names_the_overlay(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "env.tsv"
    path.write_text("drug\tAK112\tdrugbank:DB18931\n", encoding="utf-8")
    monkeypatch.setenv(OVERLAY_ENV, str(path))
    (concept,) = drug_concepts(Linker(Lexicon.load()), "AK112")
    assert concept.key == "drugbank-DB18931"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("drug\tAK112\n", "at least three"),
        ("vaccine\tX\tmesh:D1\n", "unknown kind"),
        ("drug\tAK112\tDB18931\n", "not a CURIE"),
        ("drug\tAK112\tdrugbank:DB18931\tsame\n", "exact or close"),
        ("xref\timatinib\twikidata:Q1\n", "concept CURIE"),
    ],
)
def test_a_malformed_row_names_its_line(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        parse_overlay("# comment\n\n" + text, file="bad.tsv")
    assert caught.value.file == "bad.tsv" and "line 3" in str(caught.value)


def test_issue_14_overlay_mesh_ids_are_made_canonical_or_refused(tmp_path: Path) -> None:
    path = tmp_path / "ids.tsv"
    # The registry's padded form of Paclitaxel (D017239), and CURIEs in other spellings.
    path.write_text(
        "drug\tPTX-9\tMESH:D000017239\ndrug\tXY-1\tCHEBI:45783\ndrug\tEndostar\tMESH:C522911\n",
        encoding="utf-8",
    )
    linker = Linker(overlay=path)
    (paclitaxel,) = drug_concepts(linker, "PTX-9")
    assert paclitaxel.key == "mesh-D017239"
    assert drug_concepts(linker, "XY-1")[0].key == "chebi-45783"
    assert drug_concepts(linker, "Endostar")[0].key == "mesh-C522911"
    path.write_text("drug\tX\tmesh:nothing\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 1.*mesh:nothing"):
        Linker(overlay=path)
    path.write_text("drug\tHSK40118\tmesh:C999999\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 1.*'mesh:C999999' is not a MeSH"):
        Linker(overlay=path)
