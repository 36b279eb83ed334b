"""`python -m stacks` — the same as the `stacks` command."""

from stacks.cli import main

main()
