"""The landscape plots of the notebook (and the README's figure), with matplotlib.

Each function draws on a matplotlib ``Axes`` and returns the numbers it drew, so
that a notebook can print them beside the picture (and a test compare them with
the named queries). matplotlib is an optional dependency: ``trialkg[notebooks]``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import networkx as nx

from trialkg.analytics.networks import PHASES, drug_condition_graph, read_trials, rows
from trialkg.query import run_query
from trialkg.store import TrialStore

Axes = Any  # matplotlib.axes.Axes; kept loose so that the core needs no matplotlib


def _short(text: str, width: int = 28) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def shared_drugs(store: TrialStore, ax: Axes, *, top: int = 15) -> list[tuple[str, int]]:
    """The drugs most trials share (the ``shared-drugs`` query), as horizontal bars."""
    counts = [(str(r[1]), int(r[2] or 0)) for r in run_query(store, "shared-drugs").rows][:top]
    labels = [_short(label) for label, _ in counts][::-1]
    ax.barh(labels, [n for _, n in counts][::-1], color="#3b75af")
    ax.set_xlabel("trials")
    ax.set_title("Drugs shared by the most trials")
    return counts


def drug_condition_network(
    store: TrialStore, ax: Axes, *, labelled: int = 12, seed: int = 7
) -> nx.Graph:
    """The drug--condition network: node size by trials, labels on the busiest nodes."""
    graph = drug_condition_graph(store)
    trials = {
        node: sum(graph.edges[node, other]["weight"] for other in graph.neighbors(node))
        for node in graph
    }
    layout = nx.spring_layout(graph, seed=seed, weight="weight", k=0.35)
    colours = ["#d1603d" if graph.nodes[n]["kind"] == "drug" else "#3b75af" for n in graph]
    nx.draw_networkx_edges(
        graph,
        layout,
        ax=ax,
        alpha=0.25,
        width=[graph.edges[e]["weight"] * 0.6 for e in graph.edges],
    )
    nx.draw_networkx_nodes(
        graph,
        layout,
        ax=ax,
        node_color=colours,
        node_size=[15 + 60 * trials[n] ** 0.5 for n in graph],
    )
    busiest = sorted(graph, key=lambda n: (-trials[n], n))[:labelled]
    nx.draw_networkx_labels(
        graph,
        layout,
        labels={n: _short(graph.nodes[n]["label"], 24) for n in busiest},
        font_size=8,
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1},
        ax=ax,
    )
    ax.set_title("Drugs (red) and the conditions (blue) trials try them for")
    ax.set_axis_off()
    return graph


def phase_by_status(store: TrialStore, ax: Axes) -> dict[str, Counter[str]]:
    """Trials per phase (the highest each reached), stacked by overall status."""
    by_phase: dict[str, Counter[str]] = {}
    for row in run_query(store, "trial-summary").as_dicts():
        phases = [p for p in str(row["phase"] or "").split("/") if p in PHASES]
        phase = max(phases, key=PHASES.index) if phases else "no phase"
        by_phase.setdefault(phase, Counter())[str(row["status"] or "unknown")] += 1
    order = [p for p in (*PHASES, "no phase") if p in by_phase]
    statuses = sorted({s for c in by_phase.values() for s in c})
    bottom = [0] * len(order)
    for status in statuses:
        heights = [by_phase[p][status] for p in order]
        ax.bar(order, heights, bottom=bottom, label=status)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    ax.set_ylabel("trials")
    ax.set_title("Phase by status")
    ax.legend(fontsize=7)
    ax.tick_params(axis="x", labelrotation=30)
    return {p: by_phase[p] for p in order}


def sites_per_country(store: TrialStore, ax: Axes, *, top: int = 15) -> list[tuple[str, int]]:
    """Trial sites per country (the ``sites-by-country`` query)."""
    counts = [(str(r[0]), int(r[1] or 0)) for r in run_query(store, "sites-by-country").rows][:top]
    ax.barh([c for c, _ in counts][::-1], [n for _, n in counts][::-1], color="#5a9e6f")
    ax.set_xlabel("sites")
    ax.set_title("Sites per country")
    return counts


def starts_per_year(store: TrialStore, ax: Axes) -> dict[int, int]:
    """Trials by the year they started (or are to start)."""
    years = Counter(int(t.start[:4]) for t in read_trials(store).values() if t.start)
    ordered = dict(sorted(years.items()))
    ax.bar(list(ordered), list(ordered.values()), color="#8c6bb1")
    ax.set_xlabel("start year")
    ax.set_ylabel("trials")
    ax.set_title("Trial starts per year")
    return ordered


# The drug whose trials report adverse events most: most trials, then most events.
_DRUG_WITH_EVENTS = """
SELECT ?drug (MIN(STR(?label)) AS ?name) (COUNT(DISTINCT ?t) AS ?trials)
       (COUNT(DISTINCT ?event) AS ?events)
