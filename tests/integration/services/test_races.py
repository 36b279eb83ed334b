"""Two kiosks racing for one book: one loan, one clear refusal, no error — on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from contract.common import ItemRef
from contract.replies import ReasonCode
from server.db.engine import make_engine
from server.db.migrate import upgrade
from server.services import kiosk
from server.services.columns import LOAN
from tests.support import factories as make

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def test_one_book_two_kiosks(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        readers = [make.patron(session), make.patron(session)]
        book = make.item(session)
        session.commit()
        cards, barcode = [r.card_number for r in readers], book.barcode
    sessions: list[uuid.UUID] = []
    for n, card in enumerate(cards):
        with Session(engine) as session:
            login = kiosk.login(
                session, device_id=f"kiosk-{n}", card_number=card, pin=make.DEFAULT_PIN, now=NOW
            )
            session.commit()
            assert login.session_id is not None
            sessions.append(login.session_id)

    start = threading.Barrier(2)
    codes: list[ReasonCode] = []

    def borrow(n: int) -> None:
        with Session(engine) as session:
            start.wait()
            outcome = kiosk.checkout(
                session,
                device_id=f"kiosk-{n}",
                session_id=sessions[n],
                item=ItemRef(barcode=barcode),
                now=NOW,
            )
            session.commit()
            codes.append(outcome.decision.code)

    threads = [threading.Thread(target=borrow, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(codes) == sorted([ReasonCode.OK, ReasonCode.ON_LOAN_TO_OTHER])
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(LOAN)).scalar_one() == 1
    engine.dispose()
