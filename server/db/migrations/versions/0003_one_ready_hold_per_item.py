"""One ready hold per item (a partial unique index), and ready holds by pickup deadline for their expiry.

Before the index, a return could trap an item for the next hold while the lapsed one stayed ready on the
same item. Such pairs are repaired first: the hold trapped last stays ready, the older ones expire at
their pickup deadline.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_READY = sa.text("status = 'ready'")

# Correlated on the outer row's own table name, which both SQLite and PostgreSQL accept in an UPDATE.
_EXPIRE_SUPERSEDED = sa.text(
    """
    UPDATE hold SET status = 'expired', closed_at = COALESCE(expires_at, ready_at, placed_at)
    WHERE status = 'ready' AND EXISTS (
        SELECT 1 FROM hold AS later
        WHERE later.item_id = hold.item_id AND later.status = 'ready' AND later.id <> hold.id
          AND (COALESCE(later.ready_at, later.placed_at) > COALESCE(hold.ready_at, hold.placed_at)
               OR (COALESCE(later.ready_at, later.placed_at) = COALESCE(hold.ready_at, hold.placed_at)
                   AND later.id > hold.id))
    )
    """
)


def upgrade() -> None:
    op.execute(_EXPIRE_SUPERSEDED)
    op.create_index(
        "ux_hold_ready_item", "hold", ["item_id"], unique=True, sqlite_where=_READY, postgresql_where=_READY
    )
    op.create_index(
        "ix_hold_ready_expires", "hold", ["expires_at"], sqlite_where=_READY, postgresql_where=_READY
    )


def downgrade() -> None:
    op.drop_index("ix_hold_ready_expires", table_name="hold")
    op.drop_index("ux_hold_ready_item", table_name="hold")
