"""A batch of the registrar's roster written to the readers in a few statements, matched on card number:
a new card is a new reader, a known card with other details is updated (name, category, faculty, e-mail,
expiry), a reader the roster no longer lists is left as they are. PINs, blocks and loans are never
touched by an import."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from server.db.bulk import insert_rows
from server.db.derived import with_derived
from server.domain.catalogue.shapes import PatronIn, Rejected
from server.services.columns import PATRON
from server.services.imports.batch_rows import BatchOutcome, select_in, sort_row, unfit

PATRON_FIELDS = ("card_number", "full_name", "category", "faculty", "email", "expires_on")


def patron_row(value: PatronIn) -> dict[str, Any]:
    return {name: getattr(value, name) for name in PATRON_FIELDS}


class PatronWriter:
    def __init__(self, session: Session, *, now: datetime) -> None:
        self.session = session
        self.now = now

    def write(self, batch: Sequence[tuple[int, PatronIn]]) -> BatchOutcome:
        outcome = BatchOutcome()
        columns = [PATRON.c.id, *(PATRON.c[name] for name in PATRON_FIELDS)]
        cards = {value.card_number for _, value in batch}
        existing = {
            row["card_number"]: dict(row)
            for row in select_in(self.session, columns, PATRON.c.card_number, cards)
        }
        new_rows: dict[str, dict[str, Any]] = {}
        updates: dict[int, dict[str, Any]] = {}
        for position, value in batch:
            row = patron_row(value)
            refusal = unfit(PATRON, row)
            if refusal is not None:
                outcome.patrons.rejected += 1
                outcome.rejects.append(Rejected(position, refusal, value.card_number[:40]))
                continue
            sort_row(
                value.card_number,
                row,
                known=existing,
                fields=PATRON_FIELDS,
                new_rows=new_rows,
                updates=updates,
                counts=outcome.patrons,
            )
        if new_rows:
            stamped = [
                {**row, "keep_loan_history": False, "pin_failures": 0, "created_at": self.now}
                for row in new_rows.values()
            ]
            insert_rows(self.session, PATRON, with_derived(PATRON, stamped))
        if updates:
            rows = with_derived(PATRON, [dict(row) for row in updates.values()])
            names = list(rows[0])
            statement = (
                sa.update(PATRON)
                .where(PATRON.c.id == sa.bindparam("_id"))
                .values({name: sa.bindparam(f"_{name}") for name in names})
            )
            bound = [
                {"_id": patron_id, **{f"_{k}": v for k, v in row.items()}}
                for patron_id, row in zip(updates, rows, strict=True)
            ]
            self.session.connection().execute(statement, bound)
        return outcome
