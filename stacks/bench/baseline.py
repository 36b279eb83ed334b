"""Raw paho QoS 1 through the same broker, measured in the same run as our pipeline.

Same topology as the real thing: this process publishes, a peer in another process receives (as the
server does); same message size and client settings as the edge agents use.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from contract.mqtt import Connection, MqttEndpoint
from stacks.broker.mosquitto_config import BENCH_TOPICS
from stacks.broker.process import BrokerPlan
from stacks.broker.registry import BENCH_USER


def _topic(name: str) -> str:
    return BENCH_TOPICS.replace("#", name)


@contextmanager
def _peer(plan: BrokerPlan, topic: str, mode: str, arg: str) -> Iterator[subprocess.Popen[str]]:
    """The paho peer subprocess, subscribed and ready."""
    password = plan.credentials.password(BENCH_USER)
    argv = [sys.executable, "-m", "stacks.bench.paho_peer", plan.host, str(plan.port), BENCH_USER, password]
    peer = subprocess.Popen(  # noqa: S603  (our own module)
        [*argv, plan.protocol, topic, mode, arg], stdout=subprocess.PIPE, text=True
    )
    try:
        assert peer.stdout is not None
        if peer.stdout.readline().strip() != "ready":
            raise RuntimeError(f"baseline {mode} did not start")
        yield peer
    finally:
        peer.kill()
        peer.wait()


@contextmanager
def _publisher(plan: BrokerPlan) -> Iterator[Connection]:
    endpoint = MqttEndpoint(
        plan.host, plan.port, BENCH_USER, plan.credentials.password(BENCH_USER), protocol=plan.protocol
    )
    conn = Connection(endpoint, client_id=f"bench-pub-{os.getpid()}", session_expiry_s=0)
    conn.connect_async()
    conn.client.loop_start()
    try:
        deadline = time.monotonic() + 15
        while not conn.client.is_connected():
            if time.monotonic() > deadline:
                raise RuntimeError("baseline publisher could not connect")
            time.sleep(0.01)
        yield conn
    finally:
        conn.client.disconnect()
        conn.stop_loop()


def raw_paho_msgs_per_s(plan: BrokerPlan, *, count: int, payload_bytes: int) -> float:
    """QoS 1 messages per second from the first publish to the last message received."""
    topic = _topic("baseline")
    payload = os.urandom(payload_bytes // 2).hex().encode()
    with _peer(plan, topic, "sink", str(count)) as sink, _publisher(plan) as conn:
        started = time.time()
        for _ in range(count):
            conn.client.publish(topic, payload, qos=1)
        assert sink.stdout is not None
        line = sink.stdout.readline().split()
    if not line or line[0] != "done":
        raise RuntimeError("baseline subscriber did not receive every message")
    return count / (float(line[1]) - started)


def raw_paho_round_trips(plan: BrokerPlan, *, count: int, payload_bytes: int) -> list[float]:
    """Seconds for each of `count` sequential QoS 1 request → echo → reply round trips through the broker."""
    request_topic, reply_topic = _topic("request"), _topic("reply")
    payload = os.urandom(payload_bytes // 2).hex().encode()
    answered = threading.Event()
    subscribed = threading.Event()
    with _peer(plan, request_topic, "echo", reply_topic), _publisher(plan) as conn:
        conn.client.on_message = lambda _c, _u, _m: answered.set()
        conn.client.on_subscribe = lambda _c, _u, _m, _r, _p: subscribed.set()
        conn.client.subscribe(reply_topic, qos=1)
        if not subscribed.wait(10):
            raise RuntimeError("baseline could not subscribe to the replies")
        seconds = []
        for _ in range(count):
            answered.clear()
            started = time.perf_counter()
            conn.client.publish(request_topic, payload, qos=1)
            if not answered.wait(5):
                raise RuntimeError("baseline echo did not answer")
            seconds.append(time.perf_counter() - started)
    return seconds
