"""The command line: the `trialkg` group, on which the commands of ``cli_build`` (records
into the store), ``cli_query`` (the store read out) and ``cli_report`` (checks and reports)
are registered; each parses its options and calls the library, and the group maps errors
to exit codes.

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

import click

from trialkg.cli_build import build, fetch, formats, remove, update
from trialkg.cli_errors import DEBUG_ENV, FailsCleanly
from trialkg.cli_query import export, push, queries, query, serve
from trialkg.cli_report import compare, link_report, page_report, stats, validate
from trialkg.version import __version__


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


for command in (
    build,
    validate,
    query,
    queries,
    export,
    serve,
    push,
    remove,
    stats,
    formats,
    compare,
    fetch,
    update,
    page_report,
    link_report,
):
    main.add_command(command)


if __name__ == "__main__":  # pragma: no cover
    main()
