"""`stacks labels` commands (being written)."""

from __future__ import annotations

import typer


def register(root: typer.Typer) -> None:
    """Adds the `labels` commands to the root application."""
