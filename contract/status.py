"""Device status (retained birth, heartbeat and last will) and end-to-end acknowledgements."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from contract.common import ContractModel, DeviceId, EventId, UtcDatetime


class DeviceKind(StrEnum):
    KIOSK = "kiosk"
    GATE = "gate"
    HANDHELD = "handheld"
    STATION = "station"  # a staff tagging station: a reader pad that writes items' tags
    SERVER = "server"


class DeviceState(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"


class PeripheralStatus(ContractModel):
    """One piece of a device's own hardware (an RFID reader, a barcode scanner) as the agent sees it."""

    connected: bool | None = Field(default=None, description="Whether its link is up; None: not known.")
    counters: dict[str, int] = Field(
        default_factory=dict,
        description="Its counters since the agent started: frames, timeouts, retries, reconnects, "
        "read errors…",
    )


class DeviceStatus(ContractModel):
    """Published retained on the device's status topic: at connect (birth), as heartbeats, and as the last
    will the broker publishes when the device vanishes. The last will is composed at connect time, so its
    `at` is when the device connected; the server records when it received it."""

    v: Literal[1] = 1
    device_id: DeviceId
    device_kind: DeviceKind
    state: DeviceState
    at: UtcDatetime
    software: str | None = None
    started_at: UtcDatetime | None = None
    outbox_pending: int | None = Field(default=None, description="Events not yet confirmed by the server.")
    last_seq: int | None = None
    counters: dict[str, int] = Field(
        default_factory=dict, description="The agent's counters (events sent, confirmed, reconnects…)."
    )
    peripherals: dict[str, PeripheralStatus] = Field(
        default_factory=dict,
        description="The device's readers and scanners by name, each with its link state and counters. "
        "Optional: agents before this field send none.",
    )


class Acks(ContractModel):
    """The server's end-to-end acknowledgement: these events are committed (or were rejected for good and
    dead-lettered). A device deletes them from its outbox only on this message, never on PUBACK."""

    v: Literal[1] = 1
    committed: list[EventId] = Field(default_factory=list)
    rejected: list[EventId] = Field(default_factory=list)
