"""A small library for stock-take tests, with known faults, and the events a handheld sends over it.

Library → floor → range R1 (shelves A: 100–199, B: 200–299) and range R2 (shelf C: 300–399). A scope of
R1 covers A and B; C is out of scope. Shelf A is swept; B and C are not. Every fault has its own item:

| item | fault | class, issues |
|---|---|---|
| `ordered[0..9]` | `ordered[0]` (100) read last of the ten | found; `ordered[0]` out_of_order |
| `missing` | on A, available, not read | missing |
| `on_loan` | on loan since before the session, read on A | found, on_loan_on_shelf |
| `lost` | lost since before the session, read on A | found, found_marked_absent |
| `unarmed` | read with its security off | found, not_armed |
| `damaged` | read, and marked damaged | found, damaged |
| `lent_after` | read, then checked out during the session | found |
| `lent_before` | checked out during the session before A's sweep, not read | lent_before_sweep |
| `by_data`, `by_uid` | one read names `by_data` by its data, `by_uid` by its chip | tag_unresolved |
| `rewrite` | our UID, blank data | found, tag_repair |
| `stray` | home B, read on A | wrong_place |
| `unswept` | home B, not read | not_swept (never missing) |
| `elsewhere` | home C, out of scope | not counted |

Besides, the sweep reads a foreign tag, a blank one, an unreadable one and our data naming a barcode the
catalogue does not have: one tag event each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from contract.common import ItemRef
from contract.events import (
    EventEnvelope,
    StocktakeDamage,
    StocktakeDamageV1,
    StocktakeJoined,
    StocktakeReads,
    make_event,
)
from contract.stocktake import (
    DamageKind,
    DamageMarked,
    DamageMarkedV1,
    ReadBatch,
    ShelfJoin,
    ShelfMethod,
    TagData,
    TagRead,
)
from server.db.tables import Item, Location, Patron
from server.domain.enums import ItemStatus
from server.ingest.handlers import build_registry
from server.ingest.pipeline import apply_batch
from server.settings import ServerSettings
from tests.support import events as ev
from tests.support import factories as make
from tests.support.context import circulation_context

OPENED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SWEPT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # the sweep of shelf A starts
LENT_BEFORE = SWEPT - timedelta(minutes=30)
LENT_AFTER = SWEPT + timedelta(hours=1)
CLOSED = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
HANDHELD = "handheld-01"
DAMAGE_KINDS = (DamageKind.TORN, DamageKind.BINDING)  # what the handheld names on the damaged book


@dataclass
class StocktakeLibrary:
    floor: Location
    range_1: Location
    range_2: Location
    shelf_a: Location
    shelf_b: Location
    shelf_c: Location
    ordered: list[Item]
    missing: Item
    on_loan: Item
    lost: Item
    unarmed: Item
    damaged: Item
    lent_after: Item
    lent_before: Item
    by_data: Item
    by_uid: Item
    rewrite: Item
    stray: Item
    unswept: Item
    elsewhere: Item
    patron: Patron

    @property
    def scope(self) -> dict[str, list[int]]:
        assert self.range_1.id is not None
        return {"locations": [self.range_1.id]}


def _book(session: Session, shelf: Location, call_number: str, **fields: object) -> Item:
    return make.item(
        session, make.record(session, call_number=call_number), home_location_id=shelf.id, **fields
    )


def stocktake_library(session: Session) -> StocktakeLibrary:
    library = make.location(session, code="TV", kind="library")
    floor = make.location(session, code="TV-T2", kind="floor", parent_id=library.id)
    range_1 = make.location(session, code="TV-T2-D1", kind="range", parent_id=floor.id)
    range_2 = make.location(session, code="TV-T2-D2", kind="range", parent_id=floor.id)
    shelf_a = make.location(session, code="A", parent_id=range_1.id, span_start="100", span_end="199")
    shelf_b = make.location(session, code="B", parent_id=range_1.id, span_start="200", span_end="299")
    shelf_c = make.location(session, code="C", parent_id=range_2.id, span_start="300", span_end="399")
    ordered = [_book(session, shelf_a, f"1{i:02d} AB") for i in range(10)]
    patron = make.patron(session)
    on_loan = _book(session, shelf_a, "111 AB")
    make.loan(session, on_loan, patron, due_at=OPENED + timedelta(days=3))
    made = StocktakeLibrary(
        floor=floor,
        range_1=range_1,
        range_2=range_2,
        shelf_a=shelf_a,
        shelf_b=shelf_b,
        shelf_c=shelf_c,
        ordered=ordered,
        missing=_book(session, shelf_a, "110 AB"),
        on_loan=on_loan,
        lost=_book(session, shelf_a, "112 AB", status=ItemStatus.LOST),
        unarmed=_book(session, shelf_a, "113 AB"),
        damaged=_book(session, shelf_a, "114 AB"),
        lent_after=_book(session, shelf_a, "115 AB"),
        lent_before=_book(session, shelf_a, "116 AB"),
        by_data=_book(session, shelf_a, "117 AB"),
        by_uid=_book(session, shelf_a, "118 AB"),
        rewrite=_book(session, shelf_a, "119 AB"),
        stray=_book(session, shelf_b, "250 CD"),
        unswept=_book(session, shelf_b, "260 CD"),
        elsewhere=_book(session, shelf_c, "350 EF"),
        patron=patron,
    )
    session.flush()
    return made


def lend_during_session(session: Session, library: StocktakeLibrary) -> None:
    """The library keeps lending: one book before shelf A's sweep, one after it was counted."""
    for book, at in ((library.lent_before, LENT_BEFORE), (library.lent_after, LENT_AFTER)):
        make.loan(session, book, library.patron, due_at=at + timedelta(days=14), checked_out_at=at)


