"""The simulated RF field: virtual ISO 15693 tags, and faults to inject into a simulated reader.

A `Field` is shared between the test (or script) that moves tags in and out and the simulated reader
that answers about them, so every method is thread-safe. Faults are drawn from `random.Random(seed)`,
so a seeded run misbehaves identically every time; `inject()` queues one exact fault for the next reply.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from enum import StrEnum

from devices.tagdata import Usage, encode_tag

DEFAULT_BLOCK_SIZE = 4
DEFAULT_BLOCK_COUNT = 28  # NXP I-Code SLIX: 28 blocks of 4 bytes
NXP = 0x04


@dataclass
class VirtualTag:
    """One tag: UID (FEIG order, 0xE0 first), AFI, EAS bit, DSFID and user memory in memory order."""

    uid: bytes
    memory: bytearray
    block_size: int = DEFAULT_BLOCK_SIZE
    afi: int = 0x00
    eas: bool = False
    dsfid: int = 0x00
    ic_ref: int = 0x01
    afi_locked: bool = False
    locked_blocks: set[int] = field(default_factory=set)

    @property
    def manufacturer(self) -> int:
        return self.uid[1]

    @property
    def block_count(self) -> int:
        return len(self.memory) // self.block_size

    @property
    def uid_hex(self) -> str:
        return self.uid.hex().upper()

    @classmethod
    def blank(cls, uid: bytes, *, block_count: int = DEFAULT_BLOCK_COUNT, afi: int = 0x00) -> VirtualTag:
        return cls(uid=uid, memory=bytearray(block_count * DEFAULT_BLOCK_SIZE), afi=afi)

    @classmethod
    def library_item(
        cls,
        uid: bytes,
        item_id: str,
        *,
        isil: str,
        afi: int = 0x07,
        eas: bool = False,
        dsfid: int = 0x00,
        usage: Usage = Usage.CIRCULATING,
        block_count: int = DEFAULT_BLOCK_COUNT,
    ) -> VirtualTag:
        """A tag programmed with ISO 28560-3 data for `item_id`, owned by `isil`."""
        data = encode_tag(item_id, isil=isil, usage=usage)
        memory = bytearray(block_count * DEFAULT_BLOCK_SIZE)
        memory[: len(data)] = data
        return cls(uid=uid, memory=memory, afi=afi, eas=eas, dsfid=dsfid)


def make_uid(serial: int, *, manufacturer: int = NXP) -> bytes:
    """A deterministic ISO 15693 UID: 0xE0, manufacturer, 6-byte serial."""
    return bytes((0xE0, manufacturer)) + (serial & 0xFFFF_FFFF_FFFF).to_bytes(6, "big")


def make_items(count: int, *, isil: str, first_serial: int = 1, afi: int = 0x07) -> list[VirtualTag]:
    """`count` library items with UIDs and barcodes derived from their position (stable across runs)."""
    return [
        VirtualTag.library_item(make_uid(first_serial + n), f"3000{first_serial + n:08d}", isil=isil, afi=afi)
        for n in range(count)
    ]


class Fault(StrEnum):
    RF_ERROR = "rf_error"  # the tag exchange fails: the reader answers 0x83
    CORRUPT = "corrupt"  # a byte of the reply is flipped (CRC fails at the host)
    TRUNCATE = "truncate"  # the reply is cut short
    SILENCE = "silence"  # no reply at all
    GARBAGE = "garbage"  # line noise before the reply
    SLOW = "slow"  # the reply comes late


@dataclass(frozen=True, slots=True)
class FaultPlan:
    """Probabilities per reply (RF errors: per tag command). All zero = a perfect reader."""

    rf_error: float = 0.0
    corrupt: float = 0.0
    truncate: float = 0.0
    silence: float = 0.0
    garbage: float = 0.0
    slow: float = 0.0
    slow_s: float = 0.5
    seed: int = 0


class Field:
    def __init__(self, tags: list[VirtualTag] | None = None, faults: FaultPlan | None = None) -> None:
        self._lock = threading.RLock()
        self._tags: dict[bytes, VirtualTag] = {}
        self._round = 0  # inventories begun
        self._listed_in: dict[bytes, int] = {}  # uid: the inventory that first listed it
        self._leaving: set[bytes] = set()
        self._queued: list[list[Fault | int]] = []  # [fault, replies to let through first]
        self.faults = faults or FaultPlan()
        self.rng = random.Random(self.faults.seed)
        for tag in tags or ():
            self.add(tag)

    # ---------------------------------------------------------------- tags

    def add(self, *tags: VirtualTag) -> None:
        with self._lock:
            for tag in tags:
                self._tags[tag.uid] = tag

    def remove(self, *uids: bytes) -> None:
        with self._lock:
            for uid in uids:
                self._tags.pop(uid, None)
                self._listed_in.pop(uid, None)
                self._leaving.discard(uid)

    def leave(self, *uids: bytes) -> None:
        """The tags are carried out of the field, but not before the reader has listed each of them and
        begun another inventory — so it had the time between to read them. A simulated walk past a reader
        then never misses a book because a loaded machine polled late; a missed read is a fault, injected
        on purpose (`FaultPlan`, `inject`)."""
        with self._lock:
            self._leaving.update(uid for uid in uids if uid in self._tags)
            self._let_leave()

    def inventory(self) -> list[VirtualTag]:
        """The tags a reader's new inventory finds: those whose leave has waited long enough are gone
        first, and the rest are noted as listed."""
        with self._lock:
            self._round += 1
            self._let_leave()
            for uid in self._tags:
                self._listed_in.setdefault(uid, self._round)
            return list(self._tags.values())

    def _let_leave(self) -> None:
        gone = [uid for uid in self._leaving if self._listed_in.get(uid, self._round) < self._round]
        self.remove(*gone)

    def clear(self) -> None:
        with self._lock:
            self._tags.clear()
            self._listed_in.clear()
            self._leaving.clear()

    def tags(self) -> list[VirtualTag]:
        with self._lock:
            return list(self._tags.values())

    def get(self, uid: bytes) -> VirtualTag | None:
        with self._lock:
            return self._tags.get(uid)

    def __len__(self) -> int:
        with self._lock:
            return len(self._tags)

    @property
    def lock(self) -> threading.RLock:
        """Held by the simulated reader while it works on tags, so a test sees consistent states."""
        return self._lock

    # ---------------------------------------------------------------- faults

    def set_faults(self, faults: FaultPlan) -> None:
        with self._lock:
            self.faults = faults
            self.rng = random.Random(faults.seed)

    def inject(self, *faults: Fault, after: int = 0) -> None:
        """Queues faults for the next reply (RF_ERROR: the next tag command), or `after` more of them."""
        with self._lock:
            self._queued.extend([fault, after] for fault in faults)

    def _take_queued(self, rf: bool) -> Fault | None:
        for entry in self._queued:
            fault, wait = entry
            assert isinstance(fault, Fault)
            assert isinstance(wait, int)
            if (fault is Fault.RF_ERROR) != rf:
                continue
            if wait == 0:
                self._queued.remove(entry)
                return fault
            entry[1] = wait - 1
            return None
        return None

    def take_rf_error(self) -> bool:
        with self._lock:
            if self._take_queued(rf=True) is not None:
                return True
            return self.faults.rf_error > 0 and self.rng.random() < self.faults.rf_error

    def take_reply_fault(self) -> Fault | None:
        with self._lock:
            queued = self._take_queued(rf=False)
            if queued is not None:
                return queued
            plan = self.faults
            for fault, rate in (
                (Fault.SILENCE, plan.silence),
                (Fault.CORRUPT, plan.corrupt),
                (Fault.TRUNCATE, plan.truncate),
                (Fault.GARBAGE, plan.garbage),
                (Fault.SLOW, plan.slow),
            ):
                if rate > 0 and self.rng.random() < rate:
                    return fault
            return None
