"""The summary graph: the whole-store aggregates that named queries read, kept exact.

``shared-drugs``, ``shared-conditions`` and ``sites-by-country`` count over every
trial of the store: computed when asked, their cost grows with the store (about
0.4 s of CPU each at 50,000 trials, some 5-10 s projected to the registry's
600,000). Their answers change only when the store does, so every write that
changes trials (a build that wrote or removed graphs, ``trialkg remove``,
``--remove-missing``) ends by computing them once, here, into one graph of their
own (``SUMMARY_GRAPH``), and the queries read that graph: one row per drug,
condition or country, whatever the number of trials.

What the graph holds, per row of the queries before their last filter:

- a drug (or placebo) of two or more trials: ``tkg:drugTrials`` (the count),
  ``tkg:drugNctIds`` (the NCT ids, sorted, space-separated), ``tkg:drugLabel``;
- a condition of two or more trials: ``tkg:conditionTrials``, ``tkg:conditionNctIds``,
  ``tkg:conditionLabel``;
- a country: a node of its own (``COUNTRY_BASE`` and the country as written) with
  ``tkg:summaryCountry``, ``tkg:countrySites`` and ``tkg:countryTrials``;
- the graph itself, typed ``tkg:Summary``: a store that lacks it was last written by
  a trialkg without this graph, and its next build computes it.

The graph is replaced whole in one transaction (the old one or the new one,
never neither), from the same aggregates the queries computed before, so a store
built in one go and one built in steps hold the same summary. ``LIVE`` keeps
those aggregates' SPARQL, for the tests and for anyone who wants them from the
trial graphs themselves.
"""

from __future__ import annotations

import time
from urllib.parse import quote

import pyoxigraph as ox

from trialkg.errors import StoreError
from trialkg.rdf import vocab
from trialkg.store import TrialStore

SUMMARY_GRAPH = vocab.SUMMARY_GRAPH
COUNTRY_BASE = vocab.ID + "summary/country/"

_TKG = vocab.TKG
_GRAPH = ox.NamedNode(SUMMARY_GRAPH)
_TYPE = ox.NamedNode(vocab.TYPE)
_SUMMARY = ox.NamedNode(_TKG + "Summary")

