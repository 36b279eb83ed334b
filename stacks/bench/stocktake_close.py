"""The server's own close of a stock-take at library scale: facts gathered from the database, reconciled,
and what that found stored.

`python -m stacks.bench.stocktake_close --items 100000 [--json]` seeds a library of `items` items into a
fresh SQLite file (`stacks seed`), opens a session over all of it as staff would (its expected list frozen),
stores one read of each shelved item on its home shelf and one sweep a shelf (in bulk, as the ingest's
COPY or executemany would have left them), then closes the session through `stocktake_close.close` and
commits. The figures it prints:

- `gather_s`: `stocktake_facts.gather` alone (the database reads), in a transaction rolled back after;
- `reconcile_s`: the domain over those facts;
- `close_s`: the whole close, committed: gathering and reconciling again, then storing the results, counts
  and correction lists and proposing the closing actions; `store_s` is what it adds to the two above;
- `report_s`: every stored result listed in shelf order as the report's CSV (`stocktake_report.results_csv`,
  the annual report's differences go the same way);
- `peak_rss_mib`: the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.db.bulk import insert_rows
from server.db.engine import make_engine
from server.db.tables import StocktakeExpected, StocktakeRead, StocktakeSession, StocktakeSweep
from server.domain.stocktake.facts import Security, micros
from server.domain.stocktake.reconcile import reconcile
from server.services import stocktake_close, stocktake_facts, stocktake_report
from server.services.columns import table_of
from stacks.bench.stocktake import open_session, shipped_shelf_orders

EXPECTED = table_of(StocktakeExpected)
DEVICE = "handheld-close"


def _seed(root: Path, url: str, items: int) -> None:
    command = [sys.executable, "-m", "stacks", "seed", "--items", str(items), "--patrons", "10"]
    command += ["--database-url", url, "--manifest", str(root / "manifest.json")]
    env = os.environ | {"STACKS_DATA_DIR": str(root), "STACKS_DATABASE_URL": url}
    subprocess.run(command, check=True, capture_output=True, env=env)  # noqa: S603


def _sweep_every_shelf(url: str, session_id: int) -> int:
    """One read of every frozen item that has a home shelf, on that shelf in shelf order, a sweep a shelf."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            frozen = session.execute(
                sa.select(EXPECTED.c.item_id, EXPECTED.c.home_id)
                .where(EXPECTED.c.session_id == session_id, EXPECTED.c.home_id.is_not(None))
                .order_by(EXPECTED.c.home_id, EXPECTED.c.order_key, EXPECTED.c.call_key, EXPECTED.c.item_id)
            ).all()
            start = micros(datetime.now(UTC) + timedelta(seconds=1))
            reads, spans = [], dict[int, list[int]]()  # shelf: first, last, reads
            for seq, (item_id, shelf_id) in enumerate(frozen, start=1):
                at = start + seq * 1000
                reads.append(
                    {
                        "session_id": session_id,
                        "device_id": DEVICE,
                        "read_seq": seq,
                        "at_us": at,
                        "item_id": item_id,
                        "shelf_id": shelf_id,
                        "security": int(Security.ARMED),
                    }
                )
                span = spans.setdefault(shelf_id, [at, at, 0])
                span[1], span[2] = at, span[2] + 1
            insert_rows(session, table_of(StocktakeRead), reads)
            sweeps = [
                {
                    "session_id": session_id,
                    "shelf_id": shelf_id,
                    "device_id": DEVICE,
                    "method": "label",
                    "started_us": first,
                    "ended_us": last,
                    "exact_order": False,
                    "reads": count,
                }
                for shelf_id, (first, last, count) in spans.items()
            ]
            insert_rows(session, table_of(StocktakeSweep), sweeps)
            session.commit()
            return len(reads)
    finally:
        engine.dispose()


def run(items: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="stacks-close-") as directory:
        root = Path(directory)
        url = f"sqlite:///{root / 'stacks.db'}"
        started = time.perf_counter()
        _seed(root, url, items)
        session_id = open_session(url)
        reads = _sweep_every_shelf(url, session_id)
        build_s = time.perf_counter() - started
        engine = make_engine(url)
        orders = shipped_shelf_orders()
        try:
            closed_at = datetime.now(UTC) + timedelta(hours=1)
            with Session(engine) as session:
                row = session.get(StocktakeSession, session_id)
                assert row is not None
                started = time.perf_counter()
                facts = stocktake_facts.gather(session, row, now=closed_at, shelf_orders=orders)
                gather_s = time.perf_counter() - started
                started = time.perf_counter()
                found = reconcile(facts)
                reconcile_s = time.perf_counter() - started
                session.rollback()
            del facts
            with Session(engine) as session:
                started = time.perf_counter()
                stocktake_close.close(session, session_id, staff="bench", now=closed_at, shelf_orders=orders)
                session.commit()
                close_s = time.perf_counter() - started
            with Session(engine) as session:
                started = time.perf_counter()
                listed = sum(1 for _ in stocktake_report.results_csv(session, session_id, orders)) - 1
                report_s = time.perf_counter() - started
        finally:
            engine.dispose()
    return {
        "items": items,
        "reads": reads,
        "results": len(found.results),
        "build_s": round(build_s, 3),
        "gather_s": round(gather_s, 3),
        "reconcile_s": round(reconcile_s, 3),
        "store_s": round(max(0.0, close_s - gather_s - reconcile_s), 3),
        "close_s": round(close_s, 3),
        "listed": listed,
        "report_s": round(report_s, 3),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    figures = run(parser.parse_args(argv).items)
    if parser.parse_args(argv).json:
        print(json.dumps(figures))
    else:
        for name, value in figures.items():
            print(f"{name:16} {value}")


if __name__ == "__main__":
    main()
