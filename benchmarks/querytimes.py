"""In-process query times: each named query run several times on one open store.

Prints one JSON object per query: its p50 and p95 wall seconds over the runs
(the query and the reading of all its rows, without the command line's start-up),
the rows it gave and a digest of them, so that two versions of a query can be
held to the same answers on the same store.

    python benchmarks/querytimes.py STORE [--queries-dir DIR] [--runs 5] [--param drug=...]

``--queries-dir`` takes the ``.rq`` files of another folder (an older version of
the queries, say) instead of the package's. ``--case NAME:QUERY:KEY=VALUE`` adds a
timed case of its own: a query run with one parameter (``rare-drug:trials-for-drug:drug=<...>``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).absolute().parent.parent


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    index = q * (len(ordered) - 1)
    low = int(index)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (index - low)


def time_query(
    store: object, query: object, params: dict[str, str], runs: int
) -> dict[str, object]:
    from trialkg.query import run_query

    times = []
    rows: list[tuple[object, ...]] = []
    for _ in range(runs):
        started = time.perf_counter()
        result = run_query(store, query, params)  # type: ignore[arg-type]
        times.append(time.perf_counter() - started)
        rows = result.rows
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
    return {
        "p50": statistics.median(times),
        "p95": _quantile(times, 0.95),
        "min": min(times),
        "rows": len(rows),
        "digest": digest,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--queries-dir", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--queries", nargs="*", default=None, help="names to time (default: all)")
    parser.add_argument("--case", action="append", default=[], help="NAME:QUERY:KEY=VALUE")
    parser.add_argument("--param", action="append", default=[], help="KEY=VALUE for every query")
    args = parser.parse_args(argv)

    from trialkg.query import load_query, named_queries
    from trialkg.store import open_store

    if args.queries_dir is not None:
        queries = {p.stem: load_query(p) for p in sorted(args.queries_dir.glob("*.rq"))}
    else:
        queries = named_queries()
    common = dict(item.split("=", 1) for item in args.param)
    store = open_store(args.store, read_only=True)
    try:
        names = args.queries if args.queries is not None else list(queries)
        for name in names:
            query = queries[name]
            params = {k: v for k, v in common.items() if k in query.params}
            figures = time_query(store, query, params, args.runs)
            print(json.dumps({"name": name, **figures}), flush=True)
        for case in args.case:
            label, query_name, assignment = case.split(":", 2)
            key, _, value = assignment.partition("=")
            figures = time_query(store, queries[query_name], {key: value}, args.runs)
            print(json.dumps({"name": label, **figures}), flush=True)
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
