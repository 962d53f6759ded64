"""In-process query times: each named query run several times on one open store.

Prints one JSON object per timed case: p50 and p95 of the wall seconds over the
runs (the query and the reading of all its rows, without the command line's
start-up), the p50 of the CPU seconds (the engine runs a query on one thread,
so CPU time shows the work when other programs share the cores), the rows and a
digest of them, so that two versions of a query are held to the same answers.

    python benchmarks/querytimes.py STORE [--queries-dir DIR] [--runs 5]

Besides the named queries it times ``trials-for-drug`` for the drug the most
trials use and for one used by fewer than 100, a page of ``trial-summary``
(``--page-size`` rows from the middle of the listing) and a one-trial lookup
(``TrialStore.trial_quads``, all of a trial's graphs and the shared facts of its
nodes, and ``trial_graph``, the same as an rdflib Graph), and the computing of the
summary graph (``trialkg.summary``) that every changing write ends with.
``--queries-dir`` takes
the ``.rq`` files of another folder (an older version of the queries, say).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).absolute().parent.parent
sys.path.insert(0, str(REPO / "src"))

from pyoxigraph import NamedNode, Variable  # noqa: E402

from trialkg.query import (  # noqa: E402
    NamedQuery,
    load_query,
    named_queries,
    resolve_drug,
    run_query,
)
from trialkg.store import TrialStore, open_store  # noqa: E402
from trialkg.summary import summary_lines  # noqa: E402

# Drugs by the number of trials whose interventions name them: from the plain
# path, so that it runs on stores of any layout.
DRUG_COUNTS = """
PREFIX tkg: <https://w3id.org/trialkg/vocab#>
SELECT ?drug (COUNT(DISTINCT ?trial) AS ?trials) WHERE {
  ?drug a tkg:Drug . ?intervention tkg:concept ?drug . ?trial tkg:intervention ?intervention
} GROUP BY ?drug ORDER BY DESC(?trials) ?drug
"""


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = q * (len(ordered) - 1)
    low = int(index)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (index - low)


def timed(work: Callable[[], Any], runs: int) -> dict[str, Any]:
    walls, cpus = [], []
    result: Any = None
    for _ in range(runs):
        cpu = time.process_time()
        started = time.perf_counter()
        result = work()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    rows = result if isinstance(result, list) else []
    return {
        "p50": statistics.median(walls),
        "p95": _quantile(walls, 0.95),
        "cpu": statistics.median(cpus),
        "rows": len(rows),
        "digest": hashlib.sha256(repr(rows).encode()).hexdigest()[:16],
    }


def pick_drugs(store: TrialStore) -> tuple[tuple[str, int], tuple[str, int]]:
    """The drug the most trials use, and the most used of those under 100 trials."""
    result = store.oxigraph.query(DRUG_COUNTS, use_default_graph_as_union=True)
    counts = [(row["drug"].value, int(row["trials"].value)) for row in result]  # type: ignore[union-attr, index]
    rare = next(((d, n) for d, n in counts if n < 100), counts[-1])
    return counts[0], rare


def _a_name(store: TrialStore, drug: str) -> str:
    """A name a record gave one of the drug's interventions, as the record wrote it."""
    query = (
        "SELECT ?drug (MIN(?name) AS ?n) WHERE { "
        "?i <https://w3id.org/trialkg/vocab#concept> ?drug ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?name } GROUP BY ?drug"
    )
    result = store.oxigraph.query(
        query, use_default_graph_as_union=True, substitutions={Variable("drug"): NamedNode(drug)}
    )
    for row in result:  # type: ignore[union-attr]
        value = row["n"]
        return str(value.value) if value is not None else ""
    return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--queries-dir", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--drugs", nargs=2, default=None, help="common and rare drug IRIs")
    parser.add_argument("--only", nargs="*", default=None, help="the named queries to time")
    args = parser.parse_args(argv)

    queries: dict[str, NamedQuery]
    if args.queries_dir is not None:
        queries = {p.stem: load_query(p) for p in sorted(args.queries_dir.glob("*.rq"))}
    else:
        queries = named_queries()
    if args.only is not None:  # trial-summary stays: its page is timed too
        queries = {n: q for n, q in queries.items() if n in args.only or n == "trial-summary"}
    store = open_store(args.store, read_only=True)

    def emit(name: str, figures: dict[str, Any], **extra: Any) -> None:
        print(json.dumps({"name": name, **figures, **extra}), flush=True)

    try:
        if args.drugs:
            common, rare = (args.drugs[0], 0), (args.drugs[1], 0)
        else:
            common, rare = pick_drugs(store)
        trials = store.trial_ids()
        for name, query in queries.items():
            if "drug" in query.params:
                for label, (drug, count) in (("", common), (" (rare drug)", rare)):
                    params = {"drug": f"<{drug}>"}
                    figures = timed(
                        lambda q=query, p=params: run_query(store, q, p, timeout=0).rows, args.runs
                    )
                    emit(name + label, figures, drug=drug, drug_trials=count)
                continue
            figures = timed(lambda q=query: run_query(store, q, timeout=0).rows, args.runs)
            emit(name, figures)
        # A drug named as a record names it: the name lookup alone (resolve_drug).
        name = _a_name(store, rare[0])
        if name:
            figures = timed(lambda: [n.value for n in resolve_drug(store, name)], args.runs)
            emit("drug name lookup (resolve_drug)", figures, drug_name=name)
        summary = queries["trial-summary"]
        offset = len(trials) // 2
        figures = timed(
            lambda: run_query(store, summary, limit=args.page_size, offset=offset, timeout=0).rows,
            args.runs,
        )
        emit(f"trial-summary (page of {args.page_size})", figures, offset=offset)
        nct_id = trials[len(trials) // 3]
        figures = timed(lambda: sorted(map(str, store.trial_quads(nct_id))), args.runs)
        emit("one-trial lookup, quads (trial_quads)", figures, nct_id=nct_id)
        figures = timed(lambda: sorted(map(str, store.trial_graph(nct_id))), args.runs)
        emit("one-trial lookup (trial_graph)", figures, nct_id=nct_id)
        # What each write that changes the store pays to keep the summary graph exact:
        # its aggregates computed from the trial graphs (the write itself is not timed).
        figures = timed(lambda: summary_lines(store), args.runs)
        emit("summary graph, computed (summary_lines)", figures)
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