_PREFIXES = (
    "PREFIX tkg: <https://w3id.org/trialkg/vocab#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)

# The aggregates, computed from the trial graphs (the forms the named queries had
# before they read the summary). Views of a trial (tkg:TrialView) are left out by
# an anti-join; the NCT ids are sorted before they are joined.
_DRUGS = """
SELECT ?drug ?label ?trials ?nct_ids
WHERE {
  {
    SELECT ?drug (COUNT(?nct) AS ?trials) (GROUP_CONCAT(?nct; separator=" ") AS ?nct_ids)
    WHERE {
      {
        SELECT DISTINCT ?drug ?nct WHERE {
          { SELECT ?trial ?nct WHERE { ?trial tkg:nctId ?nct } }
          {
            { SELECT ?trial ?drug WHERE { ?trial tkg:hasDrug ?drug } }
            UNION
            { SELECT DISTINCT ?trial ?drug WHERE {
                ?drug a tkg:Placebo . ?i tkg:concept ?drug . ?trial tkg:intervention ?i } }
          }
          MINUS { ?trial a tkg:TrialView }
        }
        ORDER BY ?nct
      }
    }
    GROUP BY ?drug
    HAVING (COUNT(?nct) >= 2)
  }
  {
    SELECT ?drug (MIN(?name) AS ?label)
    WHERE { { ?drug a tkg:Drug } UNION { ?drug a tkg:Placebo } ?drug rdfs:label ?name }
    GROUP BY ?drug
  }
}
"""

_CONDITIONS = """
SELECT ?condition ?label ?trials ?nct_ids
WHERE {
  {
    SELECT ?condition (COUNT(?nct) AS ?trials) (GROUP_CONCAT(?nct; separator=" ") AS ?nct_ids)
    WHERE {
      {
        SELECT DISTINCT ?condition ?nct WHERE {
          { SELECT ?trial ?nct WHERE { ?trial tkg:nctId ?nct } }
          { SELECT ?trial ?condition WHERE { ?trial tkg:condition ?condition } }
          MINUS { ?trial a tkg:TrialView }
        }
        ORDER BY ?nct
      }
    }
    GROUP BY ?condition
    HAVING (COUNT(?nct) >= 2)
  }
  {
    SELECT ?condition (MIN(?name) AS ?label)
    WHERE { ?condition a tkg:Condition ; rdfs:label ?name }
    GROUP BY ?condition
  }
}
"""

_COUNTRIES = """
SELECT ?country ?sites ?trials
WHERE {
  {
    SELECT ?country (COUNT(DISTINCT ?site) AS ?sites)
    WHERE { ?site tkg:country ?country MINUS { ?view a tkg:TrialView ; tkg:site ?site } }
    GROUP BY ?country
  }
  {
    SELECT ?country (COUNT(DISTINCT ?trial) AS ?trials)
    WHERE { ?trial tkg:siteCountry ?country MINUS { ?trial a tkg:TrialView } }
    GROUP BY ?country
  }
}
"""

# name -> (SPARQL, the row's key variable, the predicates of the other variables)
LIVE: dict[str, tuple[str, str, dict[str, str]]] = {
    "drugs": (
        _PREFIXES + _DRUGS,
        "drug",
        {"trials": "drugTrials", "nct_ids": "drugNctIds", "label": "drugLabel"},
    ),
    "conditions": (
        _PREFIXES + _CONDITIONS,
        "condition",
        {"trials": "conditionTrials", "nct_ids": "conditionNctIds", "label": "conditionLabel"},
    ),
    "countries": (
        _PREFIXES + _COUNTRIES,
        "country",
        {"country": "summaryCountry", "sites": "countrySites", "trials": "countryTrials"},
    ),
}


def has_summary(store: TrialStore) -> bool:
    """Whether the store holds its summary graph (every build since it was added writes it)."""
    marker = store.oxigraph.quads_for_pattern(_GRAPH, _TYPE, _SUMMARY, _GRAPH)
    return next(iter(marker), None) is not None


def summary_lines(store: TrialStore) -> list[str]:
    """The summary graph's statements as computed now from the trial graphs, as sorted
    N-Triples lines (without the graph)."""
    lines = [f"{_GRAPH} {_TYPE} {_SUMMARY} ."]
    for text, key, predicates in LIVE.values():
        result = store.oxigraph.query(text, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions)
        for row in result:
            value = row[key]
            if value is None:
                continue
            if isinstance(value, ox.Literal):  # a country, as written: a node of its own
                subject = ox.NamedNode(COUNTRY_BASE + quote(value.value, safe=""))
            else:
                subject = value
            for variable, predicate in predicates.items():
                term = row[variable]
                if term is not None:
                    lines.append(f"{subject} <{_TKG}{predicate}> {term} .")
    lines.sort()
    return lines


def refresh_summary(store: TrialStore) -> float:
    """Compute the summary graph from the trial graphs and replace the stored one with it,
    in one transaction; returns the seconds it took.

    Raises:
        StoreWriteError: when the disk refuses the write.
        StoreError: when the store is read-only.
    """
    if store.read_only:
        raise StoreError(f"the store at {store.path} is open read-only: its summary stays as it is")
    started = time.perf_counter()
    body = "\n".join(summary_lines(store))
    update = f"DROP SILENT GRAPH {_GRAPH} ;\nINSERT DATA {{ GRAPH {_GRAPH} {{\n{body}\n}} }}"
    try:
        store.oxigraph.update(update)
    except OSError as error:
        raise store.write_failure(error) from error
    return time.perf_counter() - started


def stored_summary(store: TrialStore) -> list[str]:
    """The summary graph as stored, as sorted N-Triples lines (for comparisons)."""
    return sorted(
        f"{q.subject} {q.predicate} {q.object} ."
        for q in store.oxigraph.quads_for_pattern(None, None, None, _GRAPH)
    )
