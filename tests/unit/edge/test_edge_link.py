"""The link's message dispatch, without a broker: a handler that fails must not end paho's network thread."""

from __future__ import annotations

from paho.mqtt.client import MQTTMessage

from contract import topics
from contract.codec import encode_model
from contract.common import new_event_id
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


def link_with(handlers: Handlers, counters: Counters) -> MqttLink:
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
