"""`python -m trialkg` works as the `trialkg` command."""

from trialkg.cli import main

main(prog_name="trialkg")
