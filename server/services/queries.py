"""The reads of the circulation hot path, each one indexed statement.

- `find_item`: the item a device names (barcode and/or tag), with its record's title, its open loan, the
  ready hold it is trapped for and its open tag check — one query, the item row locked on PostgreSQL.
- `standing`: a patron's counts (open loans, loans of a type, overdue, fines, blocks, own hold) — one query
  of scalar subqueries over partial indexes, never loading the loans themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
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
    COPY_CALL_NUMBER,
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


_WRITE_LOCK = "stacks.sqlite_write_lock"  # session.info: the transaction that holds SQLite's write lock


def hold_sqlite_write_lock(session: Session) -> None:
    """On SQLite, take the database's write lock for the rest of the session's transaction (a no-op UPDATE
    that changes nothing takes it), so that the claims of the reads that follow need not take it again:
    one statement for a run of work (the offline applier's chunk) instead of one per row read."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa.update(ITEM).where(sa.false()).values(id=ITEM.c.id))
        session.info[_WRITE_LOCK] = session.get_transaction()


def _must_claim(session: Session) -> bool:
    if session.get_bind().dialect.name != "sqlite":
        return False
    held = session.info.get(_WRITE_LOCK)
    return held is None or held is not session.get_transaction()


def _claim_on_sqlite(session: Session, table: sa.Table, condition: sa.ColumnElement[bool]) -> None:
    """SQLite has no SELECT … FOR UPDATE: a no-op UPDATE of the rows takes the database's write lock first,
    so the reads that follow see the latest commit and a racing writer waits for ours (busy timeout)
    instead of reading stale rows and failing on a unique index. Nothing to do when the transaction holds
    the lock already (`hold_sqlite_write_lock`)."""
    if not _must_claim(session):
        return
    first = next(iter(table.primary_key.columns))
    session.execute(sa.update(table).where(condition).values({first.name: first}))


def find_item(session: Session, ref: ItemRef, *, lock: bool = True) -> tuple[Reason | None, FoundItem | None]:
    """The item named by `ref`; (UNKNOWN_ITEM, None) or (ITEM_MISMATCH, None) when it cannot be told.
    `lock`: the caller will change the item (circulation); plain lookups pass False."""
    values: dict[str, str] = {}
    if ref.barcode is not None:
        values["barcode"] = ref.barcode
    if ref.tag_uid is not None:
        values["tag_uid"] = ref.tag_uid.upper()
    if lock and _must_claim(session):
        named = [ITEM.c[column] == value for column, value in values.items()]
        _claim_on_sqlite(session, ITEM, sa.or_(*named))
    statement = _find_statement(
        by_barcode=ref.barcode is not None,
        by_tag=ref.tag_uid is not None,
        for_update=lock and _locking(session),
    )
    rows = session.execute(statement, values).all()
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


@cache
def _find_statement(*, by_barcode: bool, by_tag: bool, for_update: bool) -> sa.Select[tuple[object, ...]]:
    """`find_item`'s statement, built once for each way an item is named (its values bound at execution):
    building and keying it anew for every item read cost more than the read itself."""
    conditions = []
    if by_barcode:
        conditions.append(ITEM.c.barcode == sa.bindparam("barcode"))
    if by_tag:
        conditions.append(ITEM.c.tag_uid == sa.bindparam("tag_uid"))
    statement = (
        sa.select(Item, RECORD.c.title, COPY_CALL_NUMBER, Loan, Hold, TAG_CHECK.c.id, TRACE.c.item_id)
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .outerjoin(Loan, sa.and_(LOAN.c.item_id == ITEM.c.id, LOAN.c.returned_at.is_(None)))
        .outerjoin(Hold, sa.and_(HOLD.c.item_id == ITEM.c.id, HOLD.c.status == HoldStatus.READY))
        # At most one open check per item (a partial unique index on it).
        .outerjoin(TAG_CHECK, sa.and_(TAG_CHECK.c.item_id == ITEM.c.id, TAG_CHECK.c.closed_at.is_(None)))
        .outerjoin(TRACE, TRACE.c.item_id == ITEM.c.id)
        .where(sa.or_(*conditions))
        .limit(2)
    )
    return statement.with_for_update(of=ITEM) if for_update else statement


def _locked(session: Session, model: type[Row], column: sa.Column[object], value: object) -> Row | None:
    """The row whose `column` is `value`, locked until the transaction ends, read fresh from the database
    even when the session already holds it (a value read before the lock cannot be trusted)."""
    if _must_claim(session):
        _claim_on_sqlite(session, table_of(model), column == value)
    statement = _locked_statement(model, column, for_update=_locking(session))
    return session.execute(statement, {"value": value}).scalar_one_or_none()


@cache
def _locked_statement(model: type[Row], column: sa.Column[object], *, for_update: bool) -> sa.Select[Row]:
    """`_locked`'s read, built once for each model and column (its value bound at execution)."""
    statement = (
        sa.select(model).where(column == sa.bindparam("value")).execution_options(populate_existing=True)
    )
    return statement.with_for_update() if for_update else statement


def lock_row(session: Session, model: type[Row], row_id: int | str) -> Row | None:
    """Lock one row by its id before a read-modify-write (a payment, a cancellation): a second writer
    waits for this transaction and then sees its result, instead of overwriting it."""
    (key,) = table_of(model).primary_key.columns
    return _locked(session, model, key, row_id)


def patron_by_card(session: Session, card_number: str) -> Patron | None:
    return _locked(session, Patron, PATRON.c.card_number, card_number)


def hold_open_at(now: datetime | sa.BindParameter[datetime]) -> sa.ColumnElement[bool]:
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
    values = {
        "patron_id": patron_id,
        "now": now,
        "item_type": item_type,
        "record_id": record_id if record_id is not None else -1,
    }
    row = session.execute(_counts_statement(), values).one()
    return Counts(
        loans=int(row[0]),
        loans_of_type=int(row[1]),
        overdue=bool(row[2]),
        fines_due=int(row[3]),
        blocked=bool(row[4]),
        holds_record=bool(row[5]),
        holds_ready=int(row[6]),
    )


@cache
def _counts_statement() -> sa.Select[tuple[int, int, bool, int, bool, bool, int]]:
    """`counts`' statement, built once (its values bound at execution: patron_id, now, item_type,
    record_id): building and keying it anew for every checkout cost more than the read itself."""
    patron_id = sa.bindparam("patron_id", type_=sa.Integer)
    now = sa.bindparam("now", type_=LOAN.c.due_at.type)
    # The WHERE clauses repeat the partial indexes' predicates so both engines use them.
    open_loans = sa.and_(LOAN.c.patron_id == patron_id, LOAN.c.returned_at.is_(None))
    open_holds = sa.and_(HOLD.c.patron_id == patron_id, hold_open_at(now))
    return sa.select(
        sa.select(sa.func.count()).select_from(LOAN).where(open_loans).scalar_subquery(),
        sa.select(sa.func.count())
        .select_from(LOAN)
        .where(open_loans, LOAN.c.item_type == sa.bindparam("item_type"))
        .scalar_subquery(),
        sa.exists().where(open_loans, LOAN.c.due_at < now),
        sa.select(sa.func.coalesce(sa.func.sum(FINE.c.outstanding), 0))
        .where(FINE.c.patron_id == patron_id, FINE.c.status == FineStatus.OUTSTANDING)
        .scalar_subquery(),
        sa.exists().where(BLOCK.c.patron_id == patron_id, BLOCK.c.lifted_at.is_(None)),
        sa.exists().where(open_holds, HOLD.c.record_id == sa.bindparam("record_id", type_=sa.Integer)),
        sa.select(sa.func.count())
        .select_from(HOLD)
        .where(open_holds, HOLD.c.status == HoldStatus.READY)
        .scalar_subquery(),
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
