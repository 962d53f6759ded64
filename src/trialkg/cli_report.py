"""The commands that check and report: `validate`, `stats`, `link-report`, `compare` and
`page-report`."""

from __future__ import annotations

import sys

import click

from trialkg.cli_common import (
    default_workers,
    fails_cleanly,
    open_to_read,
    show_progress,
    store_option,
    store_path_or_default,
)
from trialkg.cli_errors import EXIT_DATA, EXIT_OK


@click.command()
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
@fails_cleanly
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

    progress = show_progress()
    with open_to_read(store_path_or_default(store_path)) as store:
        report = validate_store(
            store,
            chunk_trials=chunk_trials,
            workers=default_workers(workers),
            engine=engine,
            on_progress=on_progress if progress else None,
        )
    if progress:
        click.echo("\r\x1b[K", err=True, nl=False)
    from trialkg.validate.formats import format_report

    click.echo(format_report(report, fmt), nl=False)
    sys.exit(EXIT_OK if report.conforms else EXIT_DATA)


@click.command()
@store_option
@fails_cleanly
def stats(store_path: str | None) -> None:
    """Counts of trials, graphs, triples and linked entities in the store."""
    from trialkg.stats import store_stats

    with open_to_read(store_path_or_default(store_path)) as store:
        click.echo(store_stats(store), nl=False)


@click.command("link-report")
@store_option
@click.option(
    "--limit", type=click.IntRange(1), default=50, show_default=True, help="Rows to show."
)
@fails_cleanly
def link_report(store_path: str | None, limit: int) -> None:
    """Mentions that did not link to a vocabulary term, most frequent first."""
    from trialkg.link_report import unlinked_mentions

    with open_to_read(store_path_or_default(store_path)) as store:
        rows = unlinked_mentions(store)
    click.echo(f"{'kind':14} {'count':>5}  mention")
    for kind, mention, count in rows[:limit]:
        click.echo(f"{kind:14} {count:>5}  {mention}")
    click.echo(f"({len(rows)} unlinked mentions; add them to an overlay file, see docs/linking.md)")


@click.command()
@click.argument("first", type=click.Path(exists=True))
@click.argument("second", type=click.Path(exists=True))
@fails_cleanly
def compare(first: str, second: str) -> None:
    """Build two sources of one trial apart and compare them field by field.

    A structured record (JSON or XML) is the reference; the report says where the
    sources agree, where one is silent, and where they conflict (exit 1).
    """
    from trialkg.compare import compare_sources

    report = compare_sources(first, second)
    click.echo(report.text(), nl=False)
    sys.exit(EXIT_DATA if report.conflicts() else EXIT_OK)


@click.command("page-report")
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
@fails_cleanly
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
