"""`trialkg serve`: a SPARQL protocol endpoint on 127.0.0.1 that answers as `trialkg query`."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import trialkg
from trialkg.cli import main
from trialkg.query import named_queries, resolve_drug
from trialkg.serve import GRACE_SECONDS, Server, free_port

TRIALKG = shutil.which("trialkg", path=str(Path(sys.executable).parent))
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
# The parameterised named queries: a drug that means two nodes (docetaxel, of 7 trials;
# gefitinib, whose trials report adverse events for groups linked to its arms), one trial.
PARAMS = {
    "trials-for-drug": {"drug": "docetaxel"},
    "adverse-events-summary": {"drug": "gefitinib"},
    "outcome-results": {"trial": "NCT02369484"},
}


@pytest.fixture(scope="module")
def server(json_store_folder: Path) -> Iterator[Server]:
    with Server(json_store_folder, port=free_port()) as running:
        yield running


def http_query(url: str, text: str, accept: str) -> bytes:
    """A SPARQL protocol query by POST of a form, the result format chosen by Accept."""
    body = urllib.parse.urlencode({"query": text}).encode()
    request = urllib.request.Request(
        url,
        data=body,
        headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.headers["Content-Type"].startswith(accept)
        return bytes(response.read())


def endpoint_text(store_path: Path, name: str) -> str:
    """The named query with its parameters as a VALUES clause, for any endpoint."""
    params = PARAMS.get(name, {})
    # As it runs with these parameters: a group marked "# if drug" goes when no drug is given.
    query = named_queries()[name].given(params)
    if not params:
        return query.sparql
    if "drug" not in params:
        values = " ".join(f'VALUES ?{key} {{ "{value}" }}' for key, value in params.items())
        return f"{query.sparql}\n{values}\n"
    with trialkg.open_store(store_path, read_only=True) as store:
        nodes = resolve_drug(store, params["drug"])
    assert len(nodes) == 2  # the name and its MeSH node (mesh:D000077143 ...): it means both
    values = " ".join(f"<{node.value}>" for node in nodes)
    return f"{query.sparql}\nVALUES ?drug {{ {values} }}\n"


Rows = list[tuple[str | None, ...]]


def merged(rows: Rows) -> Rows:
    """Rows as `trialkg query` gives those of a parameter meaning several nodes: the
    parameter's column left out, each row once, sorted."""
    return sorted(set(rows), key=lambda row: tuple(c or "" for c in row))


_DECIMAL = re.compile(r"-?\d+\.\d+|-?\d+")


def numbers_alike(rows: Rows) -> Rows:
    """Rows with each decimal number in one spelling: the command line prints an
    xsd:decimal as a Python float (0.0), an endpoint as its canonical form (0)."""

    def cell(value: str | None) -> str | None:
        if value is None or not _DECIMAL.fullmatch(value):
            return value
        return str(Decimal(value).normalize())

    return [tuple(cell(c) for c in row) for row in rows]


