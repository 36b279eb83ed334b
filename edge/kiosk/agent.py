"""The self-check kiosk's agent: the pad watched, the reader's session kept, the screen fed.

    with AgentHost(settings) as host:
        finished = host.run(compose_kiosk(host, pad, config))   # edge.kiosk.compose

Its loop polls the pad every `poll_s` (each new book on it borrowed when a reader is signed in, else
returned, book by book, each one's row on the screen as its answer comes) and signs out a reader who has
done nothing for `idle_timeout_s`, warning `idle_warning_s` before. The screen (`edge.kiosk.screen`) calls
`give_card`, `sign_in`, `sign_out`, `still_here` from its own threads; `view()` is what it shows, and
`feed` tells its live stream what changed. Everything works with the server unreachable: a request that
gets no answer in time says so, and stays queued in the outbox. Given an `OfflineKiosk`, the agent also
says when the library's system cannot be reached, and then signs readers in against the offline list,
lends and takes returns by itself (`edge.kiosk.offline_kiosk`, `edge.kiosk.offline_desk`).
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime

from pydantic import ValidationError

from contract.common import CARD_NUMBER_PATTERN, ItemRef
from contract.events import CheckinRequested
from contract.replies import ReasonCode, ReplyBase
from devices.barcode.classify import ScanRules
from devices.errors import DeviceError
from devices.printer import ReceiptItem, ReceiptPrinter
from edge.errors import EdgeError
from edge.kiosk.answers import Answered
from edge.kiosk.feed import Part, ScreenFeed
from edge.kiosk.late import settle_late_loan, settle_late_return
from edge.kiosk.offline_kiosk import OfflineKiosk
from edge.kiosk.receipt import PRINTED, printing_failed, receipt, receipt_items
from edge.kiosk.scanning import SCANNER_POLL_S, Scanned, Scanner, read_scanner, what_was_scanned
from edge.kiosk.session import KioskSession, SessionState
from edge.kiosk.view import KioskCounters, KioskRunSummary, KioskView
from edge.kiosk.visit import (
    CARD_NEXT,
    NOT_OURS,
    PIN_NEXT,
    SCAN_LABEL,
    SIGN_IN_TITLES,
    SIGNED_OUT_TITLE,
    TIMED_OUT_TITLE,
    BookRow,
    LoanRow,
    Notice,
    Outcome,
    SignInStep,
    checking,
    decided,
    loan_rows,
    renewed,
    row_key,
    sign_in_answer,
)
from web.locales import Language

log = logging.getLogger(__name__)
_DEFAULT_RULES = ScanRules()
MAX_ROWS = 60  # a visit's rows kept for the screen (more than any stack a pad holds)


class KioskAgent:
    def __init__(
        self,
        session: KioskSession,
        *,
        poll_s: float = 0.25,
        idle_timeout_s: float = 90.0,
        idle_warning_s: float = 20.0,
        printer: ReceiptPrinter | None = None,
        scanner: Scanner | None = None,
        scan_rules: ScanRules = _DEFAULT_RULES,
        library_name: str = "",
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        offline: OfflineKiosk | None = None,
    ) -> None:
        self.session = session
        self.offline = offline  # None: this kiosk never lends offline (and never says it is offline)
        self.printer = printer
        self.scanner = scanner
        self.scan_rules = scan_rules
        self.library_name = library_name
        self._wall_clock = wall_clock
        self.poll_s = poll_s
        self.idle_timeout_s = idle_timeout_s
        self.idle_warning_s = idle_warning_s
        self.feed = ScreenFeed()
        self._clock = clock
        self._lock = threading.RLock()  # one thing at a time: a sign-in waits for the stack being lent
        self._step = SignInStep.CARD
        self._card: str | None = None  # given, its PIN not yet
        self._notice: Notice | None = None
        self._rows: dict[str, BookRow] = {}
        self._loans: dict[str, LoanRow] = {}
        self._last_activity = clock()
        self._warned = False
        self._pad_fault = False
        self._counts = KioskCounters()
        # Answers that came after the kiosk stopped waiting, settled in the agent's loop: the thread that
        # delivers them must not wait for another answer (a loan taken back asks the server again).
        self._late: queue.SimpleQueue[Answered] = queue.SimpleQueue()
        session.requests.on_late_answer = self._late.put

    # ---- what the screen calls -----------------------------------------------------------------------

    def view(self) -> KioskView:
        with self._lock:
            warning = None
            if self._warned:
                warning = max(0, round(self.idle_timeout_s - (self._clock() - self._last_activity)))
            return KioskView(
                self._step,
                self.session.patron if self._step is SignInStep.SIGNED_IN else None,
                self._notice,
                tuple(self._rows.values()),
                tuple(self._loans.values()),
                warning,
                self._pad_fault,
                self.printer is not None and bool(self._receipt_items()),
                **(self.offline.view() if self.offline is not None else {}),
            )

    def give_card(self, card_number: str) -> None:
        """A card typed or scanned into the card field: its PIN is asked next. A value that cannot be a
        card number (a scanner sending garbage, an ISBN) is refused at once."""
        card = card_number.strip()
        with self._lock:
            self._activity()
            if self._step is SignInStep.SIGNED_IN:
                return
            if not _looks_like_card(card):
                self._step, self._card = SignInStep.CARD, None
                title = SIGN_IN_TITLES[ReasonCode.UNKNOWN_PATRON]
                self._notice = Notice(title, "danger", next_step=CARD_NEXT)
            elif self.offline is not None and self._is_offline():
                self._offline_step(card, *self.offline.card_given(card))
            else:
                self._step, self._card, self._notice = SignInStep.PIN, card, None
            self.feed.changed(Part.SIGN_IN, Part.BOOKS, Part.ACCOUNT)

    def sign_in(self, pin: str) -> None:
        """The PIN typed on the keypad, for the card given."""
        with self._lock:
            self._activity()
            if self._step is not SignInStep.PIN or self._card is None:
                return
            if self.offline is not None and self._is_offline():
                self._offline_step(self._card, *self.offline.pin_given(self._card, pin))
                self.feed.changed(Part.SIGN_IN, Part.BOOKS, Part.ACCOUNT)
                return
            try:
                answered = self.session.sign_in(self._card, pin)
            except ValidationError:  # not 4 to 12 digits: no server could accept it
                self._notice = Notice(SIGN_IN_TITLES[ReasonCode.WRONG_PIN], "warning", next_step=PIN_NEXT)
                self.feed.changed(Part.SIGN_IN)
                return
            step, self._notice = sign_in_answer(answered)
            if step is SignInStep.SIGNED_IN:
                self._counts.sign_ins += 1
                self._rows.clear()  # the returns made before signing in are not this reader's business
                self._loans = {row.barcode: row for row in loan_rows(self.session.patron)}
            else:
                self._counts.sign_in_refusals += 1
            self._step = step
            if step is not SignInStep.PIN:
                self._card = None
            self.feed.changed(Part.SIGN_IN, Part.BOOKS, Part.ACCOUNT)

    def on_scan(self, value: str) -> None:
        """A barcode from the scanner: a card signs in (its PIN next), a book's label is a book identified
        — borrowed or returned like one read from the pad (an untagged book, or an unreadable tag)."""
        signed_in = self._step is SignInStep.SIGNED_IN
        scanned, code = what_was_scanned(value, self.scan_rules, signed_in=signed_in)
        if scanned is Scanned.CARD:
            self.give_card(code)
            return
        with self._lock:
            self._activity()
            if scanned is Scanned.OTHER:
                self._notice = Notice(NOT_OURS, "warning", next_step=SCAN_LABEL)
                self.feed.changed(Part.SIGN_IN)
                return
            ref = ItemRef(barcode=code)
            self._found([ref])
            if self._offline_books():
                self._offline_book(ref)
            else:
                self._answered(self.session.item_identified(ref))

    def renew(self, barcodes: list[str] | None = None) -> None:
        """Renew these of the reader's loans (None: all of them), each shown as its answer comes."""
        with self._lock:
            self._activity()
            offline_visit = self.offline is not None and self.offline.visit is not None
            if self.session.state is not SessionState.SIGNED_IN or offline_visit:
                return  # offline there is nothing to renew: the account says renewing needs the network
            for barcode in list(self._loans) if barcodes is None else barcodes:
                row = self._loans.get(barcode)
                if row is None:
                    continue
                answered = self.session.renew(ItemRef(barcode=barcode))
                self._loans[barcode] = renewed(row, answered)
                self._counts.renewals_asked += 1
                self.feed.changed(Part.ACCOUNT, Part.BOOKS)  # the books part offers the receipt

    def print_receipt(self, language: Language) -> None:
        """The visit's receipt, printed in the screen's language; the screen says whether it came out."""
        with self._lock:
            self._activity()
            items = self._receipt_items()
            if self.printer is None or not items:
                return
            patron = self.session.patron
            visit = self.offline.visit if self.offline is not None else None
            paper = receipt(
                items,
                library=self.library_name,
                kiosk_id=self.session.device_id,
                now=self._wall_clock(),
                card_number=visit.card_number if visit is not None else self.session.card_number,
                fines_due=patron.fines_due if patron is not None else 0,
                language=language,
                offline=any(row.offline for row in self._rows.values()),
            )
            try:
                self.printer.print_receipt(paper)
            except DeviceError as exc:  # out of paper, offline, or unplugged: the visit goes on
                log.warning("kiosk: the receipt was not printed: %s", exc)
                self._counts.receipts_failed += 1
                self._notice = printing_failed(exc)
            else:
                self._counts.receipts += 1
                self._notice = Notice(PRINTED, "success")
            self.feed.changed(Part.SIGN_IN)

    def cancel(self) -> None:
        """Back to the idle screen from the PIN keypad."""
        with self._lock:
            if self._step is SignInStep.PIN:
                self._step, self._card, self._notice = SignInStep.CARD, None, None
                self._warned = False
                self.feed.changed(Part.SIGN_IN, Part.WARNING)

    def sign_out(self, *, timed_out: bool = False) -> None:
        with self._lock:
            if self.session.state is SessionState.SIGNED_IN:
                try:
                    # Offline, the sign-out is queued and not waited for: the reader has left.
                    self.session.sign_out(wait_s=0 if self._is_offline() else None)
                except EdgeError:
                    log.exception("kiosk: sign-out failed; the reader is signed out here all the same")
            if self.offline is not None:
                self.offline.signed_out()
            self._step, self._card, self._warned = SignInStep.CARD, None, False
            self._notice = Notice(TIMED_OUT_TITLE if timed_out else SIGNED_OUT_TITLE, "info")
            self._rows.clear()
            self._loans.clear()
            self._last_activity = self._clock()
            self.feed.changed(Part.SIGN_IN, Part.BOOKS, Part.ACCOUNT, Part.WARNING)

    def still_here(self) -> None:
        """The reader touched the screen (or answered the idle warning)."""
        with self._lock:
            self._activity()

    def on_late_reply(self, reply: ReplyBase) -> None:
        self.session.requests.on_late_reply(reply)

    def counters(self) -> dict[str, int | bool]:
        offline = asdict(self.offline.counts) if self.offline is not None else {}
        return dict(asdict(self._counts)) | offline | {"unanswered": self.session.requests.unanswered}

    # ---- the loop ------------------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> KioskRunSummary:
        scanning = threading.Thread(
            target=read_scanner, args=(self.scanner, stop, self.on_scan), name="kiosk-scanner", daemon=True
        )
        if self.scanner is not None:
            scanning.start()
        try:
            while not stop.is_set():
                self.settle_late()
                self.tick()
                if self.session.pad is not None:
                    self.poll_pad()
                stop.wait(self.poll_s)
        finally:
            if scanning.is_alive():
                scanning.join(timeout=2 * SCANNER_POLL_S + 1.0)
            if self.session.state is SessionState.SIGNED_IN:
                self.sign_out()
        return KioskRunSummary(self._counts, self.session.requests.unanswered)

    def tick(self) -> None:
        """The idle timeout: warn, then sign out. Returns listed on the idle screen are cleared after as
        long, so the next reader starts with an empty list."""
        with self._lock:
            self._look_at_network()
            idle = self._clock() - self._last_activity
            if self._step is SignInStep.CARD:
                if idle >= self.idle_timeout_s and (self._rows or self._notice):
                    self._rows.clear()
                    self._notice = None
                    self.feed.changed(Part.SIGN_IN, Part.BOOKS)
                return
            if idle >= self.idle_timeout_s:
                self._counts.idle_sign_outs += 1
                if self._step is SignInStep.PIN:
                    self._step, self._card, self._notice, self._warned = SignInStep.CARD, None, None, False
                    self.feed.changed(Part.SIGN_IN, Part.WARNING)
                else:
                    self.sign_out(timed_out=True)
            elif idle >= self.idle_timeout_s - self.idle_warning_s and not self._warned:
                self._warned = True
                self.feed.changed(Part.WARNING)

    def poll_pad(self) -> list[Answered]:
        """One look at the pad: each new book on it decided, its row shown as it goes."""
        with self._lock:
            self._counts.pad_polls += 1
            try:
                if self._offline_books():
                    self._offline_pad()
                    answers = []
                else:
                    answers = self.session.place_item(on_found=self._found, on_answer=self._answered)
            except EdgeError as exc:  # the pad's reader did not answer
                self._counts.pad_failures += 1
                if not self._pad_fault:
                    log.warning("kiosk: the pad does not answer: %s", exc)
                    self._pad_fault = True
                    self.feed.changed(Part.BOOKS)
                return []
            if self._pad_fault:
                self._pad_fault = False
                self.feed.changed(Part.BOOKS)
            return answers

    def settle_late(self) -> int:
        """Each answer that came late since the last look: a loan made shown lent or taken back
        (`edge.kiosk.late`), a book still listed as awaiting its answer shown decided. How many."""
        settled = 0
        while True:
            try:
                answered = self._late.get_nowait()
            except queue.Empty:
                return settled
            with self._lock:
                self._settle(answered)
            settled += 1

    # ---- internals -----------------------------------------------------------------------------------

    def _receipt_items(self) -> tuple[ReceiptItem, ...]:
        return receipt_items(self._rows.values(), self._loans.values())

    def _activity(self) -> None:
        self._last_activity = self._clock()
        if self._warned:
            self._warned = False
            self.feed.changed(Part.WARNING)

    def _found(self, refs: list[ItemRef]) -> None:
        self._activity()
        borrowing = self._step is SignInStep.SIGNED_IN
        if self._step is SignInStep.CARD and self._notice is not None:
            self._notice = None  # "signed out", "card not recognised": the next person is returning books
            self.feed.changed(Part.SIGN_IN)
        for ref in refs:
            row = checking(ref, borrowing=borrowing)
            self._rows.pop(row.key, None)  # a book put back goes to the end of the list again
            self._rows[row.key] = row
        while len(self._rows) > MAX_ROWS:
            del self._rows[next(iter(self._rows))]
        self.feed.changed(Part.BOOKS)

    def _answered(self, answered: Answered) -> None:
        on_pad = True
        if answered.security_applied is False and answered.asked.item is not None:
            on_pad = self._still_on_pad(answered.asked.item)
        row = decided(answered, on_pad=on_pad)
        self._rows[row.key] = row
        if answered.reply is None:
            self._look_at_network()  # unanswered in time: the kiosk says it is offline at once
        self._counts.books_decided += 1
        if answered.taken_back and not answered.late:
            self._counts.loans_taken_back += 1
        self._activity()
        # The signed-in reader's count of loans goes up with each book lent.
        parts = (Part.BOOKS, Part.SIGN_IN) if row.borrowing else (Part.BOOKS,)
        self.feed.changed(*parts)

    def _settle(self, answered: Answered) -> None:
        item = answered.asked.item
        if answered.asked.taking_back or item is None:
            return  # a loan taken back: the reader was told already
        if answered.made_loan:
            answered = settle_late_loan(self.session, answered)
            if answered.taken_back:
                self._counts.loans_taken_back += 1
        elif answered.asked.kind == CheckinRequested.KIND and answered.ok:
            answered = settle_late_return(self.session, answered)
        row = self._rows.get(row_key(item))
        if row is not None and row.outcome is Outcome.NO_ANSWER:
            self._answered(answered)

    def _still_on_pad(self, ref: ItemRef) -> bool:
        pad = self.session.pad
        if pad is None:
            return False
        try:
            return any(found.tag_uid == ref.tag_uid for found in pad.read())
        except Exception:
            return True  # the reader failed: say the tag would not set, not that the book was taken

    # ---- offline (edge.kiosk.offline_kiosk decides; the agent shows) -------------------------------------

    def _look_at_network(self) -> None:
        if self.offline is not None and self.offline.check(self.session.requests):
            self.feed.changed(Part.NETWORK, Part.SIGN_IN)

    def _is_offline(self) -> bool:
        """Whether what the reader asks now is decided by the kiosk alone (looked at again first)."""
        if self.offline is None:
            return False
        self._look_at_network()
        return not self.offline.online

    def _offline_books(self) -> bool:
        """Books on the pad decided offline: for a reader signed in offline, or returns while offline."""
        if self.offline is None:
            return False
        if self.offline.visit is not None:
            return True
        if not self._is_offline():
            return False
        if self.session.state is SessionState.IDLE:
            return True
        # Signed in online when the network went: carrying on offline, if the list allows it.
        lent_online = sum(1 for row in self._rows.values() if row.outcome is Outcome.LENT and not row.offline)
        card = self.session.card_number
        if card is None or not self.offline.carry_on(card, lent_online):
            return False
        self.feed.changed(Part.SIGN_IN, Part.ACCOUNT)
        return True

    def _offline_step(self, card: str, step: SignInStep, notice: Notice | None) -> None:
        self._step, self._notice = step, notice
        self._card = card if step is SignInStep.PIN else None
        if step is SignInStep.SIGNED_IN:
            self._counts.sign_ins += 1
            self._rows.clear()
            self._loans.clear()
        elif notice is not None:
            self._counts.sign_in_refusals += 1

    def _offline_pad(self) -> None:
        new = self.session.new_on_pad()
        if new:
            self._found(new)
        for ref in new:
            self.session.handled(ref)
            self._offline_book(ref)

    def _offline_book(self, ref: ItemRef) -> None:
        assert self.offline is not None
        row = self.offline.book(ref, self.session.pad)
        self._rows[row.key] = row
        self._counts.books_decided += 1
        self._activity()
        self.feed.changed(Part.BOOKS, Part.SIGN_IN, Part.ACCOUNT)


def _looks_like_card(value: str) -> bool:
    return re.fullmatch(CARD_NUMBER_PATTERN, value) is not None
