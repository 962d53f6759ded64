"""The command line: parses options, calls the library, maps errors to exit codes.

Exit codes (all commands):
  0  done (validate: the graph conforms)
  1  done, but something was wrong with the data (build: records were rejected;
     validate: the graph does not conform)
  2  input or runtime error (unreadable input in --strict mode, a missing store,
     an unknown query or format, a broken shapes file)
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from trialkg import __version__
from trialkg.errors import InputError, TrialKGError
from trialkg.store import STORE_ENV, default_store_path, open_store

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_DATA, EXIT_ERROR = 0, 1, 2


def _fails_cleanly(command: F) -> F:
    """Map trialkg's errors to exit code 2 with a one-line message, in one place."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except TrialKGError as error:
            click.echo(f"error: {error}", err=True)
            sys.exit(EXIT_ERROR)
        except BrokenPipeError:
            sys.exit(EXIT_OK)

    return wrapper  # type: ignore[return-value]


store_option = click.option(
    "--store",
    "store_path",
    type=click.Path(file_okay=False),
    default=None,
    help=f"The store folder (default: ${STORE_ENV} or ./trialkg-store).",
)


def _store_path(value: str | None) -> str:
    return value or default_store_path()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="trialkg")
def main() -> None:
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
    "--format", "format_name", default=None, help="Force a reader (see `trialkg formats`)."
)
@click.option("--strict", is_flag=True, help="Stop at the first bad record (exit 2).")
@click.option(
    "--include-contacts", is_flag=True, help="Keep phone numbers and e-mails of named people."
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes for reading and mapping (default: CPU count).",
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
        workers=workers or min(os.cpu_count() or 1, 8),
        force=force,
        compact=not no_compact,
        remove_missing=remove_missing,
        include_results=not no_results,
        **({"chunk_trials": chunk_trials} if chunk_trials else {}),
    )

    def on_error(error: InputError) -> None:
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
    with open_store(path) as store:
        if store.recovered_graphs:
            click.echo(
                f"an interrupted build left {store.recovered_graphs} graphs half-written: "
                "removed, they are built again",
                err=True,
            )
        report = run_build(
            store,
            paths,
            options,
            on_error=on_error,
            on_progress=on_progress if progress else None,
            on_dropped=on_dropped,
        )
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
    help="Threads running the checks; processes for --engine pyshacl (default: CPU count).",
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
@_fails_cleanly
def validate(store_path: str | None, workers: int | None, engine: str, chunk_trials: int) -> None:
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
    with open_store(_store_path(store_path), read_only=True) as store:
        report = validate_store(
            store,
            chunk_trials=chunk_trials,
            workers=workers or min(os.cpu_count() or 1, 8),
            engine=engine,
            on_progress=on_progress if progress else None,
        )
    if progress:
        click.echo("\r\x1b[K", err=True, nl=False)
    click.echo(report.text(), nl=False)
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
@_fails_cleanly
def query(name: str, store_path: str | None, params: tuple[str, ...], fmt: str) -> None:
    """Run a named query (see `trialkg queries`) or a SPARQL file (FILE.rq), read-only."""
    from trialkg.query import format_result, run_query

    with open_store(_store_path(store_path), read_only=True) as store:
        result = run_query(store, name, _parse_params(params))
    click.echo(format_result(result, fmt), nl=False)


@main.command()
def queries() -> None:
    """List the named queries."""
    from trialkg.query import named_queries, queries_table

    click.echo(queries_table(named_queries().values()), nl=False)


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["turtle", "jsonld", "ntriples", "nquads", "trig"]),
    required=True,
)
@store_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="File to write (default: standard output).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Threads reading the store (default: CPU count).",
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
    threads = workers or min(os.cpu_count() or 1, 8)
    started = time.perf_counter()
    with open_store(_store_path(store_path), read_only=True) as store:
        if output is None:
            count = run_export(store, fmt, sys.stdout.buffer, workers=threads, on_progress=progress)
            sys.stdout.buffer.flush()
        else:
            target = Path(output)
            partial = target.with_name(target.name + ".partial")
            with partial.open("wb") as handle:
                count = run_export(store, fmt, handle, workers=threads, on_progress=progress)
            partial.replace(target)  # a half-written export never takes the real name
    if progress is not None:
        click.echo("\r\x1b[K", err=True, nl=False)
    if output is not None:
        click.echo(
            f"{count} statements -> {output} ({time.perf_counter() - started:.1f} s)", err=True
        )


@main.command()
@click.argument("nct_ids", nargs=-1, required=True)
@store_option
@_fails_cleanly
def remove(nct_ids: tuple[str, ...], store_path: str | None) -> None:
    """Remove trials (every source of each) from the store, e.g. records the registry
    withdrew, and what the shared graph said only of them. Exit 1 when some NCT id
    is not in the store."""
    from trialkg.readers.common import NCT_ID

    wanted = [value.strip().upper() for value in nct_ids]
    malformed = [value for value in wanted if not NCT_ID.fullmatch(value)]
    if malformed:
        raise click.UsageError(f"not an NCT id: {', '.join(malformed)}")
    with open_store(_store_path(store_path), create=False) as store:
        removed = store.remove_trials(wanted)
        pruned = store.prune_shared() if removed else 0
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

    with open_store(_store_path(store_path), read_only=True) as store:
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


@main.command("link-report")
@store_option
@click.option(
    "--limit", type=click.IntRange(1), default=50, show_default=True, help="Rows to show."
)
@_fails_cleanly
def link_report(store_path: str | None, limit: int) -> None:
    """Mentions that did not link to a vocabulary term, most frequent first."""
    from trialkg.linking.report import unlinked_mentions

    with open_store(_store_path(store_path), read_only=True) as store:
        rows = unlinked_mentions(store)
    click.echo(f"{'kind':14} {'count':>5}  mention")
    for kind, mention, count in rows[:limit]:
        click.echo(f"{kind:14} {count:>5}  {mention}")
    click.echo(f"({len(rows)} unlinked mentions; add them to an overlay file, see docs/linking.md)")


if __name__ == "__main__":  # pragma: no cover
    main()
