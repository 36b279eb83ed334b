"""Runs a `stacks bench` command as a user would and returns the JSON figures it printed last."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


def bench_figures(*args: str) -> dict[str, Any]:
    return module_figures("stacks", "bench", *args)


def module_figures(module: str, *args: str) -> dict[str, Any]:
    """`python -m MODULE ARGS --json`'s last line, parsed."""
    result = subprocess.run(
        [sys.executable, "-m", module, *args, "--json"],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures
