"""trialkg: a knowledge-graph builder for clinical trials.

The library API, for notebooks and scripts (the README runs it as a doctest)::

    import trialkg
    store = trialkg.open_store("my-store")          # or open_store() for one in memory
    report = trialkg.build(store, ["records/"])     # files, directories, zips
    rows = trialkg.run_query(store, "shared-drugs").as_dicts()
    report = trialkg.validate_store(store)          # .conforms, .violations
    dataset = store.rdflib_dataset()                # rdflib.Dataset of the store
    graph = store.trial_graph("NCT06038552")        # rdflib.Graph of one trial
    g = trialkg.analytics.trial_drug_graph(store)   # networkx bipartite graph
"""

from __future__ import annotations

from trialkg import analytics
from trialkg.build import BuildOptions, BuildReport, build, build_trials
from trialkg.query import QueryResult, run_query
from trialkg.readers import read_paths
from trialkg.resources import example_records
from trialkg.store import TrialStore, open_store
from trialkg.validate import validate_store
from trialkg.version import __version__

__all__ = [
    "BuildOptions",
    "BuildReport",
    "QueryResult",
    "TrialStore",
    "__version__",
    "analytics",
    "build",
    "build_trials",
    "example_records",
    "open_store",
    "read_paths",
    "run_query",
    "validate_store",
]
