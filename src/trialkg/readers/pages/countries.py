"""Whether a page's value names a country: by the names in the project's country table.

A page's "Countries" label may head an address block instead ("Country", then the street,
"Boston", "MA"), so a value is taken as a country only when the table names it. Codes
("MA", "DE") are not names: on a page they are states as often as countries.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


def _key(name: str) -> str:
    return " ".join(name.casefold().replace(",", " ").split())


@lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    text = resources.files("trialkg").joinpath("data/countries.tsv").read_text(encoding="utf-8")
    names: set[str] = set()
    for line in text.splitlines():
        if line and not line.startswith("#"):
            _code, *cells = line.split("\t")
            names.update(_key(n) for cell in cells for n in cell.split("|") if n.strip())
    return frozenset(names)


def is_country_name(value: str) -> bool:
    return _key(value) in _names()
