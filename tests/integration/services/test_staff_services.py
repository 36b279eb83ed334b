"""Catalogue, patrons, holds, fines and loans as the REST API uses them, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from contract.common import ItemRef
from server.db.tables import ItemWithdrawal
from server.domain.entities import Patron
from server.domain.enums import BlockKind, FineStatus, HoldStatus, ItemStatus, LocationKind
from server.domain.lifecycle.condition import DamageKind
from server.domain.lifecycle.settings import LifecycleSettings
from server.errors import ConflictError, InvalidInputError, NotFoundError
from server.services import catalog, fines, holds, kiosk, loans, patrons, repairs
from server.services.context import CirculationContext
from server.services.listing import MAX_PAGE
from server.services.queries import counts
from tests.integration.services.statements import recorded
from tests.support import factories as make

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=UTC)


def test_records_and_items(session: Session, circulation: CirculationContext) -> None:
    shelf = make.location(
        session,
        code="TTTT-T3-D2-K4",
        kind="shelf",
        span_start="895.9",
        span_end="895.93",
    )
    record = catalog.create_record(
        session, title="Truyện Kiều", author="Nguyễn Du", call_number="895.9221 NG-D", year=2015, now=NOW
    )
    item = catalog.create_item(
        session,
        circulation,
        barcode="VV000123",
        record_id=record.id,
        item_type="book",
        tag_uid="e004015000000001",
        now=NOW,
    )
    assert item.home_location_id == shelf.id  # placed by call-number span
    assert item.tag_uid == "E004015000000001"
    assert catalog.shelf_for(session, "895.9221 NG-D") is not None
    assert catalog.shelf_for(session, "005.133 PY") is None
    assert [i.barcode for i in catalog.search_items(session, q="nguyen du")] == ["VV000123"]
    assert [
        i.barcode for i in catalog.search_items(session, q="truyện kiều", status=ItemStatus.AVAILABLE)
    ] == ["VV000123"]
    assert catalog.search_items(session, call_number="895.92") != []
    assert catalog.search_items(session, call_number="300") == []
    assert [i.barcode for i in catalog.search_items(session, location_code="TTTT-T3-D2-K4")] == ["VV000123"]
    assert catalog.item_by_ref(session, ItemRef(tag_uid="E004015000000001")).barcode == "VV000123"
    assert [r.title for r in catalog.search_records(session, q="kieu")] == ["Truyện Kiều"]
    assert catalog.list_locations(session, kind=LocationKind.SHELF)[0].code == "TTTT-T3-D2-K4"

    with pytest.raises(ConflictError, match="VV000123"):
        catalog.create_item(
            session, circulation, barcode="VV000123", record_id=record.id, item_type="book", now=NOW
        )
    with pytest.raises(InvalidInputError, match="item type"):
        catalog.create_item(
            session, circulation, barcode="VV000124", record_id=record.id, item_type="scroll", now=NOW
        )
    with pytest.raises(NotFoundError):
        catalog.get_item(session, 999999)

    damaged = catalog.update_item(
        session, item.id, status=ItemStatus.DAMAGED, now=NOW, lifecycle=LifecycleSettings(), by="staff:thuthu"
    )
    assert damaged.status is ItemStatus.DAMAGED
    with pytest.raises(ConflictError, match="checkout and checkin"):
        catalog.update_item(
            session,
            item.id,
            status=ItemStatus.ON_LOAN,
            now=NOW,
            lifecycle=LifecycleSettings(),
            by="staff:thuthu",
        )


def test_a_copy_withdrawn_by_hand_is_in_the_accession_register_and_taken_back_with_it(
    session: Session,
) -> None:
    """Withdrawing outside a weeding round (a copy lost and paid for, one destroyed) writes the register's
    withdrawal entry and releases the tag as a round's approval does; reinstating takes the entry back."""
    item = make.item(session, barcode="VV000777", tag_uid="E004015000000777")
    assert item.id is not None
    repairs.report_damage(session, item.id, [DamageKind.TORN], at=NOW - timedelta(days=2), by="staff:thuthu")
    withdrawn = catalog.update_item(
        session,
        item.id,
        status=ItemStatus.WITHDRAWN,
        now=NOW,
        lifecycle=LifecycleSettings(),
        by="staff:thuthu",
    )
    assert (withdrawn.status, withdrawn.tag_uid) == (ItemStatus.WITHDRAWN, None)
    entry = session.get(ItemWithdrawal, item.id)
    assert entry is not None
    assert (entry.withdrawn_at, entry.round_id, entry.by) == (NOW, None, "thuthu")
    assert (entry.released_tag_uid, entry.note) == ("E004015000000777", "withdrawn by hand")
    assert repairs.repair_queue(session) == []  # its open repair ticket cancelled
    later = NOW + timedelta(days=1)
    back = catalog.update_item(
        session,
        item.id,
        status=ItemStatus.AVAILABLE,
        now=later,
        lifecycle=LifecycleSettings(),
        by="staff:thuthu",
    )
    assert back.status is ItemStatus.AVAILABLE
    session.expire_all()
    assert session.get(ItemWithdrawal, item.id) is None


