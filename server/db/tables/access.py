"""Who is signed in to the console, and who is being kept from signing in.

Both live in the database, so every server process on it agrees: a session made by one process is valid on
the others, and failed sign-ins counted by one slow down the next attempt on any of them.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.db.types import UtcDateTime


class StaffSession(SQLModel, table=True):
    """A signed-in console session. The browser holds a random token; only its SHA-256 is stored, so a copy
    of the database signs nobody in. `token_version` is the account's when the session began: a password
    change or a deactivation raises the account's, which ends every session at once."""

    __tablename__ = "staff_session"
    __table_args__ = (sa.Index("ix_staff_session_staff", "staff_id"),)

    token_hash: str = Field(primary_key=True, max_length=64)
    staff_id: int = Field(foreign_key="staff_user.id")
    token_version: int
    csrf_token: str = Field(max_length=64, description="Sent back with every form and htmx request.")
    created_at: datetime = Field(sa_type=UtcDateTime)
    last_seen_at: datetime = Field(sa_type=UtcDateTime, description="Moved at most once a minute.")
    expires_at: datetime = Field(sa_type=UtcDateTime, description="The absolute end, whatever the activity.")


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins in a row for one user name (`account:<name>`, whether or not such an account exists)
    or one client address (`address:<ip>`), and until when attempts are refused."""

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=120)
    failures: int = 0
    last_failure_at: datetime = Field(sa_type=UtcDateTime)
    blocked_until: datetime | None = Field(default=None, sa_type=UtcDateTime)
