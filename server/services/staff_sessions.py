"""Console sessions: a staff member signed in to the browser console, kept on the server side.

The browser holds a random token in a cookie; the database holds its SHA-256 only, the staff member, the
account's token version when the session began, the session's CSRF token and its times. A session ends:

- when the staff member logs out (the row is deleted);
- after `idle` without a request, or `absolute` after signing in, whichever comes first;
- at once, everywhere, when the password changes or the account is deactivated: both raise the account's
  token version, which then no longer matches the session's.

Signing in always makes a new session (a token planted before signing in is worth nothing after). The last
request's time is written at most once a minute, not on every request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables.access import StaffSession
from server.db.tables.staff import StaffUser
from server.services.columns import table_of
from server.services.queries import require_id
from server.settings import ServerSettings

SESSION = table_of(StaffSession)
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class SessionRules:
    idle: timedelta
    absolute: timedelta

    @classmethod
    def from_settings(cls, settings: ServerSettings) -> SessionRules:
        return cls(
            idle=timedelta(minutes=settings.console_idle_minutes),
            absolute=timedelta(hours=settings.console_session_hours),
        )


@dataclass(frozen=True, slots=True)
class NewSession:
    token: str  # for the cookie only: never stored
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A valid session and whose it is."""

    staff: StaffUser
    csrf_token: str
    token_hash: str
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(session: Session, staff: StaffUser, now: datetime, rules: SessionRules) -> NewSession:
    """A new session for a staff member who has just signed in; old, expired sessions are cleared away."""
    purge(session, now, rules)
    token = secrets.token_urlsafe(32)
    row = StaffSession(
        token_hash=token_hash(token),
        staff_id=require_id(staff.id),
        token_version=staff.token_version,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + rules.absolute,
    )
    session.add(row)
    session.flush()
    return NewSession(token=token, csrf_token=row.csrf_token, expires_at=row.expires_at)


def resume(session: Session, token: str, now: datetime, rules: SessionRules) -> SignedIn | None:
    """The session this token opens, or None (unknown, expired, idle too long, or its account's password
    changed or the account was deactivated since). Moves its last-seen time when a minute has passed."""
    hashed = token_hash(token)
    row = session.get(StaffSession, hashed)
    if row is None:
        return None
    staff = session.get(StaffUser, row.staff_id)
    valid = (
        staff is not None
        and staff.is_active
        and staff.token_version == row.token_version
        and now < row.expires_at
        and now < row.last_seen_at + rules.idle
    )
    if not valid or staff is None:
        session.delete(row)
        session.flush()
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
        session.flush()
    return SignedIn(staff=staff, csrf_token=row.csrf_token, token_hash=hashed, expires_at=row.expires_at)


def still_valid(session: Session, signed_in: SignedIn, now: datetime, rules: SessionRules) -> bool:
    """Whether a session found valid earlier still is (a long-lived live stream asks before each update);
    reads only, so an open stream does not keep an idle session alive."""
    row = session.get(StaffSession, signed_in.token_hash, populate_existing=True)
    if row is None or now >= row.expires_at or now >= row.last_seen_at + rules.idle:
        return False
    staff = session.get(StaffUser, row.staff_id, populate_existing=True)
    return staff is not None and staff.is_active and staff.token_version == row.token_version


def end(session: Session, token: str) -> None:
    """Log out: the session is gone."""
    session.execute(sa.delete(SESSION).where(SESSION.c.token_hash == token_hash(token)))


def end_all(session: Session, staff_id: int) -> None:
    """Every session of one staff member ends."""
    session.execute(sa.delete(SESSION).where(SESSION.c.staff_id == staff_id))


def purge(session: Session, now: datetime, rules: SessionRules) -> None:
    """Remove sessions that can no longer be used."""
    session.execute(
        sa.delete(SESSION).where(
            sa.or_(SESSION.c.expires_at <= now, SESSION.c.last_seen_at <= now - rules.idle)
        )
    )
