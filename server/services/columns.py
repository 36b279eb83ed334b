"""Core `Table` objects of the circulation tables, for typed SQL expressions (`ITEM.c.barcode == …`).

SQLModel class attributes are plain Python types to a type checker; their tables' columns are SQL
expressions. Queries filter on these columns and still load ORM rows where a service updates one row.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

from server.db.tables import (
    BibRecord,
    Fine,
    Hold,
    Item,
    ItemTrace,
    KioskSession,
    Loan,
    Location,
    Patron,
    PatronBlock,
    RepairTicket,
    Sighting,
    TagCheck,
)


def table_of(model: type[SQLModel]) -> sa.Table:
    table = model.__table__  # type: ignore[attr-defined]
    assert isinstance(table, sa.Table)
    return table


RECORD = table_of(BibRecord)
ITEM = table_of(Item)
LOCATION = table_of(Location)
PATRON = table_of(Patron)
BLOCK = table_of(PatronBlock)
LOAN = table_of(Loan)
HOLD = table_of(Hold)
FINE = table_of(Fine)
KIOSK_SESSION = table_of(KioskSession)
SIGHTING = table_of(Sighting)
TAG_CHECK = table_of(TagCheck)
TRACE = table_of(ItemTrace)  # only missing and lost items have a row
TICKET = table_of(RepairTicket)

# A copy's call number and its shelf-order key: the copy's own when its holdings gave one that differs from
# its record's, else its record's. Every query of copies reads these, with ITEM joined to RECORD.
COPY_CALL_NUMBER = sa.func.coalesce(ITEM.c.own_call_number, RECORD.c.call_number)
COPY_SHELF_KEY = sa.func.coalesce(ITEM.c.own_call_number_key, RECORD.c.call_number_key)


def copy_call_number_starts(key: str) -> sa.ColumnElement[bool]:
    """Copies whose call number (their own, else their record's) begins with the shelf-order key `key`: each
    side written so that its own index can answer it."""
    return sa.or_(
        ITEM.c.own_call_number_key.startswith(key, autoescape=True),
        sa.and_(
            ITEM.c.own_call_number_key.is_(None), RECORD.c.call_number_key.startswith(key, autoescape=True)
        ),
    )