def test_patrons_never_expose_the_pin(session: Session, circulation: CirculationContext) -> None:
    created = patrons.create_patron(
        session,
        circulation,
        card_number="SV2100123",
        full_name="Phạm Minh Đức",
        category="undergraduate",
        expires_on=date(2027, 6, 30),
        pin="1357",
        now=NOW,
    )
    assert created.has_pin
    assert not any("hash" in f.name for f in fields(Patron))
    assert patrons.search_patrons(session, circulation, q="duc")[0].card_number == "SV2100123"
    assert patrons.search_patrons(session, circulation, q="SV21")[0].card_number == "SV2100123"
    with pytest.raises(ConflictError):
        patrons.create_patron(
            session,
            circulation,
            card_number="SV2100123",
            full_name="X",
            category="staff",
            expires_on=date(2027, 1, 1),
            now=NOW,
        )
    with pytest.raises(InvalidInputError, match="category"):
        patrons.update_patron(session, circulation, created.id, category="alumni")
    with pytest.raises(InvalidInputError, match="PIN"):
        patrons.set_pin(session, circulation, created.id, "12ab", now=NOW)

    for _ in range(5):
        kiosk.login(session, circulation, device_id="kiosk-1", card_number="SV2100123", pin="0000", now=NOW)
    assert patrons.get_patron(session, circulation, created.id).pin_locked
    assert not patrons.unlock_pin(session, circulation, created.id).pin_locked
    assert kiosk.login(
        session, circulation, device_id="kiosk-1", card_number="SV2100123", pin="1357", now=NOW
    ).decision.ok
    patrons.set_pin(session, circulation, created.id, "8642", now=NOW)
    assert kiosk.login(
        session, circulation, device_id="kiosk-1", card_number="SV2100123", pin="8642", now=NOW
    ).decision.ok
    assert not patrons.clear_pin(session, circulation, created.id, now=NOW).has_pin

    block = patrons.add_block(
        session, created.id, kind=BlockKind.LOST_CARD, staff="thuthu", now=NOW, note="Mất thẻ"
    )
    assert patrons.get_patron(session, circulation, created.id).blocks[0].kind is BlockKind.LOST_CARD
    patrons.lift_block(session, block.id, staff="thuthu", now=NOW)
    assert patrons.get_patron(session, circulation, created.id).blocks == ()
    assert len(patrons.list_blocks(session, created.id, include_lifted=True)) == 1
    with pytest.raises(ConflictError):
        patrons.lift_block(session, block.id, staff="thuthu", now=NOW)
    updated = patrons.update_patron(
        session, circulation, created.id, expires_on=date(2028, 6, 30), full_name="Phạm Minh Đức"
    )
    assert updated.expires_on == date(2028, 6, 30)


def test_holds_place_cancel_expire(session: Session, circulation: CirculationContext) -> None:
    reader, first, second = make.patron(session), make.patron(session), make.patron(session)
    title = make.record(session)
    book = make.item(session, title)
    make.loan(session, book, reader, due_at=NOW + timedelta(days=5))
    one = holds.place_hold(session, circulation, patron_id=first.id or 0, record_id=title.id or 0, now=NOW)
    two = holds.place_hold(
        session,
        circulation,
        patron_id=second.id or 0,
        record_id=title.id or 0,
        now=NOW + timedelta(minutes=1),
    )
    with pytest.raises(ConflictError, match="already has an open hold"):
        holds.place_hold(session, circulation, patron_id=first.id or 0, record_id=title.id or 0, now=NOW)
    with pytest.raises(ConflictError, match="on loan"):
        holds.place_hold(session, circulation, patron_id=reader.id or 0, record_id=title.id or 0, now=NOW)
    reference = make.item(session, make.record(session), item_type="reference")
    with pytest.raises(ConflictError, match="no holds"):
        holds.place_hold(
            session, circulation, patron_id=first.id or 0, record_id=reference.record_id, now=NOW
        )

    kiosk.checkin(session, circulation, device_id="return-1", item=ItemRef(barcode=book.barcode), now=NOW)
    ready = holds.list_holds(session, now=NOW, record_id=title.id, open_only=True)
    assert [(h.id, h.status) for h in ready] == [(one.id, HoldStatus.READY), (two.id, HoldStatus.WAITING)]

    # The first patron cancels: the item passes to the second.
    holds.cancel_hold(session, circulation, one.id, now=NOW)
    assert holds.list_holds(session, now=NOW, patron_id=second.id)[0].status is HoldStatus.READY
    assert book.status == "on_hold_shelf"
    # Nobody collects it: the hold expires and the item goes back on the shelf.
    assert holds.expire_holds(session, circulation, now=NOW + timedelta(days=10)) == 1
    assert book.status == "available"
    with pytest.raises(ConflictError):
        holds.cancel_hold(session, circulation, one.id, now=NOW)


