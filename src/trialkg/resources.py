"""Files shipped with the package: SHACL shapes, named queries, the vocabulary, link tables.

In an installed wheel ``shapes/`` and ``queries/`` live inside the package; in a
source checkout (an editable install) they are the repository's top-level folders.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_dir(name: str) -> Path:
    """The folder of shipped files called ``name`` ("shapes", "queries" or "data")."""
    packaged = Path(str(resources.files("trialkg"))) / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"trialkg's {name!r} folder is missing from this installation")
