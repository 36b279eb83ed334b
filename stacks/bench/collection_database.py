"""Weeding candidates from the database: the seeded library's evidence read (`weeding_evidence`) and judged
by the domain, as the console's list and its CSV do, over a library of `items` copies.

`python -m stacks.bench.collection_database --items 100000 [--json]` seeds a fresh SQLite file
(`stacks seed`: copies accessioned over 30 years, past loans returned over those years), then streams every
record's evidence into `weeding_candidates` and counts what comes out. `--database-url URL --today DAY`
measures a library seeded before (a million copies take ten minutes to seed) instead. The figures:

- `loans`, `records`: the size of what is read besides the copies;
- `evidence_s`: reading the evidence alone (the statement and building the named tuples);
- `candidates_s`: reading and judging, the whole candidate list;
- `peak_rss_mib`: the process's peak resident memory (seeding runs in a child process of its own).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
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
from server.domain.weeding.candidates import weeding_candidates
from server.domain.weeding.evidence import Candidate
from server.services.columns import ITEM, LOAN, RECORD
from server.services.weeding_evidence import read_records
from server.settings import REPO_CONFIG_DIR

SIZE = 100_000


def seed(root: Path, url: str, items: int, today: date) -> None:
    """A library of `items` copies at `url` (SQLite under `root`), seeded for `today`."""
    command = [sys.executable, "-m", "stacks", "seed", "--items", str(items), "--patrons", "200"]
    command += ["--today", today.isoformat()]
    command += ["--database-url", url, "--manifest", str(root / "manifest.json")]
    env = os.environ | {"STACKS_DATA_DIR": str(root), "STACKS_DATABASE_URL": url}
    subprocess.run(command, check=True, capture_output=True, env=env)  # noqa: S603  (our own command)


def measure(url: str, today: date) -> dict[str, Any]:
    """Read and judge the library at `url`; the figures of one run."""
    settings = load_weeding(REPO_CONFIG_DIR / WEEDING_FILE)
    engine = make_engine(url)
    # What start-up built is frozen out of the collector's sweeps, as the server does once started
    # (server/app.py): the list is measured in the heap it is made in there.
    gc.collect()
    gc.freeze()
    try:
        with Session(engine) as session:
            loans = session.execute(sa.select(sa.func.count()).select_from(LOAN)).scalar_one()
            records = session.execute(sa.select(sa.func.count()).select_from(RECORD)).scalar_one()
            started = time.perf_counter()
            deque(read_records(session, today), maxlen=0)
            evidence_s = time.perf_counter() - started
            counts = {"candidates": 0, "spared": 0}
            started = time.perf_counter()
            for outcome in weeding_candidates(read_records(session, today), settings, today):
                counts["candidates" if isinstance(outcome, Candidate) else "spared"] += 1
            candidates_s = time.perf_counter() - started
    finally:
        engine.dispose()
    return {
        "loans": loans,
        "records": records,
        **counts,
        "evidence_s": round(evidence_s, 2),
        "candidates_s": round(candidates_s, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run(items: int = SIZE, database_url: str | None = None, today: date | None = None) -> dict[str, Any]:
    """Seed a library of `items` copies and time its candidate list; or time the one at `database_url`,
    seeded for `today`."""
    if database_url is not None:
        day = today or datetime.now(UTC).date()
        engine = make_engine(database_url)
        with engine.connect() as connection:
            held = connection.execute(sa.select(sa.func.count()).select_from(ITEM)).scalar_one()
        engine.dispose()
        return {"items": held, "seed_s": None, **measure(database_url, day)}
    with tempfile.TemporaryDirectory(prefix="stacks-weeding-") as directory:
        root = Path(directory)
        url = f"sqlite:///{root / 'stacks.db'}"
        today = datetime.now(UTC).date()
        started = time.perf_counter()
        seed(root, url, items, today)
        seed_s = time.perf_counter() - started
        return {"items": items, "seed_s": round(seed_s, 1), **measure(url, today)}


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
