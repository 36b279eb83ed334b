"""`stacks bench collection`: the weeding list read from a seeded database, and the pure collection rules
over a synthetic one — each in a child process of its own, so each reports its own peak memory.

The issue's keys are named after the size they were measured at: `weeding_1m_seconds` and
`weeding_1m_peak_rss_mib` only when a million copies were read from the database; any other size is
printed as `weeding_db_items` with `weeding_db_seconds` and `weeding_db_peak_rss_mib`. The annual plan's
figures (`collection_statistics`) the same way: `statistics_1m_seconds` and `statistics_1m_peak_rss_mib`, or
`statistics_db_seconds` at any size.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from typing import Any

from stacks.bench import collection_domain

MILLION = 1_000_000


def _database(
    items: int, database_url: str | None, today: date | None, module: str = "collection_database"
) -> dict[str, Any]:
    argv = [sys.executable, "-m", f"stacks.bench.{module}", "--items", str(items), "--json"]
    if database_url is not None:
        argv += ["--database-url", database_url]
    if today is not None:
        argv += ["--today", today.isoformat()]
    child = subprocess.run(argv, capture_output=True, text=True, check=True)  # noqa: S603  (our own module)
    figures: dict[str, Any] = json.loads(child.stdout)
    return figures


def run(
    items: int, domain_items: int, database_url: str | None = None, today: date | None = None
) -> dict[str, Any]:
    database = _database(items, database_url, today)
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
    statistics = _database(items, database_url, today, "collection_statistics")
    figures |= {"statistics_db_seconds": statistics["statistics_s"], "statistics": statistics}
    if items == MILLION:
        figures |= {
            "statistics_1m_seconds": statistics["statistics_s"],
            "statistics_1m_peak_rss_mib": statistics["peak_rss_mib"],
        }
    if domain_items:
        figures["domain"] = collection_domain.run(domain_items)
    return figures
