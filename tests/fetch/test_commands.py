"""`trialkg fetch` and `trialkg update` on the command line, against the test server."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import REPO
from tests.fetch.api_server import ApiServer, load_studies, nct
from trialkg.cli import main

ALL = load_studies()
FAST = ["--delay", "0", "--backoff", "0.01", "--timeout", "0.5", "--tries", "3"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_fetch_then_build_the_folder(api: ApiServer, tmp_path: Path) -> None:
    out = tmp_path / "cisplatin"
    code, stdout, _ = run(
        "fetch", "--intervention", "cisplatin", "-o", str(out), "--api-url", api.url, *FAST
    )
    assert code == 0, stdout
    ids = sorted(p.stem for p in out.glob("NCT*.json"))
    assert ids and "complete: all" in stdout and f"studies: {len(ids)} in 1 page ->" in stdout
    code, stdout, _ = run("build", str(out), "--store", str(tmp_path / "store"), "--workers", "1")
    assert code == 0 and f"built: {len(ids)}" in stdout


def test_fetch_json_lines_gz_then_build(api: ApiServer, tmp_path: Path) -> None:
    out = tmp_path / "lung.jsonl.gz"
    code, stdout, _ = run(
        "fetch",
        "--condition",
        "lung",
        "-o",
        str(out),
        "--api-url",
        api.url,
        "--page-size",
        "40",
        *FAST,
    )
    assert code == 0, stdout
    with gzip.open(out, "rt") as handle:
        count = sum(1 for _ in handle)
    assert count > 40
    code, stdout, _ = run("build", str(out), "--store", str(tmp_path / "store"), "--workers", "1")
    assert code == 0 and f"records read: {count}, built: {count}, rejected: 0" in stdout


def test_fewer_studies_than_counted_exits_1(api: ApiServer, tmp_path: Path) -> None:
    api.fault("total", page=1, offset=4)
    code, stdout, _ = run("fetch", "-o", str(tmp_path / "all"), "--api-url", api.url, *FAST)
    assert code == 1
    assert "incomplete: the registry counts 114 studies, 110 came (4 missing)" in stdout


def test_giving_up_exits_1_and_names_the_page(api: ApiServer, tmp_path: Path) -> None:
    for _ in range(3):
        api.fault("500", page=2)
    code, _, stderr = run(
        "fetch", "-o", str(tmp_path / "all"), "--api-url", api.url, "--page-size", "50", *FAST
    )
    assert code == 1
    assert "error: page 2: gave up after 3 tries; the last: HTTP 500" in stderr
    assert "page 2: HTTP 500 Internal Server Error; try 2 in" in stderr
    assert "run the same command again to resume" in stderr
    code, stdout, stderr = run(
        "fetch", "-o", str(tmp_path / "all"), "--api-url", api.url, "--page-size", "50", *FAST
    )
    assert code == 0 and "resuming at page 2 (50 studies already in)" in stderr
    assert "(resumed at page 2)" in stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "last week"], "'last week' is not a date; give it as YYYY-MM-DD"),
        (["--ids", "NCT123"], "not an NCT id (NCT and 8 digits): NCT123"),
        (["--status", "OPEN"], "unknown status OPEN"),
        (["--bulk", "--condition", "asthma"], "--bulk downloads every study"),
        ([], "give a folder (one NCT….json per study) or a .jsonl"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    output = str(tmp_path / ("x.json" if not args else "x"))
    code, _, stderr = run("fetch", *args, "-o", output, "--api-url", "http://127.0.0.1:9/api/v2")
    assert code == 2 and message in stderr


def test_a_query_the_server_refuses_exits_2(api: ApiServer, tmp_path: Path) -> None:
    code, _, stderr = run(
        "fetch",
        "--advanced",
        "AREA[Phase",
        "-o",
        str(tmp_path / "x"),
        "--api-url",
        api.url,
        "--page-size",
        "1000",
        *FAST,
    )
    assert code == 2 and "page 1: the server refused the request: HTTP 400" in stderr
    assert "unbalanced brackets" in stderr
    assert len(api.requests) == 1  # refused: never tried again
    code, _, stderr = run("fetch", "-o", str(tmp_path / "y"), "--api-url", api.url[:-3], *FAST)
    assert code == 2 and "page 1: the server refused the request: HTTP 404" in stderr


def test_help_lists_the_filters_with_examples() -> None:
    code, stdout, _ = run("fetch", "--help")
    for option in (
        "--query",
        "--condition",
        "--intervention",
        "--sponsor",
        "--status",
        "--advanced",
        "--since",
        "--ids",
        "--bulk",
        "--api-url",
        "--delay",
    ):
        assert option in stdout
    assert "trialkg fetch --intervention imatinib -o imatinib/" in stdout
    assert code == 0


def test_bulk_on_the_command_line(api: ApiServer, tmp_path: Path) -> None:
    code, stdout, _ = run("fetch", "--bulk", "-o", str(tmp_path), "--api-url", api.url, *FAST)
    assert code == 0 and "complete: a whole zip of 110 studies" in stdout
    assert (tmp_path / "ctg-studies.json.zip").read_bytes() == api.zip_bytes


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGINT])
def test_a_killed_process_resumes_from_its_last_page(
    api: ApiServer, tmp_path: Path, signum: int
) -> None:
    """The real thing: the fetch process is killed (or stopped with Ctrl-C) while it waits
    for page 3."""
    out = tmp_path / "all.jsonl"
    api.fault("hang", page=3, seconds=30)
    command = [
        sys.executable,
        "-m",
        "trialkg",
        "fetch",
        "-o",
        str(out),
        "--api-url",
        api.url,
        "--page-size",
        "20",
        "--delay",
        "0",
        "--timeout",
        "60",
    ]
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert api.reached(3).wait(30), "the fetch never asked for page 3"
        process.send_signal(signum)
    finally:
        _, stderr = process.communicate(timeout=30)
    if signum == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
    else:
        assert process.returncode == 1 and b"Traceback" not in stderr
        assert b"stopped: what came is kept; run the same command again to resume" in stderr
    state = json.loads((tmp_path / ".all.jsonl.fetch.json").read_text())
    assert state["pages"] == 2 and state["received"] == 40 and not out.exists()
    api.faults.clear()
    before = len(api.requests)
    code, _, stderr = run("fetch", "-o", str(out), "--api-url", api.url, "--page-size", "20", *FAST)
    assert code == 0, stderr
    assert api.requests[before][1]["pageToken"]  # the first request of the resume: page 3
    assert [nct(json.loads(line)) for line in out.read_text().splitlines()] == [nct(s) for s in ALL]


def test_progress_lines_tell_the_time_left() -> None:
    from trialkg.fetch.command import Messages

    studies = Messages(progress=True, quiet=False)
    assert studies.line(2000, 5000, 4.0) == (
        "2,000 of 5,000 studies, 500 studies/s, 3,000 to go, ETA 0:06"
    )
    download = Messages(progress=True, quiet=False, unit="bytes")
    assert download.line(500_000_000, 2_500_000_000, 100.0) == (
        "500.0 of 2,500.0 MB, 5.0 MB/s, ETA 6:40"
    )


def test_build_validate_query_and_export_never_load_the_http_client(tmp_path: Path) -> None:
    script = f"""
import sys
from click.testing import CliRunner
from trialkg.cli import main
store = {str(tmp_path / "store")!r}
records = {str(sorted((REPO / "tests" / "fixtures" / "json").glob("*.json"))[0])!r}
for args in (["build", records, "--workers", "1"], ["validate"], ["query", "shared-drugs"],
             ["export", "--format", "nquads", "-o", {str(tmp_path / "x.nq")!r}], ["stats"]):
    result = CliRunner().invoke(main, [*args, "--store", store])
    assert result.exit_code in (0, 1), (args, result.output)
assert "httpx" not in sys.modules
print("no http client")
"""
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "no http client"
