"""The scale benchmark: trialkg against the ceiling, at two corpus sizes, projected to the registry.

One command runs it all and prints one table:

    python benchmarks/run.py --sizes 10000 50000

For each size it makes a scale-up corpus from the real records in
``tests/fixtures/json`` (``benchmarks/corpus.py``), then runs, each as a child
process of its own: the ceiling (``benchmarks/ceiling.py``: parse the JSON and
write N-Quads text, no model, no linking), ``trialkg build``, the same build
again on unchanged input, ``trialkg validate``, ``trialkg export --format
nquads``, and every named query (``trialkg query``). Each row gives wall
seconds, CPU seconds (the step and its worker processes), trials/s, triples/s
and the peak memory of the step's whole process tree (sampled from /proc).

The last columns project each step to the 600,000 studies of ClinicalTrials.gov:
from the largest size, scaled by the growth measured between the two largest sizes
when that growth is worse than linear ("k" is the exponent: time grows as N^k; k = 1
is linear). Build rows also give trialkg's rate as a fraction of the ceiling's.

A second table times every named query in-process (``benchmarks/querytimes.py``:
p50 and p95 over 5 runs on one open store, and CPU seconds), with the selective
cases (``trials-for-drug`` for a drug of fewer than 100 trials, a page of
``trial-summary``, a one-trial lookup), beside the command line's time for the
same query; ``--baseline-queries DIR`` times an older version of the queries on
the same store, and the rows must agree (a digest of each result).

The benchmark is never part of the test suite's pass or fail. Other programs
running on the machine slow the wall-clock figures down; CPU seconds and the
load average (printed with the table) show how much.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).absolute().parent
REPO = HERE.parent
REGISTRY = 600_000
sys.path.insert(0, str(HERE))

from corpus import write_corpus  # noqa: E402


@dataclass
class Step:
    name: str
    size: int
    wall: float
    cpu: float
    peak_mb: float
    triples: int
    note: str = ""
    disk_mb: float = 0.0  # the store folder's size after the step (build only)
    peak_disk_mb: float = 0.0  # the store folder's largest size during the step (build only)


def _tree_rss_kb(root: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    stack.extend(int(c) for c in children.read().split())
        except (OSError, ValueError):
            continue
    return total


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_step(
    name: str,
    size: int,
    command: list[str],
    triples: int = 0,
    *,
    capture: bool = False,
    watch: Path | None = None,
    ok: tuple[int, ...] = (0, 1),
) -> tuple[Step, str]:
    """Run one step as a child process.

    Gives wall and CPU seconds (with its workers) and the peak memory of its process tree.
    ``ok``: the exit codes that are not a failure (1 is validate's "does not conform").
    """
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "CI": "1"}
    cpu_before = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    peak = 0
    peak_disk = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_disk
        ticks = 0
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(process.pid))
            if watch is not None and ticks % 10 == 0 and watch.exists():
                peak_disk = max(peak_disk, _folder_bytes(watch))
            ticks += 1
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()  # reaps the child: its CPU time joins RUSAGE_CHILDREN
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode not in ok:
        raise RuntimeError(
            f"{' '.join(command)} failed ({process.returncode}): {err.decode()[-2000:]}"
        )
    step = Step(name, size, wall, _children_cpu() - cpu_before, peak / 1024, triples)
    step.peak_disk_mb = peak_disk / 2**20
    # Each step's figures as it ends, so a run stopped later keeps what it measured.
    print(
        f"[{size}] {name}: {wall:.1f} s wall, {step.cpu:.1f} s CPU, {step.peak_mb:.0f} MB peak",
        file=sys.stderr,
        flush=True,
    )
    return step, (out or b"").decode()


def _folder_bytes(folder: Path) -> int:
    total = 0
    for path in folder.rglob("*"):
        try:
            total += path.stat().st_size if path.is_file() else 0
        except FileNotFoundError:  # merged away by a compaction meanwhile
            continue
    return total


def trialkg(*args: str) -> list[str]:
    return [sys.executable, "-m", "trialkg", *args]


@dataclass
class Timing:
    """One query case timed in-process (``querytimes.py``)."""

    name: str
    size: int
    p50: float
    p95: float
    cpu: float
    rows: int
    digest: str
    baseline: dict[str, Any] | None = None  # the same case with the baseline queries
    cli: float | None = None  # wall seconds of `trialkg query` for the case
    note: str = ""
    drug: str = ""  # trials-for-drug: the drug's IRI


def time_queries(
    store: Path, size: int, baseline: Path | None, runs: int, only: list[str] | None = None
) -> list[Timing]:
    """In-process times of the named queries (``only``, else all), and of the baseline's
    on the same store."""
    script = [sys.executable, str(HERE / "querytimes.py"), str(store), "--runs", str(runs)]
    if only is not None:
        script += ["--only", *only]
    print(f"[{size}] queries in-process", file=sys.stderr)
    _, out = run_step("querytimes", size, script, capture=True, ok=(0,))
    timings = []
    cases = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    for case in cases:
        note = ""
        if "drug_trials" in case:
            note = f"{case['drug_trials']} trials"
        fields = {k: case[k] for k in ("p50", "p95", "cpu", "rows", "digest")}
        timings.append(Timing(case["name"], size, note=note, drug=case.get("drug", ""), **fields))
    if baseline is not None:
        print(f"[{size}] baseline queries in-process", file=sys.stderr)
        drugs = [c["drug"] for c in cases if "drug" in c][:2]
        extra = ["--drugs", *drugs] if len(drugs) == 2 else []
        _, out = run_step(
            "querytimes (baseline)",
            size,
            [*script, "--queries-dir", str(baseline), *extra],
            capture=True,
            ok=(0,),
        )
        by_name = {t.name: t for t in timings}
        for line in out.splitlines():
            if line.startswith("{"):
                case = json.loads(line)
                if case["name"] in by_name:
                    by_name[case["name"]].baseline = case
    return timings


def bench_size(
    size: int,
    work: Path,
    workers: int,
    queries: list[str],
    baseline: Path | None = None,
    runs: int = 5,
    skip: frozenset[str] = frozenset(),
    only: list[str] | None = None,
) -> tuple[list[Step], list[Timing]]:
    corpus = work / f"corpus-{size}.zip"
    if not corpus.exists():
        print(f"making a corpus of {size} records ...", file=sys.stderr)
        write_corpus(size, corpus)
    store = work / f"store-{size}"
    shutil.rmtree(store, ignore_errors=True)
    steps: list[Step] = []

    if "ceiling" not in skip:
        print(f"[{size}] ceiling", file=sys.stderr)
        step, out = run_step(
            "ceiling (JSON -> N-Quads text)",
            size,
            [
                sys.executable,
                str(HERE / "ceiling.py"),
                str(corpus),
                str(work / "ceiling"),
                "--workers",
                str(workers),
            ],
            capture=True,
        )
        step.triples = int(json.loads(out)["triples"])
        steps.append(step)
        shutil.rmtree(work / "ceiling", ignore_errors=True)

    print(f"[{size}] build", file=sys.stderr)
    step, out = run_step(
        "trialkg build",
        size,
        trialkg("build", str(corpus), "--store", str(store), "--workers", str(workers), "-q"),
        capture=True,
        watch=store,
    )
    triples = (
        int(out.split("triples: ")[1].split(",")[0].split(" ")[0]) if "triples: " in out else 0
    )
    step.triples = triples
    step.disk_mb = _folder_bytes(store) / 2**20
    steps.append(step)

    if "rebuild" not in skip:
        print(f"[{size}] build again, unchanged", file=sys.stderr)
        step, _ = run_step(
            "trialkg build (unchanged input)",
            size,
            trialkg("build", str(corpus), "--store", str(store), "--workers", str(workers), "-q"),
            triples,
        )
        steps.append(step)

    if "validate" not in skip:
        print(f"[{size}] validate", file=sys.stderr)
        step, _ = run_step(
            "trialkg validate",
            size,
            trialkg("validate", "--store", str(store), "--workers", str(workers)),
            triples,
        )
        steps.append(step)

    if "export" not in skip:
        print(f"[{size}] export", file=sys.stderr)
        target = work / f"export-{size}.nq"
        step, _ = run_step(
            "trialkg export --format nquads",
            size,
            trialkg(
                "export",
                "--format",
                "nquads",
                "--store",
                str(store),
                "-o",
                str(target),
                "--workers",
                str(workers),
            ),
            triples,
        )
        steps.append(step)
        target.unlink(missing_ok=True)

    timings = time_queries(store, size, baseline, runs, only)
    by_name = {t.name: t for t in timings}
    for name in queries:
        print(f"[{size}] query {name}", file=sys.stderr)
        params = []
        if name in by_name and by_name[name].drug:
            # By IRI, the drug the most trials use: the query itself, without the name lookup
            # (trials-for-drug, and adverse-events-summary, which needs a drug).
            params = ["--param", f"drug=<{by_name[name].drug}>"]
        step, _ = run_step(
            f"query {name}",
            size,
            trialkg("query", name, *params, "--store", str(store), "--format", "tsv"),
            triples,
        )
        steps.append(step)
        if name in by_name:
            by_name[name].cli = step.wall
    return steps, timings


def exponent(small: Step, large: Step) -> float:
    if small.wall <= 0 or large.wall <= 0 or small.size == large.size:
        return 1.0
    return math.log(large.wall / small.wall) / math.log(large.size / small.size)


def projected(small: Step | None, large: Step) -> float:
    k = max(1.0, exponent(small, large)) if small is not None else 1.0
    return large.wall * (REGISTRY / large.size) ** k


def table(steps: list[Step]) -> str:
    sizes = sorted({s.size for s in steps})
    by_key = {(s.name, s.size): s for s in steps}
    names = list(dict.fromkeys(s.name for s in steps))
    header = (
        f"{'step':34} {'trials':>7} {'wall s':>8} {'cpu s':>8} {'trials/s':>9} {'triples/s':>10} "
        f"{'peak MB':>8} {'k':>5} {'600k proj':>10} {'vs ceiling':>10}"
    )
    lines = [header, "-" * len(header)]
    for name in names:
        for size in sizes:
            step = by_key.get((name, size))
            if step is None:
                continue
            # Growth between the two largest sizes: costs that rise with the store's size
            # (compaction) show there first, and the projection should not average them away.
            small = by_key.get((name, sizes[-2])) if size == sizes[-1] and len(sizes) > 1 else None
            k = f"{exponent(small, step):.2f}" if small is not None else ""
            proj = _duration(projected(small, step)) if size == sizes[-1] else ""
            ratio = ""
            ceiling = by_key.get(("ceiling (JSON -> N-Quads text)", size))
            if name == "trialkg build" and ceiling is not None:
                ratio = f"{(size / step.wall) / (size / ceiling.wall):.2f}"
            lines.append(
                f"{name:34} {size:>7} {step.wall:>8.1f} {step.cpu:>8.1f} {size / step.wall:>9.0f} "
                f"{(step.triples / step.wall if step.triples else 0):>10.0f} {step.peak_mb:>8.0f} "
                f"{k:>5} {proj:>10} {ratio:>10}"
            )
    return "\n".join(lines)


def disk_line(steps: list[Step]) -> str:
    """The store's size on disk after each build, per quad, at the registry's size, and
    the disk to plan for (the largest the folder grew while building, scaled)."""
    builds = sorted(
        (s for s in steps if s.name == "trialkg build" and s.disk_mb), key=lambda s: s.size
    )
    if not builds:
        return ""
    parts = [
        f"{s.size} trials {s.disk_mb:,.0f} MB "
        f"({s.disk_mb * 2**20 / max(1, s.triples):.0f} B per quad, "
        f"{s.triples / s.size:.0f} quads per trial; "
        f"{s.peak_disk_mb:,.0f} MB at most while building)"
        for s in builds
    ]
    largest = builds[-1]
    registry_gb = largest.disk_mb * REGISTRY / largest.size / 1024
    plan_gb = max(largest.peak_disk_mb, largest.disk_mb) * REGISTRY / largest.size / 1024
    return (
        f"store on disk after build: {'; '.join(parts)}\n"
        f"600k projected: {registry_gb:.0f} GB once compacted; plan for {plan_gb:.0f} GB"
        " (the most the folder held during the build)"
    )


SELECTIVE = ("rare drug", "page of", "lookup")


def query_table(timings: list[Timing]) -> str:
    """In-process times, with the growth between the two largest sizes and the projection.

    The engine answers a query on one thread, so its CPU seconds are its time on a free
    core; they are what ``k`` and the projection use (wall seconds, shown beside them,
    grow with whatever else the machine runs). Whole-store queries are projected at
    least linearly (k >= 1); the selective cases (a rare drug, a page, one trial) with
    the growth measured.
    """
    sizes = sorted({t.size for t in timings})
    by_key = {(t.name, t.size): t for t in timings}
    names = list(dict.fromkeys(t.name for t in timings))
    header = (
        f"{'query, in-process':36} {'trials':>7} {'p50 s':>7} {'p95 s':>7} {'cpu s':>7} "
        f"{'rows':>7} {'k':>5} {'600k proj':>9} {'old p50':>8} {'old cpu':>8} {'same':>5} "
        f"{'CLI s':>6}  note"
    )
    lines = [header, "-" * len(header)]
    for name in names:
        for size in sizes:
            t = by_key.get((name, size))
            if t is None:
                continue
            k_text, proj = "", ""
            if size == sizes[-1]:
                small = by_key.get((name, sizes[-2])) if len(sizes) > 1 else None
                k = 1.0
                if small is not None and small.cpu > 0 and t.cpu > 0:
                    k = math.log(t.cpu / small.cpu) / math.log(size / small.size)
                    k_text = f"{k:.2f}"
                selective = any(word in name for word in SELECTIVE)
                growth = max(k, 0.0) if selective else max(k, 1.0)
                proj = f"{t.cpu * (REGISTRY / size) ** growth:.2f}"
            old = t.baseline or {}
            same = "" if not old else ("yes" if old.get("digest") == t.digest else "NO")
            old_p50 = f"{old['p50']:.3f}" if old else ""
            old_cpu = f"{old['cpu']:.3f}" if old else ""
            cli = f"{t.cli:.2f}" if t.cli is not None else ""
            lines.append(
                f"{name:36} {size:>7} {t.p50:>7.3f} {t.p95:>7.3f} {t.cpu:>7.3f} {t.rows:>7} "
                f"{k_text:>5} {proj:>9} "
                f"{old_p50:>8} {old_cpu:>8} {same:>5} {cli:>6}  {t.note}"
            )
    return "\n".join(lines)


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="workers for build and the ceiling (processes), validate and export (threads)",
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="folder for corpora and stores (default: a temporary one)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--queries", nargs="*", default=None, help="named queries to time (default: all)"
    )
    parser.add_argument(
        "--baseline-queries",
        type=Path,
        default=None,
        help="a folder of .rq files (an older version of the queries) to time on the same stores",
    )
    parser.add_argument("--runs", type=int, default=5, help="in-process runs of each query")
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=["ceiling", "rebuild", "validate", "export"],
        help="steps to leave out",
    )
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="trialkg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    queries = args.queries
    if queries is None:
        queries = sorted(p.stem for p in (REPO / "queries").glob("*.rq"))
    steps: list[Step] = []
    timings: list[Timing] = []
    try:
        for size in sorted(args.sizes):
            size_steps, size_timings = bench_size(
                size,
                work,
                args.workers,
                queries,
                args.baseline_queries,
                args.runs,
                frozenset(args.skip),
                args.queries,
            )
            steps.extend(size_steps)
            timings.extend(size_timings)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(table(steps))
    print(disk_line(steps))
    print()
    print(query_table(timings))
    load = os.getloadavg()
    print(
        f"\n{os.cpu_count()} CPUs; load average at the end "
        f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; vs ceiling = trialkg build's trials/s "
        f"over the ceiling's, both on {args.workers} worker processes; old = the baseline "
        "queries on the same store, same = their rows agree"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
