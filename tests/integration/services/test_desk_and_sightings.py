"""Desk circulation and bulk sightings, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from contract.common import ItemRef
from contract.events import SeenContext
from contract.replies import ReasonCode
from server.db.tables import Loan
from server.domain.lifecycle.settings import LifecycleSettings
from server.services.circulation import renew_for
from server.services.columns import SIGHTING
from server.services.context import CirculationContext
from server.services.desk import desk_checkin, desk_checkout, desk_renew
from server.services.sightings import Sighting, record_sightings
from tests.integration.services.statements import recorded
from tests.support import factories as make

LIFECYCLE = LifecycleSettings()  # the domain's defaults, as config/lifecycle.toml ships them
NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)  # Monday 10:00 in Hồ Chí Minh City


def test_desk_checkout_renew_checkin(session: Session, circulation: CirculationContext) -> None:
    patron = make.patron(session, category="postgraduate", pin=None)  # no PIN needed at the desk
    book = make.item(session)
    ref = ItemRef(barcode=book.barcode)
    out = desk_checkout(
        session, circulation, staff="thuthu", card_number=patron.card_number, item=ref, now=NOW
    )
    assert out.decision.code is ReasonCode.OK
    assert out.due_at is not None
    loan = session.execute(sa.select(Loan)).scalar_one()
    assert loan.checkout_by == "staff:thuthu"

    # Without a card number the loan's own borrower renews.
    renewed = desk_renew(
        session, circulation, staff="thuthu", card_number=None, item=ref, now=NOW + timedelta(days=1)
    )
    assert renewed.decision.code is ReasonCode.OK
    assert renewed.renewals_left == 2
    wrong = desk_renew(
        session, circulation, staff="thuthu", card_number=make.patron(session).card_number, item=ref, now=NOW
    )
    assert wrong.decision.code is ReasonCode.NOT_YOUR_LOAN

    back = desk_checkin(session, circulation, staff="thuthu", item=ref, now=NOW + timedelta(days=2))
    assert back.decision.code is ReasonCode.OK
    assert loan.checkin_by == "staff:thuthu"
    again = desk_checkin(session, circulation, staff="thuthu", item=ref, now=NOW + timedelta(days=2))
    assert again.decision.code is ReasonCode.NOT_ON_LOAN


@pytest.mark.parametrize(
    ("card", "barcode", "code"),
    [
        ("SV0000000", None, ReasonCode.UNKNOWN_PATRON),
        (None, None, ReasonCode.NOT_ON_LOAN),  # nobody named, and the item is on the shelf
        (None, "VV999999", ReasonCode.UNKNOWN_ITEM),
    ],
)
def test_desk_without_a_known_patron(
    session: Session, circulation: CirculationContext, card: str | None, barcode: str | None, code: ReasonCode
) -> None:
    ref = ItemRef(barcode=barcode or make.item(session).barcode)
    if card is not None:
        out = desk_checkout(session, circulation, staff="thuthu", card_number=card, item=ref, now=NOW)
        assert out.decision.code is code
    renewed = desk_renew(session, circulation, staff="thuthu", card_number=card, item=ref, now=NOW)
    assert renewed.decision.code is code


def test_an_unknown_card_does_not_renew_for_the_borrower(
    session: Session, circulation: CirculationContext
) -> None:
    """A card number that names nobody is refused, never taken as "the loan's own borrower"."""
    book = make.item(session)
    loan = make.loan(session, book, make.patron(session), due_at=NOW + timedelta(days=2))
    ref = ItemRef(barcode=book.barcode)
    renewed = desk_renew(session, circulation, staff="thuthu", card_number="SV0000000", item=ref, now=NOW)
    assert renewed.decision.code is ReasonCode.UNKNOWN_PATRON
    assert loan.renewals == 0


def test_renew_for_nobody_looks_nothing_up(session: Session, circulation: CirculationContext) -> None:
    """An unknown card is answered before the item is looked up (and, on SQLite, locked)."""
    book = make.item(session)
    with recorded() as sql:
        outcome = renew_for(session, circulation, None, ItemRef(barcode=book.barcode), now=NOW, by="staff:x")
    assert outcome.decision.code is ReasonCode.UNKNOWN_PATRON
    assert sql == []


def test_checkin_finds_a_missing_item(session: Session, circulation: CirculationContext) -> None:
    book = make.item(session, status="missing")
    out = desk_checkin(session, circulation, staff="thuthu", item=ItemRef(tag_uid=book.tag_uid), now=NOW)
    assert out.decision.code is ReasonCode.NOT_ON_LOAN
    assert book.status == "available"


def test_sightings_in_bulk(session: Session) -> None:
    books = [make.item(session) for _ in range(3)]
    sightings = [
        Sighting("hh-1", NOW, ItemRef(tag_uid=books[0].tag_uid), "TTTT-T3-D1-K2", SeenContext.STOCKTAKE),
        Sighting(
            "hh-1",
            NOW - timedelta(hours=1),
            ItemRef(tag_uid=books[0].tag_uid),
            "TTTT-T3-D1-K1",
            SeenContext.STOCKTAKE,
        ),
        Sighting(
            "gate-1", NOW + timedelta(minutes=5), ItemRef(barcode=books[1].barcode), None, SeenContext.GATE
        ),
        Sighting("hh-1", NOW, ItemRef(tag_uid="E004015099999999"), "TTTT-T3-D1-K2", "stocktake"),
    ]
    record_sightings(session, sightings, lifecycle=LIFECYCLE)
    rows = session.execute(sa.select(SIGHTING).order_by(SIGHTING.c.id)).all()
    assert len(rows) == 4
    assert rows[3].item_id is None  # an unknown tag is kept, not dropped
    assert rows[3].tag_uid == "E004015099999999"
    session.expire_all()
    assert (books[0].last_seen_at, books[0].last_seen_location) == (NOW, "TTTT-T3-D1-K2")  # the newest
    assert books[1].last_seen_at == NOW + timedelta(minutes=5)
    assert books[2].last_seen_at is None

    # An older sighting arriving late does not move last-seen backwards; a gate keeps the known place.
    record_sightings(
        session,
        [
            Sighting(
                "hh-2", NOW - timedelta(days=1), ItemRef(tag_uid=books[0].tag_uid), "X", SeenContext.STOCKTAKE
            ),
            Sighting(
                "gate-1", NOW + timedelta(hours=1), ItemRef(tag_uid=books[0].tag_uid), None, SeenContext.GATE
            ),
        ],
        lifecycle=LIFECYCLE,
    )
    session.expire_all()
    assert (books[0].last_seen_at, books[0].last_seen_location) == (NOW + timedelta(hours=1), "TTTT-T3-D1-K2")
    record_sightings(session, [], lifecycle=LIFECYCLE)


def test_many_sightings_cross_the_lookup_chunks(session: Session) -> None:
    book = make.item(session)
    sightings = [
        Sighting(
            "hh-1", NOW + timedelta(seconds=n), ItemRef(barcode=f"VX{n:06d}"), "K1", SeenContext.STOCKTAKE
        )
        for n in range(1200)
    ]
    sightings.append(Sighting("hh-1", NOW, ItemRef(barcode=book.barcode), "K1", SeenContext.STOCKTAKE))
    record_sightings(session, sightings, lifecycle=LIFECYCLE)
    total = session.execute(sa.select(sa.func.count()).select_from(SIGHTING)).scalar_one()
    known = session.execute(
        sa.select(sa.func.count()).select_from(SIGHTING).where(SIGHTING.c.item_id.is_not(None))
    ).scalar_one()
    assert (total, known) == (1201, 1)
