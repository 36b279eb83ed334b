"""Offline transactions as they arrive, and the exceptions queue staff work through.

The ingest only stores what a kiosk did offline (`store`): nothing is applied on arrival, because an
earlier transaction from another kiosk may still be on its way (server/services/offline_apply.py applies
them in time order once arrivals settle). The pipeline has already dropped an event it has seen before.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from contract.events import EventEnvelope, OfflineCheckin, OfflineCheckout
from server.db.bulk import insert_rows
from server.db.tables.offline import OfflineException, OfflineTransaction
from server.domain.offline import OfflineKind, OfflineOutcome, OfflineProblem, OfflineState
from server.errors import ConflictError, NotFoundError
from server.services.columns import ITEM, PATRON, table_of
from server.services.listing import check_page
from server.services.queries import lock_row

OFFLINE = table_of(OfflineTransaction)
EXCEPTION = table_of(OfflineException)


def store(session: Session, events: Sequence[EventEnvelope], *, received_at: datetime) -> None:
    """Keep a run of offline events as pending transactions (one statement for the run)."""
    rows: list[dict[str, Any]] = []
    for event in events:
        row: dict[str, Any] = {
            "event_id": event.event_id,
            "device_id": event.device_id,
            "occurred_at": event.occurred_at,
            "received_at": received_at,
            "state": OfflineState.PENDING,
            "card_number": None,
            "due_at": None,
            "pin_checked": None,
        }
        if isinstance(event, OfflineCheckout):
            loan = event.payload
            row |= {
                "kind": OfflineKind.CHECKOUT,
                "card_number": loan.card_number,
                "due_at": loan.due_at,
                "pin_checked": loan.pin_checked,
            }
            item = loan.item
        else:
            assert isinstance(event, OfflineCheckin)
            row["kind"] = OfflineKind.CHECKIN
            item = event.payload.item
        row |= {"barcode": item.barcode, "tag_uid": item.tag_uid.upper() if item.tag_uid else None}
        rows.append(row)
    insert_rows(session, OFFLINE, rows)


@dataclass(frozen=True)
class ExceptionRow:
    """One exception as staff see it: the transaction it came from, who and what, and the loans."""

    id: int
    event_id: uuid.UUID
    reason: OfflineProblem
    opened_at: datetime
    settled_at: datetime | None
    settled_by: str | None
    note: str | None
    device_id: str
    kind: OfflineKind
    occurred_at: datetime
    outcome: OfflineOutcome | None
    card_number: str | None
    patron_id: int | None
    item_ref: str  # the barcode, else the tag UID, as the kiosk read it
    item_id: int | None
    loan_made_id: int | None
    loan_closed_id: int | None


def open_count(session: Session) -> int:
    query = sa.select(sa.func.count()).select_from(EXCEPTION).where(EXCEPTION.c.settled_at.is_(None))
    return int(session.execute(query).scalar_one())


def _query() -> sa.Select[Any]:
    """Exceptions with their transaction, and the reader and item they name if the library knows them."""
    item_match = sa.or_(
        sa.and_(OFFLINE.c.barcode.is_not(None), ITEM.c.barcode == OFFLINE.c.barcode),
        sa.and_(OFFLINE.c.barcode.is_(None), ITEM.c.tag_uid == OFFLINE.c.tag_uid),
    )
    return (
        sa.select(
            EXCEPTION,
            *(c for c in OFFLINE.c if c.name != "event_id"),
            PATRON.c.id.label("patron_id"),
            ITEM.c.id.label("item_id"),
        )
        .join(OFFLINE, OFFLINE.c.event_id == EXCEPTION.c.event_id)
        .outerjoin(PATRON, PATRON.c.card_number == OFFLINE.c.card_number)
        .outerjoin(ITEM, item_match)
    )


def list_exceptions(
    session: Session, *, settled: bool = False, limit: int = 200, offset: int = 0
) -> list[ExceptionRow]:
    """Open exceptions in the order they happened (`settled`: the settled ones, latest settled first)."""
    check_page(limit, offset)
    query = _query()
    if settled:
        query = query.where(EXCEPTION.c.settled_at.is_not(None)).order_by(
            EXCEPTION.c.settled_at.desc(), EXCEPTION.c.id.desc()
        )
    else:
        query = query.where(EXCEPTION.c.settled_at.is_(None)).order_by(OFFLINE.c.occurred_at, EXCEPTION.c.id)
    rows = session.execute(query.limit(limit).offset(offset)).mappings().all()
    return [_row(row) for row in rows]


def _row(row: Any) -> ExceptionRow:
    return ExceptionRow(
        id=row["id"],
        event_id=row["event_id"],
        reason=OfflineProblem(row["reason"]),
        opened_at=row["opened_at"],
        settled_at=row["settled_at"],
        settled_by=row["settled_by"],
        note=row["note"],
        device_id=row["device_id"],
        kind=OfflineKind(row["kind"]),
        occurred_at=row["occurred_at"],
        outcome=OfflineOutcome(row["outcome"]) if row["outcome"] else None,
        card_number=row["card_number"],
        patron_id=row["patron_id"],
        item_ref=row["barcode"] or row["tag_uid"] or "",
        item_id=row["item_id"],
        loan_made_id=row["loan_made_id"],
        loan_closed_id=row["loan_closed_id"],
    )


def get_exception(session: Session, exception_id: int) -> ExceptionRow:
    found = session.execute(_query().where(EXCEPTION.c.id == exception_id)).mappings().one_or_none()
    if found is None:
        raise NotFoundError(f"offline exception {exception_id} not found")
    return _row(found)


def settle(
    session: Session, exception_id: int, *, note: str | None, staff: str, now: datetime
) -> ExceptionRow:
    """Staff looked at an exception and settled it, saying what they did. The row is locked: two staff
    settling it at once cannot both (the caller audits the action)."""
    row = lock_row(session, OfflineException, exception_id)
    if row is None:
        raise NotFoundError(f"offline exception {exception_id} not found")
    if row.settled_at is not None:
        raise ConflictError(f"offline exception {exception_id} is settled already")
    row.settled_at = now
    row.settled_by = staff
    row.note = (note or "").strip()[:500] or None
    session.flush()
    return get_exception(session, exception_id)
