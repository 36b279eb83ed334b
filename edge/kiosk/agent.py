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

The agent is what the screen and the loop call, and holds the lock that makes them take turns; what the
screen shows is `edge.kiosk.shown`; signing in is `edge.kiosk.sign_in_steps`, the books on the pad are
`edge.kiosk.book_steps`, and its offline part is `edge.kiosk.offline_steps`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime

from contract.common import ItemRef
from contract.replies import ReplyBase
from devices.barcode.classify import ScanRules
from devices.errors import DeviceError
from devices.printer import Receipt, ReceiptPrinter
from edge.errors import EdgeError
from edge.kiosk.answers import Answered
from edge.kiosk.book_steps import BookSteps
from edge.kiosk.catalogue_steps import CatalogueSteps
from edge.kiosk.feed import Part, ScreenFeed
from edge.kiosk.offline_kiosk import OfflineKiosk
from edge.kiosk.offline_steps import OfflineSteps
from edge.kiosk.receipt import PRINTED, QR_TITLE, printing_failed, receipt, receipt_qr_svg
from edge.kiosk.scanning import SCANNER_POLL_S, Scanned, Scanner, read_scanner, what_was_scanned
from edge.kiosk.session import KioskSession, SessionState
from edge.kiosk.shown import ShownVisit
from edge.kiosk.sign_in_steps import SignInSteps
from edge.kiosk.view import KioskRunSummary, KioskView
from edge.kiosk.visit import (
    NOT_OURS,
    SCAN_LABEL,
    SIGNED_OUT_TITLE,
    TIMED_OUT_TITLE,
    Notice,
    SignInStep,
    renewed,
)
from web.catalogs import translate
from web.locales import Language

