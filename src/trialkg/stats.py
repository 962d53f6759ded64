"""Store statistics: what is in the graph, and how much of it is linked to vocabularies."""

from __future__ import annotations

from trialkg.query import run_query
from trialkg.store import TrialStore

_COUNTS = """
PREFIX tkg: <https://w3id.org/trialkg/vocab#>
SELECT ?class (COUNT(DISTINCT ?node) AS ?n) WHERE {
  VALUES ?class { tkg:Trial tkg:Arm tkg:Intervention tkg:Drug tkg:Procedure tkg:Condition
                  tkg:Organisation tkg:Site tkg:Outcome tkg:SourceRecord }
  ?node a ?class .
}
GROUP BY ?class ORDER BY ?class
"""

# Mentions (not nodes): how many of the record's mentions of each kind reach a vocabulary term.
_LINKED = """
PREFIX tkg: <https://w3id.org/trialkg/vocab#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?kind (COUNT(DISTINCT ?mention) AS ?total) (COUNT(DISTINCT ?linked) AS ?with_link) WHERE {
  {
    ?mention a tkg:Intervention ; tkg:concept ?node . ?node a ?class .
    VALUES (?class ?kind) { (tkg:Drug "drug") (tkg:Procedure "procedure") }
  } UNION {
    ?trial tkg:condition ?node . BIND("condition" AS ?kind) BIND(CONCAT(STR(?trial), " ", STR(?node)) AS ?mention)
  } UNION {
    { ?trial tkg:leadSponsor ?node } UNION { ?trial tkg:collaborator ?node } UNION { ?trial tkg:site/tkg:facility ?node }
    BIND("organisation" AS ?kind) BIND(CONCAT(STR(?trial), " ", STR(?node)) AS ?mention)
  }
  OPTIONAL { ?node skos:exactMatch|skos:closeMatch ?target }
  BIND(IF(BOUND(?target), ?mention, ?none) AS ?linked)
}
GROUP BY ?kind ORDER BY ?kind
"""


def store_stats(store: TrialStore) -> str:
    lines = [
        f"triples (quads): {len(store)}",
        f"named graphs:    {len(store.graph_names())}",
    ]
    counts = run_query(store, _as_query("counts", _COUNTS))
    for cls, n in counts.rows:
        lines.append(f"{str(cls).rsplit('#', 1)[-1] + ':':17}{n}")
    linked = run_query(store, _as_query("linked", _LINKED))
    lines.append("linked to a vocabulary (mentions with a skos match / all mentions):")
    for kind, total, with_link in linked.rows:
        share = 100.0 * int(with_link or 0) / int(total or 1)
        lines.append(f"  {kind:13} {with_link}/{total} ({share:.1f}%)")
    return "\n".join(lines) + "\n"


def _as_query(name: str, text: str):  # type: ignore[no-untyped-def]
    from trialkg.query import NamedQuery

    return NamedQuery(name, text, "", {})
