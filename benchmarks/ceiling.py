"""The ceiling: parse each JSON record and write N-Quads text, with no model and no linking.

This is as fast as a Python mapper can go on this machine: every scalar of the
record becomes one quad of the record's graph, every object a node. trialkg's
build is compared with it.

    python benchmarks/ceiling.py CORPUS.zip OUTPUT_FOLDER [--workers 2]

Prints one JSON line: records, triples, seconds.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

VOCAB = "https://example.org/ceiling/vocab#"
NODE = "https://example.org/ceiling/id/"
GRAPH = "https://example.org/ceiling/graph/"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def _walk(node: str, data: dict[str, Any], tail: str, out: list[str]) -> None:
    for key, value in data.items():
        predicate = f"<{VOCAB}{key}>"
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if isinstance(item, dict):
                child = f"{node}/{key}/{index}"
                out.append(f"<{node}> {predicate} <{child}>{tail}")
                _walk(child, item, tail, out)
            elif isinstance(item, str):
                out.append(f'<{node}> {predicate} "{_escape(item)}"{tail}')
            elif item is not None:
                out.append(f'<{node}> {predicate} "{json.dumps(item)}"{tail}')


def record_nquads(study: dict[str, Any]) -> list[str]:
    nct_id = study["protocolSection"]["identificationModule"]["nctId"]
    out: list[str] = []
    _walk(NODE + nct_id, study, f" <{GRAPH}{nct_id}> .\n", out)
    return out


def _part(args: tuple[str, list[str], str]) -> tuple[int, int]:
    corpus, names, target = args
    records = triples = 0
    with zipfile.ZipFile(corpus) as archive, open(target, "w", encoding="utf-8") as out:
        for name in names:
            lines = record_nquads(json.loads(archive.read(name)))
            out.write("".join(lines))
            records += 1
            triples += len(lines)
    return records, triples


def run(corpus: Path, folder: Path, workers: int) -> dict[str, float]:
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with zipfile.ZipFile(corpus) as archive:
        names = sorted(i.filename for i in archive.infolist() if not i.is_dir())
    shares = [
        (str(corpus), names[k::workers], str(folder / f"part-{k}.nq")) for k in range(workers)
    ]
    if workers > 1:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            counts = pool.map(_part, shares)
    else:
        counts = [_part(shares[0])]
    return {
        "records": sum(c[0] for c in counts),
        "triples": sum(c[1] for c in counts),
        "seconds": time.perf_counter() - started,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.corpus, args.folder, args.workers)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
