"""Places: a site's country (by ``trialkg.countries``) and its city, a node within the country."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from trialkg.countries import country_code
from trialkg.linking.normalise import term_key


@dataclass(frozen=True, slots=True)
class Place:
    """Where a site is: its country's code and, when the record names one, its city."""

    country_code: str | None
    city_key: str | None = None  # "cn/guangzhou": unique within the country
    city_label: str | None = None


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
