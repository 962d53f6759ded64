"""Export time and size of a built store, plain against gzip-compressed.

    python benchmarks/export_sizes.py STORE [--formats nquads turtle] [--out DIR]

For each format it writes the plain file (the baseline) and the `.gz` one with
`trialkg export` (through its library call, on the CLI's default threads) and
prints seconds, trials/s, bytes and the ratio. Never part of the tests.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import trialkg
from trialkg.export import EXTENSIONS, export, gzip_writer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("--formats", nargs="+", default=["nquads", "turtle"])
    parser.add_argument("--out", type=Path, default=None, help="folder for the files")
    args = parser.parse_args(argv)
    workers = min(os.cpu_count() or 1, 8)
    out = args.out or Path(tempfile.mkdtemp(prefix="trialkg-export-"))
    out.mkdir(parents=True, exist_ok=True)
    with trialkg.open_store(args.store, read_only=True) as store:
        trials = len(store.trial_ids())
        print(f"{trials:,} trials, {len(store):,} quads; files in {out}")
        print(f"{'file':22} {'seconds':>8} {'trials/s':>9} {'bytes':>15} {'ratio':>6}")
        for fmt in args.formats:
            plain_size = 0
            for packed in (False, True):
                name = f"export.{EXTENSIONS[fmt]}" + (".gz" if packed else "")
                target = out / name
                started = time.perf_counter()
                with target.open("wb") as handle:
                    if packed:
                        with gzip_writer(handle) as stream:
                            export(store, fmt, stream, workers=workers)
                    else:
                        export(store, fmt, handle, workers=workers)
                seconds = time.perf_counter() - started
                size = target.stat().st_size
                plain_size = plain_size or size
                print(
                    f"{name:22} {seconds:8.1f} {trials / seconds:9.0f} {size:15,} "
                    f"{size / plain_size:6.3f}"
                )
                if packed:
                    target.with_name(target.name.removesuffix(".gz")).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
