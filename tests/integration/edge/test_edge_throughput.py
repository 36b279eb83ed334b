"""20,000 events through `emit_many` → broker → acking server double → outbox empty, next to a raw paho QoS 1
baseline in the same run. Prints the figures (run with -s); speed is never asserted here."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from contract.common import ItemRef
from contract.events import ItemSeen, ItemSighting, SeenContext
from contract.mqtt import Connection
from stacks.broker.registry import BENCH_USER
from tests.integration.edge.factories import RuntimeFactory
from tests.integration.edge.server_double import ServerDouble
from tests.support.broker import RunningBroker

pytestmark = pytest.mark.slow

EVENTS = 20_000
CHUNK = 1_000


def raw_paho_rate(broker: RunningBroker, body: bytes) -> float:
    """Events/s of bare paho: QoS 1 publishes of one event each, until a subscriber has them all."""
    topic = "stacks/bench/edge-baseline"
    received = 0
    done = threading.Event()

    def on_message(*_args: Any) -> None:
        nonlocal received
        received += 1
        if received == EVENTS:
            done.set()

    subscribed = threading.Event()
    sub = Connection(broker.endpoint(BENCH_USER), client_id="baseline-sub", session_expiry_s=0)
    sub.client.on_message = on_message
    sub.client.on_subscribe = lambda *_: subscribed.set()
    sub.client.on_connect = lambda client, *_: client.subscribe(topic, qos=1)
    pub = Connection(broker.endpoint(BENCH_USER), client_id="baseline-pub", session_expiry_s=0)
    for conn in (sub, pub):
        conn.connect_async()
        conn.client.loop_start()
    assert subscribed.wait(10)
    start = time.perf_counter()
    for _ in range(EVENTS):
        pub.client.publish(topic, body, qos=1)
    assert done.wait(120)
    elapsed = time.perf_counter() - start
    for conn in (sub, pub):
        conn.client.disconnect()
        conn.stop_loop()
    return EVENTS / elapsed


def test_emit_many_throughput_end_to_end(
    broker: RunningBroker, server: ServerDouble, start_runtime: RuntimeFactory
) -> None:
    runtime = start_runtime("handheld-01")
    payloads = [
        ItemSighting(
            item=ItemRef(barcode=f"VV{n:06d}"), location_code="F2-R01-S1", context=SeenContext.STOCKTAKE
        )
        for n in range(EVENTS)
    ]
    start = time.perf_counter()
    for offset in range(0, EVENTS, CHUNK):
        runtime.emit_many(ItemSeen, payloads[offset : offset + CHUNK])
    stored = time.perf_counter()
    assert runtime.wait_drained(120)
    drained = time.perf_counter()
    assert len(server.applied_ids()) == EVENTS
    counters = runtime.counters()
    body = next(iter(server.applied.values())).model_dump_json().encode()
    baseline = raw_paho_rate(broker, body)
    edge_rate = EVENTS / (drained - start)
    figures = {
        "events": EVENTS,
        "store_events_per_s": round(EVENTS / (stored - start)),
        "end_to_end_events_per_s": round(edge_rate),
        "raw_paho_qos1_events_per_s": round(baseline),
        "ratio_to_raw_paho": round(edge_rate / baseline, 2),
        "messages_sent": counters["messages_sent"],
        "events_resent": counters.get("events_resent", 0),
    }
    print(json.dumps(figures))
