"""The handheld's agent: the wand in continuous inventory, the scanner on a thread of its own, first
sightings counted in the journal as they happen and sent as `stocktake.reads` batches.

    with AgentHost(settings) as host:
        finished = host.run(compose_handheld(host, service, scanner, config, session_id=3))

Every first sighting is on disk (the journal) before anything else sees it; every `flush_s` (and on a
change of shelf, a damage mark and a stop) the sightings are sealed into batches and handed to the outbox.
Listeners (`listen`) hear of each first sighting at once, whatever the network does; the agent's own
`alerts` (an `AlertFeed`) is the first of them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import UUID

from contract.common import ItemRef
from contract.events import EventEnvelope, StocktakeDamage
from contract.replies import ReplyBase, StocktakeShelfList
from contract.stocktake import DamageKind, DamageMarked, MarkedCondition, ShelfJoin, ShelfMethod
from devices.barcode.classify import ScanKind, ScanRules, classify
from devices.barcode.scanner import Scan, ScannerDriver
from devices.errors import DeviceError
from devices.rfid.service import FieldItem
from edge.handheld.alerts import AlertFeed
from edge.handheld.journal import Counted, Journal
from edge.handheld.list_requests import ListRequests, Requester
from edge.handheld.reads import Place, Sighting, from_label, from_tag
from edge.handheld.shelf_lists import ShelfLists
from edge.outbox import Payload

log = logging.getLogger(__name__)

ERROR_PAUSE_S = 0.05  # after a failed inventory, so that a reader answering errors at once is not hammered
SCANNER_POLL_S = 0.1  # the scanner thread's longest wait for bytes: how soon it notices a stop


class Emitter(Requester, Protocol):
    """What the handheld needs of the runtime (`EdgeRuntime` is one)."""

    def emit_once(self, model: type[EventEnvelope], payload: Payload, event_id: UUID) -> bool: ...


class Wand(Protocol):
    """The tags in the wand's field, read and decoded (`devices.rfid.TagService` is one)."""

    def items_in_field(self) -> list[FieldItem]: ...


_DEFAULT_RULES = ScanRules()
Listener = Callable[[Place, list[Counted]], None]


@dataclass(frozen=True, slots=True)
class HandheldCounters:
    """The handheld's own work, for its status next to the reader's (`peripherals.handheld`)."""

    inventories: int = 0
    inventory_failures: int = 0
    sightings: int = 0  # every tag in every inventory, repeats included
    first_sightings: int = 0  # counted: the first of each tag (or label) in a shelf visit
    item_scans: int = 0
    label_scans: int = 0
    other_scans: int = 0  # patron cards, ISBNs, unknown values: not stock-take reads
    joins: int = 0
    lists_asked: int = 0  # shelf lists asked of the server
    lists_kept: int = 0  # shelf lists it gave, kept for judging offline
    damage_marks: int = 0
    events_stored: int = 0
    emit_failures: int = 0


@dataclass
class HandheldSummary:
    session_id: int
    shelf_code: str | None
    counters: HandheldCounters
    waiting: int = 0  # events decided but not yet in the outbox (a disk that failed)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        where = {"session_id": self.session_id, "shelf_code": self.shelf_code, "waiting": self.waiting}
        return where | asdict(self.counters) | self.extra


