#!/usr/bin/env python3
"""Linked shares per therapeutic area, measured on record files (no store needed).

For every trial of the inputs the script links the trial as a build does and counts:

- drug, condition, procedure and organisation mentions with a vocabulary match
  (as ``trialkg stats`` counts them; procedures are PROCEDURE and RADIATION, and
  also DEVICE and BEHAVIORAL reported apart);
- the registry's intervention MeSH ids, as the registry writes them, that
  ``trials-for-drug drug=mesh:ID`` would find the trial for (the id expanded as
  the query expands it, against the trial's intervention concepts' matches);
- the trials whose linked conditions meet one of the registry's condition terms.

The therapeutic area of a JSON record is the registry's first condition browse
branch (``derivedSection.conditionBrowseModule.browseBranches``); the legacy XML
has no branches and is reported as one area.

    python benchmarks/link_coverage.py ../shared/corpus/json-wide
    python benchmarks/link_coverage.py ../shared/corpus/xml-bulk/legacy-xml-6384.zip
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from trialkg.errors import InputError
from trialkg.linking import Linker
from trialkg.linking.ids import canonical_mesh_id
from trialkg.query import expand_curie
from trialkg.rdf import vocab
from trialkg.readers import iter_documents, read_document

KINDS = {
    "drug": {"DRUG", "BIOLOGICAL", "COMBINATION_PRODUCT"},
    "procedure": {"PROCEDURE", "RADIATION"},
    "device+behavioral": {"DEVICE", "BEHAVIORAL"},
    "placebo/sham (any type)": set(),
}


def _area(data: bytes) -> str:
    try:
        record = json.loads(data)
    except ValueError:
        return "legacy XML"
    branches = (
        record.get("derivedSection", {}).get("conditionBrowseModule", {}).get("browseBranches", [])
    )
    return branches[0].get("name", "none") if branches else "no branch"


def _query_iri(mesh_id: str) -> str | None:
    try:
        return expand_curie("mesh:" + mesh_id)
    except Exception:
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--misses", type=int, default=0, help="print this many misses per kind")
    args = parser.parse_args()
    linker = Linker()
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    misses: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for document in iter_documents(args.paths):
        if isinstance(document, InputError):
            continue
        area = _area(document.data)
        for trial in read_document(document):
            if isinstance(trial, InputError):
                continue
            links = linker.link_trial(trial)
            row = counts[area]
            for intervention, concepts in zip(
                trial.interventions, links.interventions, strict=True
            ):
                if any(c.kind == "placebo" for c in concepts):
                    row["placebo/sham (any type)"][0] += 1
                    row["placebo/sham (any type)"][1] += 1
                for kind, types in KINDS.items():
                    if (intervention.type or "") in types:
                        linked = any(c.matches for c in concepts)
                        row[kind][0] += linked
                        row[kind][1] += 1
                        if not linked:
                            misses[kind][intervention.name] += 1
                        if kind == "drug" and linked and len(concepts) > 1:
                            whole = all(c.matches for c in concepts)
                            row["drug combination, every part linked"][0] += whole
                            row["drug combination, every part linked"][1] += 1
            for name, concepts in zip(trial.conditions, links.conditions, strict=True):
                if not concepts:  # healthy volunteers: no condition
                    row["healthy-volunteer mentions"][1] += 1
                    continue
                linked = any(c.matches for c in concepts)
                row["condition"][0] += linked
                row["condition"][1] += 1
                if not linked:
                    misses["condition"][name] += 1
            for organisation in (links.lead_sponsor, *links.collaborators):
                if organisation is not None:
                    row["organisation"][0] += bool(organisation.matches)
                    row["organisation"][1] += 1
            targets = {m.iri for cs in links.interventions for c in cs for m in c.matches}
            for mesh in trial.intervention_meshes:
                if mesh.id:
                    found = _query_iri(mesh.id) in targets
                    row["registry intervention id"][0] += found
                    row["registry intervention id"][1] += 1
                    if not found:
                        misses["registry intervention id"][f"{mesh.id} {mesh.term}"] += 1
            wanted = {
                vocab.MESH + canonical_mesh_id(m.id)
                for m in links.condition_meshes or trial.condition_meshes
                if m.id
            }
            if wanted:
                met = {m.iri for cs in links.conditions for c in cs for m in c.matches} & wanted
                row["trials meeting registry conditions"][0] += bool(met)
                row["trials meeting registry conditions"][1] += 1
                if not met:
                    misses["trials meeting registry conditions"][" | ".join(trial.conditions)] += 1
    total: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for area in sorted(counts):
        print(f"== {area}")
        for kind, (linked, all_) in sorted(counts[area].items()):
            total[kind][0] += linked
            total[kind][1] += all_
            print(f"  {kind:36} {linked:6}/{all_:<6} {100.0 * linked / (all_ or 1):5.1f}%")
    print("== all")
    for kind, (linked, all_) in sorted(total.items()):
        print(f"  {kind:36} {linked:6}/{all_:<6} {100.0 * linked / (all_ or 1):5.1f}%")
    if args.misses:
        for kind, names in sorted(misses.items()):
            print(f"-- misses: {kind}")
            for name, n in sorted(names.items(), key=lambda x: (-x[1], x[0]))[: args.misses]:
                print(f"  {n:4} {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
