"""The accession register (sổ đăng ký cá biệt): every copy that has an accession number (số ĐKCB), in the
register's order, with the day it came, how (purchase, donation and the donor…), its price, its title and
call number, and its withdrawal when it was weeded or withdrawn by hand.

The order is `item.accession_key` (server/db/derived.py): the number as staff read it, every number in it
compared as a number — "ĐKCB 2" before "ĐKCB 10", "VV.000123" beside "VV.123" — then the item's id. Pages
are keyset pages on the index of that pair, so the thousandth page of a million copies costs what the
first does. A copy without an accession number is not in the register (it has not been registered); the
totals say how many there are.

Filters: the year the copy came (`acquired_on`), its source, and a range of accession numbers (both ends
included, compared in the register's order). The withdrawal is `item_withdrawal`
(server/services/item_withdrawals.py), the round's number when a weeding round withdrew it. Reads only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session

from server.db.derived import accession_key
from server.db.tables import ItemWithdrawal, WeedingRound
from server.domain.enums import AcquisitionSource, ItemStatus
from server.services.columns import COPY_CALL_NUMBER, ITEM, RECORD, table_of
from server.services.listing import KeysetPage, keyset_page

WITHDRAWAL = table_of(ItemWithdrawal)
ROUND = table_of(WeedingRound)
STREAM_CHUNK = 2000  # rows fetched at a time for the whole register (CSV, PDF)


@dataclass(frozen=True)
class RegisterFilters:
    year: int | None = None  # the year the copy came (acquired_on)
    source: AcquisitionSource | None = None
    first: str | None = None  # accession numbers from … (included)
    last: str | None = None  # … to (included)

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.year, self.source, self.first, self.last))


@dataclass(frozen=True)
class Withdrawal:
    at: datetime
    round_number: int | None  # the weeding round that withdrew it; None: by hand
    reasons: tuple[str, ...]  # weeding's reason codes (age, unused…)
    note: str | None


@dataclass(frozen=True)
class RegisterLine:
    item_id: int
    accession_number: str
    acquired_on: date | None
    source: AcquisitionSource | None
    donor: str | None
    price: int | None
    barcode: str
    status: ItemStatus
    title: str
    author: str | None
    publisher: str | None
    publication_place: str | None
    year: int | None
    call_number: str | None
    language: str | None  # the record's (ISO 639-2), so a page can say in which language a title is
    withdrawal: Withdrawal | None


@dataclass(frozen=True)
class RegisterTotals:
    copies: int
    value: int  # the prices summed, in VND
    unpriced: int  # copies without a price, not in `value`
    withdrawn: int
    withdrawn_value: int
    unregistered: int  # copies in the catalogue without an accession number (whatever the filters)


def register_page(
    session: Session, filters: RegisterFilters, *, after: int | None = None, limit: int = 50
) -> KeysetPage[RegisterLine]:
    """One page in the register's order; `after` is the previous page's `next_after` (an item id)."""
    query = _lines(filters)
    if after is not None:
        last_key = session.execute(sa.select(ITEM.c.accession_key).where(ITEM.c.id == after)).scalar()
        if last_key is not None:
            query = query.where(sa.tuple_(ITEM.c.accession_key, ITEM.c.id) > sa.tuple_(last_key, after))
    rows = session.execute(query.limit(limit + 1)).all()
    return keyset_page(rows, limit, _line, lambda row: int(row.item_id))


def register_lines(session: Session, filters: RegisterFilters) -> Iterator[RegisterLine]:
    """The whole register as filtered, in order, read in chunks (a CSV or PDF of a million copies)."""
    after: int | None = None
    while True:
        page = register_page(session, filters, after=after, limit=STREAM_CHUNK)
        yield from page.items
        if page.next_after is None:
            return
        after = int(page.next_after)


def register_totals(session: Session, filters: RegisterFilters) -> RegisterTotals:
    withdrawn = ITEM.c.status == ItemStatus.WITHDRAWN
    counted = sa.select(
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(ITEM.c.price), 0),
        sa.func.count().filter(ITEM.c.price.is_(None)),
        sa.func.count().filter(withdrawn),
        sa.func.coalesce(sa.func.sum(ITEM.c.price).filter(withdrawn), 0),
    ).where(*_conditions(filters))
    copies, value, unpriced, gone, gone_value = session.execute(counted).one()
    unregistered = session.execute(
        sa.select(sa.func.count()).where(ITEM.c.accession_number.is_(None))
    ).scalar_one()
    return RegisterTotals(copies, int(value), unpriced, gone, int(gone_value), unregistered)


def _conditions(filters: RegisterFilters) -> list[sa.ColumnElement[bool]]:
    key = ITEM.c.accession_key
    found: list[sa.ColumnElement[bool]] = [key.is_not(None)]
    if filters.year is not None:
        found.append(ITEM.c.acquired_on.between(date(filters.year, 1, 1), date(filters.year, 12, 31)))
    if filters.source is not None:
        found.append(ITEM.c.acquisition_source == filters.source)
    if filters.first and (first := accession_key(filters.first)):
        found.append(key >= first)
    if filters.last and (last := accession_key(filters.last)):
        found.append(key <= last)
    return found


def _lines(filters: RegisterFilters) -> sa.Select[tuple[object, ...]]:
    return (
        sa.select(
            ITEM.c.id.label("item_id"),
            ITEM.c.accession_number,
            ITEM.c.acquired_on,
            ITEM.c.acquisition_source,
            ITEM.c.donor,
            ITEM.c.price,
            ITEM.c.barcode,
            ITEM.c.status,
            RECORD.c.title,
            RECORD.c.author,
            RECORD.c.publisher,
            RECORD.c.publication_place,
            RECORD.c.year,
            COPY_CALL_NUMBER.label("call_number"),
            RECORD.c.language,
            WITHDRAWAL.c.withdrawn_at,
            WITHDRAWAL.c.reasons,
            WITHDRAWAL.c.note,
            ROUND.c.number.label("round_number"),
        )
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .outerjoin(WITHDRAWAL, WITHDRAWAL.c.item_id == ITEM.c.id)
        .outerjoin(ROUND, ROUND.c.id == WITHDRAWAL.c.round_id)
        .where(*_conditions(filters))
        .order_by(ITEM.c.accession_key, ITEM.c.id)
    )


def _line(row: sa.Row[tuple[object, ...]]) -> RegisterLine:
    m = row._mapping
    withdrawal = (
        Withdrawal(m["withdrawn_at"], m["round_number"], tuple(m["reasons"] or ()), m["note"])
        if m["withdrawn_at"] is not None
        else None
    )
    source = m["acquisition_source"]
    return RegisterLine(
        item_id=m["item_id"],
        accession_number=m["accession_number"],
        acquired_on=m["acquired_on"],
        source=AcquisitionSource(source) if source is not None else None,
        donor=m["donor"],
        price=m["price"],
        barcode=m["barcode"],
        status=ItemStatus(m["status"]),
        title=m["title"],
        author=m["author"],
        publisher=m["publisher"],
        publication_place=m["publication_place"],
        year=m["year"],
        call_number=m["call_number"],
        language=m["language"],
        withdrawal=withdrawal,
    )