def test_fines_pay_and_waive(session: Session) -> None:
    patron = make.patron(session)
    first, second = make.fine(session, patron, 10000), make.fine(session, patron, 6000)
    assert counts(session, patron.id or 0, NOW).fines_due == 16000
    part = fines.pay_fine(session, first.id or 0, amount=4000, staff="thuthu", now=NOW)
    assert (part.outstanding, part.status) == (6000, FineStatus.OUTSTANDING)
    assert fines.pay_fine(session, first.id or 0, staff="thuthu", now=NOW).status is FineStatus.PAID
    with pytest.raises(InvalidInputError):
        fines.pay_fine(session, second.id or 0, amount=7000, staff="thuthu", now=NOW)
    assert (
        fines.waive_fine(session, second.id or 0, staff="thuthu", note="Ốm", now=NOW).status
        is FineStatus.WAIVED
    )
    assert counts(session, patron.id or 0, NOW).fines_due == 0
    with pytest.raises(ConflictError):
        fines.waive_fine(session, second.id or 0, staff="thuthu", note="lần hai", now=NOW)
    third = make.fine(session, patron, 2000)
    with pytest.raises(InvalidInputError):  # a waiver always says why
        fines.waive_fine(session, third.id or 0, staff="thuthu", note="  ", now=NOW)
    assert len(fines.list_fines(session, patron_id=patron.id, status=FineStatus.PAID)) == 1


def test_loans_lists(session: Session, circulation: CirculationContext) -> None:
    patron = make.patron(session)
    late, soon = make.item(session), make.item(session)
    make.loan(session, late, patron, due_at=NOW - timedelta(days=3))
    make.loan(session, soon, patron, due_at=NOW + timedelta(days=3))
    assert [loan.barcode for loan in loans.list_loans(session, patron_id=patron.id)] == [
        late.barcode,
        soon.barcode,
    ]
    assert [loan.barcode for loan in loans.overdue_loans(session, now=NOW)] == [late.barcode]
    assert [loan.barcode for loan in loans.list_loans(session, due_before=NOW + timedelta(days=5))] == [
        late.barcode,
        soon.barcode,
    ]
    kiosk.checkin(session, circulation, device_id="return-1", item=ItemRef(barcode=late.barcode), now=NOW)
    history = loans.list_loans(session, item_id=late.id, open_only=False)
    assert history[0].returned_at == NOW
    assert loans.get_loan(session, history[0].id).barcode == late.barcode


@pytest.mark.parametrize(
    "listing",
    [
        lambda s, _c, n: catalog.search_records(s, limit=n),
        lambda s, _c, n: catalog.search_items(s, limit=n),
        lambda s, c, n: patrons.search_patrons(s, c, limit=n),
        lambda s, _c, n: holds.list_holds(s, now=NOW, limit=n),
        lambda s, _c, n: fines.list_fines(s, limit=n),
        lambda s, _c, n: loans.list_loans(s, limit=n),
    ],
    ids=["records", "items", "patrons", "holds", "fines", "loans"],
)
def test_every_staff_list_has_the_same_page_limits(
    session: Session,
    circulation: CirculationContext,
    listing: Callable[[Session, CirculationContext, int], list[object]],
) -> None:
    assert listing(session, circulation, MAX_PAGE) == []
    for wrong in (0, MAX_PAGE + 1):
        with pytest.raises(InvalidInputError, match=f"1 to {MAX_PAGE}"):
            listing(session, circulation, wrong)


def test_like_wildcards_in_searches_mean_themselves(
    session: Session, circulation: CirculationContext
) -> None:
    make.record(session, title="Giảm 50% học phí", author=None)
    make.record(session, title="Giảm 500 học phí", author=None)
    make.patron(session, full_name="Lê_Văn An")
    make.patron(session, full_name="Lê Văn An")
    assert [r.title for r in catalog.search_records(session, q="50%")] == ["Giảm 50% học phí"]
    assert [p.full_name for p in patrons.search_patrons(session, circulation, q="le_van")] == ["Lê_Văn An"]


def test_a_page_of_patrons_reads_their_blocks_in_one_query(
    session: Session, circulation: CirculationContext
) -> None:
    readers = [make.patron(session, full_name=f"Đỗ Thị Mai {n}") for n in range(6)]
    make.block(session, readers[1], kind="lost_card")
    make.block(session, readers[4])
    make.block(session, readers[4], kind="disciplinary")
    make.block(session, readers[5], lifted_at=NOW, lifted_by="thuthu")
    with recorded() as sql:
        found = patrons.search_patrons(session, circulation, q="do thi mai")
    assert len(sql.selecting_from("patron_block")) == 1
    blocks = {p.card_number: [b.kind.value for b in p.blocks] for p in found}
    assert blocks == {
        readers[0].card_number: [],
        readers[1].card_number: ["lost_card"],
        readers[2].card_number: [],
        readers[3].card_number: [],
        readers[4].card_number: ["manual", "disciplinary"],
        readers[5].card_number: [],
    }
