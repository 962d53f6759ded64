"""The landscape plots of the notebook (and the README's figure), with matplotlib.

Each function draws on a matplotlib ``Axes`` and returns the numbers it drew, so
that a notebook can print them beside the picture (and a test compare them with
the named queries). matplotlib is an optional dependency: ``trialkg[notebooks]``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx

from trialkg.analytics.networks import PHASES, drug_condition_graph, read_trials
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
