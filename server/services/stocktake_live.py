"""A running stock-take as staff watch it: every shelf of the scope with its coverage and found / expected,
grouped by the range it stands in, and the exceptions the reads show so far (books on a shelf that does not
hold them, books seen that were not expected on a shelf, tags that are not plain sightings, books marked
damaged with the kinds of damage named), newest first.

Nothing here is a verdict: closing judges (server/services/stocktake_close.py). These are the same facts
seen early, with the domain's rule for where a book belongs (`Shelf.holds`), so that the shelvers can look
now. Reads only.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables import StocktakeDamage, StocktakeExpected, StocktakeRead
from server.domain.enums import ItemStatus
from server.domain.stocktake.facts import ItemFacts, Shelf, moment
from server.domain.stocktake.order_keys import natural_key
from server.services import stocktake_library as library
from server.services.columns import ITEM, LOCATION, RECORD, table_of
from server.services.stocktake_report import TAG_EVENT, progress

EXPECTED = table_of(StocktakeExpected)
READ = table_of(StocktakeRead)
DAMAGE = table_of(StocktakeDamage)
OTHER_DAMAGE = ("other",)  # a mark that named no kind (a handheld sending `stocktake.damage` version 1)


@dataclass(frozen=True, slots=True)
class ShelfCell:
    shelf_id: int
    code: str
    in_scope: bool
    sweeps: int
    expected: int  # in-scope items at home here, expected on the shelf when the session opened
    found: int  # of those, read on this shelf
    exceptions: int  # books read here that it does not hold, or that were not expected on a shelf
    last_swept_at: datetime | None

    @property
    def state(self) -> str:
        """`exceptions`, `swept` or `not_swept`: what the grid colours the shelf by."""
        if self.exceptions:
            return "exceptions"
        return "swept" if self.sweeps else "not_swept"


@dataclass(frozen=True, slots=True)
class ShelfRow:
    """The shelves of one range (or other parent), in the order of their codes."""

    code: str
    shelves: list[ShelfCell]


@dataclass(frozen=True, slots=True)
class LiveException:
    kind: str  # "wrong_place", "not_expected", "damaged" or a tag verdict
    at: datetime
    device_id: str
    shelf_code: str | None
    barcode: str | None
    title: str | None
    belongs: str | None  # where a book on the wrong shelf belongs
    status: str | None  # a book not expected on a shelf: its status at opening
    detail: str | None  # a tag event's UID or detail, a damage mark's note
    damage: tuple[str, ...] = ()  # a damage mark: the kinds of damage named (`DamageKind` values)


@dataclass(frozen=True, slots=True)
class Progress:
    rows: list[ShelfRow]
    exceptions: list[LiveException]
    totals: dict[str, int]  # shelves, swept, with_exceptions, expected, found


class _Sighting(NamedTuple):
    shelf_id: int
    item_id: int
    first_us: int
    device_id: str


def _sightings(
    session: Session, session_id: int
) -> tuple[list[_Sighting], dict[int, tuple[ItemFacts, bool]]]:
    """Each book on each shelf once (its first read there), and the books as the session froze them
    (facts, expected) — in one query; books from outside the scope as they are now."""
    frozen = (
        EXPECTED.c.home_id,
        EXPECTED.c.item_type,
        EXPECTED.c.status,
        EXPECTED.c.call_key,
        EXPECTED.c.expected,
    )
    rows = session.execute(
        sa.select(
            READ.c.shelf_id, READ.c.item_id, sa.func.min(READ.c.at_us), sa.func.min(READ.c.device_id), *frozen
        )
        .outerjoin(
            EXPECTED, sa.and_(EXPECTED.c.session_id == session_id, EXPECTED.c.item_id == READ.c.item_id)
        )
        .where(READ.c.session_id == session_id, READ.c.shelf_id.is_not(None))
        # One expected row per item (or none): grouping by its columns too changes nothing, and PostgreSQL
        # wants every column it returns grouped.
        .group_by(READ.c.shelf_id, READ.c.item_id, *frozen)
    )
    sightings: list[_Sighting] = []
    items: dict[int, tuple[ItemFacts, bool]] = {}
    outside: set[int] = set()
    for shelf_id, item_id, first_us, device, home_id, item_type, status, call_key, expected in rows:
        sightings.append(_Sighting(shelf_id, item_id, first_us, device))
        if expected is None:
            outside.add(item_id)
        elif item_id not in items:
            facts = ItemFacts(item_id, home_id, item_type, ItemStatus(status), call_key, call_key, None)
            items[item_id] = (facts, expected)
    items.update((i, (facts, True)) for i, facts in library.items_now(session, outside).items())
    return sightings, items


def live_progress(session: Session, session_id: int, *, exceptions_shown: int = 30) -> Progress:
    shelves = library.shelves(session)
    sightings, items = _sightings(session, session_id)
    found: dict[int, int] = defaultdict(int)
    odd: dict[int, int] = defaultdict(int)
    seen_exceptions: list[tuple[_Sighting, str]] = []
    for sighting in sightings:
        facts, expected = items[sighting.item_id]
        shelf = shelves.get(sighting.shelf_id) or Shelf(sighting.shelf_id, "")
        if not shelf.holds(facts):
            odd[sighting.shelf_id] += 1
            seen_exceptions.append((sighting, "wrong_place"))
        elif not expected:
            odd[sighting.shelf_id] += 1
            seen_exceptions.append((sighting, "not_expected"))
        elif facts.home_id == sighting.shelf_id:
            found[sighting.shelf_id] += 1
    expected_here = dict(
        session.execute(
            sa.select(EXPECTED.c.home_id, sa.func.count())
            .where(EXPECTED.c.session_id == session_id, EXPECTED.c.expected.is_(True))
            .group_by(EXPECTED.c.home_id)
        ).all()
    )
    cells = [
        ShelfCell(
            p.shelf_id,
            p.code,
            p.in_scope,
            p.sweeps,
            expected_here.get(p.shelf_id, 0),
            found[p.shelf_id],
            odd[p.shelf_id],
            p.last_swept_at,
        )
        for p in progress(session, session_id)
    ]
    return Progress(
        _rows(session, cells),
        _exceptions(session, session_id, seen_exceptions, items, exceptions_shown),
        {
            "shelves": len(cells),
            "swept": sum(1 for c in cells if c.sweeps),
            "with_exceptions": sum(1 for c in cells if c.exceptions),
            "expected": sum(c.expected for c in cells),
            "found": sum(c.found for c in cells),
        },
    )


def _rows(session: Session, cells: list[ShelfCell]) -> list[ShelfRow]:
    parent = LOCATION.alias("parent")
    parents: dict[int, str] = {
        r.id: r.code
        for r in session.execute(
            sa.select(LOCATION.c.id, parent.c.code).join(parent, parent.c.id == LOCATION.c.parent_id)
        )
    }
    grouped: dict[str, list[ShelfCell]] = defaultdict(list)
    for cell in cells:  # already in the order of the shelves' codes
        grouped[parents.get(cell.shelf_id, "")].append(cell)
    return [ShelfRow(code, grouped[code]) for code in sorted(grouped, key=natural_key)]


def _exceptions(
    session: Session,
    session_id: int,
    seen: list[tuple[_Sighting, str]],
    items: dict[int, tuple[ItemFacts, bool]],
    shown: int,
) -> list[LiveException]:
    """The newest `shown` exceptions of the reads, the tag events and the damage marks, newest first."""
    newest = sorted(seen, key=lambda s: s[0].first_us, reverse=True)[:shown]
    tags, marks = (
        list(
            session.execute(
                sa.select(table)
                .where(table.c.session_id == session_id)
                .order_by(table.c.at_us.desc(), table.c.id.desc())
                .limit(shown)
            )
        )
        for table in (TAG_EVENT, DAMAGE)
    )
    item_ids = {s.item_id for s, _ in newest} | {t.item_id for t in [*tags, *marks] if t.item_id is not None}
    location_ids = {s.shelf_id for s, _ in newest}
    location_ids |= {t.shelf_id for t in [*tags, *marks] if t.shelf_id is not None}
    location_ids |= {items[s.item_id][0].home_id or 0 for s, _ in newest}
    named = books(session, item_ids)
    codes = codes_of(session, location_ids)
    listed = [
        LiveException(
            kind,
            moment(s.first_us),
            s.device_id,
            codes.get(s.shelf_id),
            *named.get(s.item_id, _NO_BOOK),
            belongs=codes.get(items[s.item_id][0].home_id or 0) if kind == "wrong_place" else None,
            status=items[s.item_id][0].status.value if kind == "not_expected" else None,
            detail=None,
        )
        for s, kind in newest
    ]
    listed += [
        LiveException(
            t.verdict,
            moment(t.at_us),
            t.device_id,
            codes.get(t.shelf_id) if t.shelf_id is not None else None,
            *(named.get(t.item_id, _NO_BOOK) if t.item_id is not None else _NO_BOOK),
            belongs=None,
            status=None,
            detail=t.detail or t.uid,
        )
        for t in tags
    ]
    listed += [
        LiveException(
            "damaged",
            moment(m.at_us),
            m.device_id,
            codes.get(m.shelf_id) if m.shelf_id is not None else None,
            *named.get(m.item_id, _NO_BOOK),
            belongs=None,
            status=None,
            detail=m.note,
            damage=tuple(m.damage_kinds or OTHER_DAMAGE),
        )
        for m in marks
    ]
    return sorted(listed, key=lambda e: e.at, reverse=True)[:shown]


_NO_BOOK: tuple[str | None, str | None] = (None, None)


def books(session: Session, item_ids: set[int]) -> dict[int, tuple[str | None, str | None]]:
    """Items' barcodes and titles, by id."""
    if not item_ids:
        return {}
    rows = session.execute(
        sa.select(ITEM.c.id, ITEM.c.barcode, RECORD.c.title)
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .where(ITEM.c.id.in_(sorted(item_ids)))
    )
    return {r.id: (r.barcode, r.title) for r in rows}


