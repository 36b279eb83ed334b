"""`stacks bench stocktake`: a stock-take's speed — tag reads through the broker and the server, the
reconciliation of a million items, and the handheld's alerts.

- `reads_per_s`: a handheld's reads of a seeded library's shelves, as `stocktake.reads` batches of up to
  400 reads (a join on each shelf first), emitted through `EdgeRuntime` (durable outbox, batched publish)
  until the server has confirmed every batch committed; the reads stored are counted back (`lost`,
  `duplicates`). The baseline, in the same run, broker and server: `stacks bench ingest`'s path, one
  sighting an event (`ingest_baseline_events_per_s`; `ingest_baseline_ratio` = reads/s ÷ its events/s);
  and the broker alone carrying the same batches (raw paho QoS 1, `broker_reads_per_s`). The processor
  time the server and this process (the handheld's runtime) spent meanwhile, so a busy machine's figure
  can be told from the work's own cost (`reads_per_server_cpu_s`).
- `reconcile_*`: the domain's freeze, reconcile, plan and report over a synthetic session of 100k, 300k
  and 1M items with about one read each (`python -m stacks.bench.stocktake_domain`, each size in its own
  process, so each peak RSS is its own).
- `handheld_alert_p95_ms`: tag in the field → alert in the stream the handheld's screen shows, network
  down (`stacks.bench.handheld`).
- `close_*`: the server's own close (`stocktake_close.close`) of a seeded library of 100k items, each
  read once on its shelf: gathering the facts from the database, reconciling, storing what was found
  (`python -m stacks.bench.stocktake_close`, in its own process).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from rich.progress import Progress
from sqlmodel import Session

from contract.codec import encode_event
from contract.events import StocktakeJoined, StocktakeReads, make_event
from contract.stocktake import MAX_READS_PER_BATCH, ReadBatch, ShelfJoin, ShelfMethod, TagData, TagRead
from edge.runtime import EdgeRuntime
from server.collection_config.shelf_orders import SHELF_ORDERS_FILE, ShelfOrders, load_shelf_orders
from server.db.engine import make_engine
from server.db.tables import Location, StocktakeRead
from server.services import stocktake_sessions
from server.services.columns import table_of
from server.settings import REPO_CONFIG_DIR
from stacks.bench import handheld, ingest
from stacks.bench.baseline import raw_paho_msgs_per_s
from stacks.bench.environment import BenchEnvironment, bench_environment

HANDHELD = "handheld-st01"
SEEDED_ITEMS = 4000
RECONCILE_SIZES = (100_000, 300_000, 1_000_000)
CLOSE_SIZES = (100_000,)
READ = table_of(StocktakeRead)


def shipped_shelf_orders() -> ShelfOrders:
    """The shelf orders of the repository's configuration, made for the seeded library (its closed stacks)."""
    return load_shelf_orders(REPO_CONFIG_DIR / SHELF_ORDERS_FILE)


def open_session(database_url: str) -> int:
    """A session over the whole seeded library, opened as staff would (its expected list frozen, each
    location's items in its shipped shelf order)."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            roots = session.execute(
                sa.select(table_of(Location).c.id).where(table_of(Location).c.parent_id.is_(None))
            )
            scope = {"locations": [int(i) for i in roots.scalars()]}
            now = datetime.now(UTC)
            created = stocktake_sessions.create(session, name="bench", scope=scope, staff="bench", now=now)
            orders = shipped_shelf_orders()
            stocktake_sessions.open_session(session, created.id, staff="bench", now=now, shelf_orders=orders)
            session.commit()
            return created.id
    finally:
        engine.dispose()


def _shelves(env: BenchEnvironment) -> dict[str, list[TagRead]]:
    """Each shelf's tags as one read each, in the order of the manifest."""
    shelves: dict[str, list[TagRead]] = {}
    for n, item in enumerate(json.loads(env.manifest.read_text(encoding="utf-8"))["items"]):
        if item.get("location_code") and item.get("tag_uid"):
            read = TagRead(
                uid=item["tag_uid"], barcode=item["barcode"], ms=n % 60_000, data=TagData.OWN, armed=True
            )
            shelves.setdefault(item["location_code"], []).append(read)
    return shelves


def _sweeps(
    session_id: int, shelves: dict[str, list[TagRead]], reads: int
) -> Iterator[tuple[ShelfJoin, list[ReadBatch]]]:
    """Sweeps of the shelves, round after round, until `reads` reads: a join, then the shelf's batches."""
    sent, first = 0, 1
    while sent < reads:
        for code, tags in shelves.items():
            wanted = tags[: reads - sent]
            if not wanted:
                return
            on = {"session_id": session_id, "shelf_code": code, "method": ShelfMethod.LABEL}
            batches = []
            for start in range(0, len(wanted), MAX_READS_PER_BATCH):
                part = wanted[start : start + MAX_READS_PER_BATCH]
                batches.append(ReadBatch(**on, started_at=datetime.now(UTC), first_read=first, reads=part))
                first += len(part)
            sent += len(wanted)
            yield ShelfJoin(**on, operator="bench"), batches


def _stored_reads(database_url: str, session_id: int) -> int:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            query = sa.select(sa.func.count()).select_from(READ).where(READ.c.session_id == session_id)
            return int(conn.execute(query).scalar_one())
    finally:
        engine.dispose()


