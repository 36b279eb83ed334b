"""The far half of the raw round-trip baseline: answers every request message at once, in its own process.

Run as `python -m stacks.bench.paho_echo HOST PORT USER PASSWORD REQUEST_TOPIC REPLY_TOPIC PROTOCOL`;
prints `ready` once subscribed, then echoes until killed.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

import paho.mqtt.client as mqtt

from contract.mqtt import Connection, MqttEndpoint


def main(argv: list[str]) -> None:
    host, port, user, password, request_topic, reply_topic, protocol = argv[1:8]
    endpoint = MqttEndpoint(host, int(port), user, password, protocol=protocol)  # type: ignore[arg-type]
    conn = Connection(endpoint, client_id=f"bench-echo-{time.monotonic_ns()}", session_expiry_s=0)
    subscribed = threading.Event()

    def on_connect(client: mqtt.Client, _u: Any, _f: Any, _r: Any, _p: Any) -> None:
        client.subscribe(request_topic, qos=1)

    def on_subscribe(_c: mqtt.Client, _u: Any, _m: Any, _r: Any, _p: Any) -> None:
        subscribed.set()

    def on_message(client: mqtt.Client, _u: Any, message: mqtt.MQTTMessage) -> None:
        client.publish(reply_topic, message.payload, qos=1)

    conn.client.on_connect = on_connect
    conn.client.on_subscribe = on_subscribe
    conn.client.on_message = on_message
    conn.connect_async()
    conn.client.loop_start()
    if not subscribed.wait(15):
        sys.exit("echo could not subscribe")
    print("ready", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main(sys.argv)
