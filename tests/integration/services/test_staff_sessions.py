"""Console sessions on SQLite and PostgreSQL: made at sign-in, ended by logging out, by idling, by age, and
everywhere at once by a password change or a deactivation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from server.db.tables.access import StaffSession
from server.services import staff_sessions
from server.services.staff import set_password, update_staff
from server.services.staff_sessions import SessionRules
from tests.support.staff import staff

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
RULES = SessionRules(idle=timedelta(minutes=30), absolute=timedelta(hours=12))


def _stored(session: Session) -> list[StaffSession]:
    return list(session.execute(sa.select(StaffSession)).scalars())


def test_a_session_opens_with_its_token_and_only_a_hash_is_stored(session: Session) -> None:
    member = staff(session, "hoa.tran", "assistant")
    started = staff_sessions.start(session, member, NOW, RULES)
    session.commit()
    (row,) = _stored(session)
    assert row.token_hash == staff_sessions.token_hash(started.token) != started.token
    assert started.expires_at == NOW + timedelta(hours=12)
    resumed = staff_sessions.resume(session, started.token, NOW + timedelta(minutes=5), RULES)
    assert resumed is not None
    assert resumed.staff.username == "hoa.tran"
    assert resumed.csrf_token == started.csrf_token
    assert staff_sessions.resume(session, "a forged token", NOW, RULES) is None


def test_each_sign_in_is_a_new_session(session: Session) -> None:
    member = staff(session, "lan.nguyen")
    first = staff_sessions.start(session, member, NOW, RULES)
    second = staff_sessions.start(session, member, NOW, RULES)
    assert first.token != second.token
    assert first.csrf_token != second.csrf_token


def test_the_last_seen_time_moves_at_most_once_a_minute(session: Session) -> None:
    member = staff(session, "mai.le")
    started = staff_sessions.start(session, member, NOW, RULES)
    session.commit()
    staff_sessions.resume(session, started.token, NOW + timedelta(seconds=59), RULES)
    assert _stored(session)[0].last_seen_at == NOW
    staff_sessions.resume(session, started.token, NOW + timedelta(seconds=61), RULES)
    session.commit()
    assert _stored(session)[0].last_seen_at == NOW + timedelta(seconds=61)


def test_a_session_idle_too_long_ends_and_is_removed(session: Session) -> None:
    member = staff(session, "an.pham")
    started = staff_sessions.start(session, member, NOW, RULES)
    assert staff_sessions.resume(session, started.token, NOW + timedelta(minutes=29), RULES) is not None
    assert staff_sessions.resume(session, started.token, NOW + timedelta(minutes=59), RULES) is None
    assert _stored(session) == []


def test_a_busy_session_still_ends_at_its_absolute_limit(session: Session) -> None:
    member = staff(session, "binh.vo")
    started = staff_sessions.start(session, member, NOW, RULES)
    for step in range(1, 36):  # every 20 minutes, to 11 h 40
        moment = NOW + timedelta(minutes=20 * step)
        assert staff_sessions.resume(session, started.token, moment, RULES) is not None
    assert staff_sessions.resume(session, started.token, NOW + timedelta(hours=12), RULES) is None


def test_a_password_change_or_a_deactivation_ends_every_session(session: Session) -> None:
    member = staff(session, "cuong.do")
    staff(session, "admin", "admin")
    desk = staff_sessions.start(session, member, NOW, RULES)
    office = staff_sessions.start(session, member, NOW, RULES)
    set_password(session, member, "a brand new password")
    session.commit()
    assert staff_sessions.resume(session, desk.token, NOW, RULES) is None
    assert staff_sessions.resume(session, office.token, NOW, RULES) is None
    again = staff_sessions.start(session, member, NOW, RULES)
    assert staff_sessions.resume(session, again.token, NOW, RULES) is not None
    update_staff(session, member, is_active=False)
    session.commit()
    assert staff_sessions.resume(session, again.token, NOW, RULES) is None


def test_logging_out_ends_the_session_and_a_check_sees_it(session: Session) -> None:
    member = staff(session, "duc.ho")
    started = staff_sessions.start(session, member, NOW, RULES)
    resumed = staff_sessions.resume(session, started.token, NOW, RULES)
    assert resumed is not None
    assert staff_sessions.still_valid(session, resumed, NOW, RULES)
    staff_sessions.end(session, started.token)
    session.commit()
    assert not staff_sessions.still_valid(session, resumed, NOW, RULES)
    assert staff_sessions.resume(session, started.token, NOW, RULES) is None


def test_signing_in_clears_away_expired_sessions(session: Session) -> None:
    member = staff(session, "em.ly")
    staff_sessions.start(session, member, NOW, RULES)
    staff_sessions.start(session, member, NOW + timedelta(hours=1), RULES)
    assert len(_stored(session)) == 1  # the first had idled out; the second sign-in purged it
