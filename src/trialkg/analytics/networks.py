"""networkx graphs built from the store with SPARQL (never the whole dataset in rdflib).

Every node carries ``kind``, ``iri``, ``label`` and ``ids`` (the vocabulary terms it
matches exactly, as CURIEs, space-separated); every edge carries ``trials`` (the NCT
ids behind it, sorted) and ``weight``. Trial nodes are keyed by NCT id, the others
by IRI. Nodes and edges are added in sorted order, so the same store gives the same
graph, and the same GraphML.

Each query makes every step DISTINCT before joining it, as the named queries do: a
shared node's type and label stand in every trial graph that names it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations

import networkx as nx

from trialkg.linking.prefixes import sparql_prefixes
from trialkg.query import CURIE_PREFIXES, Cell, NamedQuery, run_query
from trialkg.store import TrialStore

_HEAD = sparql_prefixes(("tkg", "rdfs", "skos"))

# Registry phases in order; a trial of PHASE1/PHASE2 reached PHASE2. "NA" is no phase.
PHASES = ("EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4")

KIND_CLASSES = {
    "drug": "tkg:Drug",
    "condition": "tkg:Condition",
    "sponsor": "tkg:Organisation",
}
# How a trial reaches a node of each kind.
KIND_PATHS = {
    "drug": "tkg:intervention/tkg:concept",
    "condition": "tkg:condition",
    "sponsor": "tkg:leadSponsor|tkg:collaborator",
}

_TRIALS = """
SELECT ?nct (MIN(?t) AS ?title) (MIN(?s) AS ?status) (MIN(?d) AS ?start)
       (GROUP_CONCAT(DISTINCT ?ph; separator=" ") AS ?phases)
WHERE {
  { SELECT DISTINCT ?trial ?nct WHERE { ?trial a tkg:Trial ; tkg:nctId ?nct } }
  OPTIONAL { ?trial tkg:briefTitle ?t }
  OPTIONAL { ?trial tkg:overallStatus ?s }
  OPTIONAL { ?trial tkg:startDate ?d }
  OPTIONAL { ?trial tkg:phase ?ph }
}
GROUP BY ?nct
ORDER BY ?nct
"""

_PAIRS = """
SELECT DISTINCT ?nct ?node WHERE {{
  {{ SELECT DISTINCT ?trial ?nct WHERE {{ ?trial a tkg:Trial ; tkg:nctId ?nct }} }}
  {{ SELECT DISTINCT ?trial ?node WHERE {{ ?trial {path} ?node }} }}
  {{ SELECT DISTINCT ?node WHERE {{ ?node a {cls} }} }}
}}
ORDER BY ?nct ?node
"""

_NODES = """
SELECT ?node (MIN(?name) AS ?label) (GROUP_CONCAT(DISTINCT STR(?match); separator=" ") AS ?ids)
WHERE {{
  {{ SELECT DISTINCT ?node WHERE {{ ?node a {cls} }} }}
  OPTIONAL {{ ?node rdfs:label ?name }}
  OPTIONAL {{ ?node skos:exactMatch ?match }}
}}
GROUP BY ?node
ORDER BY ?node
"""

_ARM_DRUGS = """
SELECT DISTINCT ?nct ?arm ?drug WHERE {
  { SELECT DISTINCT ?trial ?nct WHERE { ?trial a tkg:Trial ; tkg:nctId ?nct } }
  { SELECT DISTINCT ?trial ?arm WHERE { ?trial tkg:arm ?arm } }
  { SELECT DISTINCT ?arm ?drug WHERE { ?arm tkg:givesIntervention/tkg:concept ?drug } }
  { SELECT DISTINCT ?drug WHERE { ?drug a tkg:Drug } }
}
ORDER BY ?nct ?arm ?drug
"""

_SITES = """
SELECT DISTINCT ?nct ?site ?country WHERE {
  { SELECT DISTINCT ?site ?country WHERE { ?site tkg:country ?country } }
  { SELECT DISTINCT ?trial ?site WHERE { ?trial tkg:site ?site } }
  { SELECT DISTINCT ?trial ?nct WHERE { ?trial a tkg:Trial ; tkg:nctId ?nct } }
}
ORDER BY ?nct ?site
"""


def rows(store: TrialStore, text: str, name: str = "analytics") -> list[tuple[Cell, ...]]:
    """The rows of a SPARQL SELECT on the store's union of graphs."""
    return run_query(store, NamedQuery(name, _HEAD + text, "", {})).rows


def curie(value: str) -> str:
    """``mesh:D000068877`` for an IRI of a known vocabulary; else the IRI."""
    for prefix, namespace in sorted(CURIE_PREFIXES.items(), key=lambda item: -len(item[1])):
        if value.startswith(namespace) and prefix != "clinicaltrials":
            return f"{prefix}:{value[len(namespace) :]}"
    return value


