"""The API v2 test server, started on 127.0.0.1 for each test that asks for it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from tests.fetch.api_server import ApiServer
from trialkg.fetch import FetchOptions, HttpOptions

# Fast tries for the tests: no pace, short waits, a short read timeout.
FAST = HttpOptions(delay=0.0, tries=4, backoff=0.01, max_backoff=0.05, read_timeout=0.5)


@pytest.fixture
def api() -> Iterator[ApiServer]:
    server = ApiServer().start()
    yield server
    server.stop()


def options(api: ApiServer, page_size: int = 25, **http: float) -> FetchOptions:
    return FetchOptions(
        api_url=api.url,
        page_size=page_size,
        http=replace(FAST, **http),
    )
