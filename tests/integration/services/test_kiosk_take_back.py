"""A kiosk's take-back names the kiosk session whose loan it undoes, so that one queued through an outage
closes that loan and nothing else — on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from contract.common import ItemRef
from contract.replies import ReasonCode
from server.db.tables import Item, Loan, Patron
from server.services import circulation as desk
from server.services import kiosk
from server.services.columns import LOAN
from server.services.context import CirculationContext
from tests.support import factories as make

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
KIOSK = "kiosk-1"


def _lent_at_the_kiosk(
    session: Session, circulation: CirculationContext, patron: Patron, book: Item
) -> uuid.UUID:
    signed_in = kiosk.login(
        session, circulation, device_id=KIOSK, card_number=patron.card_number, pin=make.DEFAULT_PIN, now=NOW
    )
    assert signed_in.session_id is not None
    lent = kiosk.checkout(
        session,
        circulation,
        device_id=KIOSK,
        session_id=signed_in.session_id,
        item=ItemRef(tag_uid=book.tag_uid),
        now=NOW,
    )
    assert lent.decision.code is ReasonCode.OK
    return signed_in.session_id


def _taken_back(
    session: Session, circulation: CirculationContext, book: Item, visit: uuid.UUID, at: datetime
) -> ReasonCode:
    outcome = kiosk.checkin(
        session, circulation, device_id=KIOSK, item=ItemRef(tag_uid=book.tag_uid), now=at, taking_back=visit
    )
    return outcome.decision.code


def _open_loan(session: Session, book: Item) -> Loan | None:
    query = sa.select(LOAN.c.id).where(LOAN.c.item_id == book.id, LOAN.c.returned_at.is_(None))
    loan_id = session.execute(query).scalar_one_or_none()
    return session.get(Loan, loan_id) if loan_id is not None else None


def test_a_take_back_closes_the_loan_made_in_its_session(
    session: Session, circulation: CirculationContext
) -> None:
    reader, book = make.patron(session), make.item(session)
    visit = _lent_at_the_kiosk(session, circulation, reader, book)
    assert _taken_back(session, circulation, book, visit, NOW + timedelta(seconds=2)) is ReasonCode.OK
    assert _open_loan(session, book) is None
    assert book.status == "available"


def test_a_take_back_that_waited_through_an_outage_leaves_a_later_loan_alone(
    session: Session, circulation: CirculationContext
) -> None:
    """The kiosk lent the book, could not unsecure its tag and queued the take-back; the network went.
    Meanwhile the reader returned it at the desk and the desk lent it to someone else. The take-back,
    delivered at last, must not close that loan."""
    reader, other, book = make.patron(session), make.patron(session), make.item(session)
    visit = _lent_at_the_kiosk(session, circulation, reader, book)
    desk.checkin_at(
        session, circulation, ItemRef(tag_uid=book.tag_uid), now=NOW + timedelta(minutes=5), by="staff:thuthu"
    )
    lent_again = desk.checkout_for(
        session,
        circulation,
        other,
        ItemRef(tag_uid=book.tag_uid),
        now=NOW + timedelta(minutes=6),
        by="staff:thuthu",
    )
    assert lent_again.decision.code is ReasonCode.OK
    code = _taken_back(session, circulation, book, visit, NOW + timedelta(hours=2))
    assert code is ReasonCode.NOT_ON_LOAN
    loan = _open_loan(session, book)
    assert loan is not None
    assert loan.patron_id == other.id
    assert book.status == "on_loan"
