"""Bad input at the kiosk through the real drivers on pty simulators: a tag of another library, a tag whose
data is corrupt, 40 tags on the pad at once, a scanner sending garbage, a receipt printer out of paper or
unplugged. Each is told to the reader in plain words, and the kiosk goes on."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract.events import CheckinRequested, CheckoutRequested
from devices.barcode.profiles import load_profile as load_scanner_profile
from devices.printer import get_printer_profile
from devices.sim.field import VirtualTag, make_uid
from devices.sim.gate_tags import FOREIGN_ISIL
from devices.sim.receipt_printer import simulated_printer
from devices.sim.scanner import simulated_scanner
from edge.kiosk.agent import KioskAgent
from edge.kiosk.session import KioskSession
from edge.kiosk.visit import Outcome, SignInStep
from edge.sim.book_tags import SimulatedRfidPad, simulated_rfid_pad
from edge.sim.manifest import Manifest
from tests.support.circulation_double import CirculationDouble
from tests.support.direct_requester import DirectRequester
from tests.support.kiosk_library import library
from tests.support.waiting import wait_until

CARD, PIN = "SV2100000", "1000"


class Kiosk:
    def __init__(self, rfid: SimulatedRfidPad, items: int = 8, max_loans: int = 5) -> None:
        self.rfid = rfid
        self.manifest: Manifest
        self.desk: CirculationDouble
        self.manifest, self.desk = library(patrons=1, items=items, max_loans=max_loans)
        self.requester = DirectRequester(self.desk)
        self.agent = KioskAgent(KioskSession(self.requester, pad=rfid.pad))

    def sign_in(self) -> None:
        self.agent.give_card(CARD)
        self.agent.sign_in(PIN)
        assert self.agent.view().step is SignInStep.SIGNED_IN

    def outcomes(self) -> dict[str, Outcome]:
        return {row.key: row.outcome for row in self.agent.view().books}


@pytest.fixture
def rfid(tmp_path: Path) -> Iterator[SimulatedRfidPad]:
    with simulated_rfid_pad(tmp_path / "reader") as pad:
        yield pad


def test_a_book_of_another_library_is_told_and_never_asked_about(rfid: SimulatedRfidPad) -> None:
    kiosk = Kiosk(rfid)
    # Another library's tag whose item id is one of our barcodes: asking by it would lend the wrong book.
    foreign = VirtualTag.library_item(make_uid(0xF00D), "VV000001", isil=FOREIGN_ISIL)
    rfid.books.field.add(foreign)
    kiosk.agent.poll_pad()  # nobody signed in: a return
    assert kiosk.outcomes() == {foreign.uid_hex: Outcome.OTHER_LIBRARY}
    kiosk.sign_in()
    rfid.books.field.remove(foreign.uid)
    kiosk.agent.poll_pad()
    rfid.books.field.add(foreign)
    kiosk.agent.poll_pad()
    assert kiosk.outcomes() == {foreign.uid_hex: Outcome.OTHER_LIBRARY}
    kinds = {event.KIND for event in kiosk.requester.sent}
    assert CheckoutRequested.KIND not in kinds
    assert CheckinRequested.KIND not in kinds
    assert rfid.pad.counters()["security_set"] == 0


def test_a_corrupt_tag_is_lent_by_its_uid_or_told_unreadable(rfid: SimulatedRfidPad) -> None:
    kiosk = Kiosk(rfid)
    ours = kiosk.manifest.items[0]
    rfid.books.place(ours)
    tag = rfid.books.tag_of(ours)
    assert tag is not None
    tag.memory[5] ^= 0xFF  # its data no longer matches its CRC; the server knows its UID
    stranger = VirtualTag.blank(make_uid(0xBAD))
    stranger.memory[:8] = b"\xde\xad\xbe\xef" * 2  # nothing a library wrote
    rfid.books.field.add(stranger)
    kiosk.sign_in()
    kiosk.agent.poll_pad()
    assert kiosk.outcomes() == {ours.tag_uid: Outcome.LENT, stranger.uid_hex: Outcome.UNREADABLE}
    assert kiosk.desk.loans == {ours.barcode: CARD}


def test_forty_tags_on_the_pad_are_each_decided_and_the_kiosk_goes_on(rfid: SimulatedRfidPad) -> None:
    kiosk = Kiosk(rfid, items=40, max_loans=5)
    for item in kiosk.manifest.items:
        rfid.books.place(item)
    kiosk.sign_in()
    answers = kiosk.agent.poll_pad()
    assert len(answers) == 40
    outcomes = list(kiosk.outcomes().values())
    assert (outcomes.count(Outcome.LENT), outcomes.count(Outcome.NOT_LENT)) == (5, 35)  # the loan limit
    assert rfid.pad.counters()["security_failures"] == 0
    assert kiosk.agent.poll_pad() == []  # still there: not asked again
    kiosk.agent.sign_out()
    assert kiosk.agent.view().step is SignInStep.CARD


def test_a_printer_out_of_paper_or_unplugged_is_told_and_the_kiosk_goes_on(
    rfid: SimulatedRfidPad, tmp_path: Path
) -> None:
    kiosk = Kiosk(rfid)
    with simulated_printer(get_printer_profile("tm-t88"), tmp_path / "printer") as (virtual, driver):
        kiosk.agent.printer = driver
        kiosk.sign_in()
        rfid.books.place(kiosk.manifest.items[0])
        kiosk.agent.poll_pad()
        virtual.run_out_of_paper()
        kiosk.agent.print_receipt("vi")
        notice = kiosk.agent.view().notice
        assert notice is not None
        assert notice.title == "The receipt printer is out of paper"
        virtual.unplug()
        kiosk.agent.print_receipt("en")
        notice = kiosk.agent.view().notice
        assert notice is not None
        assert notice.title == "The receipt could not be printed"
        assert kiosk.agent.counters()["receipts_failed"] == 2
        rfid.books.place(kiosk.manifest.items[1])
        kiosk.agent.poll_pad()  # the books go on being lent
        assert list(kiosk.outcomes().values()) == [Outcome.LENT, Outcome.LENT]


def test_a_scanner_sending_garbage_is_told_and_a_card_scanned_next_still_signs_in(
    rfid: SimulatedRfidPad, tmp_path: Path
) -> None:
    kiosk = Kiosk(rfid)
    stop = threading.Event()
    with simulated_scanner(load_scanner_profile("kiosk"), tmp_path / "scanner") as (virtual, driver):
        kiosk.agent.scanner = driver
        kiosk.agent.poll_s = 0.02
        running = threading.Thread(target=kiosk.agent.run, args=(stop,))
        running.start()
        try:
            virtual.garbage(b"\x00\xff\x13\x1b[2J\xfe\r")  # line noise, then an end of line
            virtual.scan("%%%-not-a-label")
            wait_until(lambda: kiosk.agent.view().notice is not None, timeout=5)
            notice = kiosk.agent.view().notice
            assert notice is not None
            assert notice.title == "That barcode is neither a library card nor a book of this library"
            virtual.scan(CARD)
            wait_until(lambda: kiosk.agent.view().step is SignInStep.PIN, timeout=5)
        finally:
            stop.set()
            running.join(5)
    assert not running.is_alive()
    assert kiosk.requester.sent == []  # nothing asked of the server