def highest_phase(phases: Iterable[str]) -> str | None:
    ranked = [PHASES.index(p) for p in phases if p in PHASES]
    return PHASES[max(ranked)] if ranked else None


@dataclass(frozen=True)
class TrialInfo:
    nct_id: str
    title: str | None
    status: str | None
    start: str | None
    phases: tuple[str, ...]

    @property
    def phase(self) -> str | None:
        return highest_phase(self.phases)


@dataclass
class Facts:
    """What the networks are made of, read once: trials, nodes and the pairs between."""

    trials: dict[str, TrialInfo] = field(default_factory=dict)
    nodes: dict[str, dict[str, str]] = field(default_factory=dict)  # IRI -> attributes
    pairs: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # kind -> (nct, IRI)


def read_trials(store: TrialStore) -> dict[str, TrialInfo]:
    found = {}
    for nct, title, status, start, phases in rows(store, _TRIALS, "analytics-trials"):
        nct_id = str(nct)
        found[nct_id] = TrialInfo(
            nct_id,
            None if title is None else str(title),
            None if status is None else str(status),
            None if start is None else str(start),
            tuple(sorted(str(phases).split())) if phases else (),
        )
    return found


def read_kind(store: TrialStore, facts: Facts, kind: str) -> list[tuple[str, str]]:
    """The (NCT id, node IRI) pairs of a kind, the nodes' attributes into ``facts``."""
    if kind not in facts.pairs:
        cls = KIND_CLASSES[kind]
        for node, label, ids in rows(store, _NODES.format(cls=cls), f"analytics-{kind}-nodes"):
            matched = sorted(curie(value) for value in str(ids or "").split())
            facts.nodes[str(node)] = {
                "kind": kind,
                "iri": str(node),
                "label": str(label) if label is not None else str(node),
                "ids": " ".join(matched),
            }
        text = _PAIRS.format(path=KIND_PATHS[kind], cls=cls)
        facts.pairs[kind] = [
            (str(nct), str(node)) for nct, node in rows(store, text, f"analytics-{kind}-pairs")
        ]
    return facts.pairs[kind]


def read_facts(store: TrialStore, kinds: Iterable[str] = ("drug", "condition")) -> Facts:
    facts = Facts(trials=read_trials(store))
    for kind in kinds:
        read_kind(store, facts, kind)
    return facts


def _add_trial(graph: nx.Graph, info: TrialInfo) -> None:
    graph.add_node(
        info.nct_id,
        kind="trial",
        bipartite=0,
        iri=f"https://clinicaltrials.gov/study/{info.nct_id}",
        label=info.title or info.nct_id,
        ids=f"clinicaltrials:{info.nct_id}",
        status=info.status or "",
        phase=info.phase or "",
        start=info.start or "",
    )


def bipartite(store: TrialStore, kind: str, facts: Facts | None = None) -> nx.Graph:
    """Trials (``bipartite=0``) joined to the drugs, conditions or sponsors (``1``) they name."""
    facts = facts or Facts(trials=read_trials(store))
    pairs = read_kind(store, facts, kind)
    graph = nx.Graph()
    for nct in sorted({nct for nct, _ in pairs}):
        _add_trial(graph, facts.trials[nct])
    for node in sorted({node for _, node in pairs}):
        graph.add_node(node, bipartite=1, **facts.nodes[node])
    for nct, node in pairs:
        graph.add_edge(nct, node, trials=nct, weight=1)
    return graph


def trial_drug_graph(store: TrialStore) -> nx.Graph:
    """Trials joined to the drugs they use."""
    return bipartite(store, "drug")


def trial_condition_graph(store: TrialStore) -> nx.Graph:
    """Trials joined to the conditions they study."""
    return bipartite(store, "condition")


def trial_sponsor_graph(store: TrialStore) -> nx.Graph:
    """Trials joined to their lead sponsors and collaborators."""
    return bipartite(store, "sponsor")


def trial_nodes(graph: nx.Graph) -> list[str]:
    return sorted(n for n, data in graph.nodes(data=True) if data.get("bipartite") == 0)


