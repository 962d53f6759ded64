"""The one place where the command line turns failures into a message and an exit code.

Every expected failure (trialkg's own errors, a file that cannot be read or written, a
full disk, a broken pipe, Ctrl-C) becomes one line on stderr and its exit code. Anything
else is a fault in trialkg itself: it too is one line and exit 2, and ``--debug`` (or
``TRIALKG_DEBUG=1``) prints the traceback instead, for a bug report.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import traceback
from typing import Any

import click

from trialkg.errors import TrialKGError, os_error_text

EXIT_OK, EXIT_DATA, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # the shell's code for a process stopped by SIGINT
DEBUG_ENV = "TRIALKG_DEBUG"


def _message(error: BaseException) -> str:
    if isinstance(error, TrialKGError):
        return str(error)
    if isinstance(error, OSError):
        if error.errno == errno.ENOSPC:
            return f"no space left on device ({error.filename or 'writing'})"
        return os_error_text(error)
    if isinstance(error, MemoryError):
        return "out of memory"
    return (
        f"unexpected failure ({type(error).__name__}: {error}); this is a fault in trialkg: "
        "run again with --debug for the traceback and report it"
    )


class FailsCleanly(click.Group):
    """A click group whose commands never show a traceback unless asked to."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            # The reader of our output went away (`trialkg query ... | head`): what is
            # left to flush goes nowhere, instead of failing again at exit.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_OK)
        except KeyboardInterrupt:
            click.echo("\ninterrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except Exception as error:
            if ctx.params.get("debug") or os.environ.get(DEBUG_ENV):
                traceback.print_exc(file=sys.stderr)
            click.echo(f"error: {_message(error)}", err=True)
            sys.exit(EXIT_ERROR)
