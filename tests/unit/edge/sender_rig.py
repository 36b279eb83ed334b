"""A sender on a real outbox, with a recording wire and a hand-driven clock instead of the link, for the
sender's tests."""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import orjson

from contract.common import ItemRef, utc_now
from contract.events import CheckinRequested, ItemOnly, ItemSeen, ItemSighting, SeenContext
from contract.status import DeviceKind, DeviceState, DeviceStatus
from edge.counters import Counters
from edge.errors import OutboxError
from edge.handoff import Handoff, Inputs
from edge.outbox import Outbox, OutboxRecord
from edge.sender import Sender
from edge.settings import EdgeSettings

DEVICE = "handheld-01"


class Wire:
    """Records every message the sender publishes."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.heartbeats = 0
        self.up = True
        self._lock = threading.Lock()
        # Heartbeats wait while `open` is clear: the sender thread is then held in the middle of a step,
        # and whatever is handed to it meanwhile is taken together at its next wake-up.
        self.open = threading.Event()
        self.open.set()
        self.holding = threading.Event()

    def publish(self, payload: bytes) -> bool:
        with self._lock:
            self.messages.append(payload)
        return self.up

    def heartbeat(self) -> None:
        if not self.open.is_set():
            self.holding.set()
            self.open.wait()
        self.heartbeats += 1

    def sent_ids(self) -> list[UUID]:
        ids: list[UUID] = []
        with self._lock:
            for message in self.messages:
                document = orjson.loads(message)
                events = document if isinstance(document, list) else [document]
                ids.extend(UUID(e["event_id"]) for e in events)
        return ids


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class ObservedHandoff(Handoff):
    """The sender's handoff, which also knows when the sender thread has finished acting on everything handed
    to it so far: `settled` waits for that, so that a check that something did NOT happen runs once the
    sender has had its chance to do it."""

    def __init__(self) -> None:
        super().__init__()
        self._handed = 0  # hand-overs so far; each wakes the sender
        self._taken = 0  # the hand-overs the sender's latest take covered
        self._acted_on = 0  # the hand-overs the sender has finished a step on (it came back to wait)

    def _signal(self) -> None:
        self._handed += 1
        super()._signal()

    def take(self, timeout: float) -> Inputs | None:
        # The condition's lock is re-entrant: the wait inside `take` releases it, so hand-overs go on
        # meanwhile, and it is held again from the moment the inputs are taken until `_taken` is set.
        with self._cond:
            self._acted_on = self._taken
            self._cond.notify_all()
            inputs = super().take(timeout)
            self._taken = self._handed
            return inputs

    def settled(self, timeout: float = 10.0) -> None:
        with self._cond:
            handed = self._handed
            if not self._cond.wait_for(lambda: self._acted_on >= handed, timeout):
                raise AssertionError(f"the sender did not act on what it was handed (waited {timeout:g} s)")


class FlakyOutbox(Outbox):
    """An outbox whose next `fail_confirms` deletions fail, as on a full or locked disk; counts its reads."""

    fail_confirms = 0
    reads = 0

    def confirm(self, committed: Collection[UUID] = (), *, settled: Collection[UUID] = ()) -> int:
        if self.fail_confirms > 0:
            self.fail_confirms -= 1
            raise OutboxError("database or disk is full")
        return super().confirm(committed, settled=settled)

    def read_after(self, seq: int, limit: int) -> list[OutboxRecord]:
        self.reads += 1
        return super().read_after(seq, limit)


class Rig:
    def __init__(self, tmp_path: Path, **overrides: object) -> None:
        values: dict[str, object] = {
            "device_id": DEVICE,
            "window": 5,
            "resend_after_s": 10,
            "resend_max_s": 40,
        }
        values.update(overrides)
        self.settings = EdgeSettings.model_validate(values)
        self.outbox = FlakyOutbox(tmp_path / "outbox.db", DEVICE)
        self.wire = Wire()
        self.clock = Clock()
        self.counters = Counters()
        self.handoff = ObservedHandoff()
        self.sender = Sender(
            self.outbox,
            self.settings,
            self.counters,
            publish=self.wire.publish,
            heartbeat=self.wire.heartbeat,
            clock=self.clock,
            handoff=self.handoff,
        )

    def sightings(self, count: int) -> list[OutboxRecord]:
        payloads = [
            ItemSighting(item=ItemRef(barcode=f"VV{i:06d}"), context=SeenContext.STOCKTAKE)
            for i in range(count)
        ]
        records = self.outbox.append_many(ItemSeen, payloads)
        self.sender.wake()
        return records

    def request(self, *, urgent: bool = True) -> OutboxRecord:
        """A request as the runtime stores and hands it over (or, `urgent=False`, one an earlier run left)."""
        record = self.outbox.append(CheckinRequested, ItemOnly(item=ItemRef(barcode="VV999999"))).record
        if urgent:
            self.sender.send_now(record)
        return record

    def settle(self) -> None:
        """Returns once the sender has acted on everything handed to it so far (for checks of inaction)."""
        self.handoff.settled()

    def advance(self, seconds: float) -> None:
        self.clock.now += seconds
        self.sender.wake()

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the sender thread in a heartbeat: what the block hands it is taken in one wake-up."""
        self.wire.open.clear()
        self.wire.holding.clear()
        self.advance(self.settings.heartbeat_s)
        assert self.wire.holding.wait(5), "the sender did not reach its heartbeat"
        try:
            yield
        finally:
            self.wire.open.set()

    def close(self) -> None:
        self.wire.open.set()
        self.sender.stop()
        self.outbox.close()


def server_status(state: DeviceState, started_at_s: float) -> DeviceStatus:
    start = utc_now() - timedelta(hours=1)
    return DeviceStatus(
        device_id="server",
        device_kind=DeviceKind.SERVER,
        state=state,
        at=utc_now(),
        started_at=start + timedelta(seconds=started_at_s),
    )