WHERE {
  ?t tkg:adverseEvent ?event ; tkg:intervention ?i .
  ?i tkg:concept ?drug .
  ?drug a tkg:Drug ; rdfs:label ?label .
}
GROUP BY ?drug
ORDER BY DESC(?trials) DESC(?events) ?drug
LIMIT 1
"""

# Participants affected by each event term in each result group (arm) of the drug's
# trials, serious and other events added: the rows of ``adverse-events``, summed.
_EVENTS_PER_GROUP = """
SELECT ?nct ?group ?term (SUM(?affected) AS ?n)
WHERE {
  { SELECT DISTINCT ?t WHERE { ?t tkg:intervention ?i . ?i tkg:concept ?drug } }
  ?t tkg:nctId ?nct ; tkg:adverseEvent ?event .
  ?event tkg:term ?term ; tkg:count ?count .
  ?count tkg:group ?g ; tkg:affected ?affected .
  OPTIONAL { ?g rdfs:label ?title }
  OPTIONAL { ?g tkg:groupId ?group_id }
  BIND(COALESCE(?title, ?group_id) AS ?group)
}
GROUP BY ?nct ?group ?term
"""


@dataclass(frozen=True)
class ArmEvents:
    drug: str  # IRI
    label: str
    groups: tuple[tuple[str, str], ...]  # (NCT id, the result group's title), as drawn
    # (term, NCT id, group, participants affected), the top terms in every group
    counts: tuple[tuple[str, str, str, int], ...]


def adverse_events_per_arm(
    store: TrialStore, ax: Axes, *, drug: str | None = None, top: int = 10
) -> ArmEvents | None:
    """The adverse events that most participants in a drug's trials had, per result
    group (arm), as grouped bars. ``drug``: a drug node's IRI; by default the drug
    whose trials report events most. None, and nothing drawn, when no trial has results."""
    if drug is None:
        found = rows(store, _DRUG_WITH_EVENTS, "analytics-drug-with-events")
        if not found:
            return None
        drug = str(found[0][0])
    labels = rows(store, f"SELECT (MIN(STR(?l)) AS ?l) WHERE {{ <{drug}> rdfs:label ?l }}")
    label = str(labels[0][0]) if labels and labels[0][0] is not None else drug
    per_group: dict[tuple[str, str], dict[str, int]] = {}
    for nct, group, term, n in rows(
        store, _EVENTS_PER_GROUP.replace("?drug", f"<{drug}>"), "analytics-events-per-arm"
    ):
        cell = per_group.setdefault((str(nct), str(group)), {})
        cell[str(term)] = cell.get(str(term), 0) + int(n or 0)
    if not per_group:
        return None
    totals: Counter[str] = Counter()
    for cell in per_group.values():
        totals.update(cell)
    terms = sorted(totals, key=lambda t: (-totals[t], t))[:top]
    groups = sorted(per_group)
    height = 0.8 / len(groups)
    one_trial = len({nct for nct, _ in groups}) == 1
    for index, key in enumerate(groups):
        offset = (len(groups) - 1) / 2 - index  # the first group on top within a term
        ys = [len(terms) - 1 - row + offset * height for row in range(len(terms))]
        name = key[1] if one_trial else f"{key[0]}: {key[1]}"
        values = [per_group[key].get(t, 0) for t in terms]
        ax.barh(ys, values, height=height, label=_short(name, 48))
    ax.set_yticks([len(terms) - 1 - row for row in range(len(terms))])
    ax.set_yticklabels([_short(t) for t in terms])
    ax.set_xlabel("participants affected")
    ax.set_title(f"Most reported adverse events of {label}, per arm")
    ax.legend(fontsize=7)
    counts = tuple((t, nct, g, per_group[(nct, g)].get(t, 0)) for t in terms for nct, g in groups)
    return ArmEvents(drug, label, tuple(groups), counts)
