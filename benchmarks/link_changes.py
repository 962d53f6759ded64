#!/usr/bin/env python3
"""Every distinct link the linker makes on record files, for comparing two versions.

Prints one sorted line per distinct (kind, mention, node label, first target,
relation, method) over the inputs: drugs (DRUG, BIOLOGICAL, COMBINATION_PRODUCT),
procedures (PROCEDURE, RADIATION) and conditions. Run it with two versions of
``src`` on ``PYTHONPATH`` and compare the outputs with ``diff`` to see the links a
change adds, drops or moves; the lines added are what to check by hand.

    python benchmarks/link_changes.py ../shared/corpus/json-wide > after.tsv
    PYTHONPATH=old/src python benchmarks/link_changes.py ../shared/corpus/json-wide >before.tsv
    diff before.tsv after.tsv
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from trialkg.errors import InputError
from trialkg.linking import Linker
from trialkg.readers import iter_documents, read_document

KINDS = {
    "DRUG": "drug",
    "BIOLOGICAL": "drug",
    "COMBINATION_PRODUCT": "drug",
    "PROCEDURE": "procedure",
    "RADIATION": "procedure",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    linker = Linker()
    rows: set[tuple[str, ...]] = set()
    for document in iter_documents(args.paths):
        if isinstance(document, InputError):
            continue
        for trial in read_document(document):
            if isinstance(trial, InputError):
                continue
            links = linker.link_trial(trial)
            found = [
                (KINDS[i.type], i.name, c)
                for i, cs in zip(trial.interventions, links.interventions, strict=True)
                if i.type in KINDS
                for c in cs
            ]
            found += [
                ("condition", name, c)
                for name, cs in zip(trial.conditions, links.conditions, strict=True)
                for c in cs
            ]
            for kind, mention, concept in found:
                first = concept.matches[0] if concept.matches else None
                target = (first.iri, first.relation) if first else ("-", "-")
                rows.add((kind, " ".join(mention.split()), concept.label, *target, concept.method))
    for row in sorted(rows):
        print("\t".join(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
