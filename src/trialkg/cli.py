"""The command line: parses options, calls the library, maps errors to exit codes.

Exit codes (all commands):
  0  done (validate: the graph conforms)
  1  done, but something was wrong with the data (build: records were rejected;
     validate: the graph does not conform; fetch, update: fewer studies than the
     registry counts, or a page still failing after every try)
  2  input or runtime error (unreadable input in --strict mode, a missing store,
     an unknown query or format, a broken shapes file; serve: the server cannot
     start, or stops of itself)
`serve` runs until Ctrl-C (or SIGTERM) and then exits 0.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from trialkg.cli_errors import DEBUG_ENV, EXIT_DATA, EXIT_OK, FailsCleanly
from trialkg.cli_files import ErrorsFile, export_to_file
from trialkg.errors import InputError, StoreWriteError
from trialkg.fetch.cli_options import network_options, search_options, split_options, update_options
from trialkg.query import DEFAULT_TIMEOUT_SECONDS
from trialkg.readers import readers
from trialkg.store import STORE_ENV, TrialStore, default_store_path, open_store
from trialkg.version import __version__

F = TypeVar("F", bound=Callable[..., Any])


def _fails_cleanly(command: F) -> F:
    """Marks a command whose failures the group maps to messages and exit codes
    (``trialkg.cli_errors.FailsCleanly``, the one place that does)."""
    return command


store_option = click.option(
    "--store",
    "store_path",
    type=click.Path(file_okay=False),
    default=None,
    envvar=STORE_ENV,
    show_envvar=True,
    help="The store folder (default: ./trialkg-store).",
)


def _store_path(value: str | None) -> str:
    return value or default_store_path()


MOST_DEFAULT_WORKERS = 8  # more processes or threads than this gain little, and cost memory


def _workers(value: int | None) -> int:
    return value or min(os.cpu_count() or 1, MOST_DEFAULT_WORKERS)


def _open_to_read(path: str) -> TrialStore:
    """The store opened read-only, with a warning line when its last build did not finish."""
    store = open_store(path, read_only=True)
    if store.unfinished_build:
        click.echo(
            f"warning: the last build into {path} did not finish (stopped or killed): every "
            "trial it holds is whole, but records may be missing; run the build again",
            err=True,
        )
    return store


@click.group(cls=FailsCleanly, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="trialkg")
@click.option(
    "--debug",
    is_flag=True,
    envvar=DEBUG_ENV,
    help="On an unexpected failure, print the traceback (for a bug report).",
)
def main(debug: bool) -> None:
    """trialkg: a knowledge graph of clinical trials.

    Build a store from registry records, validate it with SHACL shapes, query it
    with SPARQL and export it. Run `trialkg build` with no input to build the
    bundled example records.
    """


def _examples() -> list[str]:
    from trialkg.resources import resource_dir

    return [str(resource_dir("data") / "examples")]


def _show_progress() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


@main.command()
@click.argument("inputs", nargs=-1, type=click.Path(exists=False))
@store_option
@click.option(
    "--format",
    "format_name",
    type=click.Choice(list(readers())),
    default=None,
    help="Force a reader (see `trialkg formats`).",
)
@click.option("--strict", is_flag=True, help="Stop at the first bad record (exit 2).")
@click.option(
    "--include-contacts", is_flag=True, help="Keep phone numbers and e-mails of named people."
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes for reading and mapping (default: the CPU count, at most 8).",
)
@click.option(
    "--force", is_flag=True, help="Rebuild files even when their content was built before."
)
@click.option(
    "--no-compact",
    is_flag=True,
    help="Skip compacting the store after a large build (queries are then slower).",
)
@click.option(
    "--chunk",
    "chunk_trials",
    type=click.IntRange(1, 100000),
    default=None,
    help="At most this many trials per store write [default: 2000, and at most 900,000 quads].",
)
@click.option(
    "--remove-missing",
    is_flag=True,
    help="After the build, remove the sources that no input holds any more (records the "
    "registry withdrew): the store mirrors the inputs. Nothing is removed while a rejected "
    "input names no trial.",
)
@click.option(
    "--errors",
    "errors_file",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Also write each rejected record, as it comes, to this TSV file "
    "(kind, file, record, field, message).",
)
@click.option(
    "--overlay",
    type=click.Path(dir_okay=False),
    envvar="TRIALKG_OVERLAY",
    default=None,
    help="An overlay file of your own vocabulary entries (see docs/linking.md) "
    "[default: the file TRIALKG_OVERLAY names].",
)
@click.option(
    "--no-results",
    is_flag=True,
    help="Leave the results sections out (groups, flow, outcomes, adverse events).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and the summary line.")
@_fails_cleanly
def build(
    inputs: tuple[str, ...],
    store_path: str | None,
    format_name: str | None,
    strict: bool,
    include_contacts: bool,
    workers: int | None,
    force: bool,
    no_compact: bool,
    chunk_trials: int | None,
    remove_missing: bool,
    errors_file: str | None,
    overlay: str | None,
    no_results: bool,
    quiet: bool,
) -> None:
    """Read records (files, directories, zips) into the store.

    With no INPUT, builds the bundled example records. Each record becomes a
    named graph; building it again replaces it, and unchanged files are skipped.
    Bad records are reported with file, record and field, and the rest of the
    build goes on. On a terminal, progress (files/s and time left) is shown.
    """
    from trialkg.build import BuildOptions, BuildReport
    from trialkg.build import build as run_build

    paths = list(inputs) or _examples()
    options = BuildOptions(
        format=format_name,
        strict=strict,
        include_contacts=include_contacts,
        workers=_workers(workers),
        force=force,
        compact=not no_compact,
        remove_missing=remove_missing,
        overlay=overlay or "",
        include_results=not no_results,
        **({"chunk_trials": chunk_trials} if chunk_trials else {}),
    )

    rejected_tsv = ErrorsFile(errors_file) if errors_file else None

    def on_error(error: InputError) -> None:
        if rejected_tsv is not None:
            rejected_tsv.write(error)
        if strict:  # the build stops with this error, which is printed once, as the error
            return
        if progress:
            click.echo("\r\x1b[K", err=True, nl=False)
        click.echo(f"rejected: {error}", err=True)

    def on_dropped(error: InputError) -> None:
        if progress:
            click.echo("\r\x1b[K", err=True, nl=False)
        click.echo(f"left out: {error}", err=True)

    progress = _show_progress() and not quiet

    def on_progress(report: BuildReport) -> None:
        click.echo(f"\r\x1b[K{report.progress()}", err=True, nl=False)

    path = _store_path(store_path)
    with contextlib.ExitStack() as closing, open_store(path) as store:
        if rejected_tsv is not None:
            closing.callback(rejected_tsv.close)
        if store.recovered_graphs:
            click.echo(
                f"an interrupted build left {store.recovered_graphs} graphs half-written: "
                "removed, they are built again",
                err=True,
            )
        try:
            report = run_build(
                store,
                paths,
                options,
                on_error=on_error,
                on_progress=on_progress if progress else None,
                on_dropped=on_dropped,
            )
        except StoreWriteError as stopped:
            if progress:
                click.echo("\r\x1b[K", err=True, nl=False)
            if isinstance(stopped.report, BuildReport):  # what was stored before the stop
                click.echo(f"{stopped.report.summary()} -> {path} (stopped)")
            raise
    if progress:
        click.echo("\r\x1b[K", err=True, nl=False)
    click.echo(f"{report.summary()} ({report.seconds:.1f} s) -> {path}")
    if report.missing_trials and not quiet:
        click.echo(f"trials no input holds any more, removed: {' '.join(report.missing_trials)}")
    if report.rejected:
        sys.exit(EXIT_DATA)


@main.command()
@store_option
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Threads running the checks; processes for --engine pyshacl "
    "(default: the CPU count, at most 8).",
)
@click.option(
    "--engine",
    type=click.Choice(["sparql", "pyshacl"]),
    default="sparql",
    show_default=True,
    help="sparql: the shapes as queries on the store (pyshacl only for what does not compile); "
    "pyshacl: pyshacl itself on chunks of trials (slower).",
)
@click.option(
    "--chunk",
    "chunk_trials",
    type=click.IntRange(1, 100000),
    default=200,
    show_default=True,
    help="Trials per pyshacl call.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text: grouped by trial; json, turtle: a SHACL sh:ValidationReport a program reads.",
)
@_fails_cleanly
def validate(
    store_path: str | None, workers: int | None, engine: str, chunk_trials: int, fmt: str
) -> None:
    """Check the store against the SHACL shapes: exit 0 conforms, 1 does not, 2 error.

    On a terminal, progress (checks or trials done) is shown."""
    from trialkg.progress import duration, time_left
    from trialkg.validate import validate_store

    def on_progress(done: int, total: int, seconds: float) -> None:
        if engine == "sparql":  # the costly checks go first: no time left to tell
            line = f"{done:,} of {total:,} checks, {duration(seconds)} so far"
        else:
            line = f"{done:,} of {total:,} trials{time_left(done, total, seconds)}"
        click.echo(f"\r\x1b[K{line}", err=True, nl=False)

    progress = _show_progress()
    with _open_to_read(_store_path(store_path)) as store:
        report = validate_store(
            store,
            chunk_trials=chunk_trials,
            workers=_workers(workers),
            engine=engine,
            on_progress=on_progress if progress else None,
        )
    if progress:
        click.echo("\r\x1b[K", err=True, nl=False)
    from trialkg.validate.formats import format_report

    click.echo(format_report(report, fmt), nl=False)
    sys.exit(EXIT_OK if report.conforms else EXIT_DATA)


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--param")
        params[key.strip()] = value
    return params


@main.command()
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
@_fails_cleanly
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

    with _open_to_read(_store_path(store_path)) as store:
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


@main.command()
def queries() -> None:
    """List the named queries."""
    from trialkg.query import named_queries, queries_table

    click.echo(queries_table(named_queries().values()), nl=False)


@main.command()
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
@_fails_cleanly
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

    progress = on_progress if _show_progress() else None
    threads = _workers(workers)
    started = time.perf_counter()
    with _open_to_read(_store_path(store_path)) as store:
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


@main.command()
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
@_fails_cleanly
def serve(store_path: str | None, host: str, port: int, timeout: int) -> None:
    """Serve the store as a read-only SPARQL 1.1 endpoint (the Oxigraph server).

    The default graph is the union of all graphs; the query page is at the root.
    Ctrl-C stops it: exit 0. Exit 2 when the store is missing or being built, the
    port is taken, or the server stops of itself."""
    from trialkg.serve import ServeError, Server

    path = _store_path(store_path)
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


@main.command()
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
@_fails_cleanly
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

    progress = on_progress if _show_progress() else None
    with open_store(_store_path(store_path), read_only=True) as store:
        report = run_push(store, endpoint, force=force, retries=retries, on_progress=progress)
    if progress is not None:
        click.echo("\r\x1b[K", err=True, nl=False)
    click.echo(report.summary())


@main.command()
@click.argument("nct_ids", nargs=-1, required=True)
@store_option
@_fails_cleanly
def remove(nct_ids: tuple[str, ...], store_path: str | None) -> None:
    """Remove trials (every source of each) from the store, e.g. records the registry
    withdrew, and what the shared graph said only of them. Exit 1 when some NCT id
    is not in the store."""
    from trialkg.summary import refresh_summary
    from trialkg.text import NCT_ID

    wanted = [value.strip().upper() for value in nct_ids]
    malformed = [value for value in wanted if not NCT_ID.fullmatch(value)]
    if malformed:
        raise click.UsageError(f"not an NCT id: {', '.join(malformed)}")
    with open_store(_store_path(store_path), create=False) as store:
        removed = store.remove_trials(wanted)
        pruned = store.prune_shared() if removed else 0
        if removed:
            refresh_summary(store)
    missing = sorted(set(wanted) - set(removed))
    click.echo(
        f"removed {len(removed)} trials ({sum(removed.values())} graphs); "
        f"shared statements no trial names removed: {pruned}"
    )
    if missing:
        click.echo(f"not in the store: {' '.join(missing)}", err=True)
        sys.exit(EXIT_DATA)


@main.command()
@store_option
@_fails_cleanly
def stats(store_path: str | None) -> None:
    """Counts of trials, graphs, triples and linked entities in the store."""
    from trialkg.stats import store_stats

    with _open_to_read(_store_path(store_path)) as store:
        click.echo(store_stats(store), nl=False)


@main.command()
def formats() -> None:
    """List the readers: what trialkg reads, in detection order."""
    from trialkg.readers import readers

    for reader in readers().values():
        click.echo(f"{reader.name:22} {reader.description}")


@main.command()
@click.argument("first", type=click.Path(exists=True))
@click.argument("second", type=click.Path(exists=True))
@_fails_cleanly
def compare(first: str, second: str) -> None:
    """Build two sources of one trial apart and compare them field by field.

    A structured record (JSON or XML) is the reference; the report says where the
    sources agree, where one is silent, and where they conflict (exit 1).
    """
    from trialkg.compare import compare_sources

    report = compare_sources(first, second)
    click.echo(report.text(), nl=False)
    sys.exit(EXIT_DATA if report.conflicts() else EXIT_OK)


@main.command()
@search_options
@network_options
@_fails_cleanly
def fetch(output: str, bulk: bool, restart: bool, quiet: bool, **given: Any) -> None:
    """Fetch studies from the ClinicalTrials.gov API v2 for `trialkg build`.

    Pages through every match (1000 a page), checks the count against the
    registry's totalCount, and resumes where a killed run stopped when run again
    with the same arguments. Exit 0: every study came; 1: incomplete after every
    try, or fewer studies than the registry counts; 2: a usage or input error.

    \b
    Examples:
      trialkg fetch --intervention imatinib -o imatinib/
      trialkg fetch --condition asthma --status RECRUITING \\
          --advanced 'AREA[LocationCountry]Germany' -o asthma-de.jsonl.gz
      trialkg fetch --sponsor Novartis --advanced 'AREA[Phase]PHASE3' -o novartis/
      trialkg fetch --since 2026-01-01 -o recent/
      trialkg fetch --ids NCT06038552,NCT05385549 -o two/
      trialkg fetch --bulk -o registry/          # ctg-studies.json.zip
    """
    from trialkg.fetch.command import run_fetch

    query, options = split_options(given, restart=restart)
    run_fetch(query, output, bulk=bulk, options=options, progress=_show_progress(), quiet=quiet)


@main.command()
@store_option
@update_options
@network_options
@_fails_cleanly
def update(
    store_path: str | None,
    margin_days: int,
    keep: str | None,
    workers: int | None,
    quiet: bool,
    **given: Any,
) -> None:
    """Fetch what the registry updated since the store's newest record, and build it.

    Says how many trials were new, replaced or unchanged. Withdrawn records are
    not found by a date query: fetch everything now and then and build it with
    --remove-missing. Exit 0: updated; 1: the fetch is incomplete (nothing is
    built; run again to resume) or records were rejected; 2: an error.

    \b
    Example:
      trialkg update --store registry
    """
    from trialkg.build import BuildOptions
    from trialkg.fetch.command import run_update

    _, options = split_options(given)
    run_update(
        _store_path(store_path),
        options=options,
        build_options=BuildOptions(workers=workers or min(os.cpu_count() or 1, 8)),
        margin_days=margin_days,
        keep=keep,
        progress=_show_progress(),
        quiet=quiet,
    )


@main.command("page-report")
@click.argument("pages", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--records",
    "records",
    multiple=True,
    type=click.Path(exists=True),
    help="Structured records (JSON, XML, zips, folders) to judge the pages by; repeatable.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--summary", is_flag=True, help="Only the per-field figures, not each page.")
@_fails_cleanly
def page_report(pages: tuple[str, ...], records: tuple[str, ...], fmt: str, summary: bool) -> None:
    """Read a folder of study pages: per page and field, values read and refused, and where a
    structured record of the trial is given, agree / conflict / missed. Exit 0."""
    import json

    from trialkg.compare.pages import as_dict, page_lines, page_report, summary_lines

    report = page_report(pages, records)
    if fmt == "json":
        click.echo(json.dumps(as_dict(report), indent=1, sort_keys=True, ensure_ascii=False))
        return
    lines = summary_lines(report) if summary else [*page_lines(report), "", *summary_lines(report)]
    click.echo("\n".join(lines))


@main.command("link-report")
@store_option
@click.option(
    "--limit", type=click.IntRange(1), default=50, show_default=True, help="Rows to show."
)
@_fails_cleanly
def link_report(store_path: str | None, limit: int) -> None:
    """Mentions that did not link to a vocabulary term, most frequent first."""
    from trialkg.link_report import unlinked_mentions

    with _open_to_read(_store_path(store_path)) as store:
        rows = unlinked_mentions(store)
    click.echo(f"{'kind':14} {'count':>5}  mention")
    for kind, mention, count in rows[:limit]:
        click.echo(f"{kind:14} {count:>5}  {mention}")
    click.echo(f"({len(rows)} unlinked mentions; add them to an overlay file, see docs/linking.md)")


if __name__ == "__main__":  # pragma: no cover
    main()
