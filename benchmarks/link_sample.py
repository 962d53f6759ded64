#!/usr/bin/env python3
"""Draw a random sample of drug and condition links for checking by hand.

The distinct (kind, mention, node) pairs of the inputs that link to a vocabulary
are collected, sorted, and ``--size`` of each kind drawn with ``random.Random(seed)``;
each row gives the mention, the node's label, its first target, the relation and
how the mention was read. The verdict column is left for the checker.

    python benchmarks/link_sample.py ../shared/corpus/json-wide \
        ../shared/corpus/xml-bulk/legacy-xml-6384.zip
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from trialkg.errors import InputError
from trialkg.linking import Linker
from trialkg.readers import iter_documents, read_document

DRUG_TYPES = {"DRUG", "BIOLOGICAL", "COMBINATION_PRODUCT"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--size", type=int, default=100)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    linker = Linker()
    pairs: dict[str, set[tuple[str, ...]]] = {"drug": set(), "condition": set()}
    for document in iter_documents(args.paths):
        if isinstance(document, InputError):
            continue
        for trial in read_document(document):
            if isinstance(trial, InputError):
                continue
            links = linker.link_trial(trial)
            found = [
                ("drug", i.name, c)
                for i, cs in zip(trial.interventions, links.interventions, strict=True)
                if i.type in DRUG_TYPES
                for c in cs
                if c.kind == "drug"
            ]
            found += [
                ("condition", name, c)
                for name, cs in zip(trial.conditions, links.conditions, strict=True)
                for c in cs
            ]
            for kind, mention, concept in found:
                if concept.matches:
                    first = concept.matches[0]
                    row = (trial.nct_id, mention, concept.label, first.iri, first.relation)
                    pairs[kind].add((*row, concept.method))
    draw = random.Random(args.seed)
    print("kind\tnct_id\tmention\tnode label\tfirst target\trelation\tmethod\tverdict")
    for kind in ("drug", "condition"):
        distinct = {row[1:]: row for row in sorted(pairs[kind])}  # one row per mention and node
        rows = sorted(distinct.values())
        for row in sorted(draw.sample(rows, min(args.size, len(rows)))):
            print(kind + "\t" + "\t".join(row) + "\t")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
