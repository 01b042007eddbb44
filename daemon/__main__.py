"""`python -m daemon` runs the newswatch CLI (the same as the `newswatch` console script)."""

from daemon.cli import main

main(prog_name="newswatch")
