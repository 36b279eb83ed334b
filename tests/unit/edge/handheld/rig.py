"""A handheld agent over a real journal and a real outbox, with a wand whose field the test sets."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

from contract.codec import decode_events
from contract.events import EventEnvelope
from contract.replies import ReplyBase
from devices.rfid.service import FieldItem
from devices.tagdata import TagReading, TagStatus
from edge.handheld.agent import HandheldAgent
from edge.handheld.journal import Journal
from edge.handheld.shelf_lists import ShelfLists
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


@dataclass
class Asked:
    """A request the agent made, waiting for the test to answer it."""

    model: type[EventEnvelope]
    payload: Payload
    future: Future[ReplyBase] = field(default_factory=Future)


class OutboxEmitter:
    """The runtime's `emit_once` over a real outbox, without a network; requests wait for the test."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self.asked: list[Asked] = []

    def request_async(self, model: type[EventEnvelope], payload: Payload) -> Asked:
        asked = Asked(model, payload)
        self.asked.append(asked)
        return asked

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


class Monotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def step(self, seconds: float) -> None:
        self.now += seconds


class Rig:
    def __init__(self, directory: Path, *, session_id: int = 7) -> None:
        self.directory = directory
        self.session_id = session_id
        self.field = Field()
        self.clock = Clock()
        self.mono = Monotonic()
        self.outbox = Outbox(directory / "outbox.db", "handheld-01")
        self.emitter = OutboxEmitter(self.outbox)
        self.journal = Journal(directory / "handheld.db")
        self.lists = ShelfLists(directory / "shelf-lists.db")
        self.agent = self._agent()

    def _agent(self) -> HandheldAgent:
        return HandheldAgent(
            self.emitter,
            self.journal,
            self.field,
            session_id=self.session_id,
            lists=self.lists,
            clock=self.mono,
            wall_clock=self.clock,
        )

    def restart(self) -> None:
        """The process died (nothing flushed) and runs again over the same files."""
        self.journal.close()
        self.lists.close()
        self.journal = Journal(self.directory / "handheld.db")
        self.lists = ShelfLists(self.directory / "shelf-lists.db")
        self.agent = self._agent()

    def close(self) -> None:
        self.journal.close()
        self.lists.close()
        self.outbox.close()
