"""Weeding's evidence, read from the database: every copy still held, with its record, as the domain's
`RecordEvidence`, in one ordered statement streamed in chunks (`yield_per`), never a query per item.

The statement joins each copy to three grouped subqueries, each one pass over its table:

- loans: the last checkout, and the checkouts in the last 5 and 10 years;
- in-house uses: sightings in the contexts of `IN_HOUSE_CONTEXTS` (a book put back through a return point
  or a reshelving scan, never a loan's return: a loan is counted as a loan), the last one and those of
  the last 5 years;
- stock-takes: the last read of the copy in a closed session (found on a shelf, its own or another).

Days are day numbers (`date.toordinal()`) worked out by the database from UTC moments. Missing and lost
come from the item's status and `status_changed_at` as they are today (an item whose change was never
stamped counts from today: nothing says it has been gone long). docs/collection.md lists what the
catalogue does not hold yet and is read as "no": works and editions, multi-volume sets, rare and donated
copies, programme learners, repair verdicts, the missing → lost schedule's proposal.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from contract.events import SeenContext
from server.db.tables import StocktakeRead, StocktakeSession
from server.domain.enums import ItemStatus
from server.domain.stocktake.session import SessionState
from server.domain.weeding.evidence import ItemEvidence, RecordEvidence
from server.domain.weeding.rules import Clock
from server.services.columns import ITEM, LOAN, LOCATION, RECORD, SIGHTING, table_of

READ = table_of(StocktakeRead)
STOCKTAKE = table_of(StocktakeSession)
IN_HOUSE_CONTEXTS = (SeenContext.RETURN.value,)
CHUNK = 5000
_EPOCH_DAY = date(1970, 1, 1).toordinal()
_JULIAN_DAY_0 = 1_721_424.5  # julianday() of the moment before day number 1 (0001-01-01) began
_US_PER_DAY = 86_400_000_000


@dataclass(frozen=True)
class EvidenceScope:
    """Which records to read: all of them, or those with a copy at one of `location_ids` or of one of
    `item_types`, from a record on (a keyset page: `from_record` itself included). Every copy of a
    record read is read, so the rules about copies together see them all."""

    location_ids: frozenset[int] | None = None
    item_types: frozenset[str] | None = None
    from_record: int | None = None


def read_records(
    session: Session, today: date, scope: EvidenceScope | None = None, *, chunk: int = CHUNK
) -> Iterator[RecordEvidence]:
    """Every record with a copy still held (not withdrawn), in shelf order (call number, then record),
    each with its copies in id order."""
    scope = scope or EvidenceScope()
    codes = dict(session.execute(sa.select(LOCATION.c.id, LOCATION.c.code)).all())
    start = None
    if scope.from_record is not None:
        key = sa.select(sa.func.coalesce(RECORD.c.call_number_key, "")).where(
            RECORD.c.id == scope.from_record
        )
        start = (session.execute(key).scalar_one_or_none() or "", scope.from_record)
    query = _statement(session, Clock(today), scope, start)
    today_day = today.toordinal()
    record: tuple[Any, ...] | None = None
    items: list[ItemEvidence] = []
    result = session.execute(query.execution_options(yield_per=chunk))
    try:
        for row in result:
            if record is None or row[0] != record[0]:
                if record is not None:
                    yield _record(record, items)
                record, items = row[:3], []
            items.append(_item(row, codes, today_day))
        if record is not None:
            yield _record(record, items)
    finally:
        result.close()


def _record(head: Sequence[Any], items: list[ItemEvidence]) -> RecordEvidence:
    record_id, call_number, year = head
    return RecordEvidence(record_id, call_number, year, None, None, False, None, tuple(items))


def _item(row: Sequence[Any], codes: dict[int, str], today: int) -> ItemEvidence:
    (_, _, _, item_id, item_type, home, added, last_loan, loans_5y, loans_10y) = row[:10]
    (last_in_house, in_house_5y, status, changed, last_inventory) = row[10:]
    since = changed if changed is not None else today
    return ItemEvidence(
        item_id,
        item_type,
        codes.get(home) if home is not None else None,
        added,
        last_loan,
        last_in_house,
        loans_5y or 0,
        loans_10y or 0,
        in_house_5y or 0,
        False,  # repair verdicts are not recorded yet: no copy is known to be beyond repair
        since if status == ItemStatus.MISSING else None,
        since if status == ItemStatus.LOST else None,
        False,  # the missing → lost schedule is not stamped on items yet: nothing proposed by it
        last_inventory,
    )


def _statement(
    session: Session, clock: Clock, scope: EvidenceScope, start: tuple[str, int] | None
) -> sa.Select[Any]:
    postgres = is_postgres(session)

    def day(moment: sa.ColumnElement[Any]) -> sa.ColumnElement[int]:
        return day_number(moment, postgres=postgres)

    five, ten = (midnight(clock.years_ago(years)) for years in (5, 10))
    loans = (
        sa.select(
            LOAN.c.item_id,
            sa.func.max(LOAN.c.checked_out_at).label("last"),
            count_since(LOAN.c.checked_out_at, five).label("n5"),
            count_since(LOAN.c.checked_out_at, ten).label("n10"),
        )
        .group_by(LOAN.c.item_id)
        .subquery("loans")
    )
    uses = (
        sa.select(
            SIGHTING.c.item_id,
            sa.func.max(SIGHTING.c.occurred_at).label("last"),
            count_since(SIGHTING.c.occurred_at, five).label("n5"),
        )
        .where(SIGHTING.c.item_id.is_not(None), SIGHTING.c.context.in_(IN_HOUSE_CONTEXTS))
        .group_by(SIGHTING.c.item_id)
        .subquery("uses")
    )
    found = (
        sa.select(READ.c.item_id, sa.func.max(READ.c.at_us).label("last"))
        .join(STOCKTAKE, STOCKTAKE.c.id == READ.c.session_id)
        .where(STOCKTAKE.c.state == SessionState.CLOSED.value)
        .group_by(READ.c.item_id)
        .subquery("found")
    )
    shelf_order = sa.func.coalesce(RECORD.c.call_number_key, "")
    query = (
        sa.select(
            RECORD.c.id,
            RECORD.c.call_number,
            RECORD.c.year,
            ITEM.c.id,
            ITEM.c.item_type,
            ITEM.c.home_location_id,
            day(ITEM.c.created_at),
            day(loans.c.last),
            loans.c.n5,
            loans.c.n10,
            day(uses.c.last),
            uses.c.n5,
            ITEM.c.status,
            day(ITEM.c.status_changed_at),
            sa.cast(found.c.last / _US_PER_DAY, sa.Integer) + _EPOCH_DAY,
        )
        .join(ITEM, ITEM.c.record_id == RECORD.c.id)
        .outerjoin(loans, loans.c.item_id == ITEM.c.id)
        .outerjoin(uses, uses.c.item_id == ITEM.c.id)
        .outerjoin(found, found.c.item_id == ITEM.c.id)
        .where(ITEM.c.status != ItemStatus.WITHDRAWN)
        .order_by(shelf_order, RECORD.c.id, ITEM.c.id)
    )
    if start is not None:
        query = query.where(sa.tuple_(shelf_order, RECORD.c.id) >= sa.tuple_(*start))
    return _scoped(query, scope)


def is_postgres(session: Session) -> bool:
    return session.connection().dialect.name == "postgresql"


def day_number(moment: sa.ColumnElement[Any], *, postgres: bool) -> sa.ColumnElement[int]:
    """The UTC day of a stored moment as a day number (`date.toordinal()`), worked out by the database."""
    if postgres:
        epoch_days = sa.func.floor(sa.extract("epoch", moment) / 86_400)
        return sa.cast(epoch_days, sa.Integer) + _EPOCH_DAY
    return sa.cast(sa.func.julianday(moment) - _JULIAN_DAY_0, sa.Integer)


def _scoped(query: sa.Select[Any], scope: EvidenceScope) -> sa.Select[Any]:
    if scope.location_ids is not None or scope.item_types is not None:
        copies = sa.select(ITEM.c.record_id).where(ITEM.c.status != ItemStatus.WITHDRAWN)
        if scope.location_ids is not None:
            copies = copies.where(ITEM.c.home_location_id.in_(sorted(scope.location_ids)))
        if scope.item_types is not None:
            copies = copies.where(ITEM.c.item_type.in_(sorted(scope.item_types)))
        query = query.where(RECORD.c.id.in_(copies))
    return query


def count_since(moment: sa.ColumnElement[Any], since: datetime) -> sa.ColumnElement[int]:
    return sa.func.sum(sa.case((moment >= since, 1), else_=0))


def midnight(day: int) -> datetime:
    return datetime.combine(date.fromordinal(day), time(), tzinfo=UTC)
