"""The annual plan's evidence, read from the database: every copy ever held as the domain's `StockItem`, in
one statement streamed in chunks (`yield_per`), never a query per item; and the demand on each title's
hold queue.

The statement joins each copy to its record and to two grouped subqueries, each one pass over its table
(the helpers are weeding's, `weeding_evidence`, so both read days and uses alike):

- loans: the year of each of a copy's loans, as one text per copy ("2018,2024,2024"), counted here — one
  grouping over the loans' (item, checkout) index, where grouping by copy and year in the database sorted
  every loan again;
- in-house uses: whether a copy was ever put back through a return point (`IN_HOUSE_CONTEXTS`).

A copy is added the day it was created (the catalogue holds no separate accession date) and withdrawn the
day its status last changed if it is withdrawn (a weeding round stamps exactly that; an unstamped one
counts from today). Missing and lost are the copy's status today. Its place is the floor (or room) its
home shelf is on, so the figures read by floor, not by each of thousands of shelves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.domain.enums import HoldStatus, ItemStatus, LocationKind
from server.domain.weeding.figures import StockItem
from server.domain.weeding.suggestions import TitleDemand
from server.services.columns import COPY_CALL_NUMBER, HOLD, ITEM, LOAN, LOCATION, RECORD, SIGHTING
from server.services.weeding_evidence import IN_HOUSE_CONTEXTS, day_number, is_postgres

CHUNK = 5000
WITHDRAWN, MISSING, LOST = (s.value for s in (ItemStatus.WITHDRAWN, ItemStatus.MISSING, ItemStatus.LOST))
# A copy in one of these serves readers: the copies a hold queue waits for.
USABLE = (ItemStatus.AVAILABLE, ItemStatus.ON_LOAN, ItemStatus.ON_HOLD_SHELF)


def read_stock(
    session: Session, today: date, until: datetime | None = None, *, chunk: int = CHUNK
) -> Iterator[StockItem]:
    """Every copy ever held, in id order, with its loans per year; `until` (a moment, exclusive) leaves out
    copies created and loans and uses that happened from then on — the evidence as it stood then."""
    places = floors(session)
    today_day = today.toordinal()
    result = session.execute(_statement(session, until).execution_options(yield_per=chunk))
    try:
        for row in result:
            yield _stock(row, places, today_day)
    finally:
        result.close()


def _stock(row: Sequence[Any], places: dict[int, str], today: int) -> StockItem:
    (item_id, item_type, call_number, home, language, added, status, changed, published, used, lent) = row
    years = tuple(sorted((int(year), n) for year, n in Counter(lent.split(",")).items())) if lent else ()
    return StockItem(
        item_id,
        item_type,
        call_number,
        places.get(home) if home is not None else None,
        language,
        added,
        (changed if changed is not None else today) if status == WITHDRAWN else None,
        published,
        status == MISSING,
        status == LOST,
        bool(years) or bool(used),
        years,
    )


def floors(session: Session) -> dict[int, str]:
    """Each location's floor (or room): the nearest place above it, or itself, that is a floor — by code.
    A place under no floor counts as itself."""
    rows = session.execute(sa.select(LOCATION.c.id, LOCATION.c.parent_id, LOCATION.c.kind, LOCATION.c.code))
    parents, kinds, codes = {}, {}, {}
    for place, parent, kind, code in rows:
        parents[place], kinds[place], codes[place] = parent, kind, code
    found: dict[int, str] = {}
    for place in parents:
        current: int | None = place
        seen = 0
        while current is not None and kinds.get(current) != LocationKind.FLOOR and seen < len(parents):
            current, seen = parents.get(current), seen + 1
        found[place] = codes[current if current is not None and current in codes else place]
    return found


def _statement(session: Session, until: datetime | None) -> sa.Select[Any]:
    postgres = is_postgres(session)
    year = _year(LOAN.c.checked_out_at, postgres=postgres)
    loans = sa.select(LOAN.c.item_id, sa.cast(year, sa.String).label("year"))
    uses = sa.select(SIGHTING.c.item_id, sa.func.count().label("n")).where(
        SIGHTING.c.item_id.is_not(None), SIGHTING.c.context.in_(IN_HOUSE_CONTEXTS)
    )
    items: sa.ColumnElement[bool] = ITEM.c.id.is_not(None)
    if until is not None:
        loans = loans.where(LOAN.c.checked_out_at < until)
        uses = uses.where(SIGHTING.c.occurred_at < until)
        items = ITEM.c.created_at < until
    lent_in = loans.subquery("lent_in")
    joined = (sa.func.string_agg if postgres else sa.func.group_concat)(lent_in.c.year, ",")
    lent = sa.select(lent_in.c.item_id, joined.label("years")).group_by(lent_in.c.item_id).subquery("lent")
    used = uses.group_by(SIGHTING.c.item_id).subquery("used")
    return (
        sa.select(
            ITEM.c.id,
            ITEM.c.item_type,
            COPY_CALL_NUMBER.label("call_number"),
            ITEM.c.home_location_id,
            RECORD.c.language,
            day_number(ITEM.c.created_at, postgres=postgres),
            sa.type_coerce(ITEM.c.status, sa.String),  # the stored text: no enum made per copy
            day_number(ITEM.c.status_changed_at, postgres=postgres),
            RECORD.c.year,
            used.c.n,
            lent.c.years,
        )
        .join(RECORD, RECORD.c.id == ITEM.c.record_id)
        .outerjoin(used, used.c.item_id == ITEM.c.id)
        .outerjoin(lent, lent.c.item_id == ITEM.c.id)
        .where(items)
        .order_by(ITEM.c.id)
    )


def _year(moment: sa.ColumnElement[Any], *, postgres: bool) -> sa.ColumnElement[int]:
    """The UTC year of a stored moment. SQLite stores UTC moments as text that starts with the year (the
    `UtcDateTime` column type): its first four characters are read instead of parsing the date, which
    over millions of loans is several times faster."""
    if postgres:
        return sa.cast(sa.extract("year", moment), sa.Integer)
    return sa.cast(sa.func.substr(moment, 1, 4), sa.Integer)


def title_demand(session: Session) -> list[TitleDemand]:
    """Every title with a hold waiting: its waiting holds, and its copies that serve readers."""
    waiting = (
        sa.select(HOLD.c.record_id, sa.func.count().label("n"))
        .where(HOLD.c.status == HoldStatus.WAITING)
        .group_by(HOLD.c.record_id)
        .subquery("waiting")
    )
    copies = (
        sa.select(ITEM.c.record_id, sa.func.count().label("n"))
        .where(ITEM.c.status.in_(USABLE))
        .group_by(ITEM.c.record_id)
        .subquery("copies")
    )
    query = (
        sa.select(waiting.c.record_id, waiting.c.n, sa.func.coalesce(copies.c.n, 0))
        .outerjoin(copies, copies.c.record_id == waiting.c.record_id)
        .order_by(waiting.c.record_id)
    )
    return [TitleDemand(record, holds, n) for record, holds, n in session.execute(query)]
