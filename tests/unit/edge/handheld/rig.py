"""A handheld agent over a real journal and a real outbox, with a wand whose field the test sets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

from contract.codec import decode_events
from contract.events import EventEnvelope
from devices.rfid.service import FieldItem
from devices.tagdata import TagReading, TagStatus
from edge.handheld.agent import HandheldAgent
from edge.handheld.journal import Journal
from edge.outbox import Outbox, Payload

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def own(uid: str, barcode: str, *, secured: bool | None = True) -> FieldItem:
    return FieldItem(uid, 0, 0x07, None, secured, TagReading(TagStatus.OK, "decoded", item_id=barcode))


def tag(uid: str, status: TagStatus, **reading: str) -> FieldItem:
    return FieldItem(uid, 0, 0x07, None, True, TagReading(status, status.value, **reading))  # type: ignore[arg-type]


class Field:
    """The wand's field: what the next inventory finds (a `Wand`)."""

    def __init__(self) -> None:
        self.tags: list[FieldItem] = []
        self.inventories = 0

    def items_in_field(self) -> list[FieldItem]:
        self.inventories += 1
        return list(self.tags)


class OutboxEmitter:
    """The runtime's `emit_once` over a real outbox, without a network."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox

    def emit_once(self, model: type[EventEnvelope], payload: Payload, event_id: UUID) -> bool:
        if self.outbox.holds(event_id):
            return False
        self.outbox.append(model, payload, event_id=event_id)
        return True

    def events(self) -> list[EventEnvelope]:
        out: list[EventEnvelope] = []
        for record in self.outbox.read_after(0, 10_000):
            (event,) = decode_events(record.body)
            assert isinstance(event, EventEnvelope)
            out.append(event)
        return out


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def step(self, ms: int) -> None:
        self.now += timedelta(milliseconds=ms)


class Rig:
    def __init__(self, directory: Path, *, session_id: int = 7) -> None:
        self.directory = directory
        self.session_id = session_id
        self.field = Field()
        self.clock = Clock()
        self.outbox = Outbox(directory / "outbox.db", "handheld-01")
        self.emitter = OutboxEmitter(self.outbox)
        self.journal = Journal(directory / "handheld.db")
        self.agent = self._agent()

    def _agent(self) -> HandheldAgent:
        return HandheldAgent(
            self.emitter, self.journal, self.field, session_id=self.session_id, wall_clock=self.clock
        )

    def restart(self) -> None:
        """The process died (nothing flushed) and runs again over the same files."""
        self.journal.close()
        self.journal = Journal(self.directory / "handheld.db")
        self.agent = self._agent()

    def close(self) -> None:
        self.journal.close()
        self.outbox.close()
