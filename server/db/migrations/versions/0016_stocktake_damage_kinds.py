"""The kinds of damage a handheld names when it marks a book damaged during a stock-take
(`stocktake.damage` version 2): a JSON list of `DamageKind` values on `stocktake_damage`. Nullable: a mark
from before, or from a handheld still sending version 1, names none, and closing reports it as "other".

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("stocktake_damage") as batch_op:
        batch_op.add_column(sa.Column("damage_kinds", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("stocktake_damage") as batch_op:
        batch_op.drop_column("damage_kinds")
