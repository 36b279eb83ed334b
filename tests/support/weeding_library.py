"""A small library with a known history for the weeding list: each copy's loans, in-house uses, stock-takes
and status chosen so that the evidence read from the database and the list it gives are known by heart.

Today is `TODAY` (2026-11-25): 5 years back is 2021-11-25, 10 years back 2016-11-25. Moments are at 03:00
UTC, the same day in UTC and in Hà Nội.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlmodel import Session

from server.collection_config import WEEDING_FILE, load_weeding
from server.db.tables import BibRecord, Loan, Sighting, StocktakeRead, StocktakeSession
from server.domain.stocktake.scope import Scope
from server.domain.stocktake.session import SessionState
from server.domain.weeding.evidence import WeedReason
from server.domain.weeding.settings import WeedingSettings
from server.services.stocktake_library import scope_document
from server.settings import REPO_CONFIG_DIR
from tests.support import factories as make

TODAY = date(2026, 11, 25)
PROTECTED_ROOM = "TV-KHOQUY"  # a special collection room: config's protect.locations names it


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 3, 0, tzinfo=UTC)


def day(year: int, month: int, day_of_month: int) -> int:
    return date(year, month, day_of_month).toordinal()


@dataclass(frozen=True)
class WeedingLibrary:
    items: dict[str, int]  # by barcode
    shelves: dict[str, int]  # by code
    floor: int  # the floor of the busy shelf (the vault is in a room of its own)


def settings() -> WeedingSettings:
    """The shipped rules, with the special collection room protected."""
    shipped = load_weeding(REPO_CONFIG_DIR / WEEDING_FILE)
    protections = replace(shipped.protections, locations=frozenset({PROTECTED_ROOM}))
    return replace(shipped, protections=protections)


def config_with_cap(directory: Path, percent: int) -> Path:
    """The shipped configuration copied into `directory`, with rounds capped at `percent` of holdings (the
    library's 8 copies allow none at the shipped 10 %)."""
    directory.mkdir(parents=True, exist_ok=True)
    for source in REPO_CONFIG_DIR.iterdir():
        if source.is_file():
            (directory / source.name).write_bytes(source.read_bytes())
    weeding = (directory / WEEDING_FILE).read_text(encoding="utf-8")
    capped = weeding.replace("max_share_percent = 10", f"max_share_percent = {percent}")
    (directory / WEEDING_FILE).write_text(capped, encoding="utf-8")
    return directory


def build(session: Session) -> WeedingLibrary:
    """Write the library and commit. Barcodes say what each copy is there for."""
    library = make.location(session, code="TV", name="Thư viện", kind="library")
    floor = make.location(session, code="TV-T2", name="Tầng 2", kind="floor", parent_id=library.id)
    shelf = make.location(session, code="TV-T2-K1", name="Kệ 1", kind="shelf", parent_id=floor.id)
    room = make.location(session, code=PROTECTED_ROOM, name="Kho quý", kind="floor", parent_id=library.id)
    vault = make.location(session, code="TV-KHOQUY-K1", name="Kệ quý 1", kind="shelf", parent_id=room.id)
    items: dict[str, int] = {}

    def copy(record_row: BibRecord, barcode: str, **fields: object) -> int:
        values = {"home_location_id": shelf.id, "created_at": at(2010, 1, 4)} | fields
        row = make.item(session, record_row, barcode=barcode, **values)
        items[barcode] = row.id or 0
        return row.id or 0

    old = make.record(session, title="Tin học văn phòng 2000", year=2000, call_number="005.5 TIN")
    copy(old, "OLD-UNUSED")
    copy(old, "OLD-WITHDRAWN", status="withdrawn")
    busy = make.record(session, title="Giáo trình kinh tế vi mô", year=2016, call_number="338.5 GIA")
    copy(busy, "BUSY-LENT", created_at=at(2017, 1, 4), status="on_loan")
    copy(busy, "BUSY-READ", created_at=at(2017, 1, 4))
    copy(busy, "BUSY-IDLE", created_at=at(2017, 1, 4))
    gone = make.record(session, title="Lịch sử Việt Nam", year=2022, call_number="959.7 LIC")
    copy(gone, "GONE-MISSING", status="missing", status_changed_at=at(2023, 1, 9))
    copy(gone, "GONE-LOST", status="lost", status_changed_at=at(2026, 1, 9))
    thesis = make.record(session, title="Luận văn thạc sĩ 2001", year=2001, call_number="LV-2001-007")
    copy(thesis, "THESIS", item_type="thesis")
    rare = make.record(session, title="Đại Nam nhất thống chí", year=1990, call_number="915.97 DAI")
    copy(rare, "VAULT", home_location_id=vault.id)

    # Loans: the old copy was last lent in 2015 (over 10 years ago); the busy one lately, once still out.
    for item_id, out, back in (
        (items["OLD-UNUSED"], at(2015, 3, 2), at(2015, 3, 20)),
        (items["BUSY-LENT"], at(2018, 3, 1), at(2018, 3, 15)),
        (items["BUSY-LENT"], at(2024, 2, 5), at(2024, 2, 26)),
        (items["BUSY-LENT"], at(2026, 11, 2), None),
    ):
        session.add(
            Loan(
                item_id=item_id,
                patron_id=None if back else make.patron(session, pin=None).id,
                item_type="book",
                checked_out_at=out,
                due_at=out + timedelta(days=14),
                returned_at=back,
                checkout_by="staff:seed",
            )
        )
    # In-house uses: a book put back through the return point, twice (once over 5 years ago); a gate and a
    # shelf check see it too, and are not uses.
    for when, context in (
        (at(2019, 4, 1), "return"),
        (at(2023, 9, 12), "return"),
        (at(2024, 1, 3), "gate"),
        (at(2025, 6, 1), "shelf_check"),
    ):
        session.add(
            Sighting(
                device_id="hh-1",
                occurred_at=when,
                item_id=items["BUSY-READ"],
                barcode="BUSY-READ",
                context=context,
            )
        )
    # Stock-takes: a closed one found two busy copies (one twice); an open one's reads are not history.
    # Their scope is this library alone: a running session over it keeps no other test's session from opening.
    scope = scope_document(Scope(locations=frozenset({library.id or 0})))
    closed = _session(session, SessionState.CLOSED, at(2026, 6, 1), scope)
    running = _session(session, SessionState.OPEN, at(2026, 11, 20), scope)
    for session_id, barcode, moment in (
        (closed, "BUSY-LENT", at(2026, 5, 28)),
        (closed, "BUSY-READ", at(2026, 5, 28)),
        (closed, "BUSY-READ", at(2026, 5, 30)),
        (running, "BUSY-IDLE", at(2026, 11, 21)),
    ):
        session.add(
            StocktakeRead(
                session_id=session_id,
                device_id="hh-1",
                read_seq=len(items) + moment.day,
                at_us=int(moment.timestamp() * 1_000_000),
                item_id=items[barcode],
                shelf_id=shelf.id,
                security=1,
            )
        )
    session.commit()
    return WeedingLibrary(items, {"TV-T2-K1": shelf.id or 0, "TV-KHOQUY-K1": vault.id or 0}, floor.id or 0)


def _session(session: Session, state: SessionState, closed_at: datetime, scope: dict[str, Any]) -> int:
    row = StocktakeSession(
        name=f"Kiểm kê {state.value}",
        scope=scope,
        state=state,
        created_at=closed_at,
        created_by="thuthu",
        closed_at=closed_at if state is SessionState.CLOSED else None,
    )
    session.add(row)
    session.flush()
    return row.id or 0


# What the list says, by barcode: the candidates' reasons and the spared copies' protections.
CANDIDATES = {
    "OLD-UNUSED": (WeedReason.AGE, WeedReason.UNUSED),
    "BUSY-IDLE": (WeedReason.SURPLUS,),
    "GONE-MISSING": (WeedReason.MISSING_OR_LOST,),
}
SPARED = {"THESIS": ("protected_type",), "VAULT": ("protected_location",)}
