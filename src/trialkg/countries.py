"""Country names to ISO 3166-1 alpha-2 codes, for readers and the linker alike.

"Turkey (Türkiye)", "Turkey" and "Türkiye" are TR; "Korea, Republic of" and "South
Korea" are KR. The table (``data/countries.tsv``) lists the ISO short name and the
other names registries and study pages write. A name the table does not know gets
no code: "Former Serbia and Montenegro" names no current country.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from trialkg.resources import resource_dir
from trialkg.text import fold

_ASIDE = re.compile(r"[(\[][^()\[\]]*[)\]]")


def _key(name: str) -> str:
    """Folded letters and digits only, accents dropped: "Côte d'Ivoire" -> "cotedivoire"."""
    decomposed = unicodedata.normalize("NFKD", fold(name))
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def _name_table() -> dict[str, str]:
    """Every name the table gives a country, by key, to its code."""
    text = (resource_dir("data") / "countries.tsv").read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        code, *names = line.split("\t")
        for name in [n for cell in names for n in cell.split("|") if n.strip()]:
            table[_key(name)] = code
    return table


@lru_cache(maxsize=1)
def _country_table() -> dict[str, str]:
    """The names and the codes themselves ("de", "us"), as records write either."""
    return _name_table() | {code.lower(): code for code in set(_name_table().values())}


@lru_cache(maxsize=4096)
def country_code(name: str | None) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country name, or None when the name is not a country."""
    if not name:
        return None
    table = _country_table()
    code = table.get(_key(name))
    if code is None:
        # "Turkey (Türkiye)" and "China (Mainland)": the name before the aside.
        code = table.get(_key(_ASIDE.sub(" ", name)))
    return code


def is_country(name: str) -> bool:
    return country_code(name) is not None


def is_country_name(value: str) -> bool:
    """Whether the value is a country's name. Codes ("MA", "DE") do not count: on a page
    they are states as often as countries."""
    return _key(value) in _name_table()
