"""A compiled check: one SPARQL query giving the results of one SHACL constraint."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from trialkg.validate.shape_values import Recheck

# Where a confirming query takes the candidates' IRIs (see ``Check.confirm``); the angle
# brackets keep it from ever being part of an IRI in the query.
CANDIDATES = "<<candidates>>"


@dataclass(frozen=True, slots=True)
class Check:
    """One query giving the results of one constraint: rows of ?this (and ?value)."""

    shape: str
    component: str
    path: str  # the property's IRI; "" for node shapes and complex paths
    severity: str
    message: str
    query: str
    value_is_focus: bool = False  # node shapes report the focus node as the value
    recheck: Recheck | None = None
    # When set, ``query`` gives candidates from a scan that ignores the targets, and
    # a candidate counts only if ``FILTER EXISTS { targets }`` holds for its ?this;
    # ``joined`` is the same check with the focus nodes joined in, for blank nodes.
    targets: str = ""
    joined: str = ""
    # When set, ``query`` gives a superset of the results, and a candidate counts only
    # if this query, with the candidates' IRIs put in place of CANDIDATES, gives it too.
    confirm: str = ""

    @property
    def has_value(self) -> bool:
        """Whether the query gives ?value (value tests and SPARQL constraints do)."""
        return not self.value_is_focus and "?value" in self.query.split("WHERE", 1)[0]


def iter_checks(checks: list[Check]) -> Iterator[Check]:
    """The checks, most expensive first (for an even spread over processes)."""
    return iter(sorted(checks, key=lambda c: -len(c.query)))
