"""How commands print their figures: one JSON object for machines (`--json`), or one line per figure."""

from __future__ import annotations

import json
from typing import Any


def print_figures(figures: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(figures, ensure_ascii=False))
        return
    from rich.console import Console

    console = Console()
    for key, value in figures.items():
        console.print(f"[bold]{key}[/bold]: {value}")
