"""Status, kind, condition and role columns are the domain's enums: check that every stored value is one.

The columns stay what they were on both engines — VARCHAR of the same length, no CHECK constraint — so
nothing is altered and no row is rewritten. From this revision on the code reads them as enum members and
cannot read a string that is not a member's value; such a row (written by hand, by another tool) stops
the migration here, named, instead of failing a request later. Fix or delete the rows it names and run the
migration again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The members' values at this revision, written out: a migration must not change with later code.
ENUM_COLUMNS: dict[tuple[str, str], tuple[str, ...]] = {
    ("item", "status"): (
        "available",
        "on_loan",
        "on_hold_shelf",
        "missing",
        "lost",
        "damaged",
        "withdrawn",
    ),
    ("item", "condition"): ("new", "good", "fair", "worn", "poor"),
    ("location", "kind"): ("library", "floor", "range", "shelf"),
    ("hold", "status"): ("waiting", "ready", "fulfilled", "cancelled", "expired"),
    ("fine", "kind"): ("overdue", "lost", "damage", "manual"),
    ("fine", "status"): ("outstanding", "paid", "waived"),
    ("patron_block", "kind"): (
        "manual",
        "lost_card",
        "disciplinary",
        "unpaid_replacement",
        "graduation_clearance",
    ),
    ("staff_user", "role"): ("librarian", "admin"),
}


class UnreadableValuesError(RuntimeError):
    """Rows hold strings the code at this revision cannot read as enum members."""


def upgrade() -> None:
    connection = op.get_bind()
    problems = []
    for (table, column), values in ENUM_COLUMNS.items():
        stored = sa.column(column, sa.String())
        found = connection.execute(
            sa.select(stored).select_from(sa.table(table, stored)).where(stored.not_in(values)).distinct()
        ).scalars()
        problems += [f"{table}.{column} = {value!r}" for value in found]
    if problems:
        raise UnreadableValuesError(
            "rows hold values that are not statuses, kinds or roles of this version: "
            f"{', '.join(sorted(problems))}; correct them and migrate again"
        )


def downgrade() -> None:
    pass  # nothing was altered
