"""The kiosk's RFID pad against the virtual FEIG reader on a real pty: books are identified from their
ISO 28560-3 tags (or by UID when the data is unreadable), and their security follows the server's answers
— through the kiosk's session, as simulated patrons put books on the pad and take them away."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from contract.common import ItemRef
from contract.events import CheckinRequested, CheckoutRequested
from devices.rfid import SecuritySettings
from devices.sim.field import VirtualTag, make_uid
from devices.sim.gate_tags import FOREIGN_ISIL
from devices.tagdata import Usage
from devices.tagdata.settings import TagDataSettings
from edge.kiosk.session import KioskSession, PadError
from edge.sim.book_tags import BookTags, SimulatedRfidPad, simulated_rfid_pad
from edge.sim.hands import PadHands
from edge.sim.kiosk_patrons import KioskBehaviour, KioskSimulator
from edge.sim.manifest import ManifestItem
from edge.sim.world import SimulatedWorld
from tests.support.direct_requester import DirectRequester
from tests.support.kiosk_library import library

SECURITY = SecuritySettings.from_toml()
BOOK = ManifestItem(barcode="VV000007", tag_uid="E004015000000007")


@pytest.fixture
def rfid(tmp_path: Path) -> Iterator[SimulatedRfidPad]:
    with simulated_rfid_pad(tmp_path / "reader") as pad:
        yield pad


def _afi(books: BookTags, item: ManifestItem) -> int:
    tag = books.tag_of(item)
    assert tag is not None
    return tag.afi


def test_the_pad_reads_what_lies_on_it(rfid: SimulatedRfidPad) -> None:
    assert rfid.pad.read() == []
    rfid.books.place(BOOK)
    assert rfid.pad.read() == [ItemRef(barcode="VV000007", tag_uid="E004015000000007")]
    rfid.books.lift(BOOK)
    assert rfid.pad.read() == []


def test_a_readers_rfid_card_on_the_pad_is_a_card_not_a_book(rfid: SimulatedRfidPad) -> None:
    isil = str(TagDataSettings.from_toml().isil)
    ours = VirtualTag.library_item(make_uid(71), "SV2100123", isil=isil, usage=Usage.PATRON_CARD)
    theirs = VirtualTag.library_item(make_uid(72), "SV9999999", isil=FOREIGN_ISIL, usage=Usage.PATRON_CARD)
    rfid.books.field.add(ours)
    rfid.books.field.add(theirs)
    rfid.books.place(BOOK)
    assert rfid.pad.read() == [ItemRef(barcode="VV000007", tag_uid="E004015000000007")]
    assert rfid.pad.cards == ("SV2100123",)  # another library's card signs nobody in here
    rfid.books.field.clear()
    assert rfid.pad.read() == []
    assert not rfid.pad.cards


def test_a_tag_with_unreadable_data_is_identified_by_its_uid(rfid: SimulatedRfidPad) -> None:
    tag = rfid.books.tag_of(BOOK)
    assert tag is not None
    tag.memory[5] ^= 0xFF  # the stored data no longer matches its CRC
    rfid.books.place(BOOK)
    assert rfid.pad.read() == [ItemRef(tag_uid="E004015000000007")]


def test_unsecure_and_secure_change_the_tag_and_are_counted(rfid: SimulatedRfidPad) -> None:
    assert _afi(rfid.books, BOOK) == SECURITY.afi_secured
    rfid.books.place(BOOK)
    (ref,) = rfid.pad.read()
    assert rfid.pad.apply_security(ref, "unsecure")
    assert _afi(rfid.books, BOOK) == SECURITY.afi_unsecured
    assert rfid.pad.apply_security(ref, "secure")
    assert _afi(rfid.books, BOOK) == SECURITY.afi_secured
    counters = rfid.pad.counters()
    assert (counters["security_set"], counters["security_failures"]) == (2, 0)
    assert counters["connected"] is True
    assert counters["frames_sent"] >= 3


def test_a_tag_that_left_the_pad_cannot_be_set(rfid: SimulatedRfidPad) -> None:
    rfid.books.place(BOOK)
    (ref,) = rfid.pad.read()
    rfid.books.lift(BOOK)
    assert not rfid.pad.apply_security(ref, "unsecure")
    assert rfid.pad.counters()["security_failures"] == 1


def test_a_book_already_on_loan_starts_unsecured(rfid: SimulatedRfidPad) -> None:
    lent = ManifestItem(barcode="VV000008", tag_uid="E004015000000008", status="on_loan")
    assert _afi(rfid.books, lent) == SECURITY.afi_unsecured


def test_a_book_left_on_the_pad_is_not_asked_about_twice(rfid: SimulatedRfidPad) -> None:
    _, desk = library(patrons=1, items=8)
    requester = DirectRequester(desk)
    session = KioskSession(requester, pad=rfid.pad)
    rfid.books.place(BOOK)
    (first,) = session.place_item()
    assert first.asked.kind == CheckinRequested.KIND
    assert session.place_item() == []  # still there: already handled
    rfid.books.lift(BOOK)
    assert session.place_item() == []  # the pad seen empty: forgotten
    rfid.books.place(BOOK)
    assert len(session.place_item()) == 1  # put down again: a new return
    rfid.books.lift(BOOK)
    session.pad_cleared()  # taken away, unseen by the reader
    rfid.books.place(BOOK)
    assert len(session.place_item()) == 1
    assert [e.KIND for e in requester.sent] == [CheckinRequested.KIND] * 3


def test_a_silent_reader_means_the_book_is_scanned_instead(rfid: SimulatedRfidPad) -> None:
    _, desk = library(patrons=1, items=8)
    session = KioskSession(DirectRequester(desk), pad=rfid.pad)
    rfid.reader.unplug()
    rfid.books.place(BOOK)
    with pytest.raises(PadError):
        session.place_item()
    answered = PadHands(rfid.books).present(session, BOOK)
    assert answered is not None
    assert answered.asked.item == ItemRef(barcode="VV000007")  # scanned: no tag named, none set
    assert answered.security_applied is None


def test_the_kiosk_unsecures_what_it_lends_and_secures_what_comes_back(rfid: SimulatedRfidPad) -> None:
    manifest, desk = library(patrons=1, items=4)
    requester = DirectRequester(desk)
    world = SimulatedWorld(manifest)
    session = KioskSession(requester, pad=rfid.pad)
    hands = PadHands(rfid.books)
    borrowing = KioskBehaviour(think_s=0, return_rate=0, renew_rate=0, odd_item_rate=0, wrong_pin_rate=0)
    KioskSimulator(session, world, borrowing, seed=1, hands=hands).run_session()
    lent = [e.payload.item for e in requester.sent if isinstance(e, CheckoutRequested)]
    assert lent, "the patron borrowed nothing"
    assert all(ref.tag_uid is not None for ref in lent)  # read from the tag, not the manifest
    by_barcode = {i.barcode: i for i in manifest.items}
    assert {_afi(rfid.books, by_barcode[ref.barcode or ""]) for ref in lent} == {SECURITY.afi_unsecured}

    returning = KioskBehaviour(think_s=0, return_rate=1)
    KioskSimulator(session, world, returning, seed=2, hands=hands).run_session()
    returned = [e.payload.item for e in requester.sent if isinstance(e, CheckinRequested)]
    assert returned
    assert {_afi(rfid.books, by_barcode[ref.barcode or ""]) for ref in returned} == {SECURITY.afi_secured}
    assert rfid.pad.counters()["security_failures"] == 0
