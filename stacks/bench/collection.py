"""`stacks bench collection`: the weeding list read from a seeded database, and the pure collection rules
over a synthetic one — each in a child process of its own, so each reports its own peak memory.

The issue's keys are named after the size they were measured at: `weeding_1m_seconds` and
`weeding_1m_peak_rss_mib` only when a million copies were read from the database; any other size is
printed as `weeding_db_items` with `weeding_db_seconds` and `weeding_db_peak_rss_mib`. The nightly tick
likewise (`stacks.bench.collection_tick`, over a library built for it): `tick_1m_seconds` and
`tick_1m_peak_rss_mib` at a million copies, else `tick_db_items`, `tick_db_seconds`, `tick_db_peak_rss_mib`.
The annual plan's figures (`collection_statistics`) the same way: `statistics_1m_seconds` and
`statistics_1m_peak_rss_mib` at a million copies, else `statistics_db_seconds`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from stacks.bench import collection_database, collection_domain

MILLION = 1_000_000


def _database(database_url: str, today: date | None, module: str = "collection_database") -> dict[str, Any]:
    """One measurement of the library at `database_url` in a child process of its own (its peak memory)."""
    argv = [sys.executable, "-m", f"stacks.bench.{module}", "--database-url", database_url, "--json"]
    if today is not None:
        argv += ["--today", today.isoformat()]
    child = subprocess.run(argv, capture_output=True, text=True, check=True)  # noqa: S603  (our own module)
    figures: dict[str, Any] = json.loads(child.stdout)
    return figures


def _tick(items: int) -> dict[str, Any]:
    argv = [sys.executable, "-m", "stacks.bench.collection_tick", "--items", str(items), "--json"]
    child = subprocess.run(argv, capture_output=True, text=True, check=True)  # noqa: S603  (our own module)
    figures: dict[str, Any] = json.loads(child.stdout)
    return figures


def _tick_keys(tick: dict[str, Any]) -> dict[str, Any]:
    keys = {
        "tick_db_items": tick["items"],
        "tick_db_seconds": tick["tick_s"],
        "tick_db_peak_rss_mib": tick["peak_rss_mib"],
    }
    if tick["items"] == MILLION:
        keys |= {"tick_1m_seconds": tick["tick_s"], "tick_1m_peak_rss_mib": tick["peak_rss_mib"]}
    return keys | {"tick": tick}


def run(
    items: int,
    domain_items: int,
    database_url: str | None = None,
    today: date | None = None,
    tick_items: int | None = None,
) -> dict[str, Any]:
    tick = _tick(tick_items or items)
    if database_url is None:  # one library seeded for both the weeding list and the statistics
        with tempfile.TemporaryDirectory(prefix="stacks-collection-") as directory:
            root, day = Path(directory), datetime.now(UTC).date()
            url = f"sqlite:///{root / 'stacks.db'}"
            started = time.perf_counter()
            collection_database.seed(root, url, items, day)
            seeded_s = round(time.perf_counter() - started, 1)
            figures = _measured(url, day, tick, domain_items)
        return figures | {"seed_s": seeded_s}
    return _measured(database_url, today, tick, domain_items)


def _measured(
    database_url: str, today: date | None, tick: dict[str, Any], domain_items: int
) -> dict[str, Any]:
    database = _database(database_url, today)
    items = database["items"]
    figures: dict[str, Any] = {
        "weeding_db_items": items,
        "weeding_db_seconds": database["candidates_s"],
        "weeding_db_peak_rss_mib": database["peak_rss_mib"],
    }
    if items == MILLION:
        figures |= {
            "weeding_1m_seconds": database["candidates_s"],
            "weeding_1m_peak_rss_mib": database["peak_rss_mib"],
        }
    figures["database"] = database
    figures |= _tick_keys(tick)
    statistics = _database(database_url, today, "collection_statistics")
    figures |= {"statistics_db_seconds": statistics["statistics_s"], "statistics": statistics}
    if items == MILLION:
        figures |= {
            "statistics_1m_seconds": statistics["statistics_s"],
            "statistics_1m_peak_rss_mib": statistics["peak_rss_mib"],
        }
    if domain_items:
        figures["domain"] = collection_domain.run(domain_items)
    return figures
