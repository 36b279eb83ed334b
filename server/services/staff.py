"""Staff accounts: create, list, change, authenticate, and the first administrator at start-up.

The REST API (login, `/staff`), `stacks staff …` and the staff console share these. Like the circulation
services, they take the caller's session and never commit; the caller (an API route, a CLI command)
commits once — except `ensure_first_staff`, which runs on its own at start-up.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from server.db.tables.staff import StaffUser
from server.domain.enums import StaffRole as StaffRole  # noqa: PLC0414  (re-exported: API and CLI import it here)
from server.errors import ConfigurationError, ConflictError, InvalidInputError, NotFoundError
from server.services.passwords import hash_password, needs_rehash, verify_password
from server.services.staff_actions import Subject, row_subject
from server.settings import ServerSettings

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,63}$"
# `/staff/me` names the caller, so no account may be called "me".
RESERVED_USERNAMES = frozenset({"me"})


class StaffRefusal(StrEnum):
    """Why a change to a staff account was refused; the console words each in the staff member's language."""

    BAD_USERNAME = "bad_username"
    RESERVED_USERNAME = "reserved_username"
    NO_FULL_NAME = "no_full_name"
    USERNAME_TAKEN = "username_taken"
    LAST_ADMIN = "last_admin"
    WRONG_PASSWORD = "wrong_password"  # noqa: S105 - the current password, when changing one's own, was wrong


