"""Live fan-out for `stacks bench console`: dashboards on the live stream while device events flow.

`clients` dashboards connect to `/console/live/dashboard` (Server-Sent Events, as the dashboard page does).
A handheld agent (the real edge runtime: outbox, broker, end-to-end acks) then publishes `rate` sightings a
second (`item.seen`) for `seconds`; the server's ingest applies and commits them, and each commit changes
the handheld's device row, which the dashboard's devices fragment shows (its row carries the highest
sequence number applied, `data-high-seq`). For every event and every dashboard, the latency is the time
from the server receiving the event (`received_at` in the event log, stamped before the commit, so the
figure errs against us) to the dashboard receiving the first devices fragment that shows it. The time from
the agent emitting it is given too (outbox, broker and ingest added).

Memory: the server's resident memory before the dashboards connect and once they are connected, per
dashboard. One signed-in session serves every dashboard (each stream is its own subscription all the same).
"""

from __future__ import annotations

import asyncio
import bisect
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlmodel import col

from contract.common import ItemRef
from contract.events import ItemSeen, ItemSighting, SeenContext
from edge.runtime import EdgeRuntime
from server.db.engine import make_engine
from server.db.tables import EventLog
from stacks.bench.environment import BenchEnvironment
from stacks.bench.library import manifest_of, stats

STREAM = "/console/live/dashboard"
CONNECT_TIMEOUT_S = 60.0
CATCH_UP_S = 30.0  # a bound for the last fragments to arrive, not an expected duration


@dataclass
class Dashboard:
    """One connected dashboard: when it received which sequence number of the device."""

    device: str
    seen: list[tuple[float, int]] = field(default_factory=list)  # (wall clock, high_seq), as received
    connected: asyncio.Event = field(default_factory=asyncio.Event)

    def high(self) -> int:
        return self.seen[-1][1] if self.seen else 0

    def on_fragment(self, name: str, html: str) -> None:
        if name != "devices":
            return
        self.connected.set()
        found = re.search(rf'data-device="{re.escape(self.device)}"[^>]*data-high-seq="(\d+)"', html)
        if found is not None and int(found.group(1)) > self.high():
            self.seen.append((time.time(), int(found.group(1))))

    def first_showing(self, seq: int) -> float | None:
        """When this dashboard first received a fragment showing `seq` applied."""
        seqs = [s for _, s in self.seen]
        at = bisect.bisect_left(seqs, seq)
        return self.seen[at][0] if at < len(self.seen) else None


async def _listen(http: httpx.AsyncClient, dashboard: Dashboard, stop: asyncio.Event) -> None:
    async with http.stream("GET", STREAM, headers={"Accept": "text/event-stream"}) as response:
        response.raise_for_status()
        name, data = "message", []
        async for line in response.aiter_lines():
            if stop.is_set():
                return
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
            elif line == "":
                if data:
                    dashboard.on_fragment(name, "\n".join(data))
                name, data = "message", []


def _rss_kib(pid: int | None) -> int:
    if pid is None:
        return 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _publish(env: BenchEnvironment, device: str, rate: float, seconds: float) -> dict[int, float]:
    """Emit `rate` sightings a second for `seconds`, paced by the clock; the wall time of each seq."""
    manifest = manifest_of(env)
    items = manifest.items
    emitted: dict[int, float] = {}
    runtime = EdgeRuntime(env.edge_settings(device)).start()
    try:
        if not runtime.wait_connected(15):
            raise RuntimeError("the handheld could not connect to the broker")
        total = int(rate * seconds)
        started = time.perf_counter()
        for n in range(total):
            pause = started + n / rate - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            book = items[n % len(items)]
            sighting = ItemSighting(item=ItemRef(barcode=book.barcode), context=SeenContext.SHELF_CHECK)
            event = runtime.emit(ItemSeen, sighting)
            emitted[event.seq] = time.time()
        if not runtime.wait_drained(timeout=120):
            raise RuntimeError("the server did not confirm every sighting")
    finally:
        runtime.stop()
    return emitted


def _received(env: BenchEnvironment, device: str) -> dict[int, float]:
    engine = make_engine(env.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(col(EventLog.seq), col(EventLog.received_at)).where(
                    col(EventLog.device_id) == device
                )
            ).all()
    finally:
        engine.dispose()
    return {int(seq): at.timestamp() for seq, at in rows}


async def _measure(
    env: BenchEnvironment, cookies: dict[str, str], device: str, *, clients: int, rate: float, seconds: float
) -> dict[str, Any]:
    pid = env.server.pid
    rss_before = _rss_kib(pid)
    dashboards = [Dashboard(device) for _ in range(clients)]
    stop = asyncio.Event()
    limits = httpx.Limits(max_connections=clients + 5)
    async with httpx.AsyncClient(
        base_url=env.server.base_url, cookies=cookies, timeout=httpx.Timeout(None), limits=limits
    ) as http:
        tasks = [asyncio.create_task(_listen(http, d, stop)) for d in dashboards]
        await asyncio.wait_for(asyncio.gather(*(d.connected.wait() for d in dashboards)), CONNECT_TIMEOUT_S)
        rss_connected = _rss_kib(pid)
        emitted = await asyncio.to_thread(_publish, env, device, rate, seconds)
        last = max(emitted)
        deadline = time.monotonic() + CATCH_UP_S
        while any(d.high() < last for d in dashboards) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        rss_flowing = _rss_kib(pid)
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    received = _received(env, device)
    from_received: list[float] = []
    from_emit: list[float] = []
    missed = 0
    for seq, emitted_at in emitted.items():
        for dashboard in dashboards:
            shown = dashboard.first_showing(seq)
            if shown is None:
                missed += 1
                continue
            from_received.append(max(0.0, shown - received[seq]))
            from_emit.append(shown - emitted_at)
    return {
        "clients": clients,
        "events": len(emitted),
        "rate_per_s": rate,
        "latency_from_received": stats(from_received),
        "latency_from_emit": stats(from_emit),
        "fragments_per_client": round(sum(len(d.seen) for d in dashboards) / clients, 1),
        "not_shown": missed,
        "server_rss_mib": {
            "before": round(rss_before / 1024, 1),
            "connected": round(rss_connected / 1024, 1),
            "flowing": round(rss_flowing / 1024, 1),
        },
        "rss_per_client_kib": round((rss_connected - rss_before) / clients, 1),
    }


def measure(
    env: BenchEnvironment,
    *,
    cookies: dict[str, str],
    device: str,
    clients: int,
    rate: float,
    seconds: float,
    show_progress: bool,
) -> dict[str, Any]:
    del show_progress  # the run is paced by the clock; nothing to show meanwhile
    return asyncio.run(_measure(env, cookies, device, clients=clients, rate=rate, seconds=seconds))
