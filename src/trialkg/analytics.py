"""networkx bridges for analytics notebooks.

``trial_drug_graph`` and ``trial_condition_graph`` give bipartite graphs: trial
nodes (``bipartite=0``, keyed by NCT id) joined to drug or condition nodes
(``bipartite=1``, keyed by IRI), each with a ``label``. networkx's bipartite
projections then answer "which trials are alike" or "which drugs go together".
"""

from __future__ import annotations

import networkx as nx

from trialkg.query import NamedQuery, run_query
from trialkg.store import TrialStore

_PAIRS = """
PREFIX tkg: <https://w3id.org/trialkg/vocab#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?nct ?title ?node ?label WHERE {{
  ?trial tkg:nctId ?nct ; {path} ?node .
  {node_filter}
  OPTIONAL {{ ?trial tkg:briefTitle ?title }}
  OPTIONAL {{ ?node rdfs:label ?label }}
}}
ORDER BY ?nct ?node
"""


def _bipartite(store: TrialStore, path: str, node_filter: str, kind: str) -> nx.Graph:
    text = _PAIRS.format(path=path, node_filter=node_filter)
    result = run_query(store, NamedQuery(f"{kind}-pairs", text, "", {}))
    graph = nx.Graph()
    for nct, title, node, label in result.rows:
        graph.add_node(nct, bipartite=0, kind="trial", label=title or nct)
        if node not in graph:
            graph.add_node(node, bipartite=1, kind=kind, label=label or node)
        graph.add_edge(nct, node)
    return graph


def trial_drug_graph(store: TrialStore, *, include_placebo: bool = False) -> nx.Graph:
    """Trials joined to the drugs they use (a placebo or sham only when asked: it is not a drug)."""
    node_filter = (
        "{ ?node a tkg:Drug } UNION { ?node a tkg:Placebo }"
        if include_placebo
        else "?node a tkg:Drug ."
    )
    return _bipartite(store, "tkg:intervention/tkg:concept", node_filter, "drug")


def trial_condition_graph(store: TrialStore) -> nx.Graph:
    """Trials joined to the conditions they study."""
    return _bipartite(store, "tkg:condition", "", "condition")


def trial_nodes(graph: nx.Graph) -> list[str]:
    return sorted(n for n, data in graph.nodes(data=True) if data.get("bipartite") == 0)
