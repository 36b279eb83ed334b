"""`stacks bench gate`, second part: how soon an alarm at the gate is on a connected console's alarm desk.

A throwaway installation (stacks/bench/environment.py: mosquitto, a seeded SQLite library, `stacks
server`), a staff member signed in to the console with its alarm desk's event stream open (as a browser
holds it: `/console/live/gate`), and the production gate agent (`compose_gate` on the virtual reader and
people counter, as in the first part) connected to the broker. One by one, `passages` books of the seeded
library that were not borrowed enter the reader's field; each is timed from the moment the reader
received the alarm output command (the gate has sounded) to the moment the console's stream delivered the
alarm desk's cards with the new alarm in them: the outbox, the broker, the server's ingest and commit, the
live feed, rendering, and the stream.

Baseline, same run, same broker: raw paho QoS 1 round trips (request → echo → reply) between this process
and a peer process, the floor any path through the broker pays.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
import sqlalchemy as sa
from sqlmodel import Session

from devices.sim.gate_tags import Carried
from edge.gate.compose import compose_gate
from edge.gate.settings import GateConfig
from edge.host import AgentHost
from edge.sim.gate_agent import simulated_gate_parts
from edge.sim.gate_walkers import GateBooks
from edge.sim.manifest import Manifest
from edge.sim.report import percentile
from server.db.engine import make_engine
from server.domain.enums import StaffRole
from server.services.event_log import EVENT_LOG
from server.services.staff import create_staff
from stacks.bench.baseline import raw_paho_round_trips
from stacks.bench.environment import BenchEnvironment, bench_environment

GATE = "gate-01"
TARGET_P95_MS = 250.0
STAFF, PASSWORD = "bench.desk", "a bench passphrase that is long"
SHOWN_WAIT_S = 10.0  # an alarm not on the desk by then counts as missed
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_LATEST = re.compile(r'data-latest-alarm="(\d+)"')


def _ms(values: list[float], fraction: float) -> float | None:
    value = percentile(values, fraction)
    return round(value * 1000, 2) if value is not None else None


class DeskStream:
    """The alarm desk's event stream, read on a thread: the newest alarm each `unresolved` event shows,
    and when it came."""

    def __init__(self, client: httpx.Client) -> None:
        self._client = client
        self._seen: list[tuple[int, float]] = []
        self._changed = threading.Condition()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._read, name="bench-desk-stream", daemon=True)
        self._thread.start()
        if not self._ready.wait(30):
            raise RuntimeError("the alarm desk's stream did not open")

    def _read(self) -> None:
        try:
            self._follow()
        except (httpx.HTTPError, OSError, RuntimeError):
            self._ready.set()  # the client was closed under the stream, or the server stopped: the end

    def _follow(self) -> None:
        event = ""
        headers = {"Accept": "text/event-stream"}
        with self._client.stream("GET", "/console/live/gate", headers=headers) as answer:
            for line in answer.iter_lines():
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event == "unresolved":
                    found = _LATEST.search(line)
                    if found is not None:
                        with self._changed:
                            self._seen.append((int(found.group(1)), time.monotonic()))
                            self._changed.notify_all()
                        self._ready.set()
                elif not line:
                    event = ""

    def latest(self) -> int:
        with self._changed:
            return self._seen[-1][0] if self._seen else 0

    def shown_after(self, alarm_id: int, timeout: float) -> float | None:
        """When the stream first showed an alarm newer than `alarm_id` (monotonic), or None."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for latest, at in self._seen:
                    if latest > alarm_id:
                        return at
                left = deadline - time.monotonic()
                if left <= 0 or not self._changed.wait(left):
                    return None


@contextmanager
def _signed_in(env: BenchEnvironment) -> Iterator[httpx.Client]:
    engine = make_engine(env.database_url)
    try:
        with Session(engine) as session:
            create_staff(
                session,
                username=STAFF,
                full_name="Bàn báo động",
                password=PASSWORD,
                role=StaffRole.ASSISTANT,
                now=datetime.now(UTC),
            )
            session.commit()
    finally:
        engine.dispose()
    with httpx.Client(base_url=env.server.base_url, timeout=httpx.Timeout(15, read=None)) as client:
        token = _CSRF.search(client.get("/console/login").text)
        if token is None:
            raise RuntimeError("the console's log-in page has no form token")
        form = {"username": STAFF, "password": PASSWORD, "csrf_token": token.group(1)}
        if client.post("/console/login", data=form).status_code != 303:
            raise RuntimeError("the bench could not sign in to the console")
        yield client


