"""The receiving half of the raw paho baseline: a QoS 1 subscriber in its own process, like the server.

Prints `ready` once subscribed and `done <unix time of the last message>` after `--count` messages.
Run as `python -m stacks.bench.paho_sink HOST PORT USER PASSWORD TOPIC COUNT PROTOCOL`.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

import paho.mqtt.client as mqtt

from contract.mqtt import Connection, MqttEndpoint


def main(argv: list[str]) -> None:
    host, port, user, password, topic, count, protocol = argv[1:8]
    expected = int(count)
    endpoint = MqttEndpoint(host, int(port), user, password, protocol=protocol)  # type: ignore[arg-type]
    conn = Connection(endpoint, client_id=f"bench-sink-{time.monotonic_ns()}", session_expiry_s=0)
    received = 0
    done = threading.Event()
    subscribed = threading.Event()

    def on_connect(client: mqtt.Client, _u: Any, _f: Any, _r: Any, _p: Any) -> None:
        client.subscribe(topic, qos=1)

    def on_subscribe(_c: mqtt.Client, _u: Any, _m: Any, _r: Any, _p: Any) -> None:
        subscribed.set()

    def on_message(_c: mqtt.Client, _u: Any, _m: mqtt.MQTTMessage) -> None:
        nonlocal received
        received += 1
        if received >= expected:
            print(f"done {time.time():.6f}", flush=True)
            done.set()

    conn.client.on_connect = on_connect
    conn.client.on_subscribe = on_subscribe
    conn.client.on_message = on_message
    conn.connect_async()
    conn.client.loop_start()
    if not subscribed.wait(15):
        sys.exit("sink could not subscribe")
    print("ready", flush=True)
    done.wait(600)
    conn.client.disconnect()
    conn.client.loop_stop()


if __name__ == "__main__":
    main(sys.argv)
