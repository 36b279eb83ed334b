"""The link's message dispatch, without a broker: a handler that fails must not end paho's network thread."""

from __future__ import annotations

from collections.abc import Callable

from paho.mqtt.client import MQTTMessage

from contract import topics
from contract.codec import encode_model
from contract.common import new_event_id, utc_now
from contract.offline import SHARDS, OfflineReaderShard
from contract.replies import ReplyBase
from contract.status import Acks, DeviceStatus
from edge.counters import Counters
from edge.link import LinkHandlers, MqttLink
from edge.settings import EdgeSettings
from edge.status import StatusMessages

DEVICE = "kiosk-01"


def message(topic: str, payload: bytes) -> MQTTMessage:
    received = MQTTMessage(topic=topic.encode())
    received.payload = payload
    return received


class Handlers:
    def __init__(self) -> None:
        self.acks: list[Acks] = []
        self.fail = False

    def on_acks(self, acks: Acks) -> None:
        if self.fail:
            raise RuntimeError("the sender is gone")
        self.acks.append(acks)

    def on_reply(self, reply: ReplyBase) -> None: ...

    def on_status(self, status: DeviceStatus) -> None: ...

    def on_connected(self, connected: bool) -> None: ...


Keeping = Callable[[OfflineReaderShard], object]


def link_with(handlers: Handlers, counters: Counters, offline_shard: Keeping | None = None) -> MqttLink:
    settings = EdgeSettings(device_id=DEVICE)
    return MqttLink(
        settings,
        StatusMessages(DEVICE, settings.device_kind),
        LinkHandlers(
            birth=lambda: b"{}",
            connected=handlers.on_connected,
            reply=handlers.on_reply,
            acks=handlers.on_acks,
            server_status=handlers.on_status,
            offline_shard=offline_shard,
        ),
        counters,
    )


def test_a_failing_handler_is_counted_and_the_next_message_still_handled() -> None:
    handlers, counters = Handlers(), Counters()
    link = link_with(handlers, counters)
    acks = encode_model(Acks(committed=[new_event_id()]))
    handlers.fail = True
    link._on_message(link._connection.client, None, message(topics.acks(DEVICE), acks))
    assert counters.get("message_errors") == 1
    handlers.fail = False
    link._on_message(link._connection.client, None, message(topics.acks(DEVICE), acks))
    assert len(handlers.acks) == 1


def test_an_unreadable_message_is_counted_as_bad() -> None:
    handlers, counters = Handlers(), Counters()
    link = link_with(handlers, counters)
    link._on_message(link._connection.client, None, message(topics.acks(DEVICE), b"{not json"))
    assert counters.get("bad_messages") == 1
    assert counters.get("message_errors") == 0


def test_offline_list_shards_reach_a_kiosk_that_keeps_them_and_bad_ones_are_counted() -> None:
    shard = OfflineReaderShard(shard=5, shards=SHARDS, generated_at=utc_now(), readers=[])
    kept: list[OfflineReaderShard] = []
    counters = Counters()
    link = link_with(Handlers(), counters, offline_shard=kept.append)
    topic = topics.offline_readers(5)
    link._on_message(link._connection.client, None, message(topic, encode_model(shard)))
    link._on_message(link._connection.client, None, message(topic, b""))  # a cleared retained shard
    link._on_message(link._connection.client, None, message(topic, b'{"v": 1, "shard": 99}'))
    assert kept == [shard]
    assert counters.get("bad_messages") == 1
    quiet = Counters()
    other = link_with(Handlers(), quiet)  # a gate, a handheld: no handler — a shard is not even read
    other._on_message(other._connection.client, None, message(topic, b"{not json"))
    assert quiet.get("bad_messages") == 0
