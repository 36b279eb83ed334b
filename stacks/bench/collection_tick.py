"""The nightly tick over a library of `items` copies: `stacks collection tick`'s work, timed.

`python -m stacks.bench.collection_tick --items 1000000 [--json]` builds a fresh SQLite library (in a child
process of its own, so that the peak memory printed is the tick's) with a realistic share of it under the
lifecycle, then ticks it once as the command does, a chunk per transaction. The library:

- `items` copies of `items / 10` records on twenty shelves, almost all available;
- 2.5 % of them went missing at some moment of the last three years (so some are on the search list, some
  lost, some proposed for withdrawal), and one in ten of the lost was kept on the lost list since;
- four in five of those were ticked the night before (stamped up to then: tonight only the steps that fell
  due today are new), one in five was never ticked (adopted from its status, as `stacks seed` and migration
  0013 leave them: everything that fell due since is stamped tonight).

The figures: `traces` (the traces read), `changed` (the steps stamped), `tick_s` (reading, computing and
writing, with the commits) and `peak_rss_mib`.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.db.bulk import insert_values
from server.db.engine import make_engine
from server.db.migrate import upgrade
from server.domain.enums import ItemCondition, ItemStatus, LocationKind
from server.domain.lifecycle.advance import advance, next_due
from server.domain.lifecycle.settings import MissingTimers
from server.domain.lifecycle.trace import LossKind, Trace, Whereabouts, keep_on_lost_list
from server.services import lifecycle_tick, mapping
from server.services.columns import ITEM, LOCATION, RECORD, TRACE

SIZE = 100_000
NOW = datetime(2026, 12, 2, 1, 30, tzinfo=UTC)  # a night's tick
GONE_SHARE = 0.025
NEVER_TICKED_SHARE = 0.2
KEPT_SHARE = 0.1
SHELVES = 20
BATCH = 50_000
_ITEM_COLUMNS: tuple[str, ...] = ("id", "barcode", "record_id", "item_type", "home_location_id", "status")
_ITEM_COLUMNS += ("condition", "status_changed_at", "created_at")
_TRACE_COLUMNS: tuple[str, ...] = ("item_id", "whereabouts", "loss", "since", "search_stamps", "searched_at")
_TRACE_COLUMNS += ("lost_at", "reviewed_at", "withdrawal_proposed_at", "next_due_at")


def _trace(rng: random.Random, timers: MissingTimers) -> tuple[Trace, datetime | None]:
    """A shelf loss of the last three years as it stands after last night's tick (or none ever ran), and
    its `next_due_at` as stored."""
    since = NOW - timedelta(days=rng.uniform(0, 3 * 365))
    missing = Trace(Whereabouts.MISSING, LossKind.SHELF, since=since)
    if rng.random() < NEVER_TICKED_SHARE:
        return missing, since
    trace = advance(missing, NOW - timedelta(days=1), timers).trace
    if trace.whereabouts is Whereabouts.LOST and rng.random() < KEPT_SHARE:
        assert trace.lost_at is not None
        kept = keep_on_lost_list(trace, min(NOW - timedelta(days=2), trace.lost_at + timedelta(days=40)))
        assert isinstance(kept, Trace)
        trace = advance(kept, NOW - timedelta(days=1), timers).trace
    return trace, next_due(trace, timers)


Rows = list[tuple[Any, ...]]


def _batches(items: int, timers: MissingTimers) -> Iterator[tuple[Rows, Rows]]:
    rng = random.Random(20261202)
    created = NOW - timedelta(days=20 * 365)
    for start in range(1, items + 1, BATCH):
        copies: Rows = []
        traces: Rows = []
        for item_id in range(start, min(start + BATCH, items + 1)):
            status, changed = ItemStatus.AVAILABLE, None
            if rng.random() < GONE_SHARE:
                trace, due = _trace(rng, timers)
                status = ItemStatus.MISSING if trace.whereabouts is Whereabouts.MISSING else ItemStatus.LOST
                changed = trace.lost_at or trace.since
                traces.append(
                    (
                        item_id,
                        trace.whereabouts,
                        trace.loss,
                        trace.since,
                        mapping.stamps(trace.searches),
                        trace.searched_at,
                        trace.lost_at,
                        trace.reviewed_at,
                        trace.withdrawal_proposed_at,
                        due,
                    )
                )
            record_id = (item_id - 1) // 10 + 1
            location_id = (item_id - 1) * SHELVES // items + 1  # shelved in call-number order
            barcode = f"B{item_id:08d}"
            good = ItemCondition.GOOD
            copies.append((item_id, barcode, record_id, "book", location_id, status, good, changed, created))
        yield copies, traces


def build(url: str, items: int) -> None:
    """A migrated library of `items` copies with its losses."""
    upgrade(url)
    timers = MissingTimers()
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            places = [(n, f"K{n:02d}", f"Kệ {n}", LocationKind.SHELF) for n in range(1, SHELVES + 1)]
            insert_values(session, LOCATION, ("id", "code", "name", "kind"), places)
            records = [
                (n, f"Tài liệu {n}", "", f"{(n * 7) % 1000:03d}.{n % 97} T{n % 26}", NOW)
                for n in range(1, (items + 9) // 10 + 1)
            ]
            insert_values(
                session, RECORD, ("id", "title", "search_text", "call_number", "created_at"), records
            )
            for copies, traces in _batches(items, timers):
                insert_values(session, ITEM, _ITEM_COLUMNS, copies)
                insert_values(session, TRACE, _TRACE_COLUMNS, traces)
                session.commit()
    finally:
        engine.dispose()


def measure(url: str) -> dict[str, Any]:
    """One tick of the library at `url`, as `stacks collection tick` runs it."""
    timers = MissingTimers()
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            items = session.execute(sa.select(sa.func.count()).select_from(ITEM)).scalar_one()
            traces = len(lifecycle_tick.pending_ids(session))
            session.rollback()
            changed = 0
            started = time.perf_counter()
            for chunk in lifecycle_tick.ticks(session, timers, NOW):
                changed += len(chunk)
                session.commit()
            tick_s = time.perf_counter() - started
            again = sum(len(chunk) for chunk in lifecycle_tick.ticks(session, timers, NOW))
            session.rollback()
    finally:
        engine.dispose()
    return {
        "items": items,
        "traces": traces,
        "changed": changed,
        "changed_second_run": again,
        "tick_s": round(tick_s, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run(items: int = SIZE) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="stacks-tick-") as directory:
        url = f"sqlite:///{Path(directory) / 'stacks.db'}"
        started = time.perf_counter()
        argv = [sys.executable, "-m", "stacks.bench.collection_tick", "--build", url, "--items", str(items)]
        subprocess.run(argv, check=True, capture_output=True)  # noqa: S603  (our own module)
        return {"build_s": round(time.perf_counter() - started, 1), **measure(url)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--items", type=int, default=SIZE)
    parser.add_argument("--build", metavar="URL", help="only build the library at URL")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.build:
        build(args.build, args.items)
        return
    figures = run(args.items)
    print(json.dumps(figures) if args.json else json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
