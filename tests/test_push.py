"""`trialkg push`: the store into a Graph Store Protocol endpoint on 127.0.0.1."""

from __future__ import annotations

import base64
import json
import shutil
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

import trialkg
from trialkg.cli import main
from trialkg.push import STATE_FILE, PushError, authorization, push
from trialkg.query import named_queries
from trialkg.serve import Server, free_port


@pytest.fixture
def store_folder(json_store_folder: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    shutil.copytree(json_store_folder, folder)
    return folder


@pytest.fixture
def endpoint(tmp_path: Path) -> Iterator[Server]:
    """An empty Oxigraph server, read-write, its default graph the union of all."""
    with Server(tmp_path / "remote", port=free_port(), read_only=False) as server:
        yield server


def remote_rows(server: Server, name: str) -> list[tuple[str, ...]]:
    named = named_queries()[name]
    text = named.sparql
    request = urllib.request.Request(
        server.query_url,
        data=urllib.parse.urlencode({"query": text}).encode(),
        headers={"Accept": "application/sparql-results+json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        document = json.load(response)
    # A parameter left out is projected unbound over HTTP; `trialkg query` drops its column.
    columns = [c for c in document["head"]["vars"] if c not in named.params]
    return [tuple(b[c]["value"] for c in columns) for b in document["results"]["bindings"]]


def local_rows(folder: Path, name: str) -> list[tuple[str, ...]]:
    with trialkg.open_store(folder, read_only=True) as store:
        return [tuple(str(c) for c in row) for row in trialkg.run_query(store, name).rows]


def run_push(folder: Path, url: str, *extra: str) -> str:
    result = CliRunner().invoke(main, ["push", "--endpoint", url, "--store", str(folder), *extra])
    assert result.exit_code == 0, result.output
    return result.output


def test_after_a_push_the_endpoint_answers_as_the_store(
    store_folder: Path, endpoint: Server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    with trialkg.open_store(store_folder, read_only=True) as store:
        graphs = len(store.graph_names())
    first = run_push(store_folder, endpoint.store_url)
    assert f"pushed {graphs} graphs" in first and "unchanged 0, deleted 0" in first
    for name in ("shared-drugs", "shared-conditions", "sponsors", "sites-by-country"):
        assert remote_rows(endpoint, name) == local_rows(store_folder, name), name
    assert local_rows(store_folder, "shared-drugs")

    again = run_push(store_folder, endpoint.store_url)
    assert f"pushed 0 graphs (0 statements), unchanged {graphs}, deleted 0" in again

    # Removing a trial changes its graphs, the shared graph and the summary: only those go.
    removed = CliRunner().invoke(main, ["remove", "NCT04811001", "--store", str(store_folder)])
    assert removed.exit_code == 0, removed.output
    third = run_push(store_folder, endpoint.store_url)
    # The shared and summary graphs; the trial's.
    assert "pushed 2 graphs" in third and "deleted 1" in third
    assert remote_rows(endpoint, "shared-drugs") == local_rows(store_folder, "shared-drugs")
    state = json.loads((store_folder / STATE_FILE).read_text())
    assert len(state[endpoint.store_url]) == graphs - 1


class Recorder(BaseHTTPRequestHandler):
    """A Graph Store endpoint that records what it is sent, failing the first few PUTs."""

    failures = 0
    refuse = False
    seen: list[tuple[str, str, str | None, int]]

    def do_PUT(self) -> None:
        length = int(self.headers["Content-Length"] or 0)
        body = self.rfile.read(length)
        graph = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["graph"][0]
        self.seen.append(("PUT", graph, self.headers["Authorization"], body.count(b"\n")))
        if type(self).refuse:
            self.send_response(401)
        elif type(self).failures > 0:
            type(self).failures -= 1
            self.send_response(503)
        else:
            self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def recorder() -> Iterator[tuple[str, type[Recorder]]]:
    handler = type("Handler", (Recorder,), {"seen": [], "failures": 0, "refuse": False})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/ds/data", handler
    finally:
        server.shutdown()
        server.server_close()


def test_a_token_from_the_environment_is_sent_and_failures_are_retried(
    seed_store: trialkg.TrialStore,
    recorder: tuple[str, type[Recorder]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, handler = recorder
    handler.failures = 2
    monkeypatch.setenv("TRIALKG_PUSH_TOKEN", "s3cret")
    report = push(seed_store, url, pause=0.01)
    graphs = seed_store.graph_names()
    assert report.sent == len(graphs) and report.attempts == len(graphs) + 2
    assert {auth for _, _, auth, _ in handler.seen} == {"Bearer s3cret"}
    assert sorted({graph for _, graph, _, _ in handler.seen}) == graphs
    assert report.statements == len(seed_store)


def test_netrc_gives_basic_credentials_for_the_host(tmp_path: Path) -> None:
    netrc_file = tmp_path / "netrc"
    netrc_file.write_text("machine db.example.org login ana password p4ss\n")
    netrc_file.chmod(0o600)
    header = authorization(
        "https://db.example.org/repositories/trials/rdf-graphs/service", {"NETRC": str(netrc_file)}
    )
    assert header == "Basic " + base64.b64encode(b"ana:p4ss").decode()
    assert authorization("http://other.example.org/ds/data", {"NETRC": str(netrc_file)}) is None
    with pytest.raises(PushError, match="set both"):
        authorization("http://x/ds", {"TRIALKG_PUSH_USER": "ana"})


def test_a_refused_login_stops_with_exit_2(
    store_folder: Path, recorder: tuple[str, type[Recorder]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, handler = recorder
    handler.refuse = True
    monkeypatch.setenv("TRIALKG_PUSH_USER", "ana")
    monkeypatch.setenv("TRIALKG_PUSH_PASSWORD", "wrong")
    result = CliRunner().invoke(main, ["push", "--endpoint", url, "--store", str(store_folder)])
    assert result.exit_code == 2
    assert "HTTP 401" in result.output and "TRIALKG_PUSH_TOKEN" in result.output
    assert len(handler.seen) == 1  # a refusal is not retried
    assert handler.seen[0][2] == "Basic " + base64.b64encode(b"ana:wrong").decode()


def test_an_unreachable_endpoint_is_an_error_after_the_retries(
    seed_store: trialkg.TrialStore,
) -> None:
    url = f"http://127.0.0.1:{free_port()}/store"
    with pytest.raises(PushError, match=r"cannot reach .* \(after 3 attempts\)"):
        push(seed_store, url, retries=2, pause=0.01, auth=None)