log = logging.getLogger(__name__)
_DEFAULT_RULES = ScanRules()


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
        self.printer = printer
        self.scanner = scanner
        self.scan_rules = scan_rules
        self.library_name = library_name
        self._wall_clock = wall_clock
        self.poll_s = poll_s
        self.idle_timeout_s = idle_timeout_s
        self.idle_warning_s = idle_warning_s
        self.feed = ScreenFeed()
        self._lock = threading.RLock()  # one thing at a time: a sign-in waits for the stack being lent
        self._shown = ShownVisit(self.feed, clock)
        self._offline = OfflineSteps(offline, session, self._shown)
        self._books = BookSteps(session, self._shown, self._offline)
        self._sign_in = SignInSteps(session, self._shown, self._offline)
        self._catalogue = CatalogueSteps(session)

    @property
    def offline(self) -> OfflineKiosk | None:
        """None: this kiosk never lends offline (and never says it is offline)."""
        return self._offline.kiosk

    # ---- what the screen calls -----------------------------------------------------------------------

    def view(self) -> KioskView:
        with self._lock:
            shown = self._shown
            warning = None
            if shown.warned:
                warning = max(0, round(self.idle_timeout_s - shown.idle_s()))
            return KioskView(
                shown.step,
                self.session.patron if shown.step is SignInStep.SIGNED_IN else None,
                shown.notice,
                tuple(shown.rows.values()),
                tuple(shown.loans.values()),
                warning,
                shown.pad_fault,
                self.printer is not None and bool(shown.receipt_items()),
                bool(shown.receipt_items()),
                shown.receipt_qr,
                **self._offline.view(),
                catalogue=self._catalogue.view,
            )

    def give_card(self, card_number: str) -> None:
        """A card typed or scanned into the card field (`SignInSteps.card_given`)."""
        with self._lock:
            self._sign_in.card_given(card_number.strip())

    def sign_in(self, pin: str) -> None:
        """The PIN typed on the keypad, for the card given."""
        with self._lock:
            self._sign_in.pin_given(pin)

    def on_scan(self, value: str) -> None:
        """A barcode from the scanner: a card signs in (its PIN next), a book's label is a book identified
        — borrowed or returned like one read from the pad (an untagged book, or an unreadable tag)."""
        signed_in = self._shown.step is SignInStep.SIGNED_IN
        scanned, code = what_was_scanned(value, self.scan_rules, signed_in=signed_in)
        if scanned is Scanned.CARD:
            self.give_card(code)
            return
        with self._lock:
            self._shown.activity()
            if scanned is Scanned.OTHER:
                self._shown.notice = Notice(NOT_OURS, "warning", next_step=SCAN_LABEL)
                self.feed.changed(Part.SIGN_IN)
                return
            self._books.scanned(ItemRef(barcode=code))

    def renew(self, barcodes: list[str] | None = None) -> None:
        """Renew these of the reader's loans (None: all of them), each shown as its answer comes."""
        with self._lock:
            loans = self._shown.loans
            self._shown.activity()
            if self.session.state is not SessionState.SIGNED_IN or self._offline.visit is not None:
                return  # offline there is nothing to renew: the account says renewing needs the network
            for barcode in list(loans) if barcodes is None else barcodes:
                row = loans.get(barcode)
                if row is None:
                    continue
                answered = self.session.renew(ItemRef(barcode=barcode))
                loans[barcode] = renewed(row, answered)
                self._shown.counts.renewals_asked += 1
                self.feed.changed(Part.ACCOUNT, Part.BOOKS)  # the books part offers the receipt

    def search(self, query: str) -> None:
        """ "Find a book": the reader's words asked of the server (`CatalogueSteps.search`)."""
        ticket = self._catalogue.typed()
        with self._lock:
            self._shown.activity()
            if self._catalogue.search(query, offline=self._offline.is_offline(), ticket=ticket):
                self._shown.counts.searches += 1
                self.feed.changed(Part.CATALOGUE)

    def place_hold(self, record_id: int) -> None:
        """A hold on a record found, for the reader signed in with the server."""
        with self._lock:
            self._shown.activity()
            if self._shown.step is not SignInStep.SIGNED_IN or self._offline.visit is not None:
                return  # holds need the reader's account: not before signing in, not offline
            self._catalogue.place_hold(record_id)
            self._shown.counts.holds_asked += 1
            self.feed.changed(Part.CATALOGUE)

    def close_search(self) -> None:
        with self._lock:
            self._shown.activity()
            self._catalogue.clear()
            self.feed.changed(Part.CATALOGUE)

    def print_receipt(self, language: Language) -> None:
        """The visit's receipt, printed in the screen's language; the screen says whether it came out."""
        with self._lock:
            shown = self._shown
            shown.activity()
            paper = self._receipt(language)
            if self.printer is None or paper is None:
                return
            try:
                self.printer.print_receipt(paper)
            except DeviceError as exc:  # out of paper, offline, or unplugged: the visit goes on
                log.warning("kiosk: the receipt was not printed: %s", exc)
                shown.counts.receipts_failed += 1
                shown.notice = printing_failed(exc)
            else:
                shown.counts.receipts += 1
                shown.notice = Notice(PRINTED, "success")
            self.feed.changed(Part.SIGN_IN)

    def show_receipt(self, language: Language) -> None:
        """The visit's receipt shown on the screen as a QR code (None shown: nothing to list yet)."""
        with self._lock:
            shown = self._shown
            shown.activity()
            paper = self._receipt(language)
            title = translate(language, QR_TITLE)
            shown.receipt_qr = None if paper is None else receipt_qr_svg(paper, title=title)
            self.feed.changed(Part.BOOKS)

    def hide_receipt(self) -> None:
        with self._lock:
            self._shown.activity()
            self._shown.receipt_qr = None
            self.feed.changed(Part.BOOKS)

    def _receipt(self, language: Language) -> Receipt | None:
        """The visit's receipt in `language` (None: nothing lent, returned or renewed yet)."""
        shown = self._shown
        items = shown.receipt_items()
        if not items:
            return None
        patron, visit = self.session.patron, self._offline.visit
        return receipt(
            items,
            library=self.library_name,
            kiosk_id=self.session.device_id,
            now=self._wall_clock(),
            card_number=visit.card_number if visit is not None else self.session.card_number,
            fines_due=patron.fines_due if patron is not None else 0,
            language=language,
            offline=any(row.offline for row in shown.rows.values()),
        )

    def cancel(self) -> None:
        """Back to the idle screen from the PIN keypad."""
        with self._lock:
            self._sign_in.cancel()

    def sign_out(self, *, timed_out: bool = False) -> None:
        with self._lock:
            if self.session.state is SessionState.SIGNED_IN:
                try:
                    # Offline, the sign-out is queued and not waited for: the reader has left.
                    self.session.sign_out(wait_s=0 if self._offline.is_offline() else None)
                except EdgeError:
                    log.exception("kiosk: sign-out failed; the reader is signed out here all the same")
            self._offline.signed_out()
            shown = self._shown
            shown.back_to_card(Notice(TIMED_OUT_TITLE if timed_out else SIGNED_OUT_TITLE, "info"))
            shown.rows.clear()
            shown.loans.clear()
            shown.receipt_qr = None
            self._catalogue.clear()
            shown.activity()  # the idle countdown starts again for the next reader
            self.feed.changed(Part.SIGN_IN, Part.BOOKS, Part.ACCOUNT, Part.WARNING, Part.CATALOGUE)

    def still_here(self) -> None:
        """The reader touched the screen (or answered the idle warning)."""
        with self._lock:
            self._shown.activity()

    def on_late_reply(self, reply: ReplyBase) -> None:
        self.session.requests.on_late_reply(reply)

    def counters(self) -> dict[str, int | bool]:
        counts = asdict(self._shown.counts)
        return counts | self._offline.counters() | {"unanswered": self.session.requests.unanswered}

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
        return KioskRunSummary(self._shown.counts, self.session.requests.unanswered)

    def tick(self) -> None:
        """The idle timeout: warn, then sign out. Returns listed on the idle screen are cleared after as
        long, so the next reader starts with an empty list."""
        with self._lock:
            self._offline.look_at_network()
            shown = self._shown
            idle = shown.idle_s()
            if shown.step is SignInStep.CARD:
                if idle >= self.idle_timeout_s and (shown.rows or shown.notice or self._catalogue.view.query):
                    shown.rows.clear()
                    shown.notice = None
                    self._catalogue.clear()
                    self.feed.changed(Part.SIGN_IN, Part.BOOKS, Part.CATALOGUE)
                return
            if idle >= self.idle_timeout_s:
                shown.counts.idle_sign_outs += 1
                if shown.step is SignInStep.PIN:
                    shown.back_to_card()
                    self.feed.changed(Part.SIGN_IN, Part.WARNING)
                else:
                    self.sign_out(timed_out=True)
            elif idle >= self.idle_timeout_s - self.idle_warning_s and not shown.warned:
                shown.warned = True
                self.feed.changed(Part.WARNING)

    def poll_pad(self) -> list[Answered]:
        """One look at the pad: each new book on it decided, its row shown as it goes; a reader's RFID
        card laid on it signs them in (`SignInSteps.cards_on_pad`)."""
        with self._lock:
            answers = self._books.poll_pad()
            if self.session.pad is not None:
                self._sign_in.cards_on_pad(self.session.pad.cards)
            return answers

    def settle_late(self) -> int:
        """Each answer that came late since the last look settled (`BookSteps.settle`). How many."""
        settled = 0
        while (answered := self._books.next_late()) is not None:
            with self._lock:
                self._books.settle(answered)
            settled += 1
        return settled