def cli_query(store_path: Path, name: str, fmt: str) -> str:
    args = ["query", name, "--store", str(store_path), "--format", fmt]
    for key, value in PARAMS.get(name, {}).items():
        args += ["--param", f"{key}={value}"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


def json_rows(document: bytes | str, columns: list[str]) -> list[tuple[str | None, ...]]:
    bindings = json.loads(document)["results"]["bindings"]
    return [tuple(b[c]["value"] if c in b else None for c in columns) for b in bindings]


def csv_rows(text: str, columns: list[str]) -> list[tuple[str | None, ...]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    return [tuple(row[c] or None for c in columns) for row in reader]


def xml_rows(document: bytes, columns: list[str]) -> list[tuple[str | None, ...]]:
    rows = []
    for result in ET.fromstring(document).iter(f"{RESULTS_NS}result"):
        values: dict[str, str] = {}
        for binding in result.iter(f"{RESULTS_NS}binding"):
            term = next(iter(binding))
            values[binding.attrib["name"]] = term.text or ""
        rows.append(tuple(values.get(c) for c in columns))
    return rows


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_each_named_query_over_http_gives_the_rows_of_trialkg_query(
    server: Server, json_store_folder: Path, name: str
) -> None:
    local_json = cli_query(json_store_folder, name, "json")
    columns = json.loads(local_json)["head"]["vars"]
    expected = json_rows(local_json, columns)
    assert expected, f"{name} has no rows on the fixtures: the comparison would prove nothing"
    assert csv_rows(cli_query(json_store_folder, name, "csv"), columns) == expected

    text = endpoint_text(json_store_folder, name)
    shape = merged if "drug" in PARAMS.get(name, {}) else list
    expected = shape(numbers_alike(expected))
    remote_json = http_query(server.query_url, text, "application/sparql-results+json")
    assert shape(numbers_alike(json_rows(remote_json, columns))) == expected
    remote_csv = http_query(server.query_url, text, "text/csv").decode()
    assert shape(numbers_alike(csv_rows(remote_csv, columns))) == expected
    remote_xml = http_query(server.query_url, text, "application/sparql-results+xml")
    assert shape(numbers_alike(xml_rows(remote_xml, columns))) == expected


def test_the_default_graph_is_the_union_and_writes_are_refused(server: Server) -> None:
    count = (
        "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a <https://w3id.org/trialkg/vocab#Trial> }"
    )
    rows = json_rows(http_query(server.query_url, count, "application/sparql-results+json"), ["n"])
    assert rows == [("110",)]
    update = urllib.request.Request(
        server.url + "update",
        data=urllib.parse.urlencode({"update": "CLEAR ALL"}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(update, timeout=30)
    again = json_rows(http_query(server.query_url, count, "application/sparql-results+json"), ["n"])
    assert again == [("110",)]


def test_the_query_page_is_at_the_root(server: Server) -> None:
    with urllib.request.urlopen(server.url, timeout=30) as response:
        page = response.read().decode()
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<title>Oxigraph server</title>" in page


def test_relative_iris_resolve_against_the_address_the_client_asked(server: Server) -> None:
    """The front passes the client's Host on: the server's base IRI is the public one."""
    text = "SELECT ?b WHERE { BIND(<relative> AS ?b) }"
    answer = http_query(server.query_url, text, "application/sparql-results+json")
    assert json_rows(answer, ["b"]) == [(server.url + "relative",)]


def test_a_missing_store_is_refused_with_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["serve", "--store", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "no trialkg store at" in result.output


def test_a_store_being_built_is_refused(json_store_folder: Path, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    shutil.copytree(json_store_folder, folder)
    with trialkg.open_store(folder):  # a writer holds the store, as a build does
        result = CliRunner().invoke(main, ["serve", "--store", str(folder)])
    assert result.exit_code == 2
    assert "is being written" in result.output


def test_a_taken_port_is_refused(json_store_folder: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            main, ["serve", "--store", str(json_store_folder), "--port", str(port)]
        )
    assert result.exit_code == 2
    assert f"port {port} on 127.0.0.1 is in use" in result.output


@pytest.mark.skipif(TRIALKG is None, reason="the trialkg command is not installed")
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_the_command_serves_until_ctrl_c_and_exits_0(
    json_store_folder: Path, tmp_path: Path, stop: signal.Signals
) -> None:
    folder = tmp_path / "store"
    shutil.copytree(json_store_folder, folder)
    port = free_port()
    command = [str(TRIALKG), "serve", "--store", str(folder), "--port", str(port)]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A shell runs background commands with SIGINT ignored; a terminal does not.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        env={**os.environ},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert f"at http://127.0.0.1:{port}/" in line
        text = "ASK { ?t a <https://w3id.org/trialkg/vocab#Trial> }"
        answer = http_query(
            f"http://127.0.0.1:{port}/query", text, "application/sparql-results+json"
        )
        assert json.loads(answer)["boolean"] is True
        process.send_signal(stop)
        code = process.wait(timeout=30)
        errors = process.stderr.read() if process.stderr else ""
        assert (code, errors) == (0, "stopped\n")
    finally:
        if process.poll() is None:
            process.kill()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the server went with the command
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                break
        time.sleep(0.1)
    else:
        pytest.fail("the oxigraph server still listens after the command stopped")
    # The store is free again: a writer may open it.
    with trialkg.open_store(folder):
        pass


# Three patterns with no variable in common: the server joins them in memory, and its
# own timeout, checked only when the evaluator reads the store, never fires (over the
# 65,659 quads of these records the count would run for hours).
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# Three sets of 1,141 sites: the server's timeout stops this one itself, in the middle
# of a 200 answer it has begun.
CANCELLED = (
    "PREFIX tkg: <https://w3id.org/trialkg/vocab#> SELECT (COUNT(*) AS ?n) "
    "WHERE { ?a a tkg:Site . ?b a tkg:Site . ?c a tkg:Site }"
)
TRIALS = "SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE { ?t a <https://w3id.org/trialkg/vocab#Trial> }"


def refused(url: str, text: str) -> tuple[int, str, float]:
    started = time.monotonic()
    with pytest.raises(urllib.error.HTTPError) as error:
        http_query(url, text, "application/sparql-results+json")
    return error.value.code, error.value.read().decode(), time.monotonic() - started


def test_a_query_past_the_timeout_is_stopped_and_the_server_answers_again(
    json_store_folder: Path,
) -> None:
    with Server(json_store_folder, port=free_port(), timeout=1) as server:
        first = server.pid
        code, message, took = refused(server.query_url, RUNAWAY)
        assert code == 503
        assert "ran past the server's time limit of 1 s" in message
        # The front stopped it at the limit and its grace, by ending the server's process.
        assert took < 1 + GRACE_SECONDS + 5
        answer = http_query(server.query_url, TRIALS, "application/sparql-results+json")
        assert json_rows(answer, ["n"]) == [("110",)]
        assert server.restarts == 1 and server.pid != first
        if sys.platform == "linux":  # the process that ran the query is gone
            assert not Path(f"/proc/{first}").exists()

        # A query the server's timeout stops itself gets the same refusal, with no restart.
        code, message, _ = refused(server.query_url, CANCELLED)
        assert (code, server.restarts) == (503, 1)
        assert "time limit of 1 s" in message


def test_the_timeout_leaves_a_long_answer_whole(json_store_folder: Path) -> None:
    """An answer past the front's buffer streams through it, chunk by chunk."""
    text = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    with Server(json_store_folder, port=free_port(), timeout=60) as server:
        served = http_query(server.query_url, text, "text/csv")
        (total,) = json_rows(
            http_query(server.query_url, count, "application/sparql-results+json"), ["n"]
        )
    assert len(served) > 1 << 20  # more than the front holds
    rows = list(csv.reader(io.StringIO(served.decode(), newline="")))
    assert rows[0] == ["s", "p", "o"]
    assert (str(len(rows) - 1),) == total