def _by_trial(pairs: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for nct, node in pairs:
        grouped[nct].append(node)
    return grouped


def _weighted(
    graph: nx.Graph, links: dict[tuple[str, str], set[str]], facts: Facts | None = None
) -> nx.Graph:
    for (first, second), trials in sorted(links.items()):
        attributes: dict[str, object] = {"weight": len(trials), "trials": " ".join(sorted(trials))}
        if facts is not None:
            phase = highest_phase(p for t in trials for p in facts.trials[t].phases)
            attributes["highest_phase"] = phase or ""
        graph.add_edge(first, second, **attributes)
    return graph


def drug_condition_graph(store: TrialStore, facts: Facts | None = None) -> nx.Graph:
    """Drugs joined to the conditions trials try them for: ``weight`` is the number of
    trials, ``highest_phase`` the furthest phase any of them reached."""
    facts = facts or read_facts(store)
    drugs = _by_trial(read_kind(store, facts, "drug"))
    conditions = _by_trial(read_kind(store, facts, "condition"))
    links: dict[tuple[str, str], set[str]] = defaultdict(set)
    for nct in sorted(drugs.keys() & conditions.keys()):
        for drug in drugs[nct]:
            for condition in conditions[nct]:
                links[(drug, condition)].add(nct)
    graph = nx.Graph()
    for node in sorted({node for pair in links for node in pair}):
        graph.add_node(node, **facts.nodes[node])
    return _weighted(graph, links, facts)


def drug_co_use_graph(store: TrialStore, facts: Facts | None = None) -> nx.Graph:
    """Drugs given together in one arm: ``weight`` counts arms, ``trials`` names their trials."""
    facts = facts or Facts(trials=read_trials(store))
    read_kind(store, facts, "drug")
    arms: dict[str, set[str]] = defaultdict(set)
    trial_of: dict[str, str] = {}
    for nct, arm, drug in rows(store, _ARM_DRUGS, "analytics-arm-drugs"):
        arms[str(arm)].add(str(drug))
        trial_of[str(arm)] = str(nct)
    counted: dict[tuple[str, str], int] = defaultdict(int)
    trials: dict[tuple[str, str], set[str]] = defaultdict(set)
    for arm, given in sorted(arms.items()):
        for pair in combinations(sorted(given), 2):
            counted[pair] += 1
            trials[pair].add(trial_of[arm])
    graph = nx.Graph()
    for node in sorted({node for pair in counted for node in pair}):
        graph.add_node(node, **facts.nodes[node])
    for pair in sorted(counted):
        graph.add_edge(*pair, weight=counted[pair], trials=" ".join(sorted(trials[pair])))
    return graph


def sponsor_collaboration_graph(store: TrialStore, facts: Facts | None = None) -> nx.Graph:
    """Organisations joined when they sponsor or collaborate on one trial (``weight``: trials)."""
    facts = facts or Facts(trials=read_trials(store))
    by_trial = _by_trial(read_kind(store, facts, "sponsor"))
    links: dict[tuple[str, str], set[str]] = defaultdict(set)
    for nct, organisations in sorted(by_trial.items()):
        for pair in combinations(sorted(set(organisations)), 2):
            links[pair].add(nct)
    graph = nx.Graph()
    for node in sorted({node for organisations in by_trial.values() for node in organisations}):
        graph.add_node(node, **facts.nodes[node])
    return _weighted(graph, links)


def site_country_graph(store: TrialStore) -> nx.Graph:
    """Countries with trial sites (``sites``, ``trials``), joined when one trial has
    sites in both (``weight``: trials)."""
    sites: dict[str, set[str]] = defaultdict(set)
    trials: dict[str, set[str]] = defaultdict(set)
    for nct, site, country in rows(store, _SITES, "analytics-sites"):
        sites[str(country)].add(str(site))
        trials[str(country)].add(str(nct))
    countries_of: dict[str, set[str]] = defaultdict(set)
    for country, ncts in trials.items():
        for nct in ncts:
            countries_of[nct].add(country)
    links: dict[tuple[str, str], set[str]] = defaultdict(set)
    for nct, countries in countries_of.items():
        for pair in combinations(sorted(countries), 2):
            links[pair].add(nct)
    graph = nx.Graph()
    for country in sorted(sites):
        graph.add_node(
            country,
            kind="country",
            iri="",
            label=country,
            ids="",
            sites=len(sites[country]),
            trials=len(trials[country]),
        )
    return _weighted(graph, links)


def drug_condition_trial_graph(store: TrialStore) -> nx.Graph:
    """Drugs, conditions and trials in one graph (for Gephi and Cytoscape): trial--drug,
    trial--condition and drug--condition edges, each with its ``relation``."""
    facts = read_facts(store)
    graph = nx.Graph()
    weighted = drug_condition_graph(store, facts)
    pairs = [(kind, pair) for kind in ("drug", "condition") for pair in facts.pairs[kind]]
    for nct in sorted({nct for _, (nct, _) in pairs}):
        _add_trial(graph, facts.trials[nct])
    for node in sorted({node for _, (_, node) in pairs}):
        graph.add_node(node, **facts.nodes[node])
    for kind, (nct, node) in pairs:
        graph.add_edge(nct, node, relation=f"trial-{kind}", weight=1, trials=nct, highest_phase="")
    for drug, condition, data in sorted(weighted.edges(data=True)):
        graph.add_edge(drug, condition, relation="drug-condition", **data)
    return graph
