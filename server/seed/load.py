"""Writing a generated library into an empty database with bulk inserts (Core executemany, in chunks).

Ids are assigned by the generator so rows can reference each other without reading ids back; on
PostgreSQL the id sequences are then moved past them so later inserts do not collide. The derived columns
(search text, call-number keys) are filled by `server.db.derived`, the functions the ORM uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from server.db.derived import with_derived
from server.domain.enums import FineKind, FineStatus
from server.errors import ConflictError
from server.seed.model import Library
from server.services.columns import BLOCK, FINE, HOLD, ITEM, LOAN, LOCATION, PATRON, RECORD
from server.services.item_traces import adopt_statuses

CHUNK = 2000
Progress = Callable[[str, int], None]
"""Called as (step, rows just written) while loading."""


def existing_rows(connection: Connection) -> dict[str, int]:
    counts = {}
    for table in (ITEM, PATRON, RECORD):
        counts[table.name] = int(
            connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        )
    return counts


def refuse_if_seeded(connection: Connection) -> None:
    """Seeding is for an empty library: merging two generated libraries would make neither realistic."""
    counts = existing_rows(connection)
    if any(counts.values()):
        held = ", ".join(f"{n} {name} rows" for name, n in counts.items() if n)
        raise ConflictError(f"the database is already seeded ({held}); seed an empty database instead")


def _insert(
    connection: Connection, table: sa.Table, rows: Sequence[dict[str, Any]], step: str, progress: Progress
) -> None:
    for start in range(0, len(rows), CHUNK):
        chunk = with_derived(table, rows[start : start + CHUNK])
        connection.execute(sa.insert(table), chunk)
        progress(step, len(chunk))


def _fix_sequences(connection: Connection, tables: Iterable[sa.Table]) -> None:
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        connection.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # noqa: S608  (our table names)
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table.name}), false)"
            )
        )


def load(
    connection: Connection, library: Library, *, pin_hash: str, pickup_location: str, progress: Progress
) -> None:
    now = library.now
    borrowers = {p.id: p for p in library.patrons}
    _insert(
        connection,
        LOCATION,
        [
            {
                "id": loc.id,
                "code": loc.code,
                "name": loc.name,
                "kind": loc.kind,
                "parent_id": loc.parent_id,
                "span_start": loc.span_start,
                "span_end": loc.span_end,
            }
            for loc in library.locations
        ],
        "shelves",
        progress,
    )
    _insert(
        connection,
        RECORD,
        [
            {
                "id": r.id,
                "title": r.title,
                "author": r.author,
                "isbn": r.isbn,
                "year": r.year,
                "language": r.language,
                "call_number": r.call_number,
                "edition": r.edition,
                "edition_number": r.edition_number,
                "set_title": r.set_title,
                "volume": r.volume,
                "created_at": now,
            }
            for r in library.records
        ],
        "records",
        progress,
    )
    _insert(
        connection,
        ITEM,
        [
            {
                "id": i.id,
                "barcode": i.barcode,
                "tag_uid": i.tag_uid,
                "record_id": i.record_id,
                "item_type": i.item_type,
                "home_location_id": i.location_id,
                "status": i.status,
                "condition": i.condition,
                "price": i.price,
                "accession_number": i.accession_number,
                "height_cm": i.height_cm,
                "status_changed_at": i.status_changed_at or now,
                "created_at": i.added_at or now,
                "acquisition_source": i.acquisition_source,
                "acquired_on": (i.added_at or now).date(),
                "donor": i.donor,
                "donation_conditions": i.donation_conditions,
                "rare": i.rare,
            }
            for i in library.items
        ],
        "items",
        progress,
    )
    _insert(
        connection,
        PATRON,
        [
            {
                "id": p.id,
                "card_number": p.card_number,
                "full_name": p.full_name,
                "category": p.category,
                "email": p.email,
                "faculty": p.faculty,
                "expires_on": p.expires_on,
                "keep_loan_history": False,
                # One hash for everyone: the shared initial PIN, hashed once (argon2 is slow on purpose).
                "pin_hash": pin_hash,
                "pin_failures": 0,
                "pin_changed_at": None,
                "created_at": now,
            }
            for p in library.patrons
        ],
        "patrons",
        progress,
    )
    blocks = [
        {"patron_id": p.id, "kind": p.block, "note": None, "created_at": now, "created_by": "seed"}
        for p in library.patrons
        if p.block is not None
    ]
    _insert(connection, BLOCK, blocks, "patrons", lambda *_: None)
    _insert(
        connection,
        LOAN,
        [
            {
                "item_id": loan.item_id,
                "patron_id": loan.patron_id,
                "item_type": loan.item_type,
                "patron_category": borrowers[loan.patron_id].category,
                "patron_faculty": borrowers[loan.patron_id].faculty,
                "checked_out_at": loan.checked_out_at,
                "due_at": loan.due_at,
                "renewals": 0,
                "returned_at": None,
                "checkout_by": "staff:seed",
            }
            for loan in library.loans
        ],
        "circulation",
        progress,
    )
    _insert(connection, LOAN, _past_loans(library), "circulation", progress)
    _insert(
        connection,
        HOLD,
        [
            {
                "record_id": h.record_id,
                "patron_id": h.patron_id,
                "status": h.status,
                "placed_at": h.placed_at,
                "pickup_location": pickup_location,
                "item_id": h.item_id,
                "ready_at": h.ready_at,
                "expires_at": h.expires_at,
            }
            for h in library.holds
        ],
        "circulation",
        progress,
    )
    _insert(
        connection,
        FINE,
        [
            {
                "patron_id": f.patron_id,
                "kind": FineKind.OVERDUE,
                "status": FineStatus.OUTSTANDING,
                "amount": f.amount,
                "outstanding": f.amount,
                "created_at": f.created_at,
                "note": f.note,
            }
            for f in library.fines
        ],
        "circulation",
        progress,
    )
    _fix_sequences(connection, (LOCATION, RECORD, ITEM, PATRON))
    adopt_statuses(connection)  # the seeded missing and lost items get their traces


def _past_loans(library: Library) -> list[dict[str, Any]]:
    return [
        {
            "item_id": loan.item_id,
            "patron_id": None,
            "item_type": loan.item_type,
            "patron_category": loan.patron_category,
            "patron_faculty": loan.patron_faculty,
            "checked_out_at": loan.checked_out_at,
            "due_at": loan.due_at,
            "renewals": 0,
            "returned_at": loan.returned_at,
            "checkout_by": "staff:seed",
            "checkin_by": "staff:seed",
        }
        for loan in library.past_loans
    ]
