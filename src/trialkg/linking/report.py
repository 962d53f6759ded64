"""What a built store says about linking: the share of mentions linked, and what did not link.

``linked_shares`` counts, per entity type, the mentions of a store and those linked
to at least one external vocabulary term (skos:exactMatch or skos:closeMatch):

- drug: interventions of type DRUG, BIOLOGICAL or COMBINATION_PRODUCT;
- procedure: interventions of type PROCEDURE or RADIATION;
- condition: a trial's conditions (one per trial and condition node);
- organisation: a trial's lead sponsor, collaborators and site facilities.

``unlinked_mentions`` lists the mentions that did not link, most frequent first,
so that a user knows which entries an overlay file should add.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from trialkg.store import TrialStore

_PREFIXES = """
PREFIX tkg: <https://w3id.org/trialkg/vocab#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

INTERVENTION_TYPES = {
    "drug": ("DRUG", "BIOLOGICAL", "COMBINATION_PRODUCT"),
    "procedure": ("PROCEDURE", "RADIATION"),
}
KINDS = ("drug", "condition", "procedure", "organisation")

# One row per mention: ?trial, ?mention (what identifies the mention within the trial),
# ?name (its words), ?linked (true when one of its concepts has a match).
_MENTIONS = {
    "intervention": """
        SELECT ?trial ?mention ?name (MAX(?hasMatch) AS ?linked) WHERE {
          ?trial tkg:intervention ?mention .
          ?mention tkg:interventionType ?type ; rdfs:label ?name .
          FILTER(?type IN (%s))
          OPTIONAL { ?mention tkg:concept ?concept }
          BIND(EXISTS { ?concept skos:exactMatch|skos:closeMatch ?target } AS ?hasMatch)
        } GROUP BY ?trial ?mention ?name
    """,
    "condition": """
        SELECT ?trial ?mention (MIN(?label) AS ?name) (MAX(?hasMatch) AS ?linked) WHERE {
          ?trial tkg:condition ?mention .
          ?mention rdfs:label ?label .
          BIND(EXISTS { ?mention skos:exactMatch|skos:closeMatch ?target } AS ?hasMatch)
        } GROUP BY ?trial ?mention
    """,
    "organisation": """
        SELECT ?trial ?mention (MIN(?label) AS ?name) (MAX(?hasMatch) AS ?linked) WHERE {
          { ?trial tkg:leadSponsor ?org . BIND("lead" AS ?role) }
          UNION { ?trial tkg:collaborator ?org . BIND("collaborator" AS ?role) }
          UNION { ?trial tkg:site ?site . ?site tkg:facility ?org . BIND(STR(?site) AS ?role) }
          ?org rdfs:label ?label .
          BIND(CONCAT(?role, " ", STR(?org)) AS ?mention)
          BIND(EXISTS { ?org skos:exactMatch|skos:closeMatch ?target } AS ?hasMatch)
        } GROUP BY ?trial ?mention
    """,
}


def _rows(store: TrialStore, kind: str) -> list[tuple[str, str, bool]]:
    """(trial, name, linked) for every mention of a kind in the store."""
    if kind in INTERVENTION_TYPES:
        types = ", ".join(f'"{t}"' for t in INTERVENTION_TYPES[kind])
        query = _MENTIONS["intervention"] % types
    else:
        query = _MENTIONS[kind]
    result: Any = store.oxigraph.query(_PREFIXES + query, use_default_graph_as_union=True)
    rows = []
    for solution in result:
        linked = solution["linked"]
        rows.append(
            (
                solution["trial"].value,
                solution["name"].value,
                isinstance(linked, ox.Literal) and linked.value == "true",
            )
        )
    return rows


def linked_shares(store: TrialStore) -> dict[str, tuple[int, int]]:
    """Per entity type (drug, condition, procedure, organisation): (linked, total) mentions."""
    shares: dict[str, tuple[int, int]] = {}
    for kind in KINDS:
        rows = _rows(store, kind)
        shares[kind] = (sum(1 for _, _, linked in rows if linked), len(rows))
    return shares


def unlinked_mentions(store: TrialStore) -> list[tuple[str, str, int]]:
    """(kind, mention, trials) for every mention that did not link, most frequent first."""
    counts: dict[tuple[str, str], set[str]] = {}
    for kind in KINDS:
        for trial, name, linked in _rows(store, kind):
            if not linked:
                counts.setdefault((kind, " ".join(name.split())), set()).add(trial)
    found = [(kind, name, len(trials)) for (kind, name), trials in counts.items()]
    return sorted(found, key=lambda row: (-row[2], KINDS.index(row[0]), row[1].casefold(), row[1]))
