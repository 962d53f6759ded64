"""The commands that bring records into the store: `build`, `fetch`, `update`, `remove`,
and `formats` (what `build` reads)."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

import click

from trialkg.cli_common import (
    bundled_examples,
    default_workers,
    fails_cleanly,
    show_progress,
    store_option,
    store_path_or_default,
)
from trialkg.cli_errors import EXIT_DATA
from trialkg.cli_files import ErrorsFile
from trialkg.errors import InputError, StoreWriteError
from trialkg.fetch.cli_options import network_options, search_options, split_options, update_options
from trialkg.readers import readers
from trialkg.store import open_store


@click.command()
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
    help="An overlay file of your own lexicon entries (see docs/linking.md) "
    "[default: the file TRIALKG_OVERLAY names].",
)
@click.option(
    "--no-results",
    is_flag=True,
    help="Leave the results sections out (groups, flow, outcomes, adverse events).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and the summary line.")
@fails_cleanly
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

    paths = list(inputs) or bundled_examples()
    options = BuildOptions(
        format=format_name,
        strict=strict,
        include_contacts=include_contacts,
        workers=default_workers(workers),
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

    progress = show_progress() and not quiet

    def on_progress(report: BuildReport) -> None:
        click.echo(f"\r\x1b[K{report.progress()}", err=True, nl=False)

    path = store_path_or_default(store_path)
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


@click.command()
@click.argument("nct_ids", nargs=-1, required=True)
@store_option
@fails_cleanly
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
    with open_store(store_path_or_default(store_path), create=False) as store:
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


@click.command()
def formats() -> None:
    """List the readers: what trialkg reads, in detection order."""
    from trialkg.readers import readers

    for reader in readers().values():
        click.echo(f"{reader.name:22} {reader.description}")


@click.command()
@search_options
@network_options
@fails_cleanly
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
    run_fetch(query, output, bulk=bulk, options=options, progress=show_progress(), quiet=quiet)


@click.command()
@store_option
@update_options
@network_options
@fails_cleanly
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
        store_path_or_default(store_path),
        options=options,
        build_options=BuildOptions(workers=workers or min(os.cpu_count() or 1, 8)),
        margin_days=margin_days,
        keep=keep,
        progress=show_progress(),
        quiet=quiet,
    )
