"""The far end of the raw paho baselines, in its own process (as the server is): a QoS 1 subscriber that
either counts messages (`sink COUNT`: prints `done <unix time>` after the last) or answers each one at once
(`echo REPLY_TOPIC`). It prints `ready` once subscribed.

Run as `python -m stacks.bench.paho_peer HOST PORT USER PASSWORD PROTOCOL TOPIC sink|echo ARG`.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as mqtt

from contract.mqtt import Connection, MqttEndpoint

OnMessage = Callable[[mqtt.Client, mqtt.MQTTMessage], None]


def _sink(count: int, done: threading.Event) -> OnMessage:
    received = 0

    def on_message(_client: mqtt.Client, _message: mqtt.MQTTMessage) -> None:
        nonlocal received
        received += 1
        if received >= count:
            print(f"done {time.time():.6f}", flush=True)
            done.set()

    return on_message


def _echo(reply_topic: str) -> OnMessage:
    def on_message(client: mqtt.Client, message: mqtt.MQTTMessage) -> None:
        client.publish(reply_topic, message.payload, qos=1)

    return on_message


def main(argv: list[str]) -> None:
    host, port, user, password, protocol, topic, mode, arg = argv[1:9]
    endpoint = MqttEndpoint(host, int(port), user, password, protocol=protocol)  # type: ignore[arg-type]
    conn = Connection(endpoint, client_id=f"bench-{mode}-{time.monotonic_ns()}", session_expiry_s=0)
    done = threading.Event()
    handle = _sink(int(arg), done) if mode == "sink" else _echo(arg)
    subscribed = threading.Event()

    def on_connect(client: mqtt.Client, _u: Any, _f: Any, _r: Any, _p: Any) -> None:
        client.subscribe(topic, qos=1)

    conn.client.on_connect = on_connect
    conn.client.on_subscribe = lambda _c, _u, _m, _r, _p: subscribed.set()
    conn.client.on_message = lambda client, _u, message: handle(client, message)
    conn.connect_async()
    conn.client.loop_start()
    if not subscribed.wait(15):
        sys.exit(f"{mode} could not subscribe")
    print("ready", flush=True)
    done.wait()  # a sink ends after its count; an echo runs until it is killed
    conn.client.disconnect()
    conn.stop_loop()


if __name__ == "__main__":
    main(sys.argv)
