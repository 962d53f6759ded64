#!/usr/bin/env python3
"""The ``trials-for-drug drug=mesh:ID`` hit rate on the registry's own intervention ids.

Builds the JSON records given into a temporary store, then asks
``trials-for-drug`` for every intervention MeSH id of each record's
``interventionBrowseModule``, written as the registry writes it (often padded to
nine digits), and counts the ids whose answer names the record's trial.

    python benchmarks/trials_for_drug_hits.py ../shared/corpus/json-wide
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import trialkg
from trialkg.build import BuildOptions
from trialkg.errors import QueryError
from trialkg.query import run_query


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--misses", type=int, default=0)
    args = parser.parse_args()
    wanted: list[tuple[str, str, str]] = []
    for path in sorted(args.folder.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        nct = record["protocolSection"]["identificationModule"]["nctId"]
        browse = record.get("derivedSection", {}).get("interventionBrowseModule", {})
        for mesh in browse.get("meshes", []):
            wanted.append((nct, mesh["id"], mesh.get("term", "")))
    hits = 0
    misses: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as folder:
        store = trialkg.open_store(Path(folder) / "store")
        try:
            options = BuildOptions(overlay="")
        except TypeError:  # a version without the option
            options = BuildOptions()
        trialkg.build(store, [args.folder], options)
        for nct, mesh_id, term in wanted:
            try:
                rows = run_query(store, "trials-for-drug", {"drug": "mesh:" + mesh_id}).rows
            except QueryError as error:
                misses[f"{mesh_id} {term} (error: {error})"] += 1
                continue
            if any(row[0] == nct for row in rows):
                hits += 1
            else:
                misses[f"{mesh_id} {term}"] += 1
        store.close()
    share = 100.0 * hits / (len(wanted) or 1)
    print(f"trials-for-drug drug=mesh:ID finds the trial: {hits}/{len(wanted)} ({share:.1f}%)")
    for name, count in misses.most_common(args.misses):
        print(f"  {count:4} {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
