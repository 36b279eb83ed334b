"""`stacks bench ingest`: events from an edge agent's outbox, through the broker, committed by the server.

Our figure: a handheld's stock-take sightings emitted through `EdgeRuntime.emit_many` (durable outbox,
batched publish) until the server has confirmed every one committed (end-to-end acks). The baseline, in the
same run and through the same broker: raw paho QoS 1 publish → receive of as many messages of the same size,
publisher here and subscriber in another process, as the server is. The best of two baseline runs (before and
after ours) is used, so the ratio errs against us.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from rich.progress import Progress
from sqlmodel import col

from contract.codec import encode_event
from contract.common import ItemRef
from contract.events import ItemSeen, ItemSighting, SeenContext, make_event
from edge.runtime import EdgeRuntime
from server.db.engine import make_engine
from server.db.tables import EventLog, Sighting
from stacks.bench.baseline import raw_paho_msgs_per_s
from stacks.bench.environment import BenchEnvironment, bench_environment
from stacks.server_process import metric_value

DEVICE = "handheld-b01"
SEEDED_ITEMS = 2000


def _sightings(env: BenchEnvironment, count: int) -> list[ItemSighting]:
    items = json.loads(env.manifest.read_text(encoding="utf-8"))["items"]
    return [
        ItemSighting(
            item=ItemRef(barcode=item["barcode"], tag_uid=item.get("tag_uid")),
            location_code=item.get("location_code"),
            context=SeenContext.STOCKTAKE,
        )
        for item in (items[i % len(items)] for i in range(count))
    ]


def _counts(database_url: str, device: str) -> tuple[int, int]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            logged = conn.execute(
                sa.select(sa.func.count()).select_from(EventLog).where(col(EventLog.device_id) == device)
            ).scalar_one()
            applied = conn.execute(
                sa.select(sa.func.count()).select_from(Sighting).where(col(Sighting.device_id) == device)
            ).scalar_one()
    finally:
        engine.dispose()
    return int(logged), int(applied)


def timed_emission(
    env: BenchEnvironment, device: str, emit: Callable[[EdgeRuntime], None], *, events: int
) -> tuple[float, bool]:
    """Seconds from the first event emitted by `emit` (through a device's own edge runtime) until the server
    has confirmed every one committed, and whether it did within the time allowed."""
    runtime = EdgeRuntime(env.edge_settings(device)).start()
    try:
        if not runtime.wait_connected(15):
            raise RuntimeError("the edge runtime could not connect to the broker")
        started = time.perf_counter()
        emit(runtime)
        drained = runtime.wait_drained(timeout=max(120.0, events / 200))
        return time.perf_counter() - started, drained
    finally:
        runtime.stop()


def measure(
    env: BenchEnvironment, *, events: int, chunk: int, show_progress: bool, device: str = DEVICE
) -> dict[str, Any]:
    """Our figure alone: `events` sightings from `device` through the broker, committed by the server."""
    payloads = _sightings(env, events)

    def emit(runtime: EdgeRuntime) -> None:
        with Progress(disable=not show_progress, transient=True) as progress:
            task = progress.add_task("emitting", total=len(payloads))
            for start in range(0, len(payloads), chunk):
                part = payloads[start : start + chunk]
                runtime.emit_many(ItemSeen, part)
                progress.advance(task, len(part))

    elapsed, drained = timed_emission(env, device, emit, events=events)
    logged, applied = _counts(env.database_url, device)
    return {
        "events_per_s": events / elapsed,
        "lost": events - logged,
        "duplicates": applied - logged,
        "all_confirmed": drained,
        "seconds": elapsed,
    }


def event_bytes(env: BenchEnvironment) -> int:
    """The size of one sighting event as the broker carries it."""
    sample = make_event(ItemSeen, device_id=DEVICE, seq=1, payload=_sightings(env, 1)[0])
    return len(encode_event(sample))


def run(*, events: int, chunk: int, database_url: str | None, show_progress: bool) -> dict[str, Any]:
    with bench_environment(
        devices=[DEVICE], items=SEEDED_ITEMS, patrons=20, database_url=database_url
    ) as env:
        size = event_bytes(env)
        baseline_before = raw_paho_msgs_per_s(env.plan, count=events, payload_bytes=size)
        ours = measure(env, events=events, chunk=chunk, show_progress=show_progress)
        metrics = env.server.metrics()
        baseline_after = raw_paho_msgs_per_s(env.plan, count=events, payload_bytes=size)

    baseline = max(baseline_before, baseline_after)
    events_per_s = ours["events_per_s"]
    return {
        "benchmark": "ingest",
        "events": events,
        "events_per_s": round(events_per_s),
        "baseline_msgs_per_s": round(baseline),
        "ratio": round(events_per_s / baseline, 3),
        "lost": ours["lost"],
        "duplicates": ours["duplicates"],
        "all_confirmed": ours["all_confirmed"],
        "seconds": round(ours["seconds"], 3),
        "event_bytes": size,
        "mqtt_messages": int(metric_value(metrics, "stacks_ingest_messages_total")),
        "redeliveries_deduplicated": int(
            metric_value(metrics, "stacks_ingest_events_total", 'kind="any",outcome="duplicate"')
        ),
        "baseline_runs_msgs_per_s": [round(baseline_before), round(baseline_after)],
        "broker": env.plan.implementation,
        "database": env.database_url.split(":", 1)[0],
    }
