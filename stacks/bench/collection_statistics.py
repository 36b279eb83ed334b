"""The annual plan's figures from the database: every copy ever held read (`collection_stock`) and counted by
the domain, with the closed stock-takes and the hold queues' suggestions — the console's statistics page
and the annual report read exactly this — over a library of `items` copies.

`python -m stacks.bench.collection_statistics --items 100000 [--json]` seeds a fresh SQLite file as
`collection_database` does (copies accessioned over 30 years, past loans returned over those years);
`--database-url URL --today DAY` measures a library seeded before instead. The figures:

- `stock_s`: reading every copy with its loans by year alone;
- `statistics_s`: the year's statistics whole (reading, counting, stock-takes, suggestions), and
  `statistics_cpu_s` the processor time this process spent on it (SQLite works in the process too): on a
  machine shared with other work, the part of the wall time that was ours;
- `peak_rss_mib`: the process's peak resident memory (seeding runs in a child process of its own).
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from collections import deque
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.collection_config import WEEDING_FILE, load_weeding
from server.db.engine import make_engine
from server.services.collection_statistics import annual_statistics
from server.services.collection_stock import read_stock
from server.services.columns import ITEM
from server.settings import REPO_CONFIG_DIR
from stacks.bench.collection_database import SIZE, seed


def measure(url: str, today: date) -> dict[str, Any]:
    plan = load_weeding(REPO_CONFIG_DIR / WEEDING_FILE).plan
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            held = session.execute(sa.select(sa.func.count()).select_from(ITEM)).scalar_one()
            started = time.perf_counter()
            deque(read_stock(session, today), maxlen=0)
            stock_s = time.perf_counter() - started
            started, processor = time.perf_counter(), time.process_time()
            statistics = annual_statistics(session, plan, today.year, today)
            statistics_s = time.perf_counter() - started
            statistics_cpu_s = time.process_time() - processor
    finally:
        engine.dispose()
    return {
        "items": held,
        "holdings": statistics.figures.holdings,
        "title_suggestions": len(statistics.titles),
        "class_suggestions": len(statistics.classes),
        "stock_s": round(stock_s, 2),
        "statistics_s": round(statistics_s, 2),
        "statistics_cpu_s": round(statistics_cpu_s, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run(items: int = SIZE, database_url: str | None = None, today: date | None = None) -> dict[str, Any]:
    """Seed a library of `items` copies and time its statistics; or time the one at `database_url`, seeded
    for `today`."""
    if database_url is not None:
        return {"seed_s": None, **measure(database_url, today or datetime.now(UTC).date())}
    with tempfile.TemporaryDirectory(prefix="stacks-statistics-") as directory:
        root = Path(directory)
        url = f"sqlite:///{root / 'stacks.db'}"
        today = datetime.now(UTC).date()
        started = time.perf_counter()
        seed(root, url, items, today)
        seed_s = time.perf_counter() - started
        return {"seed_s": round(seed_s, 1), **measure(url, today)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--items", type=int, default=SIZE)
    parser.add_argument("--database-url", help="a library seeded before (its size is counted)")
    parser.add_argument("--today", type=date.fromisoformat, help="the day it was seeded for")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    figures = run(args.items, args.database_url, args.today)
    print(json.dumps(figures) if args.json else json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
