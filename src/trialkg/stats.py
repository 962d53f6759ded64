"""Store statistics: what is in the graph, and how much of it is linked to vocabularies."""

from __future__ import annotations

from trialkg.link_report import linked_shares, registry_terms_met
from trialkg.query import run_query
from trialkg.rdf import vocab
from trialkg.store import TrialStore

# run_query declares the registry prefixes the text uses (tkg:, skos:).
_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?node) AS ?n) WHERE {
  VALUES ?class { tkg:Trial tkg:Arm tkg:Intervention tkg:Drug tkg:Procedure tkg:Condition
                  tkg:Organisation tkg:Site tkg:Outcome tkg:SourceRecord }
  ?node a ?class .
}
GROUP BY ?class ORDER BY ?class
"""


_NOT_SOURCES = {vocab.SHARED_GRAPH, vocab.SUMMARY_GRAPH}


def store_stats(store: TrialStore) -> str:
    lines = [
        f"triples (quads): {len(store)}",
        f"source graphs:   {sum(1 for g in store.graph_names() if g not in _NOT_SOURCES)}",
    ]
    counts = run_query(store, _as_query("counts", _COUNTS))
    for cls, n in counts.rows:
        lines.append(f"{str(cls).rsplit('#', 1)[-1] + ':':17}{n}")
    lines.append("linked to a vocabulary (mentions with a vocabulary match / all mentions):")
    for kind, (with_link, total) in sorted(linked_shares(store).items()):
        share = 100.0 * with_link / (total or 1)
        lines.append(f"  {kind:13} {with_link}/{total} ({share:.1f}%)")
    lines.append(
        "the registry's own MeSH terms the trial's links meet (terms met / terms; "
        "trials with one met / trials with terms):"
    )
    for kind, (met, terms, trials_met, trials) in sorted(registry_terms_met(store).items()):
        lines.append(
            f"  {kind:13} {met}/{terms} ({100.0 * met / (terms or 1):.1f}%); "
            f"trials {trials_met}/{trials} ({100.0 * trials_met / (trials or 1):.1f}%)"
        )
    lines += _adverse_event_line(store)
    return "\n".join(lines) + "\n"


_EVENT_TERMS = """
SELECT (COUNT(?event) AS ?mentions) (COUNT(?linked) AS ?with_link) WHERE {
  ?event tkg:eventConcept ?concept .
  OPTIONAL {
    { SELECT DISTINCT ?concept (1 AS ?linked)
      WHERE { ?concept skos:exactMatch|skos:closeMatch ?x } }
  }
}
"""


def _adverse_event_line(store: TrialStore) -> list[str]:
    """The share of adverse-event mentions (one per event a trial reports) with a vocabulary
    match; no line when the store holds no results."""
    ((total, with_link),) = run_query(store, _as_query("adverse-events", _EVENT_TERMS)).rows
    if not total:
        return []
    share = 100.0 * int(with_link or 0) / int(total)
    return [f"  {'adverse event':13} {with_link}/{total} ({share:.1f}%)"]


def _as_query(name: str, text: str):  # type: ignore[no-untyped-def]
    from trialkg.query import NamedQuery

    return NamedQuery(name, text, "", {})
