"""Named SPARQL queries: loading, safe parameter binding, running, and result formats
(``text.py`` reads them, ``run.py`` runs them, ``formats.py`` writes their rows)."""

from trialkg.query.formats import format_result, queries_table
from trialkg.query.run import (
    CURIE_PREFIXES,
    DEFAULT_TIMEOUT_SECONDS,
    PLACEBO_NODE,
    expand_curie,
    resolve_drug,
    run_query,
)
from trialkg.query.text import (
    Cell,
    NamedQuery,
    QueryResult,
    asks_remote_endpoint,
    declared_prefixes,
    if_blocks,
    load_query,
    named_queries,
    page_block,
    resolve_query,
    with_prefixes,
)

__all__ = [
    "CURIE_PREFIXES",
    "DEFAULT_TIMEOUT_SECONDS",
    "PLACEBO_NODE",
    "Cell",
    "NamedQuery",
    "QueryResult",
    "asks_remote_endpoint",
    "declared_prefixes",
    "expand_curie",
    "format_result",
    "if_blocks",
    "load_query",
    "named_queries",
    "page_block",
    "queries_table",
    "resolve_drug",
    "resolve_query",
    "run_query",
    "with_prefixes",
]
