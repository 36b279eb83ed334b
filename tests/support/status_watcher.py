"""Watches a device's retained status as the server would, and keeps every message."""

from __future__ import annotations

import threading
from typing import Any

import paho.mqtt.client as mqtt

from contract import topics
from contract.codec import decode_status
from contract.mqtt import Connection
from contract.status import DeviceState, DeviceStatus
from tests.support.broker import RunningBroker


class StatusWatcher:
    """Subscribes to a device's retained status as the server would, and keeps every message."""

    def __init__(self, broker: RunningBroker, device_id: str) -> None:
        self.seen: list[DeviceStatus] = []
        self._lock = threading.Lock()
        self._conn = Connection(broker.endpoint("server"), client_id=f"watch-{device_id}", session_expiry_s=0)
        self._conn.client.on_message = self._on_message
        self._conn.client.on_connect = self._on_connect
        self._subscribed = threading.Event()
        self._conn.client.on_subscribe = lambda *_: self._subscribed.set()
        self._topic = topics.status(device_id)

    def _on_connect(self, client: mqtt.Client, *_args: Any) -> None:
        client.subscribe(self._topic, qos=1)

    def _on_message(self, _client: mqtt.Client, _userdata: Any, message: mqtt.MQTTMessage) -> None:
        with self._lock:
            self.seen.append(decode_status(bytes(message.payload)))

    def start(self) -> StatusWatcher:
        """Connects and returns once subscribed: every status published from then on is seen."""
        self._conn.connect_async()
        self._conn.client.loop_start()
        assert self._subscribed.wait(10), "the status watcher could not subscribe"
        return self

    def stop(self) -> None:
        self._conn.client.disconnect()
        self._conn.stop_loop()

    def states(self) -> list[DeviceState]:
        with self._lock:
            return [s.state for s in self.seen]

    def all(self) -> list[DeviceStatus]:
        with self._lock:
            return list(self.seen)

    def last(self) -> DeviceStatus:
        with self._lock:
            return self.seen[-1]