def measure_reads(env: BenchEnvironment, *, reads: int, show_progress: bool) -> dict[str, Any]:
    session_id = open_session(env.database_url)
    shelves = _shelves(env)
    sweeps = list(_sweeps(session_id, shelves, reads))
    batches = sum(len(b) for _, b in sweeps)

    def emit(runtime: EdgeRuntime) -> None:
        with Progress(disable=not show_progress, transient=True) as progress:
            task = progress.add_task("reading", total=reads)
            for join, shelf_batches in sweeps:
                runtime.emit(StocktakeJoined, join)
                runtime.emit_many(StocktakeReads, shelf_batches)
                progress.advance(task, sum(len(b.reads) for b in shelf_batches))

    server_cpu, own_cpu = _cpu_seconds(env.server.pid), time.process_time()
    elapsed, drained = ingest.timed_emission(env, HANDHELD, emit, events=batches + len(sweeps))
    server_cpu, own_cpu = _cpu_seconds(env.server.pid) - server_cpu, time.process_time() - own_cpu
    stored = _stored_reads(env.database_url, session_id)
    full = max((b for _, shelf_batches in sweeps for b in shelf_batches), key=lambda b: len(b.reads))
    # the largest batch sent: the broker baseline carries batches this big
    batch_bytes = len(encode_event(make_event(StocktakeReads, device_id=HANDHELD, seq=1, payload=full)))
    return {
        "reads": reads,
        "reads_per_s": reads / elapsed,
        "batches": batches,
        "reads_per_batch": reads / batches,
        "batch_bytes": batch_bytes,
        "batch_reads": len(full.reads),
        "shelves": len(shelves),
        "lost": reads - stored,
        "duplicates": max(0, stored - reads),
        "all_confirmed": drained,
        "seconds": elapsed,
        "server_cpu_s": server_cpu,
        "bench_cpu_s": own_cpu,
    }


def _cpu_seconds(pid: int | None) -> float:
    """A process's processor time so far (user + system, its threads included), from /proc."""
    if pid is None:
        raise RuntimeError("the server is not running")
    # the fields after the command's closing parenthesis; utime and stime are the 14th and 15th of the line
    fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _reconcile(items: int) -> dict[str, Any]:
    """The domain bench at one size, in a process of its own."""
    command = [sys.executable, "-m", "stacks.bench.stocktake_domain", "--items", str(items), "--json"]
    done = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _close(items: int) -> dict[str, Any]:
    """The server's close path at one size, in a process of its own."""
    command = [sys.executable, "-m", "stacks.bench.stocktake_close", "--items", str(items), "--json"]
    done = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _size_label(items: int) -> str:
    return f"{items // 1000}k" if items < 1_000_000 else f"{items // 1_000_000}m"


def run(
    *,
    reads: int,
    baseline_events: int,
    reconcile_sizes: tuple[int, ...],
    handheld_tags: int,
    close_sizes: tuple[int, ...] = (),
    database_url: str | None = None,
    show_progress: bool,
) -> dict[str, Any]:
    with bench_environment(
        devices=[HANDHELD, ingest.DEVICE], items=SEEDED_ITEMS, patrons=10, database_url=database_url
    ) as env:
        baseline = ingest.measure(env, events=baseline_events, chunk=500, show_progress=show_progress)
        ours = measure_reads(env, reads=reads, show_progress=show_progress)
        broker_msgs = raw_paho_msgs_per_s(
            env.plan, count=max(200, ours["batches"]), payload_bytes=ours["batch_bytes"]
        )
        database = env.database_url.split(":", 1)[0]
    figures: dict[str, Any] = {
        "benchmark": "stocktake",
        "reads": reads,
        "reads_per_s": round(ours["reads_per_s"]),
        "ingest_baseline_events_per_s": round(baseline["events_per_s"]),
        "ingest_baseline_ratio": round(ours["reads_per_s"] / baseline["events_per_s"], 2),
        "broker_reads_per_s": round(broker_msgs * ours["batch_reads"]),
        "reads_seconds": round(ours["seconds"], 3),
        "reads_server_cpu_s": round(ours["server_cpu_s"], 3),
        "reads_per_server_cpu_s": round(reads / ours["server_cpu_s"]) if ours["server_cpu_s"] else None,
        "reads_bench_cpu_s": round(ours["bench_cpu_s"], 3),
        "read_batches": ours["batches"],
        "reads_per_batch": round(ours["reads_per_batch"], 1),
        "batch_bytes": ours["batch_bytes"],
        "shelves": ours["shelves"],
        "lost": ours["lost"] + baseline["lost"],
        "duplicates": ours["duplicates"] + baseline["duplicates"],
        "all_confirmed": ours["all_confirmed"] and baseline["all_confirmed"],
        "database": database,
    }
    steps = (
        "freeze_s",
        "reconcile_s",
        "plan_s",
        "report_s",
        "domain_s",
        "domain_cpu_s",
        "build_s",
        "peak_rss_mib",
    )
    for items in reconcile_sizes:
        found = _reconcile(items)
        label = _size_label(items)
        figures[f"reconcile_{label}"] = {name: found[name] for name in ("items", "reads", *steps)}
    largest = figures.get("reconcile_1m")
    figures["reconcile_1m_seconds"] = largest["domain_s"] if largest else None
    figures["reconcile_1m_peak_rss_mib"] = largest["peak_rss_mib"] if largest else None
    figures.update(handheld.measure_handheld_alerts(handheld_tags))
    for items in close_sizes:
        closed = _close(items)
        figures[f"close_{_size_label(items)}"] = closed
        figures[f"close_{_size_label(items)}_seconds"] = closed["close_s"]
    return figures
