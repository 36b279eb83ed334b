"""The reads of the circulation hot path, each one indexed statement.

- `find_item`: the item a device names (barcode and/or tag), with its record's title, its open loan, the
  ready hold it is trapped for and its open tag check — one query, the item row locked on PostgreSQL.
- `standing`: a patron's counts (open loans, loans of a type, overdue, fines, blocks, own hold) — one query
  of scalar subqueries over partial indexes, never loading the loans themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from contract.common import ItemRef
from contract.replies import ItemSummary
from server.db.tables import Hold, Item, Loan, Patron
from server.domain.circulation import ItemState, LoanState, PatronStanding
from server.domain.enums import FineStatus, HoldStatus
from server.domain.reasons import Reason
from server.domain.sessions import item_match
from server.services.columns import (
    BLOCK,
    FINE,
    HOLD,
    ITEM,
    LOAN,
    PATRON,
    RECORD,
    TAG_CHECK,
    TRACE,
    table_of,
)

OPEN_HOLD_STATUSES = (HoldStatus.WAITING, HoldStatus.READY)

Row = TypeVar("Row", bound=SQLModel)


@dataclass
class FoundItem:
    item: Item
    title: str
    call_number: str | None
    loan: Loan | None
    trapped: Hold | None  # the ready hold this item sits on the hold shelf for
    # The item's open tag check (a gate sounded for it while on loan), which lending or returning it ends.
    # Read with the item, so that the usual case, no check, costs no statement of its own.
    open_tag_check: int | None = None
    # Whether the item is missing or lost (has a trace): read with the item too, so the usual return of a
    # book nobody lost costs no statement for the lifecycle.
    traced: bool = False

    @property
    def summary(self) -> ItemSummary:
        return ItemSummary(barcode=self.item.barcode, title=self.title, call_number=self.call_number)

    def state(self, now: datetime) -> ItemState:
        trapped = self.trapped
        live = trapped is not None and (trapped.expires_at is None or trapped.expires_at >= now)
        return ItemState(
            item_id=require_id(self.item.id),
            item_type=self.item.item_type,
            status=self.item.status,
            loan_patron_id=self.loan.patron_id if self.loan else None,
            trapped_for_patron_id=trapped.patron_id if live and trapped is not None else None,
        )


def require_id(value: int | None) -> int:
    if value is None:
        raise RuntimeError("row has no id; flush before using it")
    return value


def reader_of(row: Loan | Hold) -> int:
    """The patron of an open loan or hold. Only returned loans and closed holds lose their reader (the
    privacy purge, docs/privacy.md); meeting one here is a bug, not a refusal."""
    if row.patron_id is None:
        raise RuntimeError(f"{type(row).__name__.lower()} {row.id} is detached from its reader")
    return row.patron_id


def _locking(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _claim_on_sqlite(session: Session, table: sa.Table, condition: sa.ColumnElement[bool]) -> None:
    """SQLite has no SELECT … FOR UPDATE: a no-op UPDATE of the rows takes the database's write lock first,
    so the reads that follow see the latest commit and a racing writer waits for ours (busy timeout)
    instead of reading stale rows and failing on a unique index."""
    if session.get_bind().dialect.name == "sqlite":
        first = next(iter(table.primary_key.columns))
        session.execute(sa.update(table).where(condition).values({first.name: first}))


def find_item(session: Session, ref: ItemRef, *, lock: bool = True) -> tuple[Reason | None, FoundItem | None]:
    """The item named by `ref`; (UNKNOWN_ITEM, None) or (ITEM_MISMATCH, None) when it cannot be told.
    `lock`: the caller will change the item (circulation); plain lookups pass False."""
    conditions = []
    if ref.barcode is not None:
        conditions.append(ITEM.c.barcode == ref.barcode)
    if ref.tag_uid is not None:
        conditions.append(ITEM.c.tag_uid == ref.tag_uid.upper())
    if lock:
        _claim_on_sqlite(session, ITEM, sa.or_(*conditions))
    statement = (
        sa.select(Item, RECORD.c.title, RECORD.c.call_number, Loan, Hold, TAG_CHECK.c.id, TRACE.c.item_id)
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .outerjoin(Loan, sa.and_(LOAN.c.item_id == ITEM.c.id, LOAN.c.returned_at.is_(None)))
        .outerjoin(Hold, sa.and_(HOLD.c.item_id == ITEM.c.id, HOLD.c.status == HoldStatus.READY))
        # At most one open check per item (a partial unique index on it).
        .outerjoin(TAG_CHECK, sa.and_(TAG_CHECK.c.item_id == ITEM.c.id, TAG_CHECK.c.closed_at.is_(None)))
        .outerjoin(TRACE, TRACE.c.item_id == ITEM.c.id)
        .where(sa.or_(*conditions))
        .limit(2)
    )
    if lock and _locking(session):
        statement = statement.with_for_update(of=ITEM)
    rows = session.execute(statement).all()
    by_barcode = next((r for r in rows if ref.barcode is not None and r[0].barcode == ref.barcode), None)
    by_tag = next((r for r in rows if ref.tag_uid is not None and r[0].tag_uid == ref.tag_uid.upper()), None)
    problem, _ = item_match(by_barcode[0].id if by_barcode else None, by_tag[0].id if by_tag else None)
    if problem is not None:
        return problem, None
    row = by_barcode or by_tag
    assert row is not None
    return None, FoundItem(
        item=row[0],
        title=row[1],
        call_number=row[2],
        loan=row[3],
        trapped=row[4],
        open_tag_check=row[5],
        traced=row[6] is not None,
    )


def _locked(session: Session, model: type[Row], condition: sa.ColumnElement[bool]) -> Row | None:
    """The row matching `condition`, locked until the transaction ends, read fresh from the database even
    when the session already holds it (a value read before the lock cannot be trusted)."""
    _claim_on_sqlite(session, table_of(model), condition)
    statement = sa.select(model).where(condition).execution_options(populate_existing=True)
    if _locking(session):
        statement = statement.with_for_update()
    return session.execute(statement).scalar_one_or_none()


def lock_row(session: Session, model: type[Row], row_id: int | str) -> Row | None:
    """Lock one row by its id before a read-modify-write (a payment, a cancellation): a second writer
    waits for this transaction and then sees its result, instead of overwriting it."""
    (key,) = table_of(model).primary_key.columns
    return _locked(session, model, key == row_id)


def patron_by_card(session: Session, card_number: str) -> Patron | None:
    return _locked(session, Patron, PATRON.c.card_number == card_number)


def hold_open_at(now: datetime) -> sa.ColumnElement[bool]:
    """Waiting, or ready and not yet past its pickup deadline: a hold that is over counts for nothing, even
    before anything has lapsed it."""
    return sa.and_(
        HOLD.c.status.in_(OPEN_HOLD_STATUSES),
        sa.or_(HOLD.c.status == HoldStatus.WAITING, HOLD.c.expires_at.is_(None), HOLD.c.expires_at >= now),
    )


def hold_status_at(now: datetime) -> sa.ColumnElement[HoldStatus]:
    """The hold's status as it stands at `now` (`server.domain.holds.status_at`, in SQL): a ready hold past
    its pickup deadline reads as expired before anything has stored it so."""
    past = sa.and_(HOLD.c.status == HoldStatus.READY, HOLD.c.expires_at < now)
    return sa.case((past, sa.literal(HoldStatus.EXPIRED, HOLD.c.status.type)), else_=HOLD.c.status)


@dataclass(frozen=True)
class Counts:
    loans: int
    loans_of_type: int
    overdue: bool
    fines_due: int
    blocked: bool
    holds_record: bool
    holds_ready: int


def counts(
    session: Session, patron_id: int, now: datetime, *, item_type: str = "", record_id: int | None = None
) -> Counts:
    # The WHERE clauses repeat the partial indexes' predicates so both engines use them.
    open_loans = sa.and_(LOAN.c.patron_id == patron_id, LOAN.c.returned_at.is_(None))
    open_holds = sa.and_(HOLD.c.patron_id == patron_id, hold_open_at(now))
    statement = sa.select(
        sa.select(sa.func.count()).select_from(LOAN).where(open_loans).scalar_subquery(),
        sa.select(sa.func.count())
        .select_from(LOAN)
        .where(open_loans, LOAN.c.item_type == item_type)
        .scalar_subquery(),
        sa.exists().where(open_loans, LOAN.c.due_at < now),
        sa.select(sa.func.coalesce(sa.func.sum(FINE.c.outstanding), 0))
        .where(FINE.c.patron_id == patron_id, FINE.c.status == FineStatus.OUTSTANDING)
        .scalar_subquery(),
        sa.exists().where(BLOCK.c.patron_id == patron_id, BLOCK.c.lifted_at.is_(None)),
        sa.exists().where(open_holds, HOLD.c.record_id == (record_id if record_id is not None else -1)),
        sa.select(sa.func.count())
        .select_from(HOLD)
        .where(open_holds, HOLD.c.status == HoldStatus.READY)
        .scalar_subquery(),
    )
    row = session.execute(statement).one()
    return Counts(
        loans=int(row[0]),
        loans_of_type=int(row[1]),
        overdue=bool(row[2]),
        fines_due=int(row[3]),
        blocked=bool(row[4]),
        holds_record=bool(row[5]),
        holds_ready=int(row[6]),
    )


def standing(patron: Patron, found: Counts) -> PatronStanding:
    return PatronStanding(
        patron_id=require_id(patron.id),
        category=patron.category,
        expires_on=patron.expires_on,
        blocked=found.blocked,
        loans_count=found.loans,
        loans_of_type=found.loans_of_type,
        has_overdue=found.overdue,
        fines_due=found.fines_due,
    )


def loan_state(loan: Loan, borrower_category: str) -> LoanState:
    """The loan as the domain sees it; the caller has the borrower's category at hand (no query here)."""
    return LoanState(
        loan_id=require_id(loan.id),
        patron_id=reader_of(loan),
        patron_category=borrower_category,
        item_type=loan.item_type,
        due_at=loan.due_at,
        renewals=loan.renewals,
    )
