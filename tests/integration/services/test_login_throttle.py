"""Sign-in throttling, on SQLite and PostgreSQL: every rule, as the REST API and the console meet it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from server.db.tables.access import LoginThrottle
from server.domain.throttle import ThrottleRules
from server.services import login_throttle
from server.services.login_throttle import Throttling, sign_in
from tests.support.staff import PASSWORD, staff

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
ADDRESS = "192.0.2.10"


def _rules(free: int, lock: int) -> ThrottleRules:
    return ThrottleRules(
        free_failures=free,
        first_delay=timedelta(seconds=2),
        max_delay=timedelta(seconds=60),
        lock_failures=lock,
        lock_for=timedelta(minutes=15),
        forget_after=timedelta(hours=1),
    )


THROTTLING = Throttling(account=_rules(3, 10), address=_rules(20, 100))


def _wrong(session: Session, username: str, now: datetime, address: str = ADDRESS) -> login_throttle.SignIn:
    attempt = sign_in(session, username, "wrong password", address=address, now=now, throttling=THROTTLING)
    session.commit()
    return attempt


def _right(session: Session, username: str, now: datetime, address: str = ADDRESS) -> login_throttle.SignIn:
    attempt = sign_in(session, username, PASSWORD, address=address, now=now, throttling=THROTTLING)
    session.commit()
    return attempt


def test_three_failures_cost_nothing_the_fourth_makes_the_next_attempt_wait(session: Session) -> None:
    staff(session, "hoa.tran")
    session.commit()
    for n in range(3):
        assert _wrong(session, "hoa.tran", NOW + timedelta(seconds=n)) == login_throttle.SignIn()
    fourth = _wrong(session, "hoa.tran", NOW + timedelta(seconds=3))
    assert fourth.refused == login_throttle.Refusal(until=NOW + timedelta(seconds=5), locked=False)
    # While waiting, even the right password is not looked at.
    early = _right(session, "hoa.tran", NOW + timedelta(seconds=4))
    assert early.staff is None
    assert early.refused is not None
    assert early.refused.seconds_left(NOW + timedelta(seconds=4)) == 1
    # The refused attempt was not counted: once the wait is over, the right password works.
    assert _right(session, "hoa.tran", NOW + timedelta(seconds=5)).staff is not None


def test_each_further_failure_doubles_the_wait_up_to_the_ceiling_then_locks(session: Session) -> None:
    now = NOW
    waits = []
    for _ in range(11):
        refused = _wrong(session, "lan.nguyen", now).refused
        waits.append(int((refused.until - now).total_seconds()) if refused else 0)
        now = refused.until if refused else now + timedelta(seconds=1)
    assert waits == [0, 0, 0, 2, 4, 8, 16, 32, 60, 900, 900]
    locked = login_throttle.refusal(session, "lan.nguyen", ADDRESS, now - timedelta(seconds=1), THROTTLING)
    assert locked is not None
    assert locked.locked


def test_an_unknown_user_name_is_throttled_like_a_real_one(session: Session) -> None:
    """The answer never tells whether the account exists."""
    staff(session, "real.person")
    session.commit()
    for username in ("real.person", "no.such.person"):
        answers = [_wrong(session, username, NOW + timedelta(seconds=n)).refused for n in range(4)]
        assert answers[:3] == [None, None, None]
        assert answers[3] == login_throttle.Refusal(until=NOW + timedelta(seconds=5), locked=False)


def test_a_quiet_spell_forgets_the_run(session: Session) -> None:
    for n in range(3):
        _wrong(session, "mai.le", NOW + timedelta(seconds=n))
    later = NOW + timedelta(hours=1, seconds=3)
    assert _wrong(session, "mai.le", later).refused is None  # counted as the first again


def test_success_forgets_the_account_but_not_the_address(session: Session) -> None:
    staff(session, "an.pham")
    session.commit()
    for n in range(3):
        _wrong(session, "an.pham", NOW + timedelta(seconds=n))
    assert _right(session, "an.pham", NOW + timedelta(seconds=3)).staff is not None
    assert _wrong(session, "an.pham", NOW + timedelta(seconds=4)).refused is None  # a new run
    address_row = session.get(LoginThrottle, login_throttle.address_key(ADDRESS))
    assert address_row is not None
    assert address_row.failures == 4


def test_one_address_guessing_many_names_is_slowed_then_locked(session: Session) -> None:
    throttling = Throttling(account=THROTTLING.account, address=_rules(2, 5))
    now = NOW
    answers = []
    for n in range(5):
        refused = sign_in(session, f"guess{n}", "x", address=ADDRESS, now=now, throttling=throttling).refused
        answers.append(refused)
        now = refused.until if refused else now
    assert [a is not None for a in answers] == [False, False, True, True, True]
    assert [a is not None and a.locked for a in answers] == [False, False, False, False, True]
    just_before = now - timedelta(seconds=1)
    other = sign_in(session, "anyone", "x", address=ADDRESS, now=just_before, throttling=throttling)
    assert other.refused is not None
    assert other.refused.locked
    elsewhere = sign_in(session, "anyone", "x", address="198.51.100.7", now=now, throttling=throttling)
    assert elsewhere.refused is None


def test_an_administrator_unlocks_a_user_name(session: Session) -> None:
    staff(session, "binh.vo")
    session.commit()
    now = NOW
    for _ in range(10):
        refused = _wrong(session, "binh.vo", now, address=f"203.0.113.{_}").refused
        now = refused.until if refused else now
    held = login_throttle.held_back_accounts(session, now - timedelta(seconds=1))
    assert [(h.username, h.failures) for h in held] == [("binh.vo", 10)]
    assert login_throttle.unlock(session, "BINH.VO") is True
    session.commit()
    assert login_throttle.held_back_accounts(session, now - timedelta(seconds=1)) == []
    assert _right(session, "binh.vo", now - timedelta(seconds=1), address="203.0.113.99").staff is not None
    assert login_throttle.unlock(session, "binh.vo") is False


def test_an_inactive_account_fails_like_a_wrong_password(session: Session) -> None:
    staff(session, "cuong.do", is_active=False)
    session.commit()
    attempts = [_right(session, "cuong.do", NOW + timedelta(seconds=n)) for n in range(4)]
    assert all(attempt.staff is None for attempt in attempts)
    assert attempts[-1].refused is not None


@pytest.mark.usefixtures("database_url")
def test_processes_counting_at_once_count_every_failure(session: Session) -> None:
    """Several server processes share the counts: failures from two connections at once all count."""
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    gate = threading.Barrier(4)

    def fail() -> None:
        with Session(engine) as own:
            gate.wait()
            sign_in(own, "shared.name", "wrong", address=None, now=NOW, throttling=THROTTLING)
            own.commit()

    threads = [threading.Thread(target=fail) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    row = session.get(LoginThrottle, login_throttle.account_key("shared.name"))
    assert row is not None
    assert row.failures == 4
