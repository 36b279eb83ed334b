"""Event log indexes for the audit queries: newest first by device or kind, by correlation id, by time.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event_log", schema=None) as batch_op:
        batch_op.drop_index("ix_event_log_kind_received")
        batch_op.create_index("ix_event_log_correlation", ["correlation_id"], unique=False)
        batch_op.create_index("ix_event_log_device_event", ["device_id", "event_id"], unique=False)
        batch_op.create_index("ix_event_log_kind_event", ["kind", "event_id"], unique=False)
        batch_op.create_index("ix_event_log_occurred", ["occurred_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("event_log", schema=None) as batch_op:
        batch_op.drop_index("ix_event_log_occurred")
        batch_op.drop_index("ix_event_log_kind_event")
        batch_op.drop_index("ix_event_log_device_event")
        batch_op.drop_index("ix_event_log_correlation")
        batch_op.create_index("ix_event_log_kind_received", ["kind", "received_at"], unique=False)
