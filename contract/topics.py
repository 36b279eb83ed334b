"""The MQTT topic map (docs/events.md shows it as a table).

All device traffic lives under the device's own subtree, so the broker ACL can grant each device exactly
its own topics by user name.
"""

from __future__ import annotations

ROOT = "stacks/v1"
DEVICES = f"{ROOT}/devices"

SERVER_STATUS = f"{ROOT}/server/status"
ALL_DEVICE_EVENTS = f"{DEVICES}/+/events"
ALL_DEVICE_STATUS = f"{DEVICES}/+/status"
OFFLINE_READERS = f"{ROOT}/offline/readers"
ALL_OFFLINE_READERS = f"{OFFLINE_READERS}/+"


def events(device_id: str) -> str:
    """Device → server: one event (a JSON object) or a batch (a JSON array). QoS 1."""
    return f"{DEVICES}/{device_id}/events"


def replies(device_id: str) -> str:
    """Server → device: answers to request events. QoS 1."""
    return f"{DEVICES}/{device_id}/replies"


def acks(device_id: str) -> str:
    """Server → device: event ids committed or rejected (end-to-end acknowledgement). QoS 1."""
    return f"{DEVICES}/{device_id}/acks"


def commands(device_id: str) -> str:
    """Server → device: commands. Reserved in v1 (no command kinds defined yet); the ACL already grants it."""
    return f"{DEVICES}/{device_id}/commands"


def status(device_id: str) -> str:
    """Device → everyone: retained status (birth, heartbeat, last will). QoS 1, retained."""
    return f"{DEVICES}/{device_id}/status"


def offline_readers(shard: int) -> str:
    """Server → kiosks: one shard of the offline list of readers (`contract.offline`). QoS 1, retained."""
    return f"{OFFLINE_READERS}/{shard}"


def device_of(topic: str) -> str | None:
    """The device id of a topic under the devices subtree, or None."""
    prefix = DEVICES + "/"
    if not topic.startswith(prefix):
        return None
    rest = topic[len(prefix) :]
    device, sep, _ = rest.partition("/")
    return device if sep and device else None
