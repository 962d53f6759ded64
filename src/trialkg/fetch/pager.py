"""Page through ``/studies`` to the last page, resumably, and say whether all came.

The first page asks for ``countTotal``; the ``totalCount`` it gives drives the
progress line and, at the end, the completeness check: a fetch that got fewer
studies than the registry said it holds says so (and the command exits 1).
Each page repeats every parameter with the ``pageToken`` of the page before,
as the API asks. A page token the server no longer knows (HTTP 400 on a page
after the first) starts the paging over from the first page once: the studies
already written are not written twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from trialkg.errors import FetchError
from trialkg.fetch.client import Client, OnRetry, Refused
from trialkg.fetch.options import FetchOptions
from trialkg.fetch.output import FetchState, Output, nct_id_of
from trialkg.fetch.query import SearchQuery
from trialkg.progress import Progress


@dataclass(slots=True)
class FetchReport:
    query: str
    output: str
    total: int | None = None  # totalCount, as the registry said on the first page
    received: int = 0  # studies the pages held
    written: int = 0  # distinct studies in the output
    duplicates: int = 0  # studies served twice, written once
    pages: int = 0
    resumed_at_page: int = 0  # the first page this run asked for, when it resumed (2 or more)
    restarted: bool = False  # a page token expired and paging began again
    requests: int = 0
    seconds: float = 0.0
    without_id: list[str] = field(default_factory=list)  # "page 3, study 12", not written

    @property
    def missing(self) -> int:
        """How many fewer studies came than the registry's count (0 when all came)."""
        if self.total is None:
            return 0
        return max(self.total - self.written - len(self.without_id), 0)

    @property
    def complete(self) -> bool:
        return self.total is not None and self.missing == 0 and not self.without_id

    def summary(self) -> str:
        pages = f"{self.pages:,} page{'' if self.pages == 1 else 's'}"
        line = f"studies: {self.written:,} in {pages} -> {self.output}"
        if self.resumed_at_page:
            line += f" (resumed at page {self.resumed_at_page})"
        if self.duplicates:
            line += f"; {self.duplicates:,} served twice, written once"
        return f"{line} ({self.seconds:.1f} s, {self.requests} requests)"

    def completeness(self) -> str:
        """The line that says whether the output holds every study the registry counted."""
        if self.total is None:
            return "incomplete: the registry did not say how many studies match"
        if self.without_id:
            count = len(self.without_id)
            return (
                f"incomplete: {count} {'study' if count == 1 else 'studies'} had no NCT id "
                "(protocolSection.identificationModule.nctId) and "
                f"{'was' if count == 1 else 'were'} not written "
                f"({', '.join(self.without_id[:5])})"
            )
        if self.missing:
            return (
                f"incomplete: the registry counts {self.total:,} studies, "
                f"{self.written:,} came ({self.missing:,} missing); run the same command "
                "again to fetch them all"
            )
        extra = self.written - self.total
        if extra > 0:  # studies added while paging
            return (
                f"complete: all {self.total:,} studies the registry counted, and {extra:,} "
                "added since it counted"
            )
        return f"complete: all {self.total:,} studies the registry counts"


OnPage = Callable[[FetchReport], None]


def fetch(
    query: SearchQuery,
    output: Output,
    options: FetchOptions | None = None,
    *,
    on_progress: Callable[[int, int, float], None] | None = None,
    on_retry: OnRetry | None = None,
    on_page: OnPage | None = None,
    on_notice: Callable[[str], None] | None = None,
) -> FetchReport:
    """Fetch every study ``query`` matches into ``output``; see the module's text.

    Raises ``FetchError`` when a page cannot be had after every try (what came
    is kept, and the same call resumes it) or when the server refuses the query.
    ``on_page`` is told after each page is written and its state saved.
    """
    options = options or FetchOptions()
    notice = on_notice or (lambda _text: None)
    fingerprint = query.fingerprint(options.api_url, options.page_size, output.kind)
    report = FetchReport(query=query.describe(), output=output.shown)
    started = time.perf_counter()
    output.prepare()
    state = None if options.restart else FetchState.load(output.state_path)
    if state is not None and state.fingerprint != fingerprint:
        notice(
            f"{output.shown} held an unfinished fetch of other studies ({state.query}); "
            "starting this one afresh"
        )
        state = None
    if state is not None and not output.resume(state):
        notice(f"{output.shown} does not match its saved state; starting afresh")
        state = None
    if state is None:
        output.start_over()
        if (leftovers := output.leftovers()) is not None:
            notice(leftovers)
        state = FetchState(fingerprint=fingerprint, query=report.query)
    elif state.pages:
        report.resumed_at_page = state.pages + 1
        notice(f"resuming at page {state.pages + 1} ({state.received:,} studies already in)")

    url = options.api_url.rstrip("/") + "/studies"
    progress = Progress(state.total or 0, on_progress)
    progress.done = state.received
    with Client(options.http, on_retry=on_retry) as client:
        try:
            while True:
                page = state.pages + 1
                params = dict(query.params(), pageSize=str(options.page_size))
                if state.next_page_token is None:
                    params["countTotal"] = "true"
                else:
                    params["pageToken"] = state.next_page_token
                try:
                    data = client.get_json(url, params, what=f"page {page}")
                except Refused as error:
                    if state.next_page_token is None or report.restarted or error.status != 400:
                        raise
                    notice(
                        f"page {page}: the server no longer knows the page token "
                        f"({error}); starting again from the first page, keeping the "
                        f"{output.written:,} studies written"
                    )
                    report.restarted = True
                    output.restart_paging()
                    state = FetchState(fingerprint=fingerprint, query=report.query)
                    progress.done = 0
                    continue
                studies, token, total = _page_parts(data, page)
                if state.next_page_token is None:
                    state.total = total
                    progress.total = total or 0
                good = []
                for index, study in enumerate(studies, start=1):
                    if nct_id_of(study) is None:
                        report.without_id.append(f"page {page}, study {index}")
                    else:
                        good.append(study)
                length = output.write_page(good)
                state.pages, state.length = page, length
                state.received += len(studies)
                state.written = output.written
                state.next_page_token = token
                state.save(output.state_path)
                _update(report, state, output)
                progress.add(len(studies))
                if on_page is not None:
                    on_page(report)
                if token is None:
                    break
        finally:
            report.requests = client.requests
            report.seconds = time.perf_counter() - started
    output.finish()
    output.state_path.unlink(missing_ok=True)  # done: the same command fetches afresh
    _update(report, state, output)
    return report


def _update(report: FetchReport, state: FetchState, output: Output) -> None:
    report.pages, report.received, report.total = state.pages, state.received, state.total
    report.written, report.duplicates = output.written, output.duplicates


def _page_parts(data: Any, page: int) -> tuple[list[dict[str, Any]], str | None, int | None]:
    """The page's studies, next page token and total count; FetchError if it is not a page."""
    if not isinstance(data, dict) or not isinstance(data.get("studies", []), list):
        raise FetchError(f"page {page}: the response is not an API v2 page of studies")
    studies = data.get("studies", [])
    if not all(isinstance(study, dict) for study in studies):
        raise FetchError(f"page {page}: a study in the response is not a JSON object")
    token = data.get("nextPageToken")
    total = data.get("totalCount")
    if token is not None and not isinstance(token, str):
        raise FetchError(f"page {page}: nextPageToken is not a string")
    if total is not None and (not isinstance(total, int) or isinstance(total, bool)):
        raise FetchError(f"page {page}: totalCount is not a number")
    if token is not None and not studies:
        raise FetchError(f"page {page}: a page with no studies names a next page")
    return studies, token or None, total
