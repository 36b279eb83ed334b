"""A simulated handheld as an agent for `AgentHost`: the production handheld (`compose_handheld`) on a
virtual FEIG reader (the wand) and a virtual barcode scanner, each on its own pseudo-terminal and read through
the real drivers, with a librarian sweeping the shelves of a scripted world. `stacks edge handheld
--simulate` is

    with AgentHost(settings) as host:
        finished = host.run(simulated_handheld(host, config, world, session_id=3))

The sweep of a shelf: its label scanned, then the wand moved along it one book at a time (the book just
reached enters the field, the one `window` books back leaves it), an untagged book's barcode scanned as the
wand passes it. Every step waits until the agent has inventoried the field twice, so the order of first
sightings is the order the books stand in whatever the machine's speed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contract.replies import ReplyBase
from contract.stocktake import DamageKind, MarkedCondition
from devices.barcode.profiles import load_profile as load_scanner_profile
from devices.barcode.scanner import ScannerDriver
from devices.feig.driver import FeigReader
from devices.feig.iso15693 import uid_from_hex
from devices.feig.profiles import get_profile
from devices.rfid.security import SecuritySettings
from devices.sim.feig_pty import FeigReaderSimulator, simulated_reader
from devices.sim.field import Field, VirtualTag
from devices.sim.scanner import VirtualScanner, simulated_scanner
from devices.tagdata.settings import TagDataSettings
from edge.handheld.agent import HandheldAgent, HandheldSummary
from edge.handheld.compose import compose_handheld
from edge.handheld.settings import HandheldConfig
from edge.host import AgentHost
from edge.sim.handheld_world import FOREIGN_ISIL, HandheldWorld, ShelfBook, ShelfScript, TagKind

STEP_WAIT_S = 10.0  # the longest a step waits for the agent to have seen it (a reader reconnecting)
WAND_WINDOW = 3  # books in the wand's field at once


@dataclass
class SimulatedHandheldParts:
    field: Field
    reader_sim: FeigReaderSimulator
    scanner_sim: VirtualScanner
    reader: FeigReader  # the real drivers, connected to them
    scanner: ScannerDriver


@contextmanager
def simulated_handheld_parts(
    directory: Path, *, reader_profile: str = "mr101", scanner_profile: str = "generic-cr"
) -> Iterator[SimulatedHandheldParts]:
    """A virtual wand at `directory/reader` and a virtual scanner at `directory/scanner`, with the real
    drivers connected to them."""
    directory.mkdir(parents=True, exist_ok=True)
    field = Field()
    with ExitStack() as parts:
        reader_sim, reader = parts.enter_context(
            simulated_reader(
                field, get_profile(reader_profile), link=directory / "reader", reconnect_wait_s=0.5
            )
        )
        scanner_sim, scanner = parts.enter_context(
            simulated_scanner(load_scanner_profile(scanner_profile), directory / "scanner")
        )
        yield SimulatedHandheldParts(field, reader_sim, scanner_sim, reader, scanner)


class BookTagMaker:
    """Each scripted book's virtual tag, made once, as the world says it is."""

    def __init__(self, security: SecuritySettings, tag_data: TagDataSettings) -> None:
        self._security = security
        self._isil = str(tag_data.isil)
        self._tags: dict[str, VirtualTag] = {}

    @classmethod
    def from_settings(cls) -> BookTagMaker:
        """With this site's security and tag-data settings (config/tags.toml)."""
        return cls(SecuritySettings.from_toml(), TagDataSettings.from_toml())

    def tag_of(self, book: ShelfBook) -> VirtualTag | None:
        if book.uid is None:
            return None
        tag = self._tags.get(book.uid)
        if tag is None:
            tag = self._tags[book.uid] = self._make(book, uid_from_hex(book.uid))
        return tag

    def _make(self, book: ShelfBook, uid: bytes) -> VirtualTag:
        security = self._security
        if book.tag is TagKind.BLANK:
            return VirtualTag.blank(uid, afi=security.afi_secured)
        if book.tag is TagKind.FOREIGN:
            return VirtualTag.library_item(uid, "HN0000123", isil=FOREIGN_ISIL, afi=security.afi_secured)
        armed = book.tag is TagKind.OWN and not book.on_loan
        afi = security.afi_secured if armed else security.afi_unsecured
        return VirtualTag.library_item(uid, str(book.barcode), isil=self._isil, afi=afi, eas=armed)


