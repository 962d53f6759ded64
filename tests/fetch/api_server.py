"""A ClinicalTrials.gov API v2 server for the tests, on 127.0.0.1 and a free port.

It serves ``/api/v2/studies`` from real records (tests/fixtures/json), sorted by
NCT id, with the API's parameters: ``query.term|cond|intr|spons`` (words matched
in the fields each searches), ``filter.overallStatus``, ``filter.ids``,
``filter.advanced`` (``AREA[LastUpdatePostDate]RANGE[a,b]`` and ``AREA[Phase]X``
joined with AND), ``pageSize``, ``pageToken`` (refused when the other parameters
are not those of its first page) and ``countTotal``. ``/api/v2/studies/download``
serves a zip of the records, with ``Range`` and ``If-Range``.

Faults are queued with ``fault(kind, page=N)`` and each strikes once:
``429`` (with ``Retry-After``), ``500``, ``hang`` (no response for ``seconds``),
``truncate`` (half the body, then the connection closes), ``badjson`` (half the
body, with a matching length), ``expire`` (400 for the page's token),
``total`` (``totalCount`` off by ``offset``), and for the download ``cut``
(the connection closes after ``at`` bytes) and ``norange`` (Range ignored).
"""

from __future__ import annotations

import functools
import hashlib
import io
import json
import re
import secrets
import threading
import time
import zipfile
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

FIXTURES = Path(__file__).parent.parent / "fixtures" / "json"

_AREA = re.compile(r"AREA\[(\w+)\](?:RANGE\[([^,\]]*),([^\]]*)\]|(\w+))")


@functools.cache
def _read(folder: Path) -> bytes:
    studies = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]
    return json.dumps(studies).encode()


def load_studies(folder: Path = FIXTURES) -> list[dict[str, Any]]:
    """The records, sorted by NCT id (a fresh copy each time: a test may change its own)."""
    studies: list[dict[str, Any]] = json.loads(_read(folder))
    return sorted(studies, key=lambda s: s["protocolSection"]["identificationModule"]["nctId"])


def nct(study: dict[str, Any]) -> str:
    return str(study["protocolSection"]["identificationModule"]["nctId"])


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False).lower()


def _matches(study: dict[str, Any], params: dict[str, str]) -> bool:
    protocol = study.get("protocolSection", {})
    areas = {
        "query.term": study,
        "query.cond": [protocol.get("conditionsModule"), protocol.get("identificationModule")],
        "query.intr": protocol.get("armsInterventionsModule"),
        "query.spons": protocol.get("sponsorCollaboratorsModule"),
    }
    for name, area in areas.items():
        if name in params and not all(w in _text(area) for w in params[name].lower().split()):
            return False
    status = protocol.get("statusModule", {})
    if "filter.overallStatus" in params:
        wanted = set(re.split(r"[,|]", params["filter.overallStatus"]))
        if status.get("overallStatus") not in wanted:
            return False
    if "filter.ids" in params and nct(study) not in set(re.split(r"[,|]", params["filter.ids"])):
        return False
    for area, low, high, value in _AREA.findall(params.get("filter.advanced", "")):
        if area == "LastUpdatePostDate":
            date = status.get("lastUpdatePostDateStruct", {}).get("date", "")
            if low not in ("", "MIN") and date < low:
                return False
            if high not in ("", "MAX") and date > high:
                return False
        elif area == "Phase" and value not in protocol.get("designModule", {}).get("phases", []):
            return False
    return True


@dataclass
class Fault:
    kind: str
    page: int | None = None  # None: the next request of its endpoint
    options: dict[str, Any] = field(default_factory=dict)


