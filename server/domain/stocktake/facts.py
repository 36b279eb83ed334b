"""What a stock-take knows: items, shelves, sweeps, reads, status changes and marks, as flat values.

Sized for a million items and a million reads: times are integers (microseconds since the epoch, UTC) so
that sorting and comparing them is cheap; items and events are named tuples (no per-object dict); the
reads, the one collection as large as the scope, are kept column by column in typed arrays (about 37 bytes
a read). Ids that may be absent are None in tuples and -1 (`NONE`) in the read columns.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import IntEnum, StrEnum
from typing import NamedTuple

from server.domain.callnumbers import key_in_span
from server.domain.enums import ItemCondition, ItemStatus
from server.domain.stocktake.tags import TagEvent

NONE = -1  # an absent id in the read columns
MAX_DEVICES = 1 << 16  # devices in one session's read log (their index is part of an integer lane key)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def micros(moment: datetime) -> int:
    """An aware datetime as microseconds since the epoch (UTC): the time unit of every stock-take fact."""
    if moment.tzinfo is None:
        raise ValueError("stock-take times must carry a time zone")
    return (moment - _EPOCH) // _MICROSECOND


def moment(us: int) -> datetime:
    """The inverse of `micros`, in UTC."""
    return _EPOCH + us * _MICROSECOND


def duration(span: timedelta) -> int:
    return span // _MICROSECOND


class ItemFacts(NamedTuple):
    """One catalogue item as the stock-take sees it.

    `status` is the status before the first change listed for the item: for an item of the scope, its status
    when the session opened (frozen then); for an item from elsewhere that a reader saw, its status as
    the caller knows it with the changes that followed. `call_key` is `callnumbers.sort_key` of its call
    number (shelf spans are in call-number keys); `order_key` is its key in its home location's shelf order
    (`order_keys.order_key`), the same string for call-number shelves.
    """

    item_id: int
    home_id: int | None  # its home location, normally a shelf
    item_type: str
    status: ItemStatus
    call_key: str | None
    order_key: str | None
    loan_id: int | None = None  # the open loan, when `status` is on loan


class Shelf(NamedTuple):
    """A shelf and the call numbers it holds (both ends inclusive, the end covering its extensions)."""

    shelf_id: int
    code: str
    span_start_key: str | None = None
    span_end_key: str | None = None

    def holds(self, item: ItemFacts) -> bool:
        """Whether the item belongs here: it is its home, or the shelf's call-number span holds it."""
        if item.home_id == self.shelf_id:
            return True
        if self.span_start_key is None or self.span_end_key is None or item.call_key is None:
            return False
        return key_in_span(item.call_key, self.span_start_key, self.span_end_key)


class Sweep(NamedTuple):
    """A pass of one device over one shelf, from its first read to its last. `exact_order`: the reads came
    one by one (barcodes), so their order is the books' order and no tolerance applies."""

    shelf_id: int
    device: str
    started_at: int
    ended_at: int
    exact_order: bool = False


class ChangeCause(StrEnum):
    CHECKOUT = "checkout"  # proves the item was in the library's hands at that time
    CHECKIN = "checkin"  # proves it too
    STAFF = "staff"  # a status set by hand proves nothing about where the item is


class StatusChange(NamedTuple):
    """A change of an item's status during the session (lending goes on while staff count)."""

    item_id: int
    at: int
    status: ItemStatus
    cause: ChangeCause
    loan_id: int | None = None  # the loan a checkout opened or a checkin closed

    @property
    def proves_presence(self) -> bool:
        return self.cause is not ChangeCause.STAFF


class DamageMark(NamedTuple):
    """Staff marked an item damaged at the shelf, with the book in hand (so it counts as a sighting)."""

    item_id: int
    at: int
    device: str
    shelf_id: int | None
    condition: ItemCondition
    previous_condition: ItemCondition  # what the catalogue said when the mark was made
    for_repair: bool  # take it out of circulation (status damaged) until it is mended
    note: str | None = None


class Security(IntEnum):
    """The security state a reader saw on the tag (EAS bit or AFI), when it reports one."""

    UNKNOWN = -1
    NOT_ARMED = 0
    ARMED = 1


class Seen(NamedTuple):
    """Evidence of one sighting: where, when, by which device, and the device's read sequence number."""

    shelf_id: int | None
    at: int
    device: str
    seq: int


class ReadLog:
    """Every read of the session that names a catalogue item, one typed array a column.

    Reads that name no item, or two items at once, are tag events (`tags.TagEvent`), not reads.
    """

    __slots__ = ("_device_index", "_in_order", "at", "device", "devices", "item", "security", "seq", "shelf")

    def __init__(self) -> None:
        self.at = array("q")
        self.item = array("q")
        self.shelf = array("q")
        self.seq = array("q")
        self.device = array("i")
        self.security = array("b")
        self.devices: list[str] = []
        self._device_index: dict[str, int] = {}
        self._in_order = True

    def add(
        self,
        at: int,
        item_id: int,
        shelf_id: int | None,
        device: str,
        seq: int,
        *,
        security: Security = Security.UNKNOWN,
    ) -> None:
        if self.at and at < self.at[-1]:
            self._in_order = False
        index = self._device_index.get(device)
        if index is None:
            if len(self.devices) >= MAX_DEVICES:
                raise ValueError(f"more than {MAX_DEVICES} devices in one session")
            index = self._device_index[device] = len(self.devices)
            self.devices.append(device)
        self.at.append(at)
        self.item.append(item_id)
        self.shelf.append(NONE if shelf_id is None else shelf_id)
        self.seq.append(seq)
        self.device.append(index)
        self.security.append(security)

    def __len__(self) -> int:
        return len(self.at)

    def in_time_order(self) -> Sequence[int]:
        """Read indices by time, ties in the order added: sorted once, and only if they came unsorted."""
        if self._in_order:
            return range(len(self.at))
        return sorted(range(len(self.at)), key=self.at.__getitem__)

    def seen(self, index: int) -> Seen:
        shelf = self.shelf[index]
        device = self.devices[self.device[index]]
        return Seen(None if shelf == NONE else shelf, self.at[index], device, self.seq[index])


@dataclass(frozen=True, slots=True)
class StocktakeFacts:
    """Everything reconciliation reads, gathered by the caller for one session.

    `scope_items` is the list frozen when the session opened (expected or not); `other_items` are items
    outside the scope that a reader saw during the session. `scope_shelves` are the shelves the scope
    covers (`scope.shelves_in_scope`); coverage is reported for them and for any other shelf swept.
    """

    scope_items: Mapping[int, ItemFacts]
    shelves: Mapping[int, Shelf]
    reads: ReadLog
    sweeps: Sequence[Sweep]
    closed_at: int  # "now": the status at close is the status after every change up to this time
    expected_statuses: frozenset[ItemStatus]
    other_items: Mapping[int, ItemFacts] = field(default_factory=dict)
    scope_shelves: frozenset[int] = frozenset()
    changes: Sequence[StatusChange] = ()
    damage: Sequence[DamageMark] = ()
    tag_events: Sequence[TagEvent] = ()

    def item(self, item_id: int) -> ItemFacts:
        found = self.scope_items.get(item_id)
        if found is None:
            found = self.other_items.get(item_id)
        if found is None:
            raise ValueError(f"item {item_id} was read but its facts were not given")
        return found
