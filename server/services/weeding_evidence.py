"""Weeding's evidence, read from the database: every copy still held, with its record, as the domain's
`RecordEvidence`, in one ordered statement streamed in chunks (`yield_per`), never a query per item.

The statement reads each copy with:

- its loans: the last checkout, and the checkouts in the last 5 and 10 years (through the loans' index);
- its in-house uses (a grouped subquery, one pass): sightings in the contexts of `IN_HOUSE_CONTEXTS` (a
  book put back through a return point or a reshelving scan, never a loan's return: a loan is counted as
  a loan), the last one and those of the last 5 years;
- its stock-takes (likewise): the last read of the copy in a closed session (found on a shelf, its own or
  another);

and each record to its group — the multi-volume set it is a volume of (`set_key`), else the work it is an
edition of (`work_key`) — window functions over one sort of the records giving the group's first record
(its id for the domain), its size and its place on the shelf (the first call number among its records).
Records come in the shelf order of their groups, so the editions of a work and the volumes of a set come
together, as the domain needs them; a volume's editions are not compared (the set is weeded whole, as the
catalogue holds it), so a record of a set is a work of its own.

Days are day numbers (`date.toordinal()`) worked out by the database from UTC moments. Missing and lost
come from the item's status and `status_changed_at` as they are today (an item whose change was never
stamped counts from today: nothing says it has been gone long). Editions, sets, rare copies and
donations with conditions come from the catalogue; docs/collection.md lists what it does not hold yet
and is read as "no": programme learners, repair verdicts, the missing → lost schedule's proposal, a
title (rather than a copy) catalogued as rare.
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
_RECORD_COLUMNS = 6  # record id, call number, year, edition number, group's first record, group's size


@dataclass(frozen=True)
class EvidenceScope:
    """Which records to read: all of them, or the groups (works, sets) with a copy at one of
    `location_ids` or of one of `item_types`, from the group of a record on (a keyset page: the whole
    group of `from_record` is read again). Every copy of a record read and every record of its group is
    read, so the rules about copies, editions and sets together see them all."""

    location_ids: frozenset[int] | None = None
    item_types: frozenset[str] | None = None
    from_record: int | None = None


def read_records(
    session: Session, today: date, scope: EvidenceScope | None = None, *, chunk: int = CHUNK
) -> Iterator[RecordEvidence]:
    """Every record with a copy still held (not withdrawn), in the shelf order of its work or set (the
    group's first call number, then its first record), then by record, each with its copies in id order."""
    scope = scope or EvidenceScope()
    query = _statement(session, Clock(today), scope)
    record: tuple[Any, ...] | None = None
    items: list[ItemEvidence] = []
    result = session.execute(query.execution_options(yield_per=chunk))
    try:
        for row in result:
            if record is None or row[0] != record[0]:
                if record is not None:
                    yield _record(record, items)
                record, items = row[:_RECORD_COLUMNS], []
            items.append(ItemEvidence._make(row[_RECORD_COLUMNS:]))
        if record is not None:
            yield _record(record, items)
    finally:
        result.close()


def _record(head: Sequence[Any], items: list[ItemEvidence]) -> RecordEvidence:
    record_id, call_number, year, edition, group, records = head
    in_set = items[0].set_id is not None
    work = group if records > 1 and not in_set else None
    return RecordEvidence(record_id, call_number, year, work, edition, False, None, tuple(items))


def _group_key(record: sa.FromClause = RECORD) -> sa.ColumnElement[str]:
    """A record's group: its set, else its work (a work key always holds " / ", a set key never does)."""
    return sa.func.coalesce(record.c.set_key, record.c.work_key)


def _shelved() -> sa.Subquery:
    """Each record with its group's key, first record (the group's id), number of records and place on
    the shelf: window functions over one sort of the records, then joined by record id (a join on the
    group key itself would be a scan per record on SQLite, which cannot index an expression's match)."""
    group = _group_key()
    return sa.select(
        RECORD.c.id,
        RECORD.c.call_number,
        RECORD.c.year,
        RECORD.c.edition_number,
        RECORD.c.set_key,
        _group_key().label("key"),
        sa.func.min(RECORD.c.id).over(partition_by=group).label("first"),
        sa.func.count().over(partition_by=group).label("records"),
        sa.func.min(sa.func.coalesce(RECORD.c.call_number_key, "")).over(partition_by=group).label("shelf"),
    ).subquery("shelved")


def _statement(session: Session, clock: Clock, scope: EvidenceScope) -> sa.Select[Any]:
    postgres = is_postgres(session)

    def day(moment: sa.ColumnElement[Any]) -> sa.ColumnElement[int]:
        return day_number(moment, postgres=postgres)

    five, ten = (midnight(clock.years_ago(years)) for years in (5, 10))
    # An item whose status change was never stamped counts from today: nothing says it has been gone long.
    since = sa.func.coalesce(day(ITEM.c.status_changed_at), clock.day)

    def gone_since(status: ItemStatus) -> sa.ColumnElement[Any]:
        return sa.case((ITEM.c.status == status, since), else_=sa.null())

    # Per copy through the (item, checked_out_at) index rather than one grouped pass over every loan: the
    # grouped pass has to be materialised and indexed before the first row (2.5 s of 6.8 million loans).
    def loans_since(moment: datetime | None) -> sa.ScalarSelect[Any]:
        counted = sa.func.count() if moment is not None else sa.func.max(LOAN.c.checked_out_at)
        query = sa.select(counted).where(LOAN.c.item_id == ITEM.c.id)
        if moment is not None:
            query = query.where(LOAN.c.checked_out_at >= moment)
        return query.correlate(ITEM).scalar_subquery()

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
    shelved = _shelved()
    query = (
        sa.select(
            shelved.c.id,
            shelved.c.call_number,
            shelved.c.year,
            shelved.c.edition_number,
            shelved.c.first,
            shelved.c.records,
            # From here on, the fields of `ItemEvidence` in their order: the row is made one as it is.
            ITEM.c.id,
            ITEM.c.item_type,
            LOCATION.c.code,
            day(ITEM.c.created_at),
            day(loans_since(None)),
            day(uses.c.last),
            loans_since(five),
            loans_since(ten),
            sa.func.coalesce(uses.c.n5, 0),
            sa.false(),  # repair verdicts are not recorded yet: no copy is known to be beyond repair
            gone_since(ItemStatus.MISSING),
            gone_since(ItemStatus.LOST),
            sa.false(),  # the missing → lost schedule is not stamped on items yet: nothing proposed by it
            sa.cast(found.c.last / _US_PER_DAY, sa.Integer) + _EPOCH_DAY,
            sa.case((shelved.c.set_key.is_not(None), shelved.c.first), else_=sa.null()),
            sa.func.coalesce(sa.func.trim(ITEM.c.donation_conditions), "") != "",
            ITEM.c.rare,
        )
        # Copies first, each finding its record's group by id: SQLite keeps the left side of an outer join
        # outside, scans the copies in storage order and indexes the groups once; led by the groups, it
        # would read the copies in shelf order, a random read each (every copy has a record: the outer
        # join finds one for each).
        .select_from(ITEM)
        .outerjoin(shelved, shelved.c.id == ITEM.c.record_id)
        .outerjoin(LOCATION, LOCATION.c.id == ITEM.c.home_location_id)
        .outerjoin(uses, uses.c.item_id == ITEM.c.id)
        .outerjoin(found, found.c.item_id == ITEM.c.id)
        .where(ITEM.c.status != ItemStatus.WITHDRAWN)
        .order_by(shelved.c.shelf, shelved.c.first, shelved.c.id, ITEM.c.id)
    )
    if scope.from_record is not None:
        start = sa.select(shelved.c.shelf, shelved.c.first).where(shelved.c.id == scope.from_record)
        found_start = session.execute(start).one_or_none()
        if found_start is not None:
            query = query.where(sa.tuple_(shelved.c.shelf, shelved.c.first) >= sa.tuple_(*found_start))
    return _scoped(query, scope, shelved)


def is_postgres(session: Session) -> bool:
    return session.connection().dialect.name == "postgresql"


def day_number(moment: sa.ColumnElement[Any], *, postgres: bool) -> sa.ColumnElement[int]:
    """The UTC day of a stored moment as a day number (`date.toordinal()`), worked out by the database."""
    if postgres:
        epoch_days = sa.func.floor(sa.extract("epoch", moment) / 86_400)
        return sa.cast(epoch_days, sa.Integer) + _EPOCH_DAY
    return sa.cast(sa.func.julianday(moment) - _JULIAN_DAY_0, sa.Integer)


def _scoped(query: sa.Select[Any], scope: EvidenceScope, shelved: sa.Subquery) -> sa.Select[Any]:
    """Whole groups: those with a copy held at one of the places or of one of the types."""
    if scope.location_ids is not None or scope.item_types is not None:
        member = RECORD.alias("member")
        copies = (
            sa.select(_group_key(member))
            .join(ITEM, ITEM.c.record_id == member.c.id)
            .where(ITEM.c.status != ItemStatus.WITHDRAWN)
        )
        if scope.location_ids is not None:
            copies = copies.where(ITEM.c.home_location_id.in_(sorted(scope.location_ids)))
        if scope.item_types is not None:
            copies = copies.where(ITEM.c.item_type.in_(sorted(scope.item_types)))
        query = query.where(shelved.c.key.in_(copies))
    return query


def count_since(moment: sa.ColumnElement[Any], since: datetime) -> sa.ColumnElement[int]:
    return sa.func.sum(sa.case((moment >= since, 1), else_=0))


def midnight(day: int) -> datetime:
    return datetime.combine(date.fromordinal(day), time(), tzinfo=UTC)
