"""A small HTTP front before the Oxigraph server that holds every request to a time limit.

The server's own ``--timeout-s`` cancels a query through a token its evaluator checks
only when it reads quads from the store. A query whose work happens between reads
(a COUNT over a cross product of three patterns joins in memory, and reads nothing
for minutes) runs on past the limit, and the server's threads cannot be stopped
from outside (oxigraph/oxigraph#1336). The front forwards each request to the
server on a private port; a request whose answer is not complete when its time is
up gets ``503`` (or, when its answer was streaming, a cut-off body), and the owner's
``on_overrun`` restarts the server, which ends the query with its process.

When the server's timeout does stop a query, it has already begun a ``200`` answer,
and ends it with its error message in the middle of the document. An answer up to
``BUFFER`` bytes is therefore held until it is complete: a query that ran past the
limit, either way, is refused with ``503`` instead of cut off; a longer answer streams.
"""

from __future__ import annotations

import http.client
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BUFFER = 1 << 20
# What the Oxigraph server writes into an answer it has begun when its own timeout
# stops the query (its QueryEvaluationError::Cancelled).
CANCELLED = b"The SPARQL operation has been cancelled"
# Headers of one connection, not of the message (RFC 9110 section 7.6.1), and the
# one the front writes itself. The client's Host goes on: the server takes the base
# IRI of a query from it, and a query's relative IRIs resolve as they would without
# the front.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
    }
)


@dataclass(frozen=True)
class Upstream:
    """Where the server listens now; ``generation`` counts its restarts."""

    host: str
    port: int
    generation: int


class _Overrun(Exception):
    """The request's time is up."""


class QueryFront:
    """Listens on (host, port) and forwards every request to ``upstream()``.

    ``limit``: seconds a request may take from its arrival to the last byte of its
    answer (0: no limit), and ``grace`` more for the server to stop the query itself.
    ``on_overrun(generation)`` is called, in the request's thread, when a request to
    that generation of the server ran past both.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        upstream: Callable[[], Upstream],
        limit: float,
        grace: float = 0.0,
        on_overrun: Callable[[int], None],
    ) -> None:
        self.upstream, self.limit, self.grace = upstream, limit, grace
        self.on_overrun = on_overrun
        handler = type("_BoundHandler", (_Handler,), {"front": self})
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        listener = type("_BoundListener", (_Listener,), {"address_family": family})
        self._http = listener((host, port), handler)
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._http.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


class _Listener(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client hung up before its answer was written: not the server's fault
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    front: QueryFront

    def do_GET(self) -> None:
        self._forward()

    do_POST = do_HEAD = do_PUT = do_DELETE = do_OPTIONS = do_PATCH = do_GET

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the server's own log is the record of what was asked."""

    def _forward(self) -> None:
        front = self.front
        deadline = time.monotonic() + front.limit + front.grace if front.limit > 0 else None
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self._plain(411, "send the request with a Content-Length")
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
        headers["Content-Length"] = str(len(body))
        for attempt in (1, 2):
            upstream = front.upstream()
            try:
                self._relay(upstream, body, headers, deadline)
                return
            except _Overrun:  # its time ran out before the server took it
                self._too_long()
                return
            except (OSError, http.client.HTTPException) as error:
                if getattr(self, "_sent_headers", False):
                    self.close_connection = True
                    return
                if attempt == 1 and front.upstream().generation != upstream.generation:
                    continue  # the server was restarted under this request: ask again
                self._plain(502, f"the SPARQL server did not answer: {error}")
                return

    def _relay(
        self, upstream: Upstream, body: bytes, headers: dict[str, str], deadline: float | None
    ) -> None:
        self._sent_headers = False
        connection = http.client.HTTPConnection(
            upstream.host, upstream.port, timeout=_left(deadline)
        )
        try:
            try:
                connection.request(self.command, self.path, body=body or None, headers=headers)
                response = connection.getresponse()
            except TimeoutError:
                raise _Overrun from None
            held: list[bytes] = []
            size = 0
            while True:
                chunk = _read(connection, response, deadline)
                if not chunk:
                    break
                held.append(chunk)
                size += len(chunk)
                if size > BUFFER:
                    self._stream(connection, response, held, deadline)
                    return
            answer = b"".join(held)
            if response.status == 200 and answer.rstrip().endswith(CANCELLED):
                # The server stopped the query itself, but only after it had begun a
                # 200 answer: its message ends a broken document.
                self._too_long()
                return
            self._start(response, len_body=size)
            if self.command != "HEAD":
                self.wfile.write(answer)
        except _Overrun:
            # Before the answer: a request that follows it waits for the new server.
            self.front.on_overrun(upstream.generation)
            if self._sent_headers:
                self.close_connection = True  # a cut-off body: the client sees it end early
            else:
                self._too_long()
        finally:
            connection.close()

    def _stream(
        self,
        connection: http.client.HTTPConnection,
        response: http.client.HTTPResponse,
        held: list[bytes],
        deadline: float | None,
    ) -> None:
        self._start(response, len_body=None)
        for chunk in held:
            self._chunk(chunk)
        while chunk := _read(connection, response, deadline):
            self._chunk(chunk)
        self.wfile.write(b"0\r\n\r\n")

    def _start(self, response: http.client.HTTPResponse, *, len_body: int | None) -> None:
        self.send_response(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in _HOP_BY_HOP:
                self.send_header(name, value)
        if len_body is None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len_body))
        self.end_headers()
        self._sent_headers = True

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")

    def _too_long(self) -> None:
        self._plain(
            503,
            f"the query ran past the server's time limit of {self.front.limit:g} s and "
            "was stopped; narrow it (LIMIT, fewer patterns) or serve with a longer --timeout",
        )

    def _plain(self, status: int, message: str) -> None:
        data = (message + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self._sent_headers = True
        if self.command != "HEAD":
            self.wfile.write(data)


def _left(deadline: float | None) -> float | None:
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise _Overrun
    return left


def _read(
    connection: http.client.HTTPConnection,
    response: http.client.HTTPResponse,
    deadline: float | None,
) -> bytes:
    """The next bytes of the answer, waiting no longer than the request has left."""
    if connection.sock is not None:
        connection.sock.settimeout(_left(deadline))
    try:
        return response.read1(65536)
    except TimeoutError:
        raise _Overrun from None
