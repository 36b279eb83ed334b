"""An offline list made up for simulations, tests and benchmarks, published the way the server publishes it:
every one of the `SHARDS` shards (empty ones too), retained, at QoS 1, as the server's user.

    shards = split_list([simulated_reader("SV0001", pin="2468")], generated_at=utc_now())
    publish_list(broker.endpoint("server"), shards)
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import paho.mqtt.client as mqtt
from argon2 import PasswordHasher

from contract import topics
from contract.mqtt import Connection, MqttEndpoint
from contract.offline import SHARDS, OfflineReader, OfflineReaderShard, shard_of

# Hashes as the server makes them, but cheap to make: a simulation makes many. A kiosk verifies any
# argon2 hash with the parameters written in it.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)


def simulated_reader(card_number: str, *, pin: str | None, **changes: Any) -> OfflineReader:
    """A reader in good standing (a student, five loans allowed, none open) unless `changes` say otherwise."""
    values: dict[str, Any] = {
        "card_number": card_number,
        "pin_hash": CHEAP_HASHER.hash(pin) if pin is not None else None,
        "category": "student",
        "blocked": False,
        "expires_on": date(2099, 12, 31),
        "pin_locked": False,
        "loans": 0,
        "max_loans": 5,
    }
    return OfflineReader.model_validate(values | changes)


def split_list(readers: Iterable[OfflineReader], *, generated_at: datetime) -> list[OfflineReaderShard]:
    """The list as its shards, every shard present."""
    by_shard: list[list[OfflineReader]] = [[] for _ in range(SHARDS)]
    for reader in readers:
        by_shard[shard_of(reader.card_number)].append(reader)
    return [
        OfflineReaderShard(shard=n, shards=SHARDS, generated_at=generated_at, readers=by_shard[n])
        for n in range(SHARDS)
    ]


def publish_list(endpoint: MqttEndpoint, shards: list[OfflineReaderShard], timeout: float = 15.0) -> None:
    """Publish the shards retained, as `endpoint`'s user (the server's), and wait for the broker to take
    each one."""
    connected = threading.Event()
    connection = Connection(endpoint, client_id=f"offline-list-{id(shards)}", session_expiry_s=0)
    client = connection.client
    client.on_connect = lambda *_args: connected.set()
    connection.connect_async()
    client.loop_start()
    try:
        if not connected.wait(timeout):
            raise TimeoutError(f"the offline list could not be published: no broker at {endpoint.host}")
        sent: list[mqtt.MQTTMessageInfo] = [
            client.publish(topics.offline_readers(s.shard), s.model_dump_json().encode(), qos=1, retain=True)
            for s in shards
        ]
        for info in sent:
            info.wait_for_publish(timeout)
    finally:
        client.disconnect()
        connection.stop_loop()
