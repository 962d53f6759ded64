"""Places: countries to ISO 3166-1 alpha-2 codes, cities to nodes within their country.

"Turkey (Türkiye)", "Turkey" and "Türkiye" are TR; "Korea, Republic of" and "South
Korea" are KR. The table (``data/countries.tsv``) lists the ISO short name and the
other names registries and study pages write. A name the table does not know gets
no code: "Former Serbia and Montenegro" names no current country.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from trialkg.linking.normalise import lookup_key, strip_parentheses, term_key


@dataclass(frozen=True, slots=True)
class Place:
    """Where a site is: its country's code and, when the record names one, its city."""

    country_code: str | None
    city_key: str | None = None  # "cn/guangzhou": unique within the country
    city_label: str | None = None


@lru_cache(maxsize=1)
def _country_table() -> dict[str, str]:
    text = resources.files("trialkg").joinpath("data/countries.tsv").read_text(encoding="utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        code, *names = line.split("\t")
        for name in [n for cell in names for n in cell.split("|")]:
            table[lookup_key(name)] = code
        table[code.lower()] = code
    return table


@lru_cache(maxsize=4096)
def country_code(name: str | None) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country name, or None when the name is not a country."""
    if not name:
        return None
    table = _country_table()
    code = table.get(lookup_key(name))
    if code is None:
        # "Turkey (Türkiye)" and "China (Mainland)": the name before the aside.
        code = table.get(lookup_key(strip_parentheses(name)))
    return code


def is_country(name: str) -> bool:
    return country_code(name) is not None


@lru_cache(maxsize=8192)
def site_place(city: str | None, country: str | None) -> Place | None:
    """The place of a site; None when the record names no country trialkg knows.

    A city without its country could be any of several, so it gets no node.
    """
    code = country_code(country)
    if code is None:
        return None
    if not city or not city.strip():
        return Place(code)
    return Place(code, f"{code.lower()}/{term_key(city)}", " ".join(city.split()))
