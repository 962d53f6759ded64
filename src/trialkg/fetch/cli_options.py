"""The command-line options of ``trialkg fetch`` and ``trialkg update``.

Only click and the light option types are imported here: the command line
builds its help without loading the HTTP client.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

import click

from trialkg.errors import InputError
from trialkg.fetch.options import (
    DEFAULT_API_URL,
    DEFAULT_MARGIN_DAYS,
    MAX_PAGE_SIZE,
    FetchOptions,
    HttpOptions,
)
from trialkg.fetch.query import SearchQuery

F = TypeVar("F", bound=Callable[..., Any])

_DEFAULTS = HttpOptions()
_SEARCH_NAMES = ("term", "condition", "intervention", "sponsor", "statuses", "advanced", "since")


def _apply(command: F, options: list[Callable[[F], F]]) -> F:
    for option in reversed(options):
        command = option(command)
    return command


def search_options(command: F) -> F:
    """The filters, the output and how to start."""
    return _apply(
        command,
        [
            click.option("--query", "term", metavar="WORDS", help="Any field (query.term)."),
            click.option("--condition", metavar="WORDS", help="Conditions (query.cond)."),
            click.option("--intervention", metavar="WORDS", help="Interventions (query.intr)."),
            click.option(
                "--sponsor", metavar="WORDS", help="Lead sponsor or collaborator (query.spons)."
            ),
            click.option(
                "--status",
                "statuses",
                multiple=True,
                metavar="STATUS",
                help="Overall status, e.g. RECRUITING (repeatable, or comma-separated).",
            ),
            click.option(
                "--advanced",
                multiple=True,
                metavar="ESSIE",
                help="An Essie expression, e.g. AREA[Phase]PHASE3 (repeatable: all must hold).",
            ),
            click.option(
                "--since",
                metavar="YYYY-MM-DD",
                help="Last update posted on or after this day "
                "(AREA[LastUpdatePostDate]RANGE[DATE,MAX]).",
            ),
            click.option(
                "--ids",
                multiple=True,
                metavar="NCT...",
                help="These trials only (repeatable, or a list).",
            ),
            click.option(
                "-o",
                "--output",
                required=True,
                help="A folder (one NCT….json per study), FILE.jsonl or FILE.jsonl.gz; "
                "with --bulk, a folder or FILE.zip.",
            ),
            click.option(
                "--bulk",
                is_flag=True,
                help="Download the registry's whole bulk zip (about 2.5 GB) instead of searching.",
            ),
            click.option(
                "--restart", is_flag=True, help="Ignore an unfinished fetch into the output."
            ),
        ],
    )


def update_options(command: F) -> F:
    return _apply(
        command,
        [
            click.option(
                "--margin",
                "margin_days",
                type=click.IntRange(0, 3650),
                default=DEFAULT_MARGIN_DAYS,
                show_default=True,
                help="Days before the store's newest last update to fetch from "
                "(records posted late).",
            ),
            click.option(
                "--keep",
                type=click.Path(file_okay=False),
                default=None,
                help="Fetch into this new or empty folder and keep it (default: a hidden "
                "folder beside the store, removed after the build).",
            ),
            click.option(
                "--workers",
                type=click.IntRange(1, 64),
                default=None,
                help="Processes for the build (default: CPU count).",
            ),
        ],
    )


def network_options(command: F) -> F:
    """How the two commands talk to the registry."""
    return _apply(
        command,
        [
            click.option(
                "--api-url",
                default=DEFAULT_API_URL,
                show_default=True,
                help="The API v2 base: the registry, a mirror, or a test server.",
            ),
            click.option(
                "--delay",
                type=click.FloatRange(0),
                default=_DEFAULTS.delay,
                show_default=True,
                help="Seconds between the starts of two requests.",
            ),
            click.option(
                "--tries",
                type=click.IntRange(1, 100),
                default=_DEFAULTS.tries,
                show_default=True,
                help="Attempts per request (timeouts, 429, 5xx) before giving up.",
            ),
            click.option(
                "--backoff",
                type=click.FloatRange(0),
                default=_DEFAULTS.backoff,
                show_default=True,
                help="Seconds before the first retry; doubled for each next one (up to 60), "
                "with jitter; a longer Retry-After is honoured.",
            ),
            click.option(
                "--timeout",
                type=click.FloatRange(0.1),
                default=_DEFAULTS.read_timeout,
                show_default=True,
                help="Seconds to wait for a response's bytes (connecting: 10).",
            ),
            click.option(
                "--page-size",
                type=click.IntRange(1, MAX_PAGE_SIZE),
                default=MAX_PAGE_SIZE,
                show_default=True,
                help="Studies per page.",
            ),
            click.option("--quiet", "-q", is_flag=True, help="Print only errors and the result."),
        ],
    )


def split_options(
    given: dict[str, Any], *, restart: bool = False
) -> tuple[SearchQuery, FetchOptions]:
    """The query and the fetch options from the parsed options; a bad filter is a usage
    error (exit 2)."""
    try:
        query = SearchQuery.parse(
            **{name: given[name] for name in _SEARCH_NAMES if name in given},
            ids=given.get("ids", ()),
        )
    except InputError as error:
        raise click.UsageError(str(error)) from None
    http = HttpOptions(
        delay=given["delay"],
        tries=given["tries"],
        backoff=given["backoff"],
        read_timeout=given["timeout"],
    )
    options = FetchOptions(api_url=given["api_url"], page_size=given["page_size"], http=http)
    return query, replace(options, restart=restart)
