"""Fetching records from the ClinicalTrials.gov API v2, and keeping a store current.

The names that need the HTTP client load it when first used, so that importing
the options (the command line does, for its defaults) does not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trialkg.fetch.options import DEFAULT_API_URL, MAX_PAGE_SIZE, FetchOptions, HttpOptions
from trialkg.fetch.output import FolderOutput, LinesOutput, Output, output_for
from trialkg.fetch.query import SearchQuery

if TYPE_CHECKING:
    from trialkg.fetch.client import USER_AGENT, Client
    from trialkg.fetch.pager import FetchReport, fetch

_LAZY = {
    "USER_AGENT": "trialkg.fetch.client",
    "Client": "trialkg.fetch.client",
    "FetchReport": "trialkg.fetch.pager",
    "fetch": "trialkg.fetch.pager",
}

__all__ = [
    "DEFAULT_API_URL",
    "MAX_PAGE_SIZE",
    "USER_AGENT",
    "Client",
    "FetchOptions",
    "FetchReport",
    "FolderOutput",
    "HttpOptions",
    "LinesOutput",
    "Output",
    "SearchQuery",
    "fetch",
    "output_for",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'trialkg.fetch' has no attribute {name!r}")