def codes_of(session: Session, location_ids: set[int]) -> dict[int, str]:
    if not location_ids:
        return {}
    rows = session.execute(
        sa.select(LOCATION.c.id, LOCATION.c.code).where(LOCATION.c.id.in_(sorted(location_ids)))
    )
    return {r.id: r.code for r in rows}


def location_choices(session: Session) -> list[dict[str, Any]]:
    """The library's locations in tree order (library → floor → range → shelf), each with its depth: the
    places a scope can name."""
    rows = list(
        session.execute(
            sa.select(LOCATION.c.id, LOCATION.c.code, LOCATION.c.name, LOCATION.c.kind, LOCATION.c.parent_id)
        )
    )
    children: dict[int | None, list[Any]] = defaultdict(list)
    for row in rows:
        children[row.parent_id].append(row)
    known = {row.id for row in rows}
    listed: list[dict[str, Any]] = []

    def walk(parent: int | None, depth: int) -> None:
        for row in sorted(children.get(parent, ()), key=lambda r: natural_key(r.code)):
            listed.append(
                {"id": row.id, "code": row.code, "name": row.name, "kind": row.kind, "depth": depth}
            )
            walk(row.id, depth + 1)

    walk(None, 0)
    for orphan in (p for p in children if p is not None and p not in known):
        walk(orphan, 0)
    return listed
