"""Measures on the networks: centrality, communities, repurposing candidates, attrition."""

from __future__ import annotations

import gzip
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import networkx as nx

from trialkg.analytics.networks import (
    Facts,
    drug_condition_trial_graph,
    highest_phase,
    read_facts,
    rows,
)
from trialkg.errors import TrialKGError
from trialkg.store import TrialStore


def centrality(graph: nx.Graph, *, samples: int | None = None) -> list[dict[str, object]]:
    """Each node's degree, degree centrality and betweenness, most central first.
    ``samples``: estimate betweenness from that many source nodes (for big graphs)."""
    degree = nx.degree_centrality(graph)
    between = nx.betweenness_centrality(graph, k=samples, seed=0 if samples else None)
    ranked = [
        {
            "node": node,
            "label": graph.nodes[node].get("label", node),
            "degree": graph.degree(node),
            "degree_centrality": degree[node],
            "betweenness": between[node],
        }
        for node in graph
    ]
    ranked.sort(key=lambda row: (-degree[row["node"]], str(row["node"])))
    return ranked


def communities(graph: nx.Graph, *, seed: int = 0) -> list[list[str]]:
    """Louvain communities (by ``weight``), largest first, each sorted; the seed fixes them."""
    found = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    groups = [sorted(str(node) for node in group) for group in found]
    groups.sort(key=lambda group: (-len(group), group[0]))
    return groups


# -- repurposing candidates ------------------------------------------------------------------

_CONDITION_MESH = """
SELECT DISTINCT ?condition ?descriptor WHERE {
  { SELECT DISTINCT ?condition WHERE { ?condition a tkg:Condition } }
  ?condition skos:exactMatch ?descriptor .
  FILTER(STRSTARTS(STR(?descriptor), "http://id.nlm.nih.gov/mesh/"))
}
ORDER BY ?condition ?descriptor
"""

_CONDITION_TREES = """
SELECT DISTINCT ?condition ?number WHERE {
  ?condition a tkg:Condition ; tkg:meshTreeNumber ?number .
}
ORDER BY ?condition ?number
"""

_TREE_LINE = re.compile(r"^(MN|UI) = (\S+)")


def read_mesh_trees(path: str | Path) -> dict[str, tuple[str, ...]]:
    """MeSH tree numbers by descriptor id, from NLM's ASCII descriptor file (``d2025.bin``,
    ``UI =`` and ``MN =`` lines) or a two-column text file (descriptor id, tree number);
    either may be gzipped: tree numbers of another MeSH year than the store's lexicon."""
    opener = gzip.open if str(path).endswith(".gz") else open
    trees: dict[str, set[str]] = defaultdict(set)
    with opener(path, "rt", encoding="utf-8") as handle:
        text: IO[str] = handle
        numbers: list[str] = []
        for line in text:
            if line.startswith("*NEWRECORD"):
                numbers = []
                continue
            match = _TREE_LINE.match(line)
            if match:
                if match.group(1) == "MN":
                    numbers.append(match.group(2))
                else:
                    trees[match.group(2)].update(numbers)
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) == 2 and re.fullmatch(r"[DC]\d+", fields[0]):
                trees[fields[0]].add(fields[1])
    if not trees:
        raise TrialKGError(f"{path}: no MeSH tree numbers found (UI/MN records or TSV rows)")
    return {descriptor: tuple(sorted(numbers)) for descriptor, numbers in sorted(trees.items())}


def condition_tree_numbers(
    store: TrialStore, trees: Mapping[str, tuple[str, ...]] | None = None
) -> dict[str, tuple[str, ...]]:
    """The MeSH tree numbers of each condition node that has some: from the store, or,
    given ``trees`` (tree numbers by descriptor id), from the table through the node's
    exact MeSH matches."""
    found: dict[str, set[str]] = defaultdict(set)
    if trees is None:
        for condition, number in rows(store, _CONDITION_TREES, "analytics-condition-trees"):
            found[str(condition)].add(str(number))
    else:
        for condition, descriptor in rows(store, _CONDITION_MESH, "analytics-condition-mesh"):
            found[str(condition)].update(trees.get(str(descriptor).rsplit("/", 1)[-1], ()))
    return {c: tuple(sorted(numbers)) for c, numbers in sorted(found.items()) if numbers}


