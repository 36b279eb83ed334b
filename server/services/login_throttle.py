"""Staff sign-in, slowed down and then locked after repeated failures: the REST API's token route and the
console's log-in page both sign in through `sign_in`.

Failures are counted per user name (`account:<name>`, whether or not such an account exists, so the answer
never tells) and per client address (`address:<ip>`, with higher thresholds: a reading room shares one
address). While either is waiting, attempts are refused before the password is even looked at. The counts
live in the database, so every server process on it agrees. A success forgets its user name's failures (not
its address's: one's own account must not wash an address that is guessing others). An administrator may
unlock a user name (`unlock`: the console's staff page, `stacks staff unlock`).

Like every service, none of this commits: the caller commits once, failures included.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from server.db.tables.access import LoginThrottle
from server.db.tables.staff import StaffUser
from server.domain.throttle import ThrottleRules, is_lock, run_length, wait_after
from server.services.columns import table_of
from server.services.queries import lock_row
from server.services.staff import authenticate, normalise_username
from server.services.staff_actions import Subject, row_subject
from server.settings import ServerSettings

THROTTLE = table_of(LoginThrottle)
ACCOUNT = "account:"
ADDRESS = "address:"


@dataclass(frozen=True, slots=True)
class Throttling:
    """The rules for user names and for client addresses."""

    account: ThrottleRules
    address: ThrottleRules

    @classmethod
    def from_settings(cls, settings: ServerSettings) -> Throttling:
        def rules(free: int, lock: int) -> ThrottleRules:
            return ThrottleRules(
                free_failures=free,
                first_delay=timedelta(seconds=settings.login_first_delay_s),
                max_delay=timedelta(seconds=settings.login_max_delay_s),
                lock_failures=lock,
                lock_for=timedelta(minutes=settings.login_lock_minutes),
                forget_after=timedelta(minutes=settings.login_forget_minutes),
            )

        return cls(
            account=rules(settings.login_free_failures, settings.login_lock_failures),
            address=rules(settings.login_address_free_failures, settings.login_address_lock_failures),
        )


@dataclass(frozen=True, slots=True)
class Refusal:
    """Attempts are refused until `until`; `locked` when it is the lock rather than a slow-down."""

    until: datetime
    locked: bool

    def seconds_left(self, now: datetime) -> int:
        """Whole seconds to wait, rounded up (a Retry-After header, "try again in …")."""
        return max(1, math.ceil((self.until - now).total_seconds()))


@dataclass(frozen=True, slots=True)
class SignIn:
    """What a sign-in attempt came to: the staff member, or a refusal to try now, or neither (wrong)."""

    staff: StaffUser | None = None
    refused: Refusal | None = None


def account_key(username: str) -> str:
    return ACCOUNT + normalise_username(username)[:100]


def address_key(address: str) -> str:
    return ADDRESS + address[:100]


def _keys(username: str, address: str | None) -> list[tuple[str, bool]]:
    """Each key with whether it names a user name (True) or an address (False)."""
    keys = [(account_key(username), True)]
    if address:
        keys.append((address_key(address), False))
    return keys


def refusal(
    session: Session, username: str, address: str | None, now: datetime, throttling: Throttling
) -> Refusal | None:
    """Whether attempts for this user name or from this address must wait now, and until when."""
    rules = dict(_keys(username, address))
    rows = session.exec(select(LoginThrottle).where(col(LoginThrottle.key).in_(list(rules)))).all()
    waiting = [
        Refusal(
            until=row.blocked_until,
            locked=is_lock(row.failures, throttling.account if rules[row.key] else throttling.address),
        )
        for row in rows
        if row.blocked_until is not None and row.blocked_until > now
    ]
    return max(waiting, key=lambda r: r.until) if waiting else None


def _insert_missing(session: Session, key: str, now: datetime) -> None:
    values = {"key": key, "failures": 0, "last_failure_at": now, "blocked_until": None}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(postgresql.insert(THROTTLE).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite.insert(THROTTLE).values(values).on_conflict_do_nothing())
    else:  # pragma: no cover - the two engines Stacks supports are above
        raise NotImplementedError(dialect)


def record_failure(
    session: Session, username: str, address: str | None, now: datetime, throttling: Throttling
) -> Refusal | None:
    """Count a failed attempt for the user name and the address; the refusal it brings on, if any."""
    refusals = []
    for key, is_account in _keys(username, address):
        rules = throttling.account if is_account else throttling.address
        _insert_missing(session, key, now)
        row = lock_row(session, LoginThrottle, key)  # two processes counting at once take turns
        assert row is not None
        row.failures = run_length(row.failures, row.last_failure_at, now, rules)
        row.last_failure_at = now
        wait = wait_after(row.failures, rules)
        row.blocked_until = now + wait if wait else None
        session.add(row)
        if wait:
            refusals.append(Refusal(until=now + wait, locked=is_lock(row.failures, rules)))
    session.flush()
    return max(refusals, key=lambda r: r.until) if refusals else None


def forget_failures(session: Session, username: str) -> None:
    """A successful sign-in: the user name's run of failures is over."""
    session.execute(sa.delete(THROTTLE).where(THROTTLE.c.key == account_key(username)))


def unlock(session: Session, username: str) -> bool:
    """An administrator lets the user name sign in again at once; False when nothing held it back."""
    key = account_key(username)
    held = session.execute(sa.select(THROTTLE.c.key).where(THROTTLE.c.key == key)).first() is not None
    session.execute(sa.delete(THROTTLE).where(THROTTLE.c.key == key))
    return held


def unlock_subject(session: Session, username: str) -> Subject:
    """A user name's failed sign-ins as the subject of an audited unlock (services/staff_actions.py)."""
    name = normalise_username(username)
    return row_subject(session, f"sign-in:{name}", LoginThrottle, key=account_key(name))


@dataclass(frozen=True, slots=True)
class HeldBack:
    username: str
    failures: int
    until: datetime


def held_back_accounts(session: Session, now: datetime) -> list[HeldBack]:
    """User names whose attempts must wait now, for the staff page."""
    statement = (
        select(LoginThrottle)
        .where(col(LoginThrottle.key).startswith(ACCOUNT), col(LoginThrottle.blocked_until) > now)
        .order_by(col(LoginThrottle.key))
    )
    return [
        HeldBack(row.key.removeprefix(ACCOUNT), row.failures, row.blocked_until or now)
        for row in session.exec(statement)
    ]


def sign_in(
    session: Session,
    username: str,
    password: str,
    *,
    address: str | None,
    now: datetime,
    throttling: Throttling,
) -> SignIn:
    """Check the throttle, then the password; count the failure or forget the run. The caller commits
    whatever the answer (a failure must stay counted)."""
    waiting = refusal(session, username, address, now, throttling)
    if waiting is not None:
        return SignIn(refused=waiting)
    staff = authenticate(session, username, password, now=now)
    if staff is None:
        return SignIn(refused=record_failure(session, username, address, now, throttling))
    forget_failures(session, username)
    return SignIn(staff=staff)