def _passages(env: BenchEnvironment, count: int, stream: DeskStream) -> dict[str, Any]:
    manifest = Manifest.model_validate(json.loads(env.manifest.read_text(encoding="utf-8")))
    settings = env.edge_settings(GATE, device_kind="gate", stop_drain_s=10)
    latencies: list[float] = []
    sounded: list[float] = []  # when each alarm sounded, on the wall clock the server stamps arrivals with
    wall_offset = time.time() - time.monotonic()
    missed = 0
    with AgentHost(settings, handle_signals=False) as host:
        parts = host.hold(simulated_gate_parts(env.root / "gate", report_every_s=1.0))
        agent = compose_gate(host, parts.reader, parts.counter, GateConfig(GATE, footfall_period_s=60))
        books = GateBooks(agent.monitor.policy.security, str(agent.monitor.tag_data.isil), manifest.items)
        outputs = parts.reader_sim.reader.state.outputs
        running = threading.Thread(target=host.run, args=(agent,), name="bench-gate", daemon=True)
        running.start()
        for _ in range(count):
            tag = books.tag(Carried.NOT_BORROWED)
            assert tag is not None
            heard, before = len(outputs), stream.latest()
            parts.field.add(tag)
            deadline = time.monotonic() + SHOWN_WAIT_S
            while len(outputs) == heard and time.monotonic() < deadline:
                time.sleep(0.0005)
            shown = stream.shown_after(before, SHOWN_WAIT_S) if len(outputs) > heard else None
            parts.field.remove(tag.uid)
            if len(outputs) > heard:
                sounded.append(wall_offset + outputs[heard].at)
            if shown is None:
                missed += 1
            else:
                latencies.append(shown - outputs[heard].at)
        host.stop()
        running.join(timeout=30)
    arrived = _arrivals(env)
    to_server = (
        [a - s for a, s in zip(arrived, sounded, strict=False)] if len(arrived) == len(sounded) else []
    )
    return {
        "console_passages": count,
        "console_missed": missed,
        "console_alarm_p50_ms": _ms(latencies, 0.50),
        "console_alarm_p95_ms": _ms(latencies, 0.95),
        "console_alarm_p99_ms": _ms(latencies, 0.99),
        "console_alarm_max_ms": round(max(latencies) * 1000, 2) if latencies else None,
        # The first stretch alone: sounded → received by the server's ingest (outbox, broker, consumer).
        "console_received_p50_ms": _ms(to_server, 0.50),
        "console_received_p95_ms": _ms(to_server, 0.95),
    }


def _arrivals(env: BenchEnvironment) -> list[float]:
    """When the server received each gate.alarm (its `received_at`), in order."""
    engine = make_engine(env.database_url)
    try:
        with Session(engine) as session:
            rows = session.execute(
                sa.select(EVENT_LOG.c.received_at)
                .where(EVENT_LOG.c.kind == "gate.alarm")
                .order_by(EVENT_LOG.c.seq)
            ).scalars()
            return [moment.timestamp() for moment in rows]
    finally:
        engine.dispose()


def run(passages: int) -> dict[str, Any]:
    """Alarm sounded at the gate → on the console's alarm desk, `passages` times; the broker's baseline."""
    with bench_environment(devices=[], items=max(passages + 40, 60), patrons=10) as env:
        with _signed_in(env) as client:
            figures = _passages(env, passages, DeskStream(client))
        trips = raw_paho_round_trips(env.plan, count=max(passages, 50), payload_bytes=600)
    p95 = figures["console_alarm_p95_ms"]
    return figures | {
        "console_baseline_p50_ms": _ms(trips, 0.50),
        "console_baseline_p95_ms": _ms(trips, 0.95),
        "console_target_p95_ms": TARGET_P95_MS,
        "console_meets_target": bool(
            p95 is not None and p95 <= TARGET_P95_MS and figures["console_missed"] == 0
        ),
    }
