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

from trialkg.linking.prefixes import sparql_prefixes
from trialkg.store import TrialStore

_PREFIXES = sparql_prefixes(("tkg", "rdfs", "skos"))

INTERVENTION_TYPES = {
    "drug": frozenset({"DRUG", "BIOLOGICAL", "COMBINATION_PRODUCT"}),
    "procedure": frozenset({"PROCEDURE", "RADIATION"}),
}
KINDS = ("drug", "condition", "procedure", "organisation")

# Plain patterns, joined in Python: the store answers each in one scan, where one
# query with EXISTS per mention is slow on a large store.
_MATCHED = "SELECT DISTINCT ?node WHERE { ?node skos:exactMatch|skos:closeMatch ?target }"
_INTERVENTIONS = """
SELECT ?trial ?mention ?type ?name ?concept WHERE {
  ?trial tkg:intervention ?mention .
  ?mention tkg:interventionType ?type ; rdfs:label ?name .
  OPTIONAL { ?mention tkg:concept ?concept }
}"""
_CONDITIONS = """
SELECT ?trial ?mention ?name WHERE { ?trial tkg:condition ?mention . ?mention rdfs:label ?name }"""
# One query per role: a UNION joined with the labels afterwards is slow in the store.
_ORGANISATIONS = {
    "lead": "SELECT ?trial ?mention ?name WHERE { ?trial tkg:leadSponsor ?mention . "
    "?mention rdfs:label ?name }",
    "collaborator": "SELECT ?trial ?mention ?name WHERE { ?trial tkg:collaborator ?mention . "
    "?mention rdfs:label ?name }",
    "site": "SELECT ?trial ?site ?mention ?name WHERE { ?trial tkg:site ?site . "
    "?site tkg:facility ?mention . ?mention rdfs:label ?name }",
}


def _select(store: TrialStore, query: str) -> list[dict[str, str]]:
    result: Any = store.oxigraph.query(_PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]
    return [
        {n: solution[n].value for n in names if isinstance(solution[n], (ox.NamedNode, ox.Literal))}
        for solution in result
    ]


def _mentions(store: TrialStore) -> dict[str, list[tuple[str, str, bool]]]:
    """Per kind, (trial, name, linked) for every mention; one name per mention."""
    matched = {row["node"] for row in _select(store, _MATCHED)}
    found: dict[str, dict[tuple[str, ...], tuple[str, str, bool]]] = {kind: {} for kind in KINDS}
    for row in _select(store, _INTERVENTIONS):
        kind = next((k for k, types in INTERVENTION_TYPES.items() if row["type"] in types), None)
        if kind is None:
            continue
        mention = (row["trial"], row["mention"])
        linked = row.get("concept") in matched
        old = found[kind].get(mention)
        name = min(row["name"], old[1]) if old else row["name"]
        found[kind][mention] = (row["trial"], name, linked or bool(old and old[2]))
    for row in _select(store, _CONDITIONS):
        _add(found["condition"], (row["trial"], row["mention"]), row, matched)
    for role, query in _ORGANISATIONS.items():
        for row in _select(store, query):
            _add(
                found["organisation"],
                (row["trial"], row.get("site", role), row["mention"]),
                row,
                matched,
            )
    return {kind: sorted(rows.values()) for kind, rows in found.items()}


def _add(
    rows: dict[tuple[str, ...], tuple[str, str, bool]],
    key: tuple[str, ...],
    row: dict[str, str],
    matched: set[str],
) -> None:
    old = rows.get(key)
    name = min(row["name"], old[1]) if old else row["name"]
    rows[key] = (row["trial"], name, row["mention"] in matched)


def linked_shares(store: TrialStore) -> dict[str, tuple[int, int]]:
    """Per entity type (drug, condition, procedure, organisation): (linked, total) mentions."""
    return {
        kind: (sum(1 for _, _, linked in rows if linked), len(rows))
        for kind, rows in _mentions(store).items()
    }


_REGISTRY = {
    "condition": "SELECT ?trial ?mesh WHERE { ?trial tkg:conditionMesh ?mesh }",
    "intervention": "SELECT ?trial ?mesh WHERE { ?trial tkg:interventionMesh ?mesh }",
}
_LINKED = {
    "condition": "SELECT DISTINCT ?trial ?target WHERE { ?trial tkg:condition ?node . "
    "?node skos:exactMatch|skos:closeMatch ?target }",
    "intervention": "SELECT DISTINCT ?trial ?target WHERE { ?trial tkg:intervention ?i . "
    "?i tkg:concept ?node . ?node skos:exactMatch|skos:closeMatch ?target }",
}


def registry_terms_met(store: TrialStore) -> dict[str, tuple[int, int, int, int]]:
    """Per kind (condition, intervention): how far the trials' links meet the registry's
    own MeSH indexing of them (``tkg:conditionMesh``, ``tkg:interventionMesh``).

    (terms met, terms, trials with one term met, trials with terms): a term is met
    when one of the trial's linked conditions (or interventions) has it as a target.
    """
    found: dict[str, tuple[int, int, int, int]] = {}
    for kind, query in _REGISTRY.items():
        terms: dict[str, set[str]] = {}
        for row in _select(store, query):
            terms.setdefault(row["trial"], set()).add(row["mesh"])
        linked: dict[str, set[str]] = {}
        for row in _select(store, _LINKED[kind]):
            linked.setdefault(row["trial"], set()).add(row["target"])
        met = {trial: wanted & linked.get(trial, set()) for trial, wanted in terms.items()}
        found[kind] = (
            sum(len(m) for m in met.values()),
            sum(len(t) for t in terms.values()),
            sum(1 for m in met.values() if m),
            len(terms),
        )
    return found


def unlinked_mentions(store: TrialStore) -> list[tuple[str, str, int]]:
    """(kind, mention, trials) for every mention that did not link, most frequent first."""
    counts: dict[tuple[str, str], set[str]] = {}
    for kind, rows in _mentions(store).items():
        for trial, name, linked in rows:
            if not linked:
                counts.setdefault((kind, " ".join(name.split())), set()).add(trial)
    found = [(kind, name, len(trials)) for (kind, name), trials in counts.items()]
    return sorted(found, key=lambda row: (-row[2], KINDS.index(row[0]), row[1].casefold(), row[1]))
