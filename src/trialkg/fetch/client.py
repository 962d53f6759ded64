"""One polite HTTP client for the registry: timeouts, a pace, retries and a user agent.

Every request waits its turn (at most one start per ``delay`` seconds), and a
request that times out, loses its connection, gets a 429 or a 5xx, or brings a
body that is cut short is tried again after an exponential backoff with jitter;
a ``Retry-After`` the server sends is honoured. After ``tries`` attempts the
request fails with a ``FetchError`` naming what it was for ("page 3").
"""

from __future__ import annotations

import email.utils
import json
import random
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from trialkg.errors import FetchError
from trialkg.fetch.options import HttpOptions
from trialkg.version import __version__

USER_AGENT = f"trialkg/{__version__}"

# Told before each retry: what the request was for, why it failed, the wait, the try next.
OnRetry = Callable[[str, str, float, int], None]


class Refused(FetchError):
    """The server refused the request itself (a 4xx other than 429): retrying cannot help."""

    def __init__(self, message: str, status: int) -> None:
        self.status = status
        super().__init__(message, incomplete=False)


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """A ``Retry-After`` header, in seconds or as an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - (time.time() if now is None else now), 0.0)


class Client:
    """Requests to one server, one at a time, paced and retried (see the module's text)."""

    def __init__(
        self,
        options: HttpOptions | None = None,
        *,
        on_retry: OnRetry | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.options = options = options or HttpOptions()
        self.on_retry = on_retry
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.requests = 0
        self._last_start: float | None = None
        self._http = httpx.Client(
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            timeout=httpx.Timeout(
                connect=options.connect_timeout,
                read=options.read_timeout,
                write=options.read_timeout,
                pool=options.connect_timeout,
            ),
            follow_redirects=True,
        )

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _wait_turn(self) -> None:
        if self._last_start is not None:
            gap = self.options.delay - (time.monotonic() - self._last_start)
            if gap > 0:
                self.sleep(gap)
        self._last_start = time.monotonic()
        self.requests += 1

    def backoff(self, attempt: int, retry_after: float | None = None) -> float:
        """The wait after failed try ``attempt`` (1 = the first): doubling, half of it random."""
        base = min(self.options.backoff * 2.0 ** (attempt - 1), self.options.max_backoff)
        wait = base / 2 + self.rng.random() * base / 2
        return max(wait, retry_after) if retry_after is not None else wait

    def _retry_or_give_up(
        self, what: str, attempt: int, reason: str, retry_after: float | None = None
    ) -> None:
        tries = self.options.tries
        if attempt >= tries:
            raise FetchError(f"{what}: gave up after {tries} tries; the last: {reason}")
        if retry_after is not None and retry_after > self.options.max_retry_after:
            raise FetchError(
                f"{what}: the server asks for a pause of {retry_after:.0f} s ({reason}); "
                "run the same command again later to resume"
            )
        wait = self.backoff(attempt, retry_after)
        if self.on_retry is not None:
            self.on_retry(what, reason, wait, attempt + 1)
        self.sleep(wait)

    def _send(
        self,
        url: str,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        *,
        what: str,
        accept: frozenset[int],
    ) -> httpx.Response | tuple[str, float | None]:
        """The response, streamed, when its status is in ``accept``; else why not, and the
        pause the server asked for. Raises ``Refused`` on a status no retry can mend."""
        self._wait_turn()
        request = self._http.build_request("GET", url, params=params, headers=headers)
        try:
            response = self._http.send(request, stream=True)
        except httpx.TimeoutException:
            return f"no response within {self.options.read_timeout:g} s", None
        except httpx.TransportError as error:
            return f"the connection failed: {error or type(error).__name__}", None
        status = response.status_code
        if status in accept:
            return response
        try:
            if status == 429 or status >= 500:
                reason = f"HTTP {status} {response.reason_phrase}".rstrip()
                return reason, retry_after_seconds(response.headers.get("Retry-After"))
            raise Refused(
                f"{what}: the server refused the request: HTTP {status}: {_excerpt(response)}",
                status,
            )
        finally:
            response.close()

    def get_json(self, url: str, params: Mapping[str, str], *, what: str) -> Any:
        """The JSON body of a GET, tried again on every transient fault (see the module)."""
        for attempt in range(1, self.options.tries + 1):
            sent = self._send(url, params, None, what=what, accept=frozenset({200}))
            if isinstance(sent, tuple):
                reason, retry_after = sent
            else:
                retry_after = None
                try:
                    body = sent.read()
                except httpx.TimeoutException:
                    reason = f"the body stopped coming for {self.options.read_timeout:g} s"
                except httpx.TransportError as error:
                    reason = f"the body is cut short: {error or type(error).__name__}"
                else:
                    try:
                        return json.loads(body)
                    except (ValueError, RecursionError):
                        reason = f"the body is cut short or not JSON ({len(body):,} bytes)"
                finally:
                    sent.close()
            self._retry_or_give_up(what, attempt, reason, retry_after)
        raise AssertionError("unreachable")  # pragma: no cover

    def open_stream(
        self, url: str, *, headers: Mapping[str, str], what: str, accept: frozenset[int]
    ) -> httpx.Response:
        """A streamed GET whose status is in ``accept``, tried again until the response
        starts; the caller reads and closes it."""
        for attempt in range(1, self.options.tries + 1):
            sent = self._send(url, None, headers, what=what, accept=accept)
            if not isinstance(sent, tuple):
                return sent
            self._retry_or_give_up(what, attempt, *sent)
        raise AssertionError("unreachable")  # pragma: no cover


def _excerpt(response: httpx.Response, limit: int = 300) -> str:
    try:
        text = response.read().decode("utf-8", "replace")
    except httpx.HTTPError:
        return "(no readable body)"
    text = " ".join(text.split())
    return text[:limit] + ("..." if len(text) > limit else "") if text else "(empty body)"
