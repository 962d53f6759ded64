"""Build rate and store size with results, without them (--no-results), and of a baseline.

    python benchmarks/results.py ZIP [--baseline-src DIR] [--workers N] [--work DIR]

Builds ZIP (a registry bulk download, e.g. the legacy XML zip) into a new store three
ways, each a child process `python -m trialkg build --force`: with results, with
`--no-results`, and, given ``--baseline-src`` (the ``src`` folder of another checkout,
e.g. the commit before results were mapped), with that code. Prints wall and CPU
seconds, trials/s, triples and the store's size on disk, and each rate as a share of
the baseline's (or of the build without results). Figures, never pass or fail.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def build(zip_path: Path, store: Path, src: Path, workers: int, *extra: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "trialkg", "build", "--store", str(store), "--force", "-q",
         "--workers", str(workers), *extra, str(zip_path)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"build failed ({done.returncode}): {done.stderr[-2000:]}")
    built = re.search(r"built: (\d+)", done.stdout)
    triples = re.search(r"triples: (\d+)", done.stdout)
    return {
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "trials": float(built.group(1)) if built else 0.0,
        "triples": float(triples.group(1)) if triples else 0.0,
        "bytes": float(folder_size(store)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip", type=Path)
    parser.add_argument("--baseline-src", type=Path)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="trialkg-results-bench-"))
    runs = [("with results", SRC, ()), ("--no-results", SRC, ("--no-results",))]
    if args.baseline_src is not None:
        runs.insert(0, ("baseline", args.baseline_src, ()))
    figures = {}
    for name, src, extra in runs:
        store = work / re.sub(r"\W+", "-", name).strip("-")
        shutil.rmtree(store, ignore_errors=True)
        figures[name] = build(args.zip, store, src, args.workers, *extra)
        shutil.rmtree(store, ignore_errors=True)
    reference = figures.get("baseline") or figures["--no-results"]
    print(f"{'build':14} {'wall s':>7} {'cpu s':>7} {'trials/s':>9} {'share':>6} "
          f"{'triples':>10} {'store MB':>9}")  # fmt: skip
    for name, f in figures.items():
        rate = f["trials"] / f["wall"] if f["wall"] else 0.0
        share = rate / (reference["trials"] / reference["wall"])
        print(f"{name:14} {f['wall']:7.1f} {f['cpu']:7.1f} {rate:9.1f} {share:6.2f} "
              f"{int(f['triples']):>10} {f['bytes'] / 1e6:9.1f}")  # fmt: skip
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
