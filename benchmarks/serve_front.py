#!/usr/bin/env python3
"""What the timeout front of `trialkg serve` costs, against the bare server, in one run.

    python benchmarks/serve_front.py STORE [--rounds 20]

Prints, for a few named queries, the median time of an HTTP answer from the server
alone and through the front; then how long a runaway query (a count over a three-way
cross product) takes to be refused with ``--timeout 1``.
"""

from __future__ import annotations

import argparse
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from trialkg.query import named_queries
from trialkg.serve import Server, free_port

QUERIES = ("shared-drugs", "sites-by-country", "trial-summary")
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def ask(url: str, text: str) -> tuple[int, float, int]:
    body = urllib.parse.urlencode({"query": text}).encode()
    request = urllib.request.Request(url, data=body, headers={"Accept": "text/csv"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            size = len(response.read())
            code = response.status
    except urllib.error.HTTPError as error:
        size, code = len(error.read()), error.code
    return code, time.perf_counter() - started, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--rounds", type=int, default=20)
    options = parser.parse_args()
    texts = {name: named_queries()[name].text for name in QUERIES}
    # timeout 0: the bare server; timeout 600: the same server behind the front.
    with (
        Server(options.store, port=free_port(), timeout=0) as bare,
        Server(options.store, port=free_port(), timeout=600) as fronted,
    ):
        print(f"{'query':<20} {'bytes':>10} {'bare ms':>9} {'front ms':>9}")
        for name, text in texts.items():
            times: dict[str, list[float]] = {"bare": [], "front": []}
            size = 0
            for _ in range(options.rounds):  # interleaved, so that load hits both alike
                for label, server in (("bare", bare), ("front", fronted)):
                    _, took, size = ask(server.query_url, text)
                    times[label].append(took)
            bare_ms = statistics.median(times["bare"]) * 1000
            front_ms = statistics.median(times["front"]) * 1000
            print(f"{name:<20} {size:>10,} {bare_ms:>9.1f} {front_ms:>9.1f}")
    with Server(options.store, port=free_port(), timeout=1) as limited:
        code, took, _ = ask(limited.query_url, RUNAWAY)
        print(f"runaway count with --timeout 1: HTTP {code} after {took:.2f} s")
        _, again, _ = ask(limited.query_url, texts["shared-drugs"])
        print(f"next query (waits for the restart): {again:.2f} s; restarts {limited.restarts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
