"""trialkg: a knowledge-graph builder for clinical trials.

The library API, for notebooks and scripts::

    import trialkg
    kg = trialkg.open_store("my-store")        # or trialkg.open_store() in memory
    kg.build(["records/"])                     # files, directories, zips
    rows = kg.query("shared-drugs")            # a named query or SPARQL text
    graph = kg.rdflib_graph()                  # an rdflib.Dataset of the store
    g = trialkg.analytics.trial_drug_graph(kg) # a networkx graph
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("trialkg")
except PackageNotFoundError:  # running from a source checkout without installing
    __version__ = "0.1.0"

__all__ = ["__version__"]
