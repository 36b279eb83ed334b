"""A record as the public catalogue shows it: its description, its copies with their status, the due date of
one on loan (never who has it) and where each stands — floor, range, shelf and the floor's plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from server.domain import entities
from server.domain.catalogue.floor_plan import FloorPlan, RangeOnFloor, floor_plan
from server.domain.enums import ItemStatus, LocationKind
from server.services import catalog
from server.services.columns import COPY_CALL_NUMBER, ITEM, LOAN, RECORD
from server.services.locations_tree import Place, path, places


@dataclass(frozen=True, slots=True)
class PublicCopy:
    call_number: str | None
    item_type: str
    status: ItemStatus
    due_at: datetime | None
    floor: Place | None
    range: Place | None
    shelf: Place | None
    plan: FloorPlan | None


@dataclass(frozen=True, slots=True)
class PublicRecord:
    record: entities.BibRecord
    statement_of_responsibility: str | None
    publisher: str | None
    publication_place: str | None
    subjects: list[str]
    other_authors: list[str]
    copies: list[PublicCopy]


def _ranges_on(tree: dict[int, Place], floor_id: int) -> list[RangeOnFloor]:
    ranges = sorted(
        (p for p in tree.values() if p.parent_id == floor_id and p.kind is LocationKind.RANGE),
        key=lambda p: p.code,
    )
    return [
        RangeOnFloor(
            r.id,
            r.name,
            tuple((s.id, s.name) for s in sorted(tree.values(), key=lambda p: p.code) if s.parent_id == r.id),
        )
        for r in ranges
    ]


def public_record(session: Session, record_id: int) -> PublicRecord:
    found = catalog.get_record(session, record_id)  # NotFoundError: the page says so
    extra = session.execute(
        sa.select(
            RECORD.c.statement_of_responsibility,
            RECORD.c.publisher,
            RECORD.c.publication_place,
            RECORD.c.subjects,
            RECORD.c.other_authors,
        ).where(RECORD.c.id == record_id)
    ).one()
    tree = places(session)
    rows = session.execute(
        sa.select(ITEM.c.item_type, ITEM.c.status, ITEM.c.home_location_id, LOAN.c.due_at, COPY_CALL_NUMBER)
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .outerjoin(LOAN, sa.and_(LOAN.c.item_id == ITEM.c.id, LOAN.c.returned_at.is_(None)))
        .where(ITEM.c.record_id == record_id, ITEM.c.status != ItemStatus.WITHDRAWN)
        .order_by(ITEM.c.barcode)
    )
    copies = []
    for item_type, status, home, due_at, call_number in rows:
        where = path(tree, home)
        floor, rng, shelf = (
            where.get(k) for k in (LocationKind.FLOOR, LocationKind.RANGE, LocationKind.SHELF)
        )
        plan = (
            floor_plan(
                _ranges_on(tree, floor.id),
                range_id=rng.id if rng else None,
                shelf_id=shelf.id if shelf else None,
            )
            if floor is not None
            else None
        )
        copies.append(PublicCopy(call_number, item_type, ItemStatus(status), due_at, floor, rng, shelf, plan))
    return PublicRecord(
        record=found,
        statement_of_responsibility=extra.statement_of_responsibility,
        publisher=extra.publisher,
        publication_place=extra.publication_place,
        subjects=(extra.subjects or "").splitlines(),
        other_authors=(extra.other_authors or "").splitlines(),
        copies=copies,
    )
