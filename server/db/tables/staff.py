"""Staff accounts: the people who may use the REST API and the console (desk assistants, librarians,
administrators)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.db.types import UtcDateTime, stored_enum
from server.domain.enums import StaffRole


class StaffUser(SQLModel, table=True):
    """A staff member. The password is kept only as an argon2 hash; `token_version` is part of every token
    issued, so raising it (password change, deactivation) revokes the tokens already handed out."""

    __tablename__ = "staff_user"
    __table_args__ = (
        sa.CheckConstraint("role IN ('assistant', 'librarian', 'admin')", name="ck_staff_user_role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    full_name: str = Field(max_length=200)
    password_hash: str = Field(max_length=255)
    role: StaffRole = Field(default=StaffRole.LIBRARIAN, sa_type=stored_enum(StaffRole, 20))
    is_active: bool = True
    token_version: int = 1
    created_at: datetime = Field(sa_type=UtcDateTime)
    last_login_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    locale: str | None = Field(default=None, max_length=8, description="The console language they chose.")
