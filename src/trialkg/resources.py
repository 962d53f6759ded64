"""Files shipped with the package: SHACL shapes, named queries, the RDF vocabulary, the lexicon.

They are found one way, inside the installed package. ``shapes/`` and ``queries/``
stay at the repository's top level, where people look for them; ``src/trialkg/shapes``
and ``src/trialkg/queries`` are links to them, so that a wheel and an editable
install hold them in the same place.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_dir(name: str) -> Path:
    """The folder of shipped files called ``name`` ("shapes", "queries" or "data")."""
    packaged = Path(str(resources.files("trialkg"))) / name
    if not packaged.is_dir():
        raise FileNotFoundError(f"trialkg's {name!r} folder is missing from this installation")
    return packaged


def example_records() -> list[Path]:
    """The example records shipped with the package: the two seed study pages."""
    return sorted((resource_dir("data") / "examples").iterdir())
