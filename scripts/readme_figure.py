"""Draw the README's figure: the drug-condition network of the records shipped with
the project, with the notebook's own plotting code (trialkg.analytics.plots).

    python scripts/readme_figure.py            # writes docs/drug-condition-network.png
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

import trialkg
from trialkg.analytics import plots

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "drug-condition-network.png"


def main() -> int:
    records = [
        ROOT / "tests/fixtures/json",
        ROOT / "tests/fixtures/json-wide",
        *sorted((ROOT / "tests/fixtures/xml").glob("*.xml")),
    ]
    with tempfile.TemporaryDirectory() as folder, trialkg.open_store(Path(folder) / "s") as store:
        trialkg.build(store, records)
        figure, ax = plt.subplots(figsize=(10, 8))
        graph = plots.drug_condition_network(store, ax)
        figure.tight_layout()
        # No timestamp in the file: the same records give the same bytes.
        figure.savefig(TARGET, dpi=90, metadata={"Software": None})
    print(f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges -> {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
