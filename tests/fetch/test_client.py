"""The client's waits: backoff with jitter, Retry-After in both forms, the pace."""

from __future__ import annotations

import email.utils
import random

import pytest

from tests.fetch.api_server import ApiServer, load_studies
from tests.fetch.conftest import options
from trialkg.errors import FetchError
from trialkg.fetch import Client, HttpOptions, SearchQuery, fetch, output_for
from trialkg.fetch.client import retry_after_seconds


def test_backoff_doubles_with_jitter_up_to_its_cap() -> None:
    client = Client(HttpOptions(backoff=2.0, max_backoff=60.0), rng=random.Random(7))
    for attempt, base in [(1, 2.0), (2, 4.0), (3, 8.0), (4, 16.0), (5, 32.0), (6, 60.0), (9, 60.0)]:
        waits = [client.backoff(attempt) for _ in range(200)]
        assert base / 2 <= min(waits) < max(waits) <= base
    assert client.backoff(1, retry_after=30.0) == 30.0  # the server's word is the floor
    client.close()


def test_retry_after_in_seconds_or_as_an_http_date() -> None:
    assert retry_after_seconds("120") == 120.0
    now = 1_800_000_000.0
    assert retry_after_seconds(email.utils.formatdate(now + 90, usegmt=True), now=now) == 90.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_a_retry_after_too_long_to_wait_is_given_up_on_at_once(
    api: ApiServer, tmp_path: object
) -> None:
    api.fault("429", page=1, retry_after=3600)
    with pytest.raises(FetchError, match=r"page 1: the server asks for a pause of 3600 s"):
        fetch(SearchQuery(), output_for(f"{tmp_path}/out"), options(api, max_retry_after=60))
    assert len(api.requests) == 1


def test_requests_keep_their_pace(api: ApiServer, tmp_path: object) -> None:
    slept: list[float] = []
    client = Client(HttpOptions(delay=0.2), sleep=slept.append)
    for _ in range(3):
        client.get_json(api.url + "/studies", {"pageSize": "1"}, what="a page")
    client.close()
    assert len(slept) == 2 and all(0.0 < s <= 0.2 for s in slept)


def test_studies_without_an_nct_id_are_named_and_make_it_incomplete(tmp_path: object) -> None:
    studies = load_studies()[:12]
    del studies[4]["protocolSection"]["identificationModule"]["nctId"]
    api = ApiServer(studies).start()
    try:
        report = fetch(SearchQuery(), output_for(f"{tmp_path}/out"), options(api, page_size=5))
    finally:
        api.stop()
    assert report.without_id == ["page 1, study 5"] and report.written == 11
    assert not report.complete
    assert report.completeness().startswith(
        "incomplete: 1 study had no NCT id (protocolSection.identificationModule.nctId) "
        "and was not written (page 1, study 5)"
    )
