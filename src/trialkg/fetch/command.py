"""The bodies of ``trialkg fetch`` and ``trialkg update``: messages, progress, exit codes.

Exit codes: 0 every study came (update: and built); 1 incomplete after every
try, fewer studies than the registry counts, or rejected records; 2 a usage or
input error (a bad filter, a query the server refuses, a store with nothing to
update from).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from trialkg.build import BuildOptions
from trialkg.errors import FetchError
from trialkg.fetch.bulk import download
from trialkg.fetch.options import FetchOptions, HttpOptions
from trialkg.fetch.output import output_for
from trialkg.fetch.pager import FetchReport, fetch
from trialkg.fetch.query import SearchQuery
from trialkg.progress import duration, time_left

EXIT_OK, EXIT_INCOMPLETE, EXIT_ERROR = 0, 1, 2


class Messages:
    """What a fetch tells the user on stderr: progress on a terminal, retries always."""

    def __init__(self, *, progress: bool, quiet: bool, unit: str = "studies") -> None:
        self.progress, self.quiet, self.unit = progress, quiet, unit
        self.drawn = False

    def _clear(self) -> None:
        if self.drawn:
            click.echo("\r\x1b[K", err=True, nl=False)
            self.drawn = False

    def on_progress(self, done: int, total: int, seconds: float) -> None:
        click.echo(f"\r\x1b[K{self.line(done, total, seconds)}", err=True, nl=False)
        self.drawn = True

    def line(self, done: int, total: int, seconds: float) -> str:
        """``1,000 of 5,210 studies, 812 studies/s, 4,210 to go, ETA 0:05``."""
        rate = done / seconds if seconds > 0 else 0.0
        if self.unit != "bytes":
            line = f"{done:,} of {total:,} studies, {rate:,.0f} studies/s"
            return line + time_left(done, total, seconds)
        line = f"{done / 1e6:,.1f} of {total / 1e6:,.1f} MB, {rate / 1e6:,.1f} MB/s"
        if rate > 0 and total > done:
            line += f", ETA {duration((total - done) / rate)}"
        return line

    def on_retry(self, what: str, reason: str, wait: float, attempt: int) -> None:
        self._clear()
        click.echo(f"{what}: {reason}; try {attempt} in {wait:.1f} s", err=True)

    def on_notice(self, text: str) -> None:
        self._clear()
        if not self.quiet:
            click.echo(text, err=True)

    @property
    def progress_callback(self) -> Callable[[int, int, float], None] | None:
        return self.on_progress if self.progress else None

    def done(self) -> None:
        self._clear()


def report_fetch(report: FetchReport) -> int:
    click.echo(report.summary())
    click.echo(report.completeness())
    return EXIT_OK if report.complete else EXIT_INCOMPLETE


def fail(error: FetchError, messages: Messages) -> int:
    messages.done()
    click.echo(f"error: {error}", err=True)
    if error.incomplete:
        click.echo("what came is kept: run the same command again to resume", err=True)
        return EXIT_INCOMPLETE
    return EXIT_ERROR


def stopped(messages: Messages) -> int:
    """Ctrl-C: no traceback; what came stays for the next run."""
    messages.done()
    click.echo("stopped: what came is kept; run the same command again to resume", err=True)
    return EXIT_INCOMPLETE


def run_fetch(
    query: SearchQuery,
    output: str,
    *,
    bulk: bool,
    options: FetchOptions,
    progress: bool,
    quiet: bool,
) -> None:
    """``trialkg fetch``: exits with the code the module's text gives."""
    messages = Messages(progress=progress, quiet=quiet, unit="bytes" if bulk else "studies")
    try:
        if bulk:
            if query.params() != {"format": "json"}:
                raise click.UsageError("--bulk downloads every study: give it no filter")
            bulk_report = download(
                output,
                api_url=options.api_url,
                http=options.http,
                on_progress=messages.progress_callback,
                on_retry=messages.on_retry,
            )
            messages.done()
            click.echo(bulk_report.summary())
            click.echo(f"complete: a whole zip of {bulk_report.members:,} studies")
            sys.exit(EXIT_OK)
        report = fetch(
            query,
            output_for(output),
            options,
            on_progress=messages.progress_callback,
            on_retry=messages.on_retry,
            on_notice=messages.on_notice,
        )
    except FetchError as error:
        sys.exit(fail(error, messages))
    except KeyboardInterrupt:
        sys.exit(stopped(messages))
    messages.done()
    sys.exit(report_fetch(report))


def http_options(delay: float, tries: int, timeout: float, backoff: float) -> HttpOptions:
    return HttpOptions(delay=delay, tries=tries, backoff=backoff, read_timeout=timeout)


def run_update(
    store_path: str,
    *,
    options: FetchOptions,
    build_options: BuildOptions,
    margin_days: int,
    keep: str | None,
    progress: bool,
    quiet: bool,
) -> None:
    """``trialkg update``: exits 0 when every updated study came and was built."""
    from trialkg.fetch.update import update
    from trialkg.store import open_store

    messages = Messages(progress=progress, quiet=quiet)

    def fetched(report: FetchReport) -> None:
        messages.done()
        if not quiet:
            click.echo(f"fetched: {report.summary()}")
        click.echo(report.completeness())

    with open_store(store_path, create=False) as store:
        try:
            result = update(
                store,
                store_path,
                options=options,
                build_options=build_options,
                margin_days=margin_days,
                keep=keep,
                on_fetched=fetched,
                on_progress=messages.progress_callback,
                on_retry=messages.on_retry,
                on_notice=messages.on_notice,
            )
        except FetchError as error:
            sys.exit(fail(error, messages))
        except KeyboardInterrupt:
            sys.exit(stopped(messages))
    if result.build is None:
        click.echo(
            f"nothing built: the fetch is incomplete; what came is kept in {result.kept}, "
            "and the same command resumes it",
            err=True,
        )
        sys.exit(EXIT_INCOMPLETE)
    for rejected in result.build.errors:
        click.echo(f"rejected: {rejected}", err=True)
    click.echo(result.summary() + f" -> {store_path}")
    if result.kept and not quiet:
        click.echo(f"the fetched records are kept in {result.kept}")
    sys.exit(EXIT_INCOMPLETE if result.build.rejected else EXIT_OK)
