"""Write the expected graphs of the golden-file tests: `python scripts/update_golden.py [NAME ...]`.

Each record listed in tests/fixtures/golden/RECORDS.tsv is built on its own and
its graph written, sorted, to tests/fixtures/golden/<name>.trig. Given names
(or name prefixes, such as ``page-``), only those rows are written. Review the
diff by hand against the record before committing: the golden files are the
statement of what each record means.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

import trialkg  # noqa: E402
from trialkg.export import export  # noqa: E402

GOLDEN = REPO / "tests" / "fixtures" / "golden"


def records() -> list[tuple[str, Path]]:
    rows = []
    for line in (GOLDEN / "RECORDS.tsv").read_text().splitlines():
        if line and not line.startswith("#"):
            name, relative = line.split("\t")[:2]
            rows.append((name, REPO / "tests" / "fixtures" / relative))
    return rows


def golden_graph(path: Path) -> bytes:
    store = trialkg.open_store()
    report = trialkg.build(store, [path])
    if report.rejected:
        raise SystemExit(f"{path}: {[str(e) for e in report.errors]}")
    out = io.BytesIO()
    export(store, "trig", out)
    return out.getvalue()


def main(wanted: list[str]) -> None:
    rows = [(n, p) for n, p in records() if not wanted or any(n.startswith(w) for w in wanted)]
    if not rows:
        raise SystemExit(f"no row of RECORDS.tsv is named {' or '.join(wanted)}")
    for name, path in rows:
        (GOLDEN / f"{name}.trig").write_bytes(golden_graph(path))
        print(f"wrote {name}.trig from {path.relative_to(REPO)}")


if __name__ == "__main__":
    main(sys.argv[1:])