class ApiServer:
    """The server; ``url`` is its API base (``http://127.0.0.1:PORT/api/v2``)."""

    def __init__(self, studies: list[dict[str, Any]] | None = None) -> None:
        self.studies = load_studies() if studies is None else studies
        self.faults: list[Fault] = []
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self.tokens: dict[str, tuple[str, int]] = {}  # token -> (query fingerprint, offset)
        self.page_reached: dict[int, threading.Event] = {}
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/api/v2"

    def start(self) -> ApiServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def fault(self, kind: str, page: int | None = None, **options: Any) -> None:
        with self.lock:
            self.faults.append(Fault(kind, page, options))

    def reached(self, page: int) -> threading.Event:
        with self.lock:
            return self.page_reached.setdefault(page, threading.Event())

    def _take_fault(self, kinds: set[str], page: int | None) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.kind in kinds and fault.page in (None, page):
                    self.faults.remove(fault)
                    return fault
        return None

    @functools.cached_property
    def zip_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for study in self.studies:
                info = zipfile.ZipInfo(f"{nct(study)}.json", date_time=(2026, 1, 1, 0, 0, 0))
                archive.writestr(info, json.dumps(study, indent=2), zipfile.ZIP_DEFLATED)
        return buffer.getvalue()

    def studies_page(
        self, params: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes, Fault | None]:
        """Status, headers, body, and the fault that strikes this response."""
        try:
            size = int(params.get("pageSize", "10"))
        except ValueError:
            size = -1
        if not 0 < size <= 1000:
            return _error(400, "pageSize must be between 1 and 1000")
        advanced = params.get("filter.advanced", "")
        if advanced.count("[") != advanced.count("]"):
            return _error(400, f"filter.advanced {advanced!r}: unbalanced brackets")
        query = {k: v for k, v in params.items() if k not in ("pageToken", "countTotal")}
        fingerprint = hashlib.sha256(json.dumps(sorted(query.items())).encode()).hexdigest()
        offset = 0
        token = params.get("pageToken")
        if token is not None:
            known = self.tokens.get(token)
            if known is None or known[0] != fingerprint:
                return _error(400, f"invalid pageToken {token!r} for this query")
            offset = known[1]
        page = offset // size + 1
        self.reached(page).set()
        fault = self._take_fault({"429", "500", "hang", "truncate", "badjson", "expire"}, page)
        if fault is not None and fault.kind == "429":
            retry = str(fault.options.get("retry_after", 1))
            return 429, {"Retry-After": retry}, b"Too Many Requests", None
        if fault is not None and fault.kind == "500":
            return _error(500, "internal error")
        if fault is not None and fault.kind == "expire" and token is not None:
            self.tokens.pop(token, None)
            return _error(400, f"pageToken {token!r} expired")
        matched = [s for s in self.studies if _matches(s, params)]
        body: dict[str, Any] = {"studies": matched[offset : offset + size]}
        if offset + size < len(matched):
            next_token = secrets.token_urlsafe(12)
            self.tokens[next_token] = (fingerprint, offset + size)
            body["nextPageToken"] = next_token
        if params.get("countTotal") == "true":
            total_fault = self._take_fault({"total"}, page)
            shift = total_fault.options.get("offset", 5) if total_fault else 0
            body["totalCount"] = len(matched) + shift
        data = json.dumps(body).encode()
        return 200, {"Content-Type": "application/json"}, data, fault


def _error(status: int, message: str) -> tuple[int, dict[str, str], bytes, None]:
    return (
        status,
        {"Content-Type": "application/json"},
        json.dumps({"message": message}).encode(),
        None,
    )


def _handler(api: ApiServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            parsed = urlparse(self.path)
            params = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
            with api.lock:
                api.requests.append((parsed.path, params, dict(self.headers.items())))
            try:
                if parsed.path == "/api/v2/studies":
                    self._studies(params)
                elif parsed.path == "/api/v2/studies/download":
                    self._download()
                else:
                    self._send(*_error(404, "no such endpoint")[:3])
            except (BrokenPipeError, ConnectionResetError):
                pass

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _studies(self, params: dict[str, str]) -> None:
            status, headers, body, fault = api.studies_page(params)
            if fault is not None and fault.kind == "hang":
                time.sleep(fault.options.get("seconds", 2.0))
            if fault is not None and fault.kind == "truncate":
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.close_connection = True
                return
            if fault is not None and fault.kind == "badjson":
                body = body[: len(body) // 2]
            self._send(status, headers, body)

        def _download(self) -> None:
            data = api.zip_bytes
            etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
            headers = {"Content-Type": "application/zip", "ETag": etag, "Accept-Ranges": "bytes"}
            start = 0
            wanted = self.headers.get("Range")
            if_range = self.headers.get("If-Range")
            norange = api._take_fault({"norange"}, None) if wanted else None
            if wanted and norange is None and (if_range is None or if_range == etag):
                match = re.fullmatch(r"bytes=(\d+)-", wanted.strip())
                if match:
                    start = int(match.group(1))
                    if start >= len(data):
                        self._send(416, {"Content-Range": f"bytes */{len(data)}"}, b"")
                        return
            status = 206 if start else 200
            if start:
                headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
            body = data[start:]
            cut = api._take_fault({"cut"}, None)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if cut is not None:
                self.wfile.write(body[: cut.options.get("at", len(body) // 2)])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(body)

    return Handler
