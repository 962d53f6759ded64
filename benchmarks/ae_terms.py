#!/usr/bin/env python3
"""Adverse-event mentions linked to a vocabulary term, measured on record files (no store).

Every event of every trial's results is one mention, as ``trialkg stats`` counts them.
The script prints the share linked, by method, the most frequent terms left unlinked,
and, with ``--sample N``, N linked mentions drawn at random (``--seed``) with the
vocabulary terms they link to, to check the links' precision by hand.

    python benchmarks/ae_terms.py ../shared/corpus/xml-bulk/legacy-xml-6384.zip --sample 100
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from trialkg.errors import InputError
from trialkg.linking import Linker
from trialkg.linking.adverse_events import AdverseEventTerms
from trialkg.readers import iter_documents, read_document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--misses", type=int, default=40, help="unlinked terms to list")
    parser.add_argument("--sample", type=int, default=0, help="linked mentions to draw")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()

    mentions: Counter[str] = Counter()
    for document in iter_documents(args.paths):
        for trial in read_document(document):
            if isinstance(trial, InputError) or trial.results is None:
                continue
            events = trial.results.adverse_events
            if events is not None:
                mentions.update(event.term for event in events.events)

    terms = AdverseEventTerms(Linker())
    started = time.process_time()
    concepts = {term: terms.concept(term) for term in sorted(mentions)}
    seconds = time.process_time() - started
    total = sum(mentions.values())
    linked = sum(n for term, n in mentions.items() if concepts[term].matches)
    methods: Counter[str] = Counter()
    for term, n in mentions.items():
        found = concepts[term].matches
        methods[found[0].method if found else "(none)"] += n
    print(f"mentions: {total}, distinct terms: {len(mentions)}, linking {seconds:.1f} s CPU")
    print(f"linked: {linked} ({100 * linked / total:.1f}%)")
    for method, n in methods.most_common():
        print(f"  {method:40} {n:6} ({100 * n / total:.1f}%)")
    unlinked = Counter({t: n for t, n in mentions.items() if not concepts[t].matches})
    print(f"\nmost frequent unlinked terms (of {len(unlinked)}):")
    for term, n in unlinked.most_common(args.misses):
        print(f"  {n:5}  {term}")
    if args.sample:
        population = [t for t, n in mentions.items() if concepts[t].matches for _ in range(n)]
        drawn = random.Random(args.seed).sample(sorted(population), args.sample)
        print(f"\n{args.sample} linked mentions drawn at random (seed {args.seed}):")
        for term in drawn:
            match = concepts[term].matches[0]
            print(f"  {term!r:45} -> {match.iri} [{match.relation}, {match.method}]")


if __name__ == "__main__":
    main()