def _own(item: Item, ms: int, *, armed: bool | None = True) -> TagRead:
    return TagRead(uid=item.tag_uid, barcode=item.barcode, ms=ms, data=TagData.OWN, armed=armed)


def sweep_reads(library: StocktakeLibrary) -> list[TagRead]:
    """Shelf A's sweep in the order the wand first read the tags."""
    lib = library
    books = [*lib.ordered[1:], lib.ordered[0], lib.on_loan, lib.lost]
    reads = [_own(book, 100 * i) for i, book in enumerate(books)]
    reads += [
        _own(lib.unarmed, 1300, armed=False),
        _own(lib.damaged, 1400),
        _own(lib.lent_after, 1500),
        _own(lib.stray, 1600),
        TagRead(uid="E0040150AAAA0001", ms=1700, data=TagData.FOREIGN, armed=True, isil="VN-HN0001"),
        TagRead(uid="E0040150AAAA0002", ms=1800, data=TagData.BLANK),
        TagRead(uid="E0040150AAAA0003", ms=1900, data=TagData.UNREADABLE),
        TagRead(uid="E0040150AAAA0004", barcode="ZZ999999", ms=2000, data=TagData.OWN),
        TagRead(uid=lib.by_uid.tag_uid, barcode=lib.by_data.barcode, ms=2100, data=TagData.OWN),
        TagRead(uid=lib.rewrite.tag_uid, ms=2200, data=TagData.BLANK, armed=True),
    ]
    return reads


class Handheld:
    """The events one handheld sends, numbered as its outbox would."""

    def __init__(self, device: str = HANDHELD) -> None:
        self.device = device
        self.seq = 0
        self.read_number = 1

    def _next(self) -> int:
        self.seq += 1
        return self.seq

    def join(self, session_id: int, shelf: str | None, *, at: datetime = SWEPT) -> StocktakeJoined:
        method = ShelfMethod.LABEL if shelf is not None else None
        payload = ShelfJoin(session_id=session_id, shelf_code=shelf, method=method, operator="Lan")
        return make_event(
            StocktakeJoined, device_id=self.device, seq=self._next(), payload=payload, occurred_at=at
        )

    def reads(
        self, session_id: int, shelf: str | None, reads: list[TagRead], *, started_at: datetime = SWEPT
    ) -> StocktakeReads:
        payload = ReadBatch(
            session_id=session_id,
            shelf_code=shelf,
            method=ShelfMethod.LABEL if shelf is not None else None,
            started_at=started_at,
            first_read=self.read_number,
            reads=reads,
        )
        self.read_number += len(reads)
        at = started_at + timedelta(milliseconds=max(r.ms for r in reads))
        return make_event(
            StocktakeReads, device_id=self.device, seq=self._next(), payload=payload, occurred_at=at
        )

    def damage(
        self,
        session_id: int,
        shelf: str,
        item: Item,
        *,
        at: datetime,
        kinds: Sequence[DamageKind] | None = DAMAGE_KINDS,
    ) -> StocktakeDamage | StocktakeDamageV1:
        """A damage mark naming `kinds`; with none, as a handheld from before version 2 sends it."""
        fields: dict[str, Any] = {
            "session_id": session_id,
            "shelf_code": shelf,
            "item": ItemRef(barcode=item.barcode),
            "condition": "poor",
            "for_repair": True,
            "note": "Gáy sách bị rách",
        }
        device, seq = self.device, self._next()
        if kinds is None:
            old = DamageMarkedV1.model_validate(fields)
            return make_event(StocktakeDamageV1, device_id=device, seq=seq, payload=old, occurred_at=at)
        mark = DamageMarked.model_validate(fields | {"kinds": list(kinds)})
        return make_event(StocktakeDamage, device_id=device, seq=seq, payload=mark, occurred_at=at)


def ingest(engine: Engine, settings: ServerSettings, *events: EventEnvelope, now: datetime = CLOSED) -> None:
    """The events through the server's real ingest pipeline, as one batch from the broker, committed."""
    registry = build_registry(settings, circulation_context(settings))
    with Session(engine) as session:
        result = apply_batch(session, [ev.inbound(*events)], registry=registry, now=now)
        session.commit()
    assert result.stats.rejected == {}, result.stats.rejected
