"""The kiosk's agent against the circulation double and a pad the test fills: signing in with card and PIN,
a stack lent book by book with each row shown as it goes, a tag that will not unsecure, a book taken off
early and put back, returns to the hold tray and the bin, the idle warning and sign-out, a silent pad."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

from contract.common import ItemRef
from contract.events import PatronLoginRequested
from contract.replies import SecurityAction
from devices.barcode.scanner import Scan
from devices.printer import (
    PaperOutError,
    PrinterCounters,
    PrinterError,
    PrinterStatus,
    PrintResult,
    Receipt,
    ReceiptWords,
)
from edge.kiosk.agent import KioskAgent
from edge.kiosk.feed import Part
from edge.kiosk.session import KioskSession
from edge.kiosk.visit import Outcome, SignInStep
from tests.support.direct_requester import DirectRequester
from tests.support.kiosk_library import library
from tests.support.waiting import wait_until
from tests.unit.edge.test_kiosk_session import ListPad

CARD, PIN = "SV2100000", "1000"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Kiosk:
    def __init__(self, items: int = 12, max_loans: int = 5) -> None:
        self.manifest, self.desk = library(patrons=2, items=items, max_loans=max_loans)
        self.requester = DirectRequester(self.desk)
        self.pad = ListPad()
        self.clock = Clock()
        self.agent = KioskAgent(
            KioskSession(self.requester, pad=self.pad),
            idle_timeout_s=60,
            idle_warning_s=15,
            clock=self.clock,
        )

    def book(self, n: int) -> ItemRef:
        item = self.manifest.items[n]
        return ItemRef(barcode=item.barcode, tag_uid=item.tag_uid)

    def sign_in(self, card: str = CARD, pin: str = PIN) -> None:
        self.agent.give_card(card)
        self.agent.sign_in(pin)

    def outcomes(self) -> dict[str | None, Outcome]:
        return {row.barcode: row.outcome for row in self.agent.view().books}


def test_a_card_then_its_pin_signs_the_reader_in() -> None:
    kiosk = Kiosk()
    kiosk.agent.give_card(f" {CARD}\n")  # a scanner ends with a newline
    assert kiosk.agent.view().step is SignInStep.PIN
    kiosk.agent.sign_in(PIN)
    view = kiosk.agent.view()
    assert view.step is SignInStep.SIGNED_IN
    assert view.patron is not None
    assert view.patron.display_name == f"Bạn đọc {CARD}"
    assert view.notice is None


def test_an_rfid_card_laid_on_the_pad_asks_for_its_pin_once() -> None:
    kiosk = Kiosk()
    kiosk.pad.cards = (CARD,)
    kiosk.agent.poll_pad()
    assert kiosk.agent.view().step is SignInStep.PIN
    kiosk.agent.sign_in(PIN)
    assert kiosk.agent.view().step is SignInStep.SIGNED_IN
    assert kiosk.agent.view().books == ()  # the card is not a book
    kiosk.agent.sign_out()
    kiosk.agent.poll_pad()  # left on the pad after signing out: nobody is signed in again
    assert kiosk.agent.view().step is SignInStep.CARD
    kiosk.pad.cards = ()
    kiosk.agent.poll_pad()
    kiosk.pad.cards = (CARD,)  # taken away and laid again: its PIN is asked
    kiosk.agent.poll_pad()
    assert kiosk.agent.view().step is SignInStep.PIN


def test_a_wrong_pin_asks_again_and_a_locked_one_goes_back_to_the_card() -> None:
    kiosk = Kiosk()
    kiosk.sign_in(pin="9999")
    view = kiosk.agent.view()
    assert view.step is SignInStep.PIN
    assert view.notice is not None
    assert view.notice.title == "Wrong PIN"
    assert view.patron is None
    kiosk.desk.patrons[CARD].pin_failures = 99
    kiosk.agent.sign_in(PIN)
    view = kiosk.agent.view()
    assert view.step is SignInStep.CARD
    assert view.notice is not None
    assert view.notice.title == "PIN locked"


def test_what_cannot_be_a_card_or_a_pin_is_refused_without_asking() -> None:
    kiosk = Kiosk()
    kiosk.agent.give_card("9786043>>garbage<<")
    view = kiosk.agent.view()
    assert view.step is SignInStep.CARD
    assert view.notice is not None
    assert view.notice.title == "Card not recognised"
    kiosk.agent.give_card(CARD)
    kiosk.agent.sign_in("12")  # too short for a PIN
    assert kiosk.agent.view().step is SignInStep.PIN
    assert [e for e in kiosk.requester.sent if e.KIND == PatronLoginRequested.KIND] == []


def test_a_stack_is_decided_book_by_book_and_shown_as_it_goes() -> None:
    kiosk = Kiosk(max_loans=3)
    kiosk.desk.holds[kiosk.book(2).barcode or ""] = "SV2100001"
    kiosk.desk.items[kiosk.book(2).barcode or ""] = "on_hold_shelf"
    kiosk.desk.trapped[kiosk.book(2).barcode or ""] = "SV2100001"
    kiosk.sign_in()
    seen: list[list[str]] = []
    real = kiosk.agent.feed.changed

    def watch(*parts: Part) -> None:
        real(*parts)
        seen.append([row.outcome.value for row in kiosk.agent.view().books])

    kiosk.agent.feed.changed = watch  # type: ignore[method-assign]
    kiosk.pad.books = [kiosk.book(n) for n in range(5)]
    kiosk.agent.poll_pad()
    # Every book listed as soon as the pad has read its tag (and asked about at once)…
    assert seen[:5] == [["checking"] * count for count in range(1, 6)]
    assert seen[5][:2] == ["lent", "checking"]  # …then each shown decided as its answer is acted on
    outcomes = kiosk.outcomes()
    assert outcomes == {
        "VV000000": Outcome.LENT,
        "VV000001": Outcome.LENT,
        "VV000002": Outcome.NOT_LENT,  # held for another reader
        "VV000003": Outcome.LENT,
        "VV000004": Outcome.NOT_LENT,  # over the loan limit of 3
    }
    rows = {row.barcode: row for row in kiosk.agent.view().books}
    assert rows["VV000000"].due_at is not None
    assert kiosk.pad.set == [(kiosk.book(n).tag_uid, "unsecure") for n in (0, 1, 3)]
    kiosk.agent.poll_pad()  # the same books still on the pad: not asked again
    assert len(kiosk.agent.view().books) == 5


class RefusingPad(ListPad):
    """A pad whose tags refuse to be set, or that loses the book before its tag is set."""

    def __init__(self) -> None:
        super().__init__()
        self.lift_on_set: set[str] = set()

    def apply_security(self, ref: ItemRef, action: SecurityAction) -> bool:
        if ref.tag_uid in self.lift_on_set:
            self.books = [b for b in self.books if b.tag_uid != ref.tag_uid]
            self.set.append((ref.tag_uid, action))
            return False
        return super().apply_security(ref, action)


def test_a_tag_that_will_not_unsecure_is_not_counted_and_a_book_taken_early_comes_back() -> None:
    kiosk = Kiosk()
    pad = RefusingPad()
    kiosk.agent.session.pad = pad
    kiosk.sign_in()
    pad.books = [kiosk.book(0)]
    pad.tags_refuse = True
    kiosk.agent.poll_pad()
    assert kiosk.outcomes() == {"VV000000": Outcome.NOT_UNSECURED}
    pad.tags_refuse = False
    pad.books = [kiosk.book(0), kiosk.book(1)]
    pad.lift_on_set = {kiosk.book(1).tag_uid or ""}
    kiosk.agent.poll_pad()
    assert kiosk.outcomes()["VV000001"] is Outcome.TAKEN_AWAY
    pad.lift_on_set = set()
    kiosk.agent.poll_pad()  # the pad without it: it may come back as a new book
    pad.books = [kiosk.book(0), kiosk.book(1)]
    kiosk.agent.poll_pad()
    # Its first loan was taken back when it left the pad: put back, it is lent afresh.
    assert kiosk.outcomes()["VV000001"] is Outcome.LENT
    assert pad.set[-1] == (kiosk.book(1).tag_uid, "unsecure")  # its tag unsecured this time


def test_returns_without_signing_in_say_where_each_book_goes() -> None:
    kiosk = Kiosk()
    kiosk.sign_in()
    kiosk.pad.books = [kiosk.book(0), kiosk.book(1)]
    kiosk.agent.poll_pad()
    kiosk.agent.sign_out()
    assert kiosk.agent.view().books == ()
    kiosk.pad.books = []
    kiosk.agent.poll_pad()
    kiosk.desk.holds["VV000001"] = "SV2100001"
    kiosk.pad.books = [kiosk.book(0), kiosk.book(1), kiosk.book(5)]
    kiosk.agent.poll_pad()
    assert kiosk.outcomes() == {
        "VV000000": Outcome.TO_RETURN_BIN,
        "VV000001": Outcome.TO_HOLD_TRAY,
        "VV000005": Outcome.NOT_RETURNED,  # never lent
    }
    assert kiosk.pad.set[-2:] == [(kiosk.book(n).tag_uid, "secure") for n in (0, 1)]  # not the stray one


def test_the_idle_reader_is_warned_then_signed_out() -> None:
    kiosk = Kiosk()
    kiosk.sign_in()
    kiosk.clock.now += 44
    kiosk.agent.tick()
    assert kiosk.agent.view().warning_s is None
    kiosk.clock.now += 2
    kiosk.agent.tick()
    assert kiosk.agent.view().warning_s == 14
    kiosk.agent.still_here()
    assert kiosk.agent.view().warning_s is None
    kiosk.clock.now += 60
    kiosk.agent.tick()
    view = kiosk.agent.view()
    assert view.step is SignInStep.CARD
    assert view.patron is None
    assert view.notice is not None
    assert "signed out" in view.notice.title
    assert kiosk.agent.counters()["idle_sign_outs"] == 1
    assert kiosk.desk.applied[-1] == ("patron.logout", "logout")


def test_a_silent_pad_is_told_once_and_cleared_when_it_answers() -> None:
    kiosk = Kiosk()
    kiosk.pad.reader_silent = True
    before = kiosk.agent.feed.last
    kiosk.agent.poll_pad()
    kiosk.agent.poll_pad()
    assert kiosk.agent.view().pad_fault
    assert kiosk.agent.feed.last == before + 1
    kiosk.pad.reader_silent = False
    kiosk.agent.poll_pad()
    assert not kiosk.agent.view().pad_fault
    assert kiosk.agent.counters()["pad_failures"] == 2


def test_a_sign_in_that_gets_no_answer_says_so_and_keeps_the_card() -> None:
    kiosk = Kiosk()
    kiosk.requester.time_out.add(PatronLoginRequested.KIND)
    kiosk.sign_in()
    view = kiosk.agent.view()
    assert view.step is SignInStep.PIN
    assert view.notice is not None
    assert view.notice.title == "The library's system is not answering"


def test_the_readers_loans_are_listed_and_renewed_one_or_all() -> None:
    kiosk = Kiosk()
    for barcode, days in (("VV000007", 1.0), ("VV000008", 30.0)):
        kiosk.desk.loans[barcode] = CARD
        kiosk.desk.items[barcode] = "on_loan"
        kiosk.desk.due[barcode] = days
    kiosk.sign_in()
    loans = {row.barcode: row for row in kiosk.agent.view().loans}
    assert set(loans) == {"VV000007", "VV000008"}
    assert all(row.renewed is None for row in loans.values())
    kiosk.agent.renew(["VV000007"])
    first = {row.barcode: row for row in kiosk.agent.view().loans}
    assert first["VV000007"].renewed is True
    assert first["VV000007"].due_at > loans["VV000007"].due_at
    assert first["VV000008"].renewed is None  # only the one asked
    kiosk.agent.renew()
    after = {row.barcode: row for row in kiosk.agent.view().loans}
    assert after["VV000008"].renewed is False  # too soon: the server's words say so
    assert after["VV000008"].message is not None
    assert after["VV000008"].due_at == loans["VV000008"].due_at
    assert kiosk.agent.counters()["renewals_asked"] == 3
    kiosk.agent.sign_out()
    assert kiosk.agent.view().loans == ()
    kiosk.agent.renew()  # nobody signed in: nothing asked
    assert kiosk.agent.counters()["renewals_asked"] == 3


class Printer:
    """A receipt printer that keeps what it printed, or fails as told."""

    def __init__(self) -> None:
        self.printed: list[Receipt] = []
        self.fail: PrinterError | None = None

    def status(self) -> PrinterStatus:
        raise NotImplementedError

    def counters(self) -> PrinterCounters:
        return PrinterCounters()

    def print_receipt(self, receipt: Receipt, words: ReceiptWords | None = None) -> PrintResult:  # noqa: ARG002
        if self.fail is not None:
            raise self.fail
        self.printed.append(receipt)
        return PrintResult(0, 0.0, PrinterStatus())


def test_the_receipt_lists_the_visit_with_a_masked_card_and_a_failed_print_is_told() -> None:
    kiosk = Kiosk()
    printer = Printer()
    kiosk.agent.printer, kiosk.agent.library_name = printer, "Thư viện"
    kiosk.desk.loans["VV000009"] = CARD
    kiosk.desk.due["VV000009"] = 1.0
    kiosk.sign_in()
    assert not kiosk.agent.view().can_print  # nothing done yet
    kiosk.pad.books = [kiosk.book(0)]
    kiosk.agent.poll_pad()
    kiosk.agent.renew(["VV000009"])
    assert kiosk.agent.view().can_print
    kiosk.agent.print_receipt("en")
    (receipt,) = printer.printed
    assert [(i.barcode, i.outcome.value) for i in receipt.items] == [
        ("VV000000", "lent"),
        ("VV000009", "renewed"),
    ]
    assert all(item.due is not None for item in receipt.items)
    assert (receipt.card_number, receipt.language, receipt.kiosk_id) == (CARD, "en", "KIOSK-01")
    notice = kiosk.agent.view().notice
    assert notice is not None
    assert notice.tone == "success"
    printer.fail = PaperOutError("paper out", PrinterStatus(paper_out=True))
    kiosk.agent.print_receipt("vi")
    notice = kiosk.agent.view().notice
    assert notice is not None
    assert notice.title == "The receipt printer is out of paper"
    assert kiosk.agent.counters()["receipts_failed"] == 1


def test_the_scanner_signs_in_with_a_card_and_lends_an_untagged_book() -> None:
    kiosk = Kiosk()
    kiosk.agent.on_scan("sv2100000\r")  # a scanner set to lower case
    assert kiosk.agent.view().step is SignInStep.PIN
    kiosk.agent.sign_in(PIN)
    kiosk.agent.on_scan("VV000003")
    assert kiosk.outcomes() == {"VV000003": Outcome.LENT}
    assert kiosk.pad.set == []  # named by barcode alone: no tag to set
    kiosk.agent.on_scan("9786042088732")  # an ISBN: not a library barcode
    notice = kiosk.agent.view().notice
    assert notice is not None
    assert notice.title == "That barcode is neither a library card nor a book of this library"
    kiosk.agent.sign_out()
    kiosk.agent.on_scan("VV000003")  # no card: a return
    assert kiosk.outcomes() == {"VV000003": Outcome.TO_RETURN_BIN}


def test_the_running_agent_reads_the_scanner_on_a_thread_of_its_own() -> None:
    kiosk = Kiosk()
    stop = threading.Event()

    class OneCard:
        def scans(self, stop_scanning: threading.Event, poll_s: float = 0.1) -> Iterator[Scan]:
            yield Scan(CARD, None, CARD.encode(), datetime.now(UTC))
            stop_scanning.wait(poll_s)

    kiosk.agent.scanner = OneCard()
    kiosk.agent.poll_s = 0.01
    running = threading.Thread(target=kiosk.agent.run, args=(stop,))
    running.start()
    try:
        wait_until(lambda: kiosk.agent.view().step is SignInStep.PIN, timeout=5)
    finally:
        stop.set()
        running.join(5)
    assert kiosk.agent.view().step is SignInStep.PIN
    assert not running.is_alive()


def test_words_typed_on_are_searched_and_words_typed_over_are_not() -> None:
    kiosk = Kiosk()
    agent = kiosk.agent

    def asked() -> list[str]:
        return [words for kind, words in kiosk.desk.applied if kind == "catalogue.search"]

    agent.search("tieng")
    assert asked() == ["tieng"]
    assert agent.view().catalogue.query == "tieng"
    assert agent.view().catalogue.searched
    # "tieng v" waits for the agent while the reader types on: only the newest words are asked.
    waiting = agent._catalogue.typed()
    agent.search("tieng viet")
    assert not agent._catalogue.search("tieng v", offline=False, ticket=waiting)
    assert asked() == ["tieng", "tieng viet"]
    assert agent.view().catalogue.query == "tieng viet"
    agent.close_search()
    assert agent.view().catalogue.query == ""