class StaffInputError(InvalidInputError):
    def __init__(self, reason: StaffRefusal, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class StaffConflictError(ConflictError):
    def __init__(self, reason: StaffRefusal, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def normalise_username(username: str) -> str:
    return username.strip().lower()


def find_staff(session: Session, username: str) -> StaffUser | None:
    statement = select(StaffUser).where(StaffUser.username == normalise_username(username))
    return session.exec(statement).first()


def get_staff(session: Session, staff_id: int) -> StaffUser:
    staff = session.get(StaffUser, staff_id)
    if staff is None:
        raise NotFoundError(f"no staff user with id {staff_id}")
    return staff


def get_staff_by_username(session: Session, username: str) -> StaffUser:
    staff = find_staff(session, username)
    if staff is None:
        raise NotFoundError(f"no staff user named {normalise_username(username)!r}")
    return staff


def account_subject(session: Session, username: str) -> Subject:
    """A staff account as the subject of an audited change (server/services/staff_actions.py)."""
    name = normalise_username(username)
    return row_subject(session, f"staff:{name}", StaffUser, username=name)


def list_staff(session: Session, *, include_inactive: bool = True) -> list[StaffUser]:
    statement = select(StaffUser).order_by(col(StaffUser.username))
    if not include_inactive:
        statement = statement.where(col(StaffUser.is_active).is_(True))
    return list(session.exec(statement))


def create_staff(
    session: Session,
    *,
    username: str,
    full_name: str,
    password: str,
    role: StaffRole,
    now: datetime,
) -> StaffUser:
    name = normalise_username(username)
    if not re.fullmatch(USERNAME_PATTERN, name):
        raise StaffInputError(
            StaffRefusal.BAD_USERNAME,
            "a user name is 2-64 letters, digits, '.', '_' or '-', starting alphanumeric",
        )
    if name in RESERVED_USERNAMES:
        raise StaffInputError(StaffRefusal.RESERVED_USERNAME, f"the user name {name!r} is reserved")
    if not full_name.strip():
        raise StaffInputError(StaffRefusal.NO_FULL_NAME, "a staff user needs a full name")
    if find_staff(session, name) is not None:
        raise StaffConflictError(StaffRefusal.USERNAME_TAKEN, f"a staff user named {name!r} already exists")
    staff = StaffUser(
        username=name,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        role=StaffRole(role),
        created_at=now,
    )
    session.add(staff)
    try:
        session.flush()
    except sa.exc.IntegrityError as exc:  # a concurrent create of the same name
        raise StaffConflictError(
            StaffRefusal.USERNAME_TAKEN, f"a staff user named {name!r} already exists"
        ) from exc
    return staff


def set_password(session: Session, staff: StaffUser, password: str) -> None:
    """Replace the password and revoke every token issued so far."""
    staff.password_hash = hash_password(password)
    staff.token_version += 1
    session.add(staff)
    session.flush()


def change_own_password(session: Session, staff: StaffUser, current_password: str, new_password: str) -> None:
    """A staff member's own change: the current password first, then as `set_password`."""
    if not verify_password(staff.password_hash, current_password):
        raise StaffInputError(StaffRefusal.WRONG_PASSWORD, "the current password is not correct")
    set_password(session, staff, new_password)


def update_staff(
    session: Session,
    staff: StaffUser,
    *,
    full_name: str | None = None,
    role: StaffRole | None = None,
    is_active: bool | None = None,
) -> StaffUser:
    if full_name is not None:
        if not full_name.strip():
            raise StaffInputError(StaffRefusal.NO_FULL_NAME, "a staff user needs a full name")
        staff.full_name = full_name.strip()
    if role is not None:
        staff.role = StaffRole(role)
    if is_active is not None and is_active != staff.is_active:
        staff.is_active = is_active
        if not is_active:
            staff.token_version += 1  # a deactivated account's tokens stop working at once
    _keep_an_active_admin(session, staff)
    session.add(staff)
    session.flush()
    return staff


def set_locale(session: Session, staff: StaffUser, locale: str) -> None:
    """Remember the language the staff member chose for the console."""
    staff.locale = locale
    session.add(staff)
    session.flush()


def _keep_an_active_admin(session: Session, changed: StaffUser) -> None:
    if changed.role == StaffRole.ADMIN and changed.is_active:
        return
    others = (
        select(sa.func.count())
        .select_from(StaffUser)
        .where(
            StaffUser.role == StaffRole.ADMIN,
            col(StaffUser.is_active).is_(True),
            StaffUser.id != changed.id,
        )
    )
    if session.exec(others).one() == 0:
        raise StaffConflictError(
            StaffRefusal.LAST_ADMIN, "this is the last active administrator; appoint another one first"
        )


def authenticate(session: Session, username: str, password: str, *, now: datetime) -> StaffUser | None:
    """The active staff user with these credentials, or None. Upgrades an outdated hash on success."""
    staff = find_staff(session, username)
    valid = verify_password(staff.password_hash if staff else None, password)
    if staff is None or not valid or not staff.is_active:
        return None
    if needs_rehash(staff.password_hash):
        staff.password_hash = hash_password(password)
    staff.last_login_at = now
    session.add(staff)
    session.flush()
    return staff


def ensure_first_staff(engine: Engine, settings: ServerSettings) -> StaffUser | None:
    """Create the administrator named by `STACKS_FIRST_STAFF_USERNAME` if no staff user has that name.

    Returns the new account, or None when nothing was configured or the account already exists. An existing
    account is left untouched: the setting bootstraps a fresh installation, it does not reset passwords.
    """
    if not settings.first_staff_username:
        return None
    if settings.first_staff_password is None:
        raise ConfigurationError("STACKS_FIRST_STAFF_USERNAME is set but STACKS_FIRST_STAFF_PASSWORD is not")
    with Session(engine, expire_on_commit=False) as session:
        if find_staff(session, settings.first_staff_username) is not None:
            return None
        try:
            staff = create_staff(
                session,
                username=settings.first_staff_username,
                full_name=settings.first_staff_username,
                password=settings.first_staff_password.get_secret_value(),
                role=StaffRole.ADMIN,
                now=datetime.now(UTC),
            )
        except ConflictError:
            return None  # another server process created it a moment ago
        except InvalidInputError as exc:
            raise ConfigurationError(f"the first staff account cannot be created: {exc}") from exc
        session.commit()
        return staff