class Sweeper:
    """The librarian: sweeps the world's shelves with the wand and the scanner, in step with the agent."""

    def __init__(
        self,
        agent: HandheldAgent,
        parts: SimulatedHandheldParts,
        tags: BookTagMaker,
        *,
        label_prefix: str,
        window: int = WAND_WINDOW,
    ) -> None:
        self.agent = agent
        self.parts = parts
        self.tags = tags
        self.label_prefix = label_prefix
        self.window = window
        self.books_swept = 0
        self.shelves_swept = 0

    def sweep(
        self,
        world: HandheldWorld,
        stop: threading.Event,
        *,
        shelves: int | None = None,
        resume_at: int = 0,
        on_book: Callable[[int], None] | None = None,
    ) -> None:
        """Sweep the first `shelves` shelves. `resume_at`: the first shelf's sweep was interrupted after
        that many books — the librarian goes on from there without scanning its label again (the wand put
        back where it was, over the books it had already read). `on_book(n)` after each book."""
        for index, shelf in enumerate(world.shelves[:shelves]):
            first = resume_at if index == 0 else 0
            if first == 0 and not self._scan_label(shelf.code, stop):
                return
            if not self._sweep_shelf(shelf, first, stop, on_book):
                return
            self.shelves_swept += 1

    def _scan_label(self, code: str, stop: threading.Event) -> bool:
        joins = self.agent.counters().joins
        self.parts.scanner_sim.scan(self.label_prefix + code)
        return _wait(lambda: self.agent.counters().joins > joins, stop)

    def _sweep_shelf(
        self, shelf: ShelfScript, first: int, stop: threading.Event, on_book: Callable[[int], None] | None
    ) -> bool:
        field = self.parts.field
        for book in shelf.books[max(0, first - self.window + 1) : first]:
            self._put(book)
        for position in range(first, len(shelf.books)):
            if stop.is_set():
                return False
            book = shelf.books[position]
            if not self._put(book):
                scans = self.agent.counters().item_scans
                self.parts.scanner_sim.scan(str(book.barcode))
                _wait(lambda scans=scans: self.agent.counters().item_scans > scans, stop)  # type: ignore[misc]
            if position >= self.window:
                left = self.tags.tag_of(shelf.books[position - self.window])
                if left is not None:
                    field.remove(left.uid)
            self._inventoried_twice(stop)
            self.books_swept += 1
            if on_book is not None:
                on_book(self.books_swept)
        field.clear()
        self._inventoried_twice(stop)
        return not stop.is_set()

    def _put(self, book: ShelfBook) -> bool:
        """The book's tag into the wand's field; False for a book without one."""
        tag = self.tags.tag_of(book)
        if tag is not None:
            self.parts.field.add(tag)
        return tag is not None

    def _inventoried_twice(self, stop: threading.Event) -> None:
        # Twice: the inventory running while the field changed may have seen it before or after.
        done = self.agent.counters().inventories
        _wait(lambda: self.agent.counters().inventories >= done + 2, stop)


@dataclass(frozen=True)
class SimulatedHandheldSummary:
    handheld: HandheldSummary
    shelves_swept: int
    books_swept: int
    faults: dict[str, list[str]]

    def as_dict(self) -> dict[str, Any]:
        return self.handheld.as_dict() | {
            "shelves_swept": self.shelves_swept,
            "books_swept": self.books_swept,
            "faults": self.faults,
        }


