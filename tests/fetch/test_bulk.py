"""The bulk download: streamed, resumed with range requests, checked as a whole zip."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pytest

import trialkg
from tests.fetch.api_server import ApiServer
from tests.fetch.conftest import FAST
from trialkg.errors import FetchError
from trialkg.fetch.bulk import download


@pytest.fixture
def api(api: ApiServer) -> ApiServer:
    """The test server with its zip made: made on the first request instead, it kept the
    response's head back past the client's half-second read timeout on a busy machine,
    and a retry the test did not plan for took the next fault (a flaky failure)."""
    api.zip_bytes  # noqa: B018 (a cached property: made here, once)
    return api


def downloads(api: ApiServer) -> list[dict[str, str]]:
    return [headers for path, _, headers in api.requests if path == "/api/v2/studies/download"]


def test_downloads_a_complete_zip_that_build_reads(api: ApiServer, tmp_path: Path) -> None:
    report = download(str(tmp_path / "bulk"), api_url=api.url, http=FAST)
    target = tmp_path / "bulk" / "ctg-studies.json.zip"
    assert target.read_bytes() == api.zip_bytes
    assert report.members == 110 and report.resumed_at == 0
    assert not list((tmp_path / "bulk").glob(".*"))
    store = trialkg.open_store()
    built = trialkg.build(store, [target])
    assert built.built == 110 and built.rejected == 0


def test_a_broken_connection_resumes_with_a_range_request(api: ApiServer, tmp_path: Path) -> None:
    cut_at = len(api.zip_bytes) // 3
    api.fault("cut", at=cut_at)
    reasons: list[str] = []
    report = download(
        str(tmp_path / "all.zip"),
        api_url=api.url,
        http=FAST,
        on_retry=lambda what, reason, wait, attempt: reasons.append(reason),
    )
    assert (tmp_path / "all.zip").read_bytes() == api.zip_bytes
    assert report.resumed_at == cut_at
    first, second = downloads(api)
    assert "Range" not in first
    assert second["Range"] == f"bytes={cut_at}-" and second["If-Range"].startswith('"')
    assert len(reasons) == 1


def test_a_server_that_ignores_the_range_sends_it_all_again(api: ApiServer, tmp_path: Path) -> None:
    api.fault("cut", at=1000)
    api.fault("norange")
    report = download(str(tmp_path / "all.zip"), api_url=api.url, http=FAST)
    assert (tmp_path / "all.zip").read_bytes() == api.zip_bytes
    assert report.resumed_at == 0 and report.members == 110


def test_an_interrupted_run_resumes_on_the_next_run(api: ApiServer, tmp_path: Path) -> None:
    for _ in range(FAST.tries):
        api.fault("cut", at=0)  # the first run gets some bytes, then nothing more
    api.faults[0].options["at"] = 5000
    with pytest.raises(FetchError, match=r"the bulk download: gave up after 4 tries at 5,000"):
        download(str(tmp_path / "all.zip"), api_url=api.url, http=FAST)
    assert not (tmp_path / "all.zip").exists()
    assert (tmp_path / ".all.zip.part").stat().st_size == 5000
    report = download(str(tmp_path / "all.zip"), api_url=api.url, http=FAST)
    assert report.resumed_at == 5000
    assert (tmp_path / "all.zip").read_bytes() == api.zip_bytes


def test_a_damaged_zip_never_takes_its_name(api: ApiServer, tmp_path: Path) -> None:
    data = bytearray(api.zip_bytes)
    data[200:260] = bytes(60)  # inside the first member's compressed data
    api.__dict__["zip_bytes"] = bytes(data)
    with pytest.raises(FetchError, match="not a complete zip"):
        download(str(tmp_path / "all.zip"), api_url=api.url, http=replace(FAST, tries=2))
    assert not (tmp_path / "all.zip").exists() and not (tmp_path / ".all.zip.part").exists()


def test_a_whole_download_left_unchecked_is_checked_and_named(
    api: ApiServer, tmp_path: Path
) -> None:
    """A run killed after the last byte but before the check: the next asks for nothing more."""
    (tmp_path / ".all.zip.part").write_bytes(api.zip_bytes)
    etag = '"' + hashlib.sha256(api.zip_bytes).hexdigest()[:16] + '"'
    (tmp_path / ".all.zip.part.json").write_text(json.dumps({"ETag": etag}))
    report = download(str(tmp_path / "all.zip"), api_url=api.url, http=FAST)
    assert report.members == 110 and report.resumed_at == len(api.zip_bytes)
    assert downloads(api)[0]["Range"] == f"bytes={len(api.zip_bytes)}-"
    assert (tmp_path / "all.zip").read_bytes() == api.zip_bytes