class HandheldAgent:
    def __init__(
        self,
        runtime: Emitter,
        journal: Journal,
        wand: Wand,
        *,
        session_id: int,
        scanner: ScannerDriver | None = None,
        lists: ShelfLists | None = None,
        operator: str | None = None,
        shelf_label_prefix: str = "LOC-",
        scan_rules: ScanRules = _DEFAULT_RULES,
        inventory_pause_s: float = 0.0,
        flush_s: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.runtime = runtime
        self.journal = journal
        self.wand = wand
        self.scanner = scanner
        self.session_id = session_id
        self.operator = operator
        self.shelf_label_prefix = shelf_label_prefix.upper()
        self.scan_rules = scan_rules
        self.inventory_pause_s = inventory_pause_s
        self.flush_s = flush_s
        self._clock = clock
        self._wall_clock = wall_clock
        self._lock = threading.RLock()
        self.lists = lists
        self.alerts = AlertFeed(lists)  # what the wand's reads say at once, for the screen
        self._lists_asked = ListRequests(runtime, lists, clock=clock) if lists is not None else None
        self._listeners: list[Listener] = [self.alerts]
        self._counts = dict.fromkeys(HandheldCounters.__dataclass_fields__, 0)

    # ---- what the host, the screen and the tests call -------------------------------------------------

    def listen(self, listener: Listener) -> None:
        """Call `listener(place, counted)` with every new first sighting, on the thread that read it."""
        self._listeners.append(listener)

    def counters(self) -> HandheldCounters:
        lists = self._lists_asked
        asked, kept = (lists.asked, lists.kept) if lists is not None else (0, 0)
        return HandheldCounters(**self._counts | {"lists_asked": asked, "lists_kept": kept})

    @property
    def place(self) -> Place:
        return self.journal.place or Place(self.session_id)

    def on_late_reply(self, reply: ReplyBase) -> None:
        """A shelf's list asked for by an earlier run (or whose wait was given up): kept all the same."""
        if isinstance(reply, StocktakeShelfList) and self._lists_asked is not None:
            self._lists_asked.take(reply)
        else:
            log.warning("handheld: a reply it did not ask for: %s %s", reply.KIND, reply.decision.code)

    def join(self) -> None:
        """Join the session (again after a restart only if the journal is in another one)."""
        with self._lock:
            place = self.journal.place
            if place is None or place.session_id != self.session_id:
                self._move(Place(self.session_id))

    def choose_shelf(self, shelf_code: str) -> None:
        """Staff picked the shelf on the screen."""
        self._move(Place(self.session_id, shelf_code, ShelfMethod.CHOSEN))

    def mark_damage(
        self,
        barcode: str,
        condition: MarkedCondition,
        kinds: Sequence[DamageKind],
        *,
        for_repair: bool,
        note: str | None = None,
    ) -> None:
        """Staff marked the book in hand damaged, naming the kinds of damage (at least one; the contract
        refuses none): queued after the reads already taken, sent with them."""
        mark = DamageMarked(
            session_id=self.session_id,
            shelf_code=self.place.shelf_code,
            item=ItemRef(barcode=barcode),
            condition=condition,
            for_repair=for_repair,
            note=note,
            kinds=list(kinds),
        )
        with self._lock:
            self.journal.enqueue(StocktakeDamage, mark)
            self._counts["damage_marks"] += 1
            self.flush()

    def take(self, sightings: list[Sighting]) -> list[Counted]:
        """Count the sightings not yet counted in this shelf visit; tell the listeners of them."""
        with self._lock:
            self._counts["sightings"] += len(sightings)
            counted = self.journal.record(sightings)
            self._counts["first_sightings"] += len(counted)
            place = self.place
        if counted:
            for listener in self._listeners:
                listener(place, counted)
        return counted

    def on_tags(self, items: list[FieldItem]) -> list[Counted]:
        now = self._wall_clock()
        sightings = [s for s in (from_tag(item, now) for item in items) if s is not None]
        return self.take(sightings)

    def on_scan(self, scan: Scan) -> None:
        """An item barcode is a sighting of an untagged book; a shelf label moves the handheld there."""
        classified = classify(scan.value, self.scan_rules)
        shelf = self._shelf_code(scan.value.strip())
        if classified.kind is ScanKind.ITEM:
            self._counts["item_scans"] += 1
            self.take([from_label(classified.value, scan.at)])
        elif shelf is not None:
            self._counts["label_scans"] += 1
            self._move(Place(self.session_id, shelf, ShelfMethod.LABEL))
        else:
            self._counts["other_scans"] += 1
            log.info("handheld: scanned %r, neither an item nor a shelf label", scan.value)

    def flush(self) -> int:
        """Seal what was counted into batches and store every decided event in the outbox, in order;
        returns how many were stored. An event the outbox cannot take stays queued for the next flush. A
        shelf whose list has not come is asked for (again, now and then)."""
        stored = 0
        if self._lists_asked is not None:
            self._lists_asked.ask(self.place)
        with self._lock:
            self.journal.seal()
            for queued in self.journal.queued():
                try:
                    self.runtime.emit_once(queued.model, queued.payload, queued.event_id)
                except Exception:
                    self._counts["emit_failures"] += 1
                    log.exception("handheld: %s event could not be stored; kept for later", queued.model.KIND)
                    break
                self.journal.done(queued)
                stored += 1
            self._counts["events_stored"] += stored
        return stored

    # ---- the loop ---------------------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> HandheldSummary:
        self.join()
        self.flush()  # what a killed run left decided, first
        scanning = threading.Thread(
            target=self._read_scanner, args=(stop,), name="handheld-scanner", daemon=True
        )
        if self.scanner is not None:
            scanning.start()
        next_flush = self._clock() + self.flush_s
        try:
            while not stop.is_set():
                if self.poll() is None:
                    stop.wait(ERROR_PAUSE_S)
                if self._clock() >= next_flush:
                    self.flush()
                    next_flush = self._clock() + self.flush_s
                if self.inventory_pause_s:
                    stop.wait(self.inventory_pause_s)
        finally:
            if scanning.is_alive():
                scanning.join(timeout=2 * SCANNER_POLL_S + 1.0)
            self.flush()
        place = self.place
        return HandheldSummary(
            self.session_id, place.shelf_code, self.counters(), waiting=len(self.journal.queued())
        )

    def poll(self) -> list[Counted] | None:
        """One inventory of the wand's field: the first sightings it brought; None if the reader failed."""
        self._counts["inventories"] += 1
        try:
            items = self.wand.items_in_field()
        except DeviceError as exc:
            self._counts["inventory_failures"] += 1
            log.debug("handheld: inventory failed: %s", exc)
            return None
        return self.on_tags(items)

    # ---- internals --------------------------------------------------------------------------------------

    def _read_scanner(self, stop: threading.Event) -> None:
        assert self.scanner is not None
        for scan in self.scanner.scans(stop, SCANNER_POLL_S):
            try:
                self.on_scan(scan)
            except Exception:
                log.exception("handheld: scan %r could not be taken", scan.value)

    def _shelf_code(self, value: str) -> str | None:
        if not value.upper().startswith(self.shelf_label_prefix):
            return None
        code = value[len(self.shelf_label_prefix) :]
        if not code or not all(c.isalnum() or c in "._-" for c in code) or len(code) > 64:
            return None
        return code

    def _move(self, place: Place) -> None:
        join = ShelfJoin(
            session_id=place.session_id,
            shelf_code=place.shelf_code,
            method=place.method,
            operator=self.operator,
        )
        with self._lock:
            self.journal.move(place, join)
            self._counts["joins"] += 1
            self.alerts.moved()
            self.flush()
