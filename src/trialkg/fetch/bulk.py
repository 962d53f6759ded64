"""The registry's bulk download (``ctg-studies.json.zip``, every study), streamed to disk.

The zip grows under a hidden ``.NAME.part`` beside its name. When the
connection breaks, the download goes on from the bytes it has with an HTTP
range request, guarded by ``If-Range`` with the ETag (or Last-Modified) of the
first response, so that the rest never comes from a newer file; a server that
ignores the range sends the whole file, and the download starts again. Only a
zip that opens and whose every member reads back with the right CRC takes its
name: a truncated or damaged download is never left where a build would read it.
"""

from __future__ import annotations

import json
import os
import re
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from trialkg.errors import FetchError
from trialkg.fetch.client import Client, OnRetry
from trialkg.fetch.options import DEFAULT_API_URL, HttpOptions
from trialkg.fetch.output import write_atomically
from trialkg.progress import Progress

BULK_NAME = "ctg-studies.json.zip"
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")


@dataclass(slots=True)
class BulkReport:
    path: str
    bytes: int = 0
    members: int = 0
    resumed_at: int = 0  # the byte a resumed download went on from (0: from the start)
    requests: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        line = f"{self.members:,} studies, {self.bytes / 1e6:,.1f} MB -> {self.path}"
        if self.resumed_at:
            line += f" (resumed at {self.resumed_at / 1e6:,.1f} MB)"
        return line + f" ({self.seconds:.1f} s, {self.requests} requests)"


def bulk_target(output: str) -> Path:
    """The zip's path: ``output`` itself when it names a .zip, else the zip inside it."""
    path = Path(output)
    return path if path.name.endswith(".zip") else path / BULK_NAME


def download(
    output: str,
    *,
    api_url: str = DEFAULT_API_URL,
    http: HttpOptions | None = None,
    on_progress: Callable[[int, int, float], None] | None = None,
    on_retry: OnRetry | None = None,
) -> BulkReport:
    """Download the bulk zip to ``output`` (a .zip path or a folder); see the module."""
    target = bulk_target(output)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{target.name}.part")
    meta_path = target.with_name(f".{target.name}.part.json")
    url = api_url.rstrip("/") + "/studies/download?format=json.zip"
    options = http or HttpOptions()
    report = BulkReport(path=str(target))
    started = time.perf_counter()
    failures = 0
    with Client(options, on_retry=on_retry) as client:
        while True:
            reason = ""
            have = part.stat().st_size if part.exists() else 0
            validator = _validator(meta_path) if have else None
            headers = {"Range": f"bytes={have}-", "If-Range": validator} if validator else {}
            if have and not validator:
                have = 0  # no way to tell the file did not change: start over
            if have and not report.resumed_at:
                report.resumed_at = have
            response = client.open_stream(
                url, headers=headers, what="the bulk download", accept=frozenset({200, 206, 416})
            )
            try:
                total, start = _plan(response, have)
                if start is None:  # 416: nothing after what we have; check it below
                    break
                if start == 0:
                    report.resumed_at = 0
                    part.write_bytes(b"")
                    meta = {k: response.headers.get(k) for k in ("ETag", "Last-Modified")}
                    write_atomically(meta_path, json.dumps(meta).encode())
                progress = Progress(total or 0, on_progress)
                progress.done = start
                got = _stream_to(part, response, start, progress)
            except (httpx.TimeoutException, httpx.TransportError) as error:
                reason = f"the connection broke: {error or type(error).__name__}"
                got, total = -1, None
            finally:
                response.close()
                report.requests = client.requests
            size = part.stat().st_size if part.exists() else 0
            if got >= 0 and (total is None or size == total):
                break
            if got >= 0:
                reason = f"the response stopped at {size:,} of {total:,} bytes"
            failures = 1 if size > have else failures + 1  # tries count while nothing comes
            if failures >= options.tries:
                raise FetchError(
                    f"the bulk download: gave up after {failures} tries at {size:,} bytes; "
                    f"the last: {reason}; run the same command again to resume"
                )
            wait = client.backoff(failures)
            if on_retry is not None:
                on_retry("the bulk download", reason, wait, failures + 1)
            client.sleep(wait)
    report.members = _check_zip(part, meta_path)
    os.replace(part, target)
    meta_path.unlink(missing_ok=True)
    report.bytes = target.stat().st_size
    report.seconds = time.perf_counter() - started
    return report


def _validator(meta_path: Path) -> str | None:
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        return None
    value = meta.get("ETag") or meta.get("Last-Modified") if isinstance(meta, dict) else None
    return value if isinstance(value, str) else None


def _plan(response: httpx.Response, have: int) -> tuple[int | None, int | None]:
    """(total bytes, the byte this response starts at); start None for a 416."""
    if response.status_code == 416:
        return None, None
    if response.status_code == 206:
        match = _CONTENT_RANGE.fullmatch(response.headers.get("Content-Range", "").strip())
        if match and int(match.group(1)) == have:
            total = match.group(3)
            return (int(total) if total != "*" else None), have
        raise FetchError(
            "the bulk download: the server sent another range than asked for "
            f"({response.headers.get('Content-Range')!r} for bytes {have}-); "
            "delete the .part file and run again"
        )
    length = response.headers.get("Content-Length")
    return (int(length) if length and length.isdigit() else None), 0


def _stream_to(part: Path, response: httpx.Response, start: int, progress: Progress) -> int:
    """Append the body to ``part`` from byte ``start``; returns the bytes written."""
    written = 0
    with part.open("r+b") as handle:
        handle.seek(start)
        handle.truncate()
        for chunk in response.iter_bytes():  # as it comes: a sized chunk holds bytes back
            handle.write(chunk)
            written += len(chunk)
            progress.add(len(chunk))
        handle.flush()
        os.fsync(handle.fileno())
    return written


def _check_zip(part: Path, meta_path: Path) -> int:
    """The number of members of a complete zip; else FetchError, and the download is dropped."""
    try:
        with zipfile.ZipFile(part) as archive:
            bad = archive.testzip()  # reads every member: CRC and length
            count = sum(1 for info in archive.infolist() if not info.is_dir())
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as error:
        bad, count, reason = "", 0, str(error)
    else:
        reason = f"member {bad} is damaged" if bad else ""
    if bad is not None:
        part.unlink(missing_ok=True)
        meta_path.unlink(missing_ok=True)
        raise FetchError(
            f"the bulk download is not a complete zip ({reason}); it was removed: "
            "run the same command again to download it afresh"
        )
    return count
