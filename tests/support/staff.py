"""Staff accounts for tests: one argon2 hash per password per test session (hashing is slow on purpose)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from sqlmodel import Session

from server.db.tables.staff import StaffUser
from server.domain.enums import StaffRole
from server.services.passwords import hash_password

PASSWORD = "correct horse battery"
# argon2id at its cheapest (one pass over 8 KiB): what the suite hashes and verifies staff passwords with in
# its own processes (tests/conftest.py), a millisecond instead of the full strength's 50 ms a sign-in.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@cache
def password_hash(password: str = PASSWORD) -> str:
    return hash_password(password)


def staff(
    session: Session,
    username: str,
    role: StaffRole | str = StaffRole.LIBRARIAN,
    *,
    password: str = PASSWORD,
    **fields: Any,
) -> StaffUser:
    """A staff account, flushed (the caller commits)."""
    row = StaffUser(
        username=username,
        full_name=str(fields.pop("full_name", username.replace(".", " ").title())),
        password_hash=password_hash(password),
        role=StaffRole(role),
        created_at=datetime.now(UTC),
        **fields,
    )
    session.add(row)
    session.flush()
    return row
