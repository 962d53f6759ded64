"""How a fetch talks to the registry: its address, page size, pace, tries and timeouts.

Kept apart from the HTTP client so that the command line can show the defaults
without loading it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_API_URL = "https://clinicaltrials.gov/api/v2"
# The API's largest page; fewer requests means fewer chances to fail and less load on it.
MAX_PAGE_SIZE = 1000
# How many days before the store's newest record an update fetches from: the registry
# posts some records late for a day already seen.
DEFAULT_MARGIN_DAYS = 3


@dataclass(frozen=True, slots=True)
class HttpOptions:
    delay: float = 1.0  # at least this many seconds between the starts of two requests
    tries: int = 6  # attempts per request before giving up (so 5 retries)
    backoff: float = 2.0  # the wait before the first retry; it doubles with each retry
    max_backoff: float = 60.0  # the longest wait the doubling reaches
    max_retry_after: float = 900.0  # a server asking for a longer pause is given up on
    connect_timeout: float = 10.0
    read_timeout: float = 60.0  # the longest silence while waiting for a response's bytes


@dataclass(frozen=True, slots=True)
class FetchOptions:
    api_url: str = DEFAULT_API_URL
    page_size: int = MAX_PAGE_SIZE
    http: HttpOptions = field(default_factory=HttpOptions)
    restart: bool = False  # ignore what an earlier fetch into the output left
