"""An item's life outside circulation: its trace (missing or lost, with the stamps of the missing → lost
schedule) and the trace's history, repair tickets and the condition history.

`item_trace` has a row only for a missing or lost item; its search stamps are a JSON list (at most one per
configured search, always read and written with the trace). `next_due_at` is indexed for the nightly tick.
One open repair ticket per item (a partial unique index). Enum columns are VARCHARs without a CHECK, as
every enum column is (docs/architecture.md, "Persistence").

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import server.db.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "item_trace_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column(
            "event",
            sa.Enum(
                "marked_missing",
                "search_due",
                "searched",
                "lost",
                "lost_from_loan",
                "withdrawal_proposed",
                "kept_on_lost_list",
                "found",
                "undone",
                name="traceevent",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("item_trace_event", schema=None) as batch_op:
        batch_op.create_index("ix_item_trace_event_item_at", ["item_id", "at"], unique=False)

    op.create_table(
        "repair_ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "queued", "in_repair", "done", "cancelled", name="repairstate", native_enum=False, length=10
            ),
            nullable=False,
        ),
        sa.Column("damage_kinds", sa.JSON(), nullable=False),
        sa.Column("reported_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("started_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "repaired",
                "rebound",
                "replace",
                "withdraw",
                name="repairoutcome",
                native_enum=False,
                length=10,
            ),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("repair_ticket", schema=None) as batch_op:
        batch_op.create_index("ix_repair_ticket_state_reported", ["state", "reported_at"], unique=False)
        batch_op.create_index(
            "ux_repair_ticket_open_item",
            ["item_id"],
            unique=True,
            sqlite_where=sa.text("state IN ('queued', 'in_repair')"),
            postgresql_where=sa.text("state IN ('queued', 'in_repair')"),
        )

    op.create_table(
        "condition_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column(
            "event",
            sa.Enum(
                "damage_reported",
                "repair_started",
                "repair_finished",
                "report_cancelled",
                name="conditionevent",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("damage_kinds", sa.JSON(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "repaired",
                "rebound",
                "replace",
                "withdraw",
                name="repairoutcome",
                native_enum=False,
                length=10,
            ),
            nullable=True,
        ),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("by", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["repair_ticket.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("condition_entry", schema=None) as batch_op:
        batch_op.create_index("ix_condition_entry_item_at", ["item_id", "at"], unique=False)

    op.create_table(
        "item_trace",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column(
            "whereabouts",
            sa.Enum("present", "missing", "lost", name="whereabouts", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column(
            "loss", sa.Enum("shelf", "loan", name="losskind", native_enum=False, length=8), nullable=False
        ),
        sa.Column("since", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("search_stamps", sa.JSON(), nullable=False),
        sa.Column("searched_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("lost_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("reviewed_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("withdrawal_proposed_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("next_due_at", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("loan_id", sa.Integer(), nullable=True),
        sa.Column("fine_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["fine_id"],
            ["fine.id"],
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["item.id"],
        ),
        sa.ForeignKeyConstraint(
            ["loan_id"],
            ["loan.id"],
        ),
        sa.PrimaryKeyConstraint("item_id"),
    )
    with op.batch_alter_table("item_trace", schema=None) as batch_op:
        batch_op.create_index("ix_item_trace_next_due", ["next_due_at"], unique=False)

    # Items already missing or lost get their traces, started when their status last changed (a lost item
    # with an open loan was lost by its reader); the next tick stamps what fell due since.
    op.execute(
        """
        INSERT INTO item_trace
            (item_id, whereabouts, loss, since, search_stamps, lost_at, next_due_at, loan_id)
        SELECT i.id,
               i.status,
               CASE WHEN i.status = 'lost' AND l.id IS NOT NULL THEN 'loan' ELSE 'shelf' END,
               COALESCE(i.status_changed_at, i.created_at),
               '[]',
               CASE WHEN i.status = 'lost' THEN COALESCE(i.status_changed_at, i.created_at) END,
               COALESCE(i.status_changed_at, i.created_at),
               l.id
        FROM item i
        LEFT JOIN loan l ON l.item_id = i.id AND l.returned_at IS NULL
        WHERE i.status IN ('missing', 'lost')
        """
    )


def downgrade() -> None:
    with op.batch_alter_table("item_trace", schema=None) as batch_op:
        batch_op.drop_index("ix_item_trace_next_due")

    op.drop_table("item_trace")
    with op.batch_alter_table("condition_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_condition_entry_item_at")

    op.drop_table("condition_entry")
    with op.batch_alter_table("repair_ticket", schema=None) as batch_op:
        batch_op.drop_index(
            "ux_repair_ticket_open_item",
            sqlite_where=sa.text("state IN ('queued', 'in_repair')"),
            postgresql_where=sa.text("state IN ('queued', 'in_repair')"),
        )
        batch_op.drop_index("ix_repair_ticket_state_reported")

    op.drop_table("repair_ticket")
    with op.batch_alter_table("item_trace_event", schema=None) as batch_op:
        batch_op.drop_index("ix_item_trace_event_item_at")

    op.drop_table("item_trace_event")