class SimulatedHandheld:
    """The handheld agent, and the librarian sweeping on a thread of their own; the agent stops once the
    world is swept (or at `stop`)."""

    def __init__(
        self,
        agent: HandheldAgent,
        sweeper: Sweeper,
        world: HandheldWorld,
        *,
        shelves: int | None = None,
        resume_at: int = 0,
        damaged: Sequence[str] = (),
        damage_kinds: Sequence[DamageKind] = (DamageKind.OTHER,),
        on_book: Callable[[int], None] | None = None,
        linger: bool = False,
    ) -> None:
        self.linger = linger  # after the sweep, go on running (judging, heartbeats) until stopped
        self.agent = agent
        self.sweeper = sweeper
        self.world = world
        self.shelves = shelves
        self.resume_at = resume_at
        self.damaged = damaged
        self.damage_kinds = damage_kinds
        self.on_book = on_book
        self.swept = threading.Event()  # set when the last shelf is done (not when stopped early)

    def on_late_reply(self, reply: ReplyBase) -> None:
        self.agent.on_late_reply(reply)

    def run(self, stop: threading.Event) -> SimulatedHandheldSummary:
        finished = threading.Event()
        sweeping = threading.Thread(
            target=self._sweep, args=(stop, finished), name="handheld-sweeper", daemon=True
        )
        sweeping.start()
        try:
            summary = self.agent.run(stop if self.linger else finished)
        finally:
            finished.set()
            sweeping.join(timeout=STEP_WAIT_S + 5.0)
        return SimulatedHandheldSummary(
            summary, self.sweeper.shelves_swept, self.sweeper.books_swept, self.world.faults.as_dict()
        )

    def _sweep(self, stop: threading.Event, finished: threading.Event) -> None:
        try:
            self.sweeper.sweep(
                self.world, stop, shelves=self.shelves, resume_at=self.resume_at, on_book=self.on_book
            )
            if not stop.is_set():
                for barcode in self.damaged:  # found damaged on the way: marked on the screen
                    self.agent.mark_damage(barcode, MarkedCondition.POOR, self.damage_kinds, for_repair=True)
                self.swept.set()
        finally:
            finished.set()


def _wait(condition: Callable[[], bool], stop: threading.Event, timeout: float = STEP_WAIT_S) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline or stop.wait(0.005):
            return False
    return True


def simulated_handheld(
    host: AgentHost,
    config: HandheldConfig,
    world: HandheldWorld,
    *,
    session_id: int,
    operator: str | None = None,
    shelves: int | None = None,
    resume_at: int = 0,
    damaged: Sequence[str] = (),
    damage_kinds: Sequence[DamageKind] = (DamageKind.OTHER,),
    on_book: Callable[[int], None] | None = None,
    linger: bool = False,
) -> SimulatedHandheld:
    """The handheld composed on `host` over simulated devices, sweeping `world` (its first `shelves`, from
    book `resume_at` of the first), then marking the `damaged` barcodes with `damage_kinds`; `on_book(n)`
    after each book. With
    `linger` the agent goes on after the sweep until the host stops it (the demo's handheld)."""
    directory = host.settings.outbox_path.parent
    parts = host.hold(
        simulated_handheld_parts(
            directory, reader_profile=config.reader_profile, scanner_profile=config.scanner_profile
        )
    )
    agent = compose_handheld(
        host, parts.reader, parts.scanner, config, session_id=session_id, operator=operator
    )
    tags = BookTagMaker.from_settings()
    sweeper = Sweeper(agent, parts, tags, label_prefix=config.shelf_label_prefix)
    return SimulatedHandheld(
        agent,
        sweeper,
        world,
        shelves=shelves,
        resume_at=resume_at,
        damaged=damaged,
        damage_kinds=damage_kinds,
        on_book=on_book,
        linger=linger,
    )
