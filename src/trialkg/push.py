"""Push a store into any triple store through the SPARQL 1.1 Graph Store Protocol.

Each named graph (every trial source, and the shared graph) goes as one
``PUT ENDPOINT?graph=IRI`` of N-Triples, which replaces that graph at the
endpoint, so a push replaces what it pushed before. What was pushed to each
endpoint is recorded beside the store (``trialkg-pushed.json``: graph -> content
hash, per endpoint); the next push to that endpoint sends only the graphs whose
hash changed, and deletes the graphs the store no longer holds. A trial graph's
hash is the source hash the build gave it; the shared graph's is a hash of its
sorted statements.

Graphs go one at a time on one kept-alive connection: sending four at once on four
connections was no faster against Oxigraph (28 ms a graph either way; the server
commits one write at a time).

Credentials come from the environment (``TRIALKG_PUSH_TOKEN`` for a bearer
token, or ``TRIALKG_PUSH_USER`` and ``TRIALKG_PUSH_PASSWORD``) or from netrc
(``~/.netrc`` or ``$NETRC``) for the endpoint's host; never from the command line.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import netrc
import os
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from trialkg.errors import TrialKGError
from trialkg.progress import OnProgress, Progress
from trialkg.store import TrialStore

STATE_FILE = "trialkg-pushed.json"
TOKEN_ENV = "TRIALKG_PUSH_TOKEN"
USER_ENV, PASSWORD_ENV = "TRIALKG_PUSH_USER", "TRIALKG_PUSH_PASSWORD"
# Statuses worth another try: the server was busy or failed for a moment.
_TRANSIENT = {408, 429, 500, 502, 503, 504}
_SAVE_EVERY = 200  # graphs between two saves of what was pushed (a cut push keeps them)


class PushError(TrialKGError):
    """The endpoint refused a graph, or could not be reached."""


@dataclass
class PushReport:
    endpoint: str
    sent: int = 0  # graphs written
    statements: int = 0  # triples in them
    unchanged: int = 0  # graphs skipped: the endpoint has them as they are
    deleted: int = 0  # graphs removed at the endpoint: the store no longer holds them
    attempts: int = 0  # HTTP requests, retries included
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"pushed {self.sent} graphs ({self.statements} statements), "
            f"unchanged {self.unchanged}, deleted {self.deleted} "
            f"({self.seconds:.1f} s) -> {self.endpoint}"
        )


def authorization(endpoint: str, environ: dict[str, str] | None = None) -> str | None:
    """The Authorization header for an endpoint, from the environment or netrc."""
    env = os.environ if environ is None else environ
    if env.get(TOKEN_ENV):
        return f"Bearer {env[TOKEN_ENV]}"
    user, password = env.get(USER_ENV), env.get(PASSWORD_ENV)
    if bool(user) != (password is not None):
        raise PushError(f"set both {USER_ENV} and {PASSWORD_ENV}, or neither")
    if not user:
        host = urllib.parse.urlsplit(endpoint).hostname or ""
        try:
            entry = netrc.netrc(env.get("NETRC")).authenticators(host)
        except FileNotFoundError:
            entry = None
        except netrc.NetrcParseError as error:
            raise PushError(f"cannot read the netrc file: {error}") from error
        if entry is None:
            return None
        user, password = entry[0], entry[2]
    token = base64.b64encode(f"{user}:{password or ''}".encode()).decode()
    return f"Basic {token}"


class _Client:
    """One kept-alive connection to the endpoint, reopened after a failure."""

    def __init__(self, endpoint: str, auth: str | None, retries: int, pause: float) -> None:
        parts = urllib.parse.urlsplit(endpoint)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise PushError(f"not an http(s) endpoint: {endpoint!r}")
        self.parts = parts
        self.auth, self.retries, self.pause = auth, retries, pause
        self.attempts = 0
        self._connection: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            kind = (
                http.client.HTTPSConnection
                if self.parts.scheme == "https"
                else http.client.HTTPConnection
            )
            self._connection = kind(self.parts.hostname or "", self.parts.port, timeout=300)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def send(self, method: str, graph: str, body: bytes | None, ok: set[int]) -> int:
        query = urllib.parse.urlencode({"graph": graph})
        path = self.parts.path or "/"
        target = f"{path}?{self.parts.query + '&' if self.parts.query else ''}{query}"
        headers = {"Content-Type": "application/n-triples"} if body is not None else {}
        if self.auth:
            headers["Authorization"] = self.auth
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.pause * 2 ** (attempt - 1))
            self.attempts += 1
            try:
                connection = self._connect()
                connection.request(method, target, body=body, headers=headers)
                response = connection.getresponse()
                text = response.read()
            except (OSError, http.client.HTTPException) as error:
                self.close()
                problem = f"cannot reach {self.parts.netloc}: {error}"
                continue
            if response.status in ok:
                return response.status
            problem = f"{method} of graph {graph} got HTTP {response.status} {response.reason}"
            detail = text.decode("utf-8", "replace").strip()[:200]
            if detail:
                problem += f": {detail}"
            if response.status in {401, 403}:
                raise PushError(
                    f"{problem} (give credentials in ${TOKEN_ENV}, ${USER_ENV} and "
                    f"${PASSWORD_ENV}, or netrc)"
                )
            if response.status not in _TRANSIENT:
                raise PushError(problem)
        raise PushError(f"{problem} (after {self.retries + 1} attempts)")


def _graph_hashes(store: TrialStore) -> dict[str, str]:
    """Every named graph with the hash of its content."""
    hashes = dict(store.source_hashes())
    for name in store.graph_names():
        if name not in hashes:  # the shared graph, or a graph built without a source hash
            dump = store.oxigraph.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
            lines = sorted((dump or b"").splitlines())
            hashes[name] = "sha256:" + hashlib.sha256(b"\n".join(lines)).hexdigest()
    return dict(sorted(hashes.items()))


def _load_state(path: Path | None) -> dict[str, dict[str, str]]:
    if path is None or not path.exists():
        return {}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PushError(f"cannot read {path}: {error}; remove it to push everything") from error
    return state if isinstance(state, dict) else {}


def _save_state(path: Path | None, state: dict[str, dict[str, str]]) -> None:
    if path is None:
        return
    partial = path.with_name(path.name + ".partial")
    try:
        partial.write_text(json.dumps(state, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        partial.replace(path)
    except OSError as error:
        raise PushError(
            f"cannot record what was pushed in {path}: {error}; the next push sends it again"
        ) from error


def push(
    store: TrialStore,
    endpoint: str,
    *,
    force: bool = False,
    retries: int = 3,
    pause: float = 0.5,
    auth: str | Callable[[str], str | None] | None = authorization,
    on_progress: OnProgress | None = None,
) -> PushReport:
    """Write the store's graphs to a Graph Store Protocol endpoint; see the module's notes.

    ``force`` sends every graph whatever was pushed before. ``retries``: further
    tries of a request that failed for a moment (a lost connection, HTTP 5xx or 429),
    ``pause`` seconds apart, doubling. ``on_progress`` counts graphs sent or deleted."""
    started = time.perf_counter()
    header = auth(endpoint) if callable(auth) else auth
    client = _Client(endpoint, header, retries, pause)
    state_path = store.path / STATE_FILE if store.path is not None else None
    state = _load_state(state_path)
    pushed: dict[str, str] = {} if force else dict(state.get(endpoint, {}))
    hashes = _graph_hashes(store)
    report = PushReport(endpoint)
    changed = [name for name, digest in hashes.items() if pushed.get(name) != digest]
    gone = sorted(set(pushed) - set(hashes))
    report.unchanged = len(hashes) - len(changed)
    progress = Progress(len(changed) + len(gone), on_progress)
    try:
        for index, name in enumerate(changed, 1):
            node = ox.NamedNode(name)
            body = store.oxigraph.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=node) or b""
            client.send("PUT", name, body, {200, 201, 204})
            pushed[name] = hashes[name]
            report.sent += 1
            report.statements += body.count(b"\n")
            progress.add(1)
            if index % _SAVE_EVERY == 0:
                _save_state(state_path, {**state, endpoint: pushed})
        for name in gone:
            client.send("DELETE", name, None, {200, 204, 404})
            del pushed[name]
            report.deleted += 1
            progress.add(1)
    finally:
        client.close()
        _save_state(state_path, {**state, endpoint: dict(sorted(pushed.items()))})
        report.attempts = client.attempts
        report.seconds = time.perf_counter() - started
    return report
