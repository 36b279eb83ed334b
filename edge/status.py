"""The device's retained status messages: birth (online), heartbeats, last will and clean offline."""

from __future__ import annotations

from datetime import datetime
from importlib import metadata

from contract.codec import encode_model
from contract.common import utc_now
from contract.mqtt import Will
from contract.status import DeviceKind, DeviceState, DeviceStatus, PeripheralStatus


def software_version() -> str:
    try:
        return f"stacks-edge {metadata.version('stacks')}"
    except metadata.PackageNotFoundError:
        return "stacks-edge"


class StatusMessages:
    """Composes this device's status; `at` is always the time of composing."""

    def __init__(self, device_id: str, device_kind: DeviceKind, started_at: datetime | None = None) -> None:
        self.device_id = device_id
        self.device_kind = device_kind
        self.started_at = started_at or utc_now()
        self.software = software_version()

    def compose(
        self,
        state: DeviceState,
        *,
        outbox_pending: int | None = None,
        last_seq: int | None = None,
        counters: dict[str, int] | None = None,
        peripherals: dict[str, PeripheralStatus] | None = None,
    ) -> DeviceStatus:
        return DeviceStatus(
            device_id=self.device_id,
            device_kind=self.device_kind,
            state=state,
            at=utc_now(),
            software=self.software,
            started_at=self.started_at,
            outbox_pending=outbox_pending,
            last_seq=last_seq,
            counters=counters or {},
            peripherals=peripherals or {},
        )

    def online(
        self,
        *,
        outbox_pending: int,
        last_seq: int,
        counters: dict[str, int],
        peripherals: dict[str, PeripheralStatus] | None = None,
    ) -> bytes:
        """Birth and heartbeat: online, with the outbox depth, the last sequence number, the counters and
        the peripherals' counters."""
        status = self.compose(
            DeviceState.ONLINE,
            outbox_pending=outbox_pending,
            last_seq=last_seq,
            counters=counters,
            peripherals=peripherals,
        )
        return encode_model(status)

    def offline(self, *, outbox_pending: int | None = None, last_seq: int | None = None) -> bytes:
        return encode_model(
            self.compose(DeviceState.OFFLINE, outbox_pending=outbox_pending, last_seq=last_seq)
        )

    def will(self, topic: str) -> Will:
        """The last will the broker publishes (retained) if this device vanishes without saying goodbye."""
        return Will(topic=topic, payload=self.offline(), qos=1, retain=True)
