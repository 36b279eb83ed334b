"""The staff console: signed-in sessions, sign-in throttling, the desk assistant role, each staff member's
language, the audit of staff actions (what each changed, before and after) beside them in the event log, and
an index the console's live feed follows new events by.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

import server.db.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES_BEFORE = "role IN ('librarian', 'admin')"
ROLES_AFTER = "role IN ('assistant', 'librarian', 'admin')"


def upgrade() -> None:
    op.create_table(
        "staff_session",
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("token_version", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("created_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.create_index("ix_staff_session_staff", ["staff_id"], unique=False)
    op.create_table(
        "login_throttle",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", server.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", server.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True))
        batch_op.drop_constraint("ck_staff_user_role", type_="check")
        batch_op.create_check_constraint("ck_staff_user_role", ROLES_AFTER)
    with op.batch_alter_table("event_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changes", server.db.types.JsonDocument, nullable=True))
        batch_op.create_index("ix_event_log_received", ["received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("event_log", schema=None) as batch_op:
        batch_op.drop_index("ix_event_log_received")
        batch_op.drop_column("changes")
    # The older schema knows no assistants: their accounts go (making them librarians would grant them more).
    op.execute("DELETE FROM staff_session")
    op.execute("DELETE FROM staff_user WHERE role = 'assistant'")
    with op.batch_alter_table("staff_user", schema=None) as batch_op:
        batch_op.drop_constraint("ck_staff_user_role", type_="check")
        batch_op.create_check_constraint("ck_staff_user_role", ROLES_BEFORE)
        batch_op.drop_column("locale")
    op.drop_table("login_throttle")
    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.drop_index("ix_staff_session_staff")
    op.drop_table("staff_session")
