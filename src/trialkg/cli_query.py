"""The commands that read the store out: `query`, `queries`, `export`, `serve` and `push`."""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import click

from trialkg.cli_common import (
    default_workers,
    fails_cleanly,
    open_to_read,
    show_progress,
    store_option,
    store_path_or_default,
)
from trialkg.cli_files import export_to_file
from trialkg.query import DEFAULT_TIMEOUT_SECONDS
from trialkg.store import open_store


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        params[key.strip()] = value
    return params


@click.command()
@click.argument("name")
@store_option
@click.option(
    "--param", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=DEFAULT_TIMEOUT_SECONDS,
    show_default=True,
    help="Stop a query that runs longer than this many seconds (0: no limit).",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let SERVICE ask remote endpoints (refused by default), within --timeout.",
)
@click.option("--limit", type=click.IntRange(0), default=None, help="Rows of one page.")
@click.option("--offset", type=click.IntRange(0), default=0, help="Rows to skip before the page.")
@click.option(
    "--curies/--full-iris",
    default=None,
    help="Write IRIs as CURIEs (mesh:D017239) or whole. Default: CURIEs in the table, "
    "whole IRIs in CSV, TSV and JSON.",
)
@fails_cleanly
def query(
    name: str,
    store_path: str | None,
    params: tuple[str, ...],
    fmt: str,
    timeout: float,
    allow_service: bool,
    limit: int | None,
    offset: int,
    curies: bool | None,
) -> None:
    """Run a named query (see `trialkg queries`) or a SPARQL file (FILE.rq), read-only."""
    from trialkg.query import format_result, run_query

    with open_to_read(store_path_or_default(store_path)) as store:
        result = run_query(
            store,
            name,
            _parse_params(params),
            timeout=timeout,
            allow_service=allow_service,
            limit=limit,
            offset=offset,
        )
    click.echo(format_result(result, fmt, curies=curies), nl=False)


@click.command()
def queries() -> None:
    """List the named queries."""
    from trialkg.query import named_queries, queries_table

    click.echo(queries_table(named_queries().values()), nl=False)


@click.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["turtle", "jsonld", "ntriples", "nquads", "trig", "graphml"]),
    required=True,
    help="graphml: the drug-condition-trial network, for Gephi and Cytoscape.",
)
@store_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="File to write (default: standard output); a name ending in .gz is gzip-compressed.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Threads reading the store (default: the CPU count, at most 8).",
)
@fails_cleanly
def export(fmt: str, store_path: str | None, output: str | None, workers: int | None) -> None:
    """Write the whole store in an RDF format, sorted: the same store gives the same bytes.

    On a terminal, progress (trials/s and time left) is shown."""
    from trialkg.export import export as run_export
    from trialkg.progress import time_left

    def on_progress(done: int, total: int, seconds: float) -> None:
        rate = done / seconds if seconds > 0 else 0.0
        line = f"{done:,} of {total:,} trials, {rate:,.0f} trials/s"
        line += time_left(done, total, seconds)
        click.echo(f"\r\x1b[K{line}", err=True, nl=False)

    progress = on_progress if show_progress() else None
    threads = default_workers(workers)
    started = time.perf_counter()
    with open_to_read(store_path_or_default(store_path)) as store:
        if output is None:
            count = run_export(store, fmt, sys.stdout.buffer, workers=threads, on_progress=progress)
            sys.stdout.buffer.flush()
        else:
            count = export_to_file(store, fmt, Path(output), threads, progress)
    if progress is not None:
        click.echo("\r\x1b[K", err=True, nl=False)
    if output is not None:
        click.echo(
            f"{count} {'nodes and edges' if fmt == 'graphml' else 'statements'} -> {output} "
            f"({time.perf_counter() - started:.1f} s)",
            err=True,
        )


@click.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
@click.option(
    "--timeout",
    type=click.IntRange(0),
    default=60,
    show_default=True,
    help="Seconds a query may run (0: no limit); past it, and 2 s of grace, it is stopped "
    "and answered 503.",
)
@fails_cleanly
def serve(store_path: str | None, host: str, port: int, timeout: int) -> None:
    """Serve the store as a read-only SPARQL 1.1 endpoint (the Oxigraph server).

    The default graph is the union of all graphs; the query page is at the root.
    Ctrl-C stops it: exit 0. Exit 2 when the store is missing or being built, the
    port is taken, or the server stops of itself."""
    from trialkg.serve import ServeError, Server

    path = store_path_or_default(store_path)
    server = Server(path, host=host, port=port, timeout=timeout)

    def stop_on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop_on_term)
    try:
        server.start()
        click.echo(
            f"serving {path} at {server.url} (SPARQL endpoint {server.query_url}); Ctrl-C stops"
        )
        code = server.wait()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
        return
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.stop()
    raise ServeError(f"the oxigraph server stopped (exit {code}): {server.last_error()}")


@click.command()
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="A SPARQL 1.1 Graph Store Protocol endpoint, e.g. http://localhost:3030/ds/data.",
)
@store_option
@click.option("--force", is_flag=True, help="Send every graph, not only those changed.")
@click.option(
    "--retries",
    type=click.IntRange(0, 20),
    default=3,
    show_default=True,
    help="Further tries of a request that failed for a moment.",
)
@fails_cleanly
def push(endpoint: str, store_path: str | None, force: bool, retries: int) -> None:
    """Write the store into a triple store: a PUT per graph (Graph Store Protocol).

    A second push to the same endpoint sends only the graphs changed since, and
    deletes those the store no longer holds. Credentials: $TRIALKG_PUSH_TOKEN, or
    $TRIALKG_PUSH_USER and $TRIALKG_PUSH_PASSWORD, or netrc. Exit 2 on a failure."""
    from trialkg.progress import time_left
    from trialkg.push import push as run_push

    def on_progress(done: int, total: int, seconds: float) -> None:
        click.echo(
            f"\r\x1b[K{done:,} of {total:,} graphs{time_left(done, total, seconds)}",
            err=True,
            nl=False,
        )

    progress = on_progress if show_progress() else None
    with open_store(store_path_or_default(store_path), read_only=True) as store:
        report = run_push(store, endpoint, force=force, retries=retries, on_progress=progress)
    if progress is not None:
        click.echo("\r\x1b[K", err=True, nl=False)
    click.echo(report.summary())
