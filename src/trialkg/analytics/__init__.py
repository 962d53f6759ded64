"""Analytics: networkx graphs from the store (by SPARQL) and measures on them.

``trial_drug_graph``, ``trial_condition_graph`` and ``trial_sponsor_graph`` are
bipartite (trials ``bipartite=0``, keyed by NCT id; the others ``bipartite=1``,
keyed by IRI); ``drug_condition_graph``, ``drug_co_use_graph``,
``sponsor_collaboration_graph`` and ``site_country_graph`` are weighted. The
measures rank nodes (``centrality``), group them (``communities``), find drugs
tried across disease branches (``repurposing_candidates``, from the MeSH tree
numbers the store writes on its conditions) and follow drugs through phases (``phase_attrition``).
"""

from trialkg.analytics.measures import (
    Attrition,
    Candidate,
    centrality,
    communities,
    condition_tree_numbers,
    phase_attrition,
    read_mesh_trees,
    repurposing_candidates,
    write_graphml,
)
from trialkg.analytics.networks import (
    PHASES,
    Facts,
    TrialInfo,
    bipartite,
    drug_co_use_graph,
    drug_condition_graph,
    drug_condition_trial_graph,
    read_facts,
    site_country_graph,
    sponsor_collaboration_graph,
    trial_condition_graph,
    trial_drug_graph,
    trial_nodes,
    trial_sponsor_graph,
)

__all__ = [
    "PHASES",
    "Attrition",
    "Candidate",
    "Facts",
    "TrialInfo",
    "bipartite",
    "centrality",
    "communities",
    "condition_tree_numbers",
    "drug_co_use_graph",
    "drug_condition_graph",
    "drug_condition_trial_graph",
    "phase_attrition",
    "read_facts",
    "read_mesh_trees",
    "repurposing_candidates",
    "site_country_graph",
    "sponsor_collaboration_graph",
    "trial_condition_graph",
    "trial_drug_graph",
    "trial_nodes",
    "trial_sponsor_graph",
    "write_graphml",
]
