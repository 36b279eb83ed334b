"""How every Stacks client connects to the broker: protocol level, persistent sessions, flow control.

Part of the contract because edge and server must agree on it: MQTT 5 with `clean_start=False` and a
session expiry, so a client that restarts finds the messages queued for it while it was away (a client with
no session expiry starts clean). MQTT 3.1.1 is supported for the embedded fallback broker (amqtt), with
`clean_session=False` to the same effect.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

Protocol = Literal["5", "3.1.1"]


@dataclass(frozen=True)
class MqttEndpoint:
    host: str
    port: int
    username: str
    password: str | None
    tls: bool = False
    protocol: Protocol = "5"

    @classmethod
    def from_url(
        cls, url: str, username: str, password: str | None, protocol: Protocol = "5"
    ) -> MqttEndpoint:
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "mqtts"):
            raise ValueError(f"broker URL must start with mqtt:// or mqtts://, got {url!r}")
        default_port = 8883 if parts.scheme == "mqtts" else 1883
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or default_port,
            username=username,
            password=password,
            tls=parts.scheme == "mqtts",
            protocol=protocol,
        )


@dataclass(frozen=True)
class Will:
    topic: str
    payload: bytes
    qos: int = 1
    retain: bool = True


def _no_delay(_client: mqtt.Client, _userdata: Any, sock: Any) -> None:
    setsockopt = getattr(sock, "setsockopt", None)
    if setsockopt is not None:
        setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class Connection:
    """A configured paho client and how to connect it. Callers own the network loop."""

    def __init__(
        self,
        endpoint: MqttEndpoint,
        *,
        client_id: str,
        session_expiry_s: int,
        manual_ack: bool = False,
        receive_maximum: int | None = None,
        max_inflight: int = 1000,
        will: Will | None = None,
        keepalive_s: int = 30,
    ) -> None:
        self.endpoint = endpoint
        self.keepalive_s = keepalive_s
        v5 = endpoint.protocol == "5"
        # A client that keeps no session (a tool, a probe) takes none over either: resuming one left under
        # the same client id would hand it that session's subscriptions and queued messages.
        self.clean_start = session_expiry_s == 0
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311,
            clean_session=None if v5 else self.clean_start,
            manual_ack=manual_ack,
        )
        self.client.username_pw_set(endpoint.username, endpoint.password)
        if endpoint.tls:
            self.client.tls_set()
        # Reconnect backoff: 1 s doubling to 30 s.
        self.client.reconnect_delay_set(min_delay=1, max_delay=30)
        self.client.max_inflight_messages_set(max_inflight)
        self.client.max_queued_messages_set(0)
        # paho leaves Nagle's algorithm on: small publishes and acks then wait for the peer's delayed ACK,
        # tens of milliseconds per hop. Kiosk round trips need every packet out at once.
        self.client.on_socket_open = _no_delay
        if will is not None:
            self.client.will_set(will.topic, will.payload, qos=will.qos, retain=will.retain)
        self._properties: Properties | None = None
        if v5:
            self._properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
            self._properties.SessionExpiryInterval = session_expiry_s
            if receive_maximum is not None:
                self._properties.ReceiveMaximum = receive_maximum

    @property
    def v5(self) -> bool:
        return self.endpoint.protocol == "5"

    def connect_async(self) -> None:
        """Start connecting; with `loop_start()` paho keeps reconnecting with the backoff above."""
        if self.v5:
            self.client.connect_async(
                self.endpoint.host,
                self.endpoint.port,
                keepalive=self.keepalive_s,
                clean_start=self.clean_start,
                properties=self._properties,
            )
        else:
            self.client.connect_async(self.endpoint.host, self.endpoint.port, keepalive=self.keepalive_s)

    def stop_loop(self) -> None:
        """Stop paho's network thread (`loop_start()`) and close its sockets.

        paho closes the socket pair that wakes its loop only when the client is garbage-collected
        (eclipse-paho/paho.mqtt.python#627); a client whose callbacks are bound methods of its owner sits in
        a reference cycle, so that is whenever the cycle collector runs, or never. There is no public call
        that closes them, hence the private one.
        """
        self.client.loop_stop()
        self.client._reset_sockets()
