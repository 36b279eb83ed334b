"""Raw paho QoS 1 publish → receive through the same broker, measured in the same run as our pipeline.

Same topology as the real thing: this process publishes, a subscriber in another process receives; same
message size and client settings as the edge agents use.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

from contract.mqtt import Connection, MqttEndpoint
from stacks.broker.mosquitto_config import BENCH_TOPICS
from stacks.broker.process import BrokerPlan
from stacks.broker.registry import BENCH_USER

BENCH_TOPIC = BENCH_TOPICS.replace("#", "baseline")


def raw_paho_msgs_per_s(plan: BrokerPlan, *, count: int, payload_bytes: int) -> float:
    password = plan.credentials.password(BENCH_USER)
    sink = subprocess.Popen(  # noqa: S603  (our own module)
        [
            sys.executable,
            "-m",
            "stacks.bench.paho_sink",
            plan.host,
            str(plan.port),
            BENCH_USER,
            password,
            BENCH_TOPIC,
            str(count),
            plan.protocol,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert sink.stdout is not None
        if sink.stdout.readline().strip() != "ready":
            raise RuntimeError("baseline subscriber did not start")
        endpoint = MqttEndpoint(plan.host, plan.port, BENCH_USER, password, protocol=plan.protocol)
        conn = Connection(endpoint, client_id=f"bench-pub-{os.getpid()}", session_expiry_s=0)
        conn.connect_async()
        conn.client.loop_start()
        while not conn.client.is_connected():
            time.sleep(0.01)
        payload = os.urandom(payload_bytes // 2).hex().encode()
        started = time.time()
        for _ in range(count):
            conn.client.publish(BENCH_TOPIC, payload, qos=1)
        line = sink.stdout.readline().split()
        conn.client.disconnect()
        conn.client.loop_stop()
        if not line or line[0] != "done":
            raise RuntimeError("baseline subscriber did not receive every message")
        return count / (float(line[1]) - started)
    finally:
        sink.kill()
        sink.wait()


def raw_paho_round_trips(plan: BrokerPlan, *, count: int, payload_bytes: int) -> list[float]:
    """Seconds for each of `count` sequential QoS 1 request → echo → reply round trips through the broker."""
    password = plan.credentials.password(BENCH_USER)
    request_topic, reply_topic = BENCH_TOPICS.replace("#", "request"), BENCH_TOPICS.replace("#", "reply")
    argv = [sys.executable, "-m", "stacks.bench.paho_echo", plan.host, str(plan.port), BENCH_USER, password]
    echo = subprocess.Popen(  # noqa: S603  (our own module)
        [*argv, request_topic, reply_topic, plan.protocol],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert echo.stdout is not None
        if echo.stdout.readline().strip() != "ready":
            raise RuntimeError("baseline echo did not start")
        endpoint = MqttEndpoint(plan.host, plan.port, BENCH_USER, password, protocol=plan.protocol)
        conn = Connection(endpoint, client_id=f"bench-rt-{os.getpid()}", session_expiry_s=0)
        answered = threading.Event()
        conn.client.on_message = lambda _c, _u, _m: answered.set()
        conn.client.on_connect = lambda client, _u, _f, _r, _p: client.subscribe(reply_topic, qos=1)
        conn.connect_async()
        conn.client.loop_start()
        while not conn.client.is_connected():
            time.sleep(0.01)
        time.sleep(0.2)  # the reply subscription is in place
        payload = os.urandom(payload_bytes // 2).hex().encode()
        seconds = []
        for _ in range(count):
            answered.clear()
            started = time.perf_counter()
            conn.client.publish(request_topic, payload, qos=1)
            if not answered.wait(5):
                raise RuntimeError("baseline echo did not answer")
            seconds.append(time.perf_counter() - started)
        conn.client.disconnect()
        conn.client.loop_stop()
        return seconds
    finally:
        echo.kill()
        echo.wait()