def branch(tree_number: str) -> str:
    """The disease branch of a tree number: ``C04`` (Neoplasms) of ``C04.588.894``."""
    return tree_number.split(".", 1)[0]


@dataclass(frozen=True)
class Candidate:
    drug: str
    label: str
    branches: tuple[str, ...]
    conditions: tuple[str, ...]  # labels
    trials: tuple[str, ...]


def repurposing_candidates(
    store: TrialStore,
    trees: Mapping[str, tuple[str, ...]] | None = None,
    facts: Facts | None = None,
) -> list[Candidate]:
    """Drugs tried for conditions in two or more MeSH disease branches (tree ``C``): no
    one branch holds all their conditions, so the drug is tried outside one area. A
    condition with no MeSH tree number is left out of the test. Most branches first.

    The tree numbers are those the store writes on its conditions (``tkg:meshTreeNumber``,
    from the lexicon trialkg built it with); ``trees`` (``read_mesh_trees``: another MeSH
    year, say) replaces them, read through the conditions' exact MeSH matches."""
    facts = facts or read_facts(store)
    branches_of = {
        condition: frozenset(found)
        for condition, numbers in condition_tree_numbers(store, trees).items()
        if (found := {branch(n) for n in numbers if n.startswith("C")})
    }
    conditions_of: dict[str, set[str]] = defaultdict(set)
    for nct, condition in facts.pairs["condition"]:
        conditions_of[nct].add(condition)
    tried: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for nct, drug in facts.pairs["drug"]:
        for condition in conditions_of.get(nct, ()):
            if condition in branches_of:
                tried[drug][condition].add(nct)
    found_candidates = []
    for drug, by_condition in tried.items():
        sets = [branches_of[c] for c in by_condition]
        if frozenset.intersection(*sets) or len(frozenset.union(*sets)) < 2:
            continue
        found_candidates.append(
            Candidate(
                drug,
                facts.nodes[drug]["label"],
                tuple(sorted(frozenset.union(*sets))),
                tuple(sorted(facts.nodes[c]["label"] for c in by_condition)),
                tuple(sorted({t for ts in by_condition.values() for t in ts})),
            )
        )
    found_candidates.sort(key=lambda c: (-len(c.branches), -len(c.trials), c.label, c.drug))
    return found_candidates


# -- phase attrition -----------------------------------------------------------------------------

STOPPED = ("TERMINATED", "WITHDRAWN", "SUSPENDED")


@dataclass(frozen=True)
class Attrition:
    drug: str
    label: str
    trials: int
    highest_phase: str | None
    completed: int
    stopped: int  # terminated, withdrawn or suspended
    stopped_trials: tuple[str, ...]


def phase_attrition(store: TrialStore, facts: Facts | None = None) -> list[Attrition]:
    """Per drug: its trials, the highest phase they reached, and how many completed or
    stopped early; drugs with most trials first."""
    facts = facts or read_facts(store)
    trials_of: dict[str, set[str]] = defaultdict(set)
    for nct, drug in facts.pairs["drug"]:
        trials_of[drug].add(nct)
    found = []
    for drug, ncts in trials_of.items():
        infos = [facts.trials[n] for n in sorted(ncts)]
        stopped = tuple(i.nct_id for i in infos if i.status in STOPPED)
        found.append(
            Attrition(
                drug,
                facts.nodes[drug]["label"],
                len(infos),
                highest_phase(p for i in infos for p in i.phases),
                sum(1 for i in infos if i.status == "COMPLETED"),
                len(stopped),
                stopped,
            )
        )
    found.sort(key=lambda a: (-a.trials, a.label, a.drug))
    return found


def write_graphml(store: TrialStore, out: IO[bytes]) -> int:
    """The drug--condition--trial graph as GraphML; returns its nodes and edges."""
    graph = drug_condition_trial_graph(store)
    nx.write_graphml(graph, out, encoding="utf-8", prettyprint=True)
    return int(graph.number_of_nodes() + graph.number_of_edges())
