"""Paging, completeness and every fault case against the API v2 test server."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from tests.fetch.api_server import ApiServer, load_studies, nct
from tests.fetch.conftest import options
from trialkg.errors import FetchError
from trialkg.fetch import SearchQuery, fetch, output_for
from trialkg.fetch.client import USER_AGENT

ALL = load_studies()


def last_update(study: dict[str, Any]) -> str:
    return str(study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"])


def ids_in(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("NCT*.json"))


def studies_requests(api: ApiServer) -> list[dict[str, str]]:
    return [params for path, params, _ in api.requests if path == "/api/v2/studies"]


def test_pages_to_the_end_repeating_every_parameter(api: ApiServer, tmp_path: Path) -> None:
    query = SearchQuery.parse(condition="lung", statuses=("COMPLETED",))
    report = fetch(query, output_for(str(tmp_path / "out")), options(api, page_size=3))
    expected = [
        nct(s)
        for s in ALL
        if s["protocolSection"]["statusModule"]["overallStatus"] == "COMPLETED"
        and "lung"
        in json.dumps(s["protocolSection"].get("conditionsModule")).lower()
        + json.dumps(s["protocolSection"]["identificationModule"]).lower()
    ]
    assert len(expected) > 6  # at least three pages of 3
    assert ids_in(tmp_path / "out") == expected
    assert report.complete and report.total == len(expected) == report.written
    requests = studies_requests(api)
    assert len(requests) == report.pages == -(-len(expected) // 3)
    for index, params in enumerate(requests):
        assert params["query.cond"] == "lung"
        assert params["filter.overallStatus"] == "COMPLETED"
        assert params["pageSize"] == "3"
        assert ("pageToken" in params) == (index > 0)
        assert ("countTotal" in params) == (index == 0)
    assert all(h["User-Agent"] == USER_AGENT for _, _, h in api.requests)
    # Each file is the study as served: the same record gives the same bytes.
    first = json.loads((tmp_path / "out" / f"{expected[0]}.json").read_text())
    assert first == next(s for s in ALL if nct(s) == expected[0])
    assert not (tmp_path / "out" / ".trialkg-fetch.json").exists()


def test_json_lines_and_gzip_hold_each_study_once(api: ApiServer, tmp_path: Path) -> None:
    for name in ("all.jsonl", "all.jsonl.gz"):
        target = tmp_path / name
        report = fetch(SearchQuery(), output_for(str(target)), options(api, page_size=30))
        opener = gzip.open if name.endswith(".gz") else open
        with opener(target, "rt", encoding="utf-8") as handle:
            lines = [json.loads(line) for line in handle]
        assert [nct(s) for s in lines] == [nct(s) for s in ALL]
        assert report.complete and report.total == len(ALL) == 110
        assert report.pages == 4
        assert not list(tmp_path.glob(".*.part"))


def test_since_and_ids_become_api_filters(api: ApiServer, tmp_path: Path) -> None:
    dates = sorted(
        s["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] for s in ALL
    )
    since = dates[-10]
    query = SearchQuery.parse(since=since, advanced=("AREA[Phase]PHASE3",))
    report = fetch(query, output_for(str(tmp_path / "since")), options(api))
    params = studies_requests(api)[0]
    assert params["filter.advanced"] == (
        f"(AREA[Phase]PHASE3) AND (AREA[LastUpdatePostDate]RANGE[{since},MAX])"
    )
    expected = sorted(
        nct(s)
        for s in ALL
        if last_update(s) >= since
        and "PHASE3" in s["protocolSection"].get("designModule", {}).get("phases", [])
    )
    assert ids_in(tmp_path / "since") == expected and report.complete
    wanted = (nct(ALL[3]), nct(ALL[40]))
    report = fetch(
        SearchQuery.parse(ids=(f"{wanted[0].lower()}, {wanted[1]}",)),
        output_for(str(tmp_path / "ids")),
        options(api),
    )
    assert ids_in(tmp_path / "ids") == sorted(wanted) and report.total == 2


def test_empty_result_is_complete(api: ApiServer, tmp_path: Path) -> None:
    report = fetch(
        SearchQuery(intervention="no-such-drug-anywhere"),
        output_for(str(tmp_path / "none")),
        options(api),
    )
    assert report.total == 0 and report.written == 0 and report.complete
    assert report.completeness() == "complete: all 0 studies the registry counts"
    assert ids_in(tmp_path / "none") == []


def test_429_waits_as_long_as_retry_after_says(api: ApiServer, tmp_path: Path) -> None:
    api.fault("429", page=2, retry_after=1)
    waits: list[tuple[str, str, float]] = []
    report = fetch(
        SearchQuery(),
        output_for(str(tmp_path / "out")),
        options(api, page_size=40),
        on_retry=lambda what, reason, wait, attempt: waits.append((what, reason, wait)),
    )
    assert report.complete and len(ids_in(tmp_path / "out")) == 110
    assert len(waits) == 1
    what, reason, wait = waits[0]
    assert what == "page 2" and "429" in reason and wait >= 1.0
    assert report.requests == 4  # three pages, one of them asked for twice


def test_500_then_success(api: ApiServer, tmp_path: Path) -> None:
    api.fault("500", page=1)
    api.fault("500", page=3)
    report = fetch(SearchQuery(), output_for(str(tmp_path / "out")), options(api, page_size=40))
    assert report.complete and report.requests == 5


def test_500_on_every_try_fails_naming_the_page(api: ApiServer, tmp_path: Path) -> None:
    for _ in range(4):
        api.fault("500", page=2)
    with pytest.raises(FetchError, match=r"page 2: gave up after 4 tries; the last: HTTP 500"):
        fetch(SearchQuery(), output_for(str(tmp_path / "out")), options(api, page_size=40))
    # The first page is kept, and the state says where to go on.
    assert len(ids_in(tmp_path / "out")) == 40
    assert json.loads((tmp_path / "out" / ".trialkg-fetch.json").read_text())["pages"] == 1


def test_a_response_that_never_comes_times_out_and_is_asked_again(
    api: ApiServer, tmp_path: Path
) -> None:
    api.fault("hang", page=2, seconds=1.5)
    reasons: list[str] = []
    report = fetch(
        SearchQuery(),
        output_for(str(tmp_path / "out")),
        options(api, page_size=40),
        on_retry=lambda what, reason, wait, attempt: reasons.append(f"{what}: {reason}"),
    )
    assert report.complete
    assert reasons == ["page 2: no response within 0.5 s"]


@pytest.mark.parametrize("kind", ["truncate", "badjson"])
def test_a_truncated_body_is_asked_again(api: ApiServer, tmp_path: Path, kind: str) -> None:
    api.fault(kind, page=2)
    reasons: list[str] = []
    report = fetch(
        SearchQuery(),
        output_for(str(tmp_path / "out.jsonl")),
        options(api, page_size=40),
        on_retry=lambda what, reason, wait, attempt: reasons.append(f"{what}: {reason}"),
    )
    assert report.complete and report.written == 110
    assert len(reasons) == 1 and reasons[0].startswith("page 2: the body is cut short")


def test_an_expired_page_token_starts_over_without_writing_twice(
    api: ApiServer, tmp_path: Path
) -> None:
    api.fault("expire", page=3)
    notices: list[str] = []
    target = tmp_path / "out.jsonl"
    report = fetch(
        SearchQuery(), output_for(str(target)), options(api, page_size=30), on_notice=notices.append
    )
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert [nct(s) for s in lines] == [nct(s) for s in ALL]
    assert report.complete and report.restarted and report.duplicates == 60
    assert any(n.startswith("page 3: the server no longer knows the page token") for n in notices)


def test_an_expired_token_twice_is_an_error_naming_the_page(api: ApiServer, tmp_path: Path) -> None:
    api.fault("expire", page=2)
    api.fault("expire", page=2)
    with pytest.raises(FetchError, match=r"page 2: the server refused the request: HTTP 400"):
        fetch(SearchQuery(), output_for(str(tmp_path / "out")), options(api, page_size=50))


def test_a_total_count_above_what_came_is_incomplete(api: ApiServer, tmp_path: Path) -> None:
    api.fault("total", page=1, offset=3)
    report = fetch(SearchQuery(), output_for(str(tmp_path / "out")), options(api, page_size=50))
    assert not report.complete and report.missing == 3
    assert report.completeness().startswith(
        "incomplete: the registry counts 113 studies, 110 came (3 missing)"
    )


def test_a_total_count_below_what_came_is_complete_and_says_so(
    api: ApiServer, tmp_path: Path
) -> None:
    api.fault("total", page=1, offset=-2)
    report = fetch(SearchQuery(), output_for(str(tmp_path / "out")), options(api, page_size=50))
    assert report.complete
    assert report.completeness() == (
        "complete: all 108 studies the registry counted, and 2 added since it counted"
    )


class Killed(Exception):
    pass


@pytest.mark.parametrize("name", ["out", "out.jsonl", "out.jsonl.gz"])
def test_killed_between_pages_resumes_at_the_next_page(
    api: ApiServer, tmp_path: Path, name: str
) -> None:
    target = str(tmp_path / name)

    def kill_after_two(report: object) -> None:
        if getattr(report, "pages", 0) == 2:
            raise Killed

    with pytest.raises(Killed):
        fetch(SearchQuery(), output_for(target), options(api, page_size=20), on_page=kill_after_two)
    assert not Path(target).exists() or Path(target).is_dir()  # no file under its name yet
    before = len(studies_requests(api))
    report = fetch(SearchQuery(), output_for(target), options(api, page_size=20))
    resumed = studies_requests(api)[before:]
    assert report.resumed_at_page == 3 and len(resumed) == 4  # pages 3..6, not 1..6
    assert all("pageToken" in params for params in resumed)
    assert report.complete and report.written == 110
    if name == "out":
        assert len(ids_in(tmp_path / name)) == 110
    else:
        opener = gzip.open if name.endswith(".gz") else open
        with opener(target, "rt", encoding="utf-8") as handle:
            assert [nct(json.loads(line)) for line in handle] == [nct(s) for s in ALL]


def test_a_half_written_page_is_cut_off_on_resume(api: ApiServer, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"

    def kill_after_one(report: object) -> None:
        if getattr(report, "pages", 0) == 1:
            raise Killed

    with pytest.raises(Killed):
        fetch(
            SearchQuery(),
            output_for(str(target)),
            options(api, page_size=50),
            on_page=kill_after_one,
        )
    part = tmp_path / ".out.jsonl.part"
    with part.open("ab") as handle:  # a page that was being appended when the kill came
        handle.write(b'{"protocolSection": {"identificationModule": {"nct')
    report = fetch(SearchQuery(), output_for(str(target)), options(api, page_size=50))
    assert report.complete
    assert [nct(json.loads(line)) for line in target.read_text().splitlines()] == [
        nct(s) for s in ALL
    ]


def test_other_arguments_start_afresh(api: ApiServer, tmp_path: Path) -> None:
    target = str(tmp_path / "out.jsonl")

    def kill(report: object) -> None:
        raise Killed

    with pytest.raises(Killed):
        fetch(SearchQuery(), output_for(target), options(api, page_size=50), on_page=kill)
    notices: list[str] = []
    report = fetch(
        SearchQuery(condition="lung"),
        output_for(target),
        options(api, page_size=50),
        on_notice=notices.append,
    )
    assert report.resumed_at_page == 0 and report.complete
    assert notices and "held an unfinished fetch of other studies" in notices[0]
    assert report.written == report.total < 110


def test_a_fresh_fetch_into_a_used_folder_says_what_stays(api: ApiServer, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    fetch(SearchQuery(condition="lung"), output_for(str(folder)), options(api, page_size=50))
    before = len(ids_in(folder))
    notices: list[str] = []
    fetch(
        SearchQuery(ids=(nct(ALL[0]),)),
        output_for(str(folder)),
        options(api),
        on_notice=notices.append,
    )
    assert notices == [
        f"{folder} holds {before:,} study files already: those this fetch brings are "
        "replaced, the others stay (use a new folder to hold this fetch alone)"
    ]
