"""What the commands share: the `--store` option, the default store and worker count, opening
the store to read, and whether to show progress."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from trialkg.store import STORE_ENV, TrialStore, default_store_path, open_store

F = TypeVar("F", bound=Callable[..., Any])


def fails_cleanly(command: F) -> F:
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


def store_path_or_default(value: str | None) -> str:
    return value or default_store_path()


MOST_DEFAULT_WORKERS = 8  # more processes or threads than this gain little, and cost memory


def default_workers(value: int | None) -> int:
    return value or min(os.cpu_count() or 1, MOST_DEFAULT_WORKERS)


def open_to_read(path: str) -> TrialStore:
    """The store opened read-only, with a warning line when its last build did not finish."""
    store = open_store(path, read_only=True)
    if store.unfinished_build:
        click.echo(
            f"warning: the last build into {path} did not finish (stopped or killed): every "
            "trial it holds is whole, but records may be missing; run the build again",
            err=True,
        )
    return store


def bundled_examples() -> list[str]:
    from trialkg.resources import resource_dir

    return [str(resource_dir("data") / "examples")]


def show_progress() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")
