"""Fetching records from the ClinicalTrials.gov API v2, and keeping a store current."""

from trialkg.fetch.client import USER_AGENT, Client, HttpOptions
from trialkg.fetch.output import FolderOutput, LinesOutput, Output, output_for
from trialkg.fetch.pager import FetchOptions, FetchReport, fetch
from trialkg.fetch.query import DEFAULT_API_URL, MAX_PAGE_SIZE, SearchQuery

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
