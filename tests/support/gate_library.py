"""A small library for the gate's server tests: a book on the shelf, one on loan from a kiosk whose tag
stayed secured, one returned, and a borrower whose name and card must never appear in an alarm."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from server.db.tables import Item, Patron
from server.domain.enums import ItemStatus
from tests.support import factories as make

# Monday 2 March 2026, 09:00 in Hà Nội.
MORNING = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
LENT_AT = MORNING - timedelta(days=3)
LENDING_KIOSK = "device:kiosk-02"
BORROWER_CARD = "SV2177777"
BORROWER_NAME = "Lê Thị Mượn Sách"


@dataclass
class GateLibrary:
    on_shelf: Item  # available: an alarm for it is `not_borrowed`
    lent_armed: Item  # on loan from kiosk-02: an alarm for it is `borrowed_armed`
    returned: Item  # lent before and returned: `not_borrowed`, with its last loan
    borrower: Patron


def gate_library(session: Session) -> GateLibrary:
    """The rows, flushed; the caller commits."""
    title = make.record(session, title="Dế Mèn phiêu lưu ký", call_number="895.9223 TO-H")
    borrower = make.patron(session, card_number=BORROWER_CARD, full_name=BORROWER_NAME)
    on_shelf = make.item(session, title)
    lent_armed = make.item(session, title)
    make.loan(
        session,
        lent_armed,
        borrower,
        due_at=LENT_AT + timedelta(days=14),
        checked_out_at=LENT_AT,
        checkout_by=LENDING_KIOSK,
    )
    returned = make.item(session, title)
    make.loan(
        session,
        returned,
        borrower,
        due_at=LENT_AT - timedelta(days=2),
        checked_out_at=LENT_AT - timedelta(days=16),
        checkout_by="staff:thuthu",
        returned_at=LENT_AT - timedelta(days=3),
        checkin_by="device:kiosk-01",
    )
    returned.status = ItemStatus.AVAILABLE  # back on the shelf
    session.flush()
    return GateLibrary(on_shelf, lent_armed, returned, borrower)
