"""What the kiosk's screen shows of the visit now: the sign-in step, the notice, the books' rows, the
reader's loans, the idle warning and the pad's fault, with the kiosk's counters. Every change tells the
screen's feed which parts to show again.

The agent (`edge.kiosk.agent`) and its offline steps (`edge.kiosk.offline_steps`) change it, always under
the agent's lock; the screen reads it through `KioskAgent.view()`. The rules of a visit live here once:
where a sign-in leaves the screen, how a book's row is listed and decided, what the next reader finds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from contract.common import ItemRef
from devices.printer import ReceiptItem
from edge.kiosk.feed import Part, ScreenFeed
from edge.kiosk.receipt import receipt_items
from edge.kiosk.view import KioskCounters
from edge.kiosk.visit import BookRow, LoanRow, Notice, SignInStep, checking

MAX_ROWS = 60  # a visit's rows kept for the screen (more than any stack a pad holds)


class ShownVisit:
    def __init__(self, feed: ScreenFeed, clock: Callable[[], float]) -> None:
        self.feed = feed
        self._clock = clock
        self.step = SignInStep.CARD
        self.card: str | None = None  # given, its PIN not yet
        self.notice: Notice | None = None
        self.rows: dict[str, BookRow] = {}
        self.loans: dict[str, LoanRow] = {}
        self.last_activity = clock()
        self.warned = False
        self.pad_fault = False
        self.counts = KioskCounters()
        # The visit's receipt as a QR code (an SVG), while the reader has it shown; a new book makes it
        # out of date and signing out takes it away with the rest of the visit.
        self.receipt_qr: str | None = None

    def idle_s(self) -> float:
        return self._clock() - self.last_activity

    def activity(self) -> None:
        """The reader did something: the idle countdown starts again, and its warning goes."""
        self.last_activity = self._clock()
        if self.warned:
            self.warned = False
            self.feed.changed(Part.WARNING)

    def signing_in(
        self, card: str, step: SignInStep, notice: Notice | None, loans: Iterable[LoanRow]
    ) -> None:
        """Where a sign-in with this card left the screen, online or offline. Signed in, the reader's
        `loans` are listed and the returns made before are cleared (not this reader's business); the PIN
        asked, the card is kept; any other step with a notice is a refusal."""
        self.step, self.notice = step, notice
        self.card = card if step is SignInStep.PIN else None
        if step is SignInStep.SIGNED_IN:
            self.counts.sign_ins += 1
            self.rows.clear()
            self.loans = {row.barcode: row for row in loans}
        elif notice is not None:
            self.counts.sign_in_refusals += 1

    def back_to_card(self, notice: Notice | None = None) -> None:
        """The idle screen again, its card field empty, no warning."""
        self.step, self.card, self.notice, self.warned = SignInStep.CARD, None, notice, False

    def found(self, refs: list[ItemRef]) -> None:
        """Books put on the pad (or scanned): each listed as being checked, at the end of the list."""
        self.activity()
        borrowing = self.step is SignInStep.SIGNED_IN
        if self.step is SignInStep.CARD and self.notice is not None:
            self.notice = None  # "signed out", "card not recognised": the next person is returning books
            self.feed.changed(Part.SIGN_IN)
        for ref in refs:
            row = checking(ref, borrowing=borrowing)
            self.rows.pop(row.key, None)  # a book put back goes to the end of the list again
            self.rows[row.key] = row
        while len(self.rows) > MAX_ROWS:
            del self.rows[next(iter(self.rows))]
        self.feed.changed(Part.BOOKS)

    def decided(self, row: BookRow, *parts: Part) -> None:
        """A book's row as decided (online or offline), and the other parts of the screen it changes."""
        self.rows[row.key] = row
        self.receipt_qr = None
        self.counts.books_decided += 1
        self.activity()
        self.feed.changed(Part.BOOKS, *parts)

    def receipt_items(self) -> tuple[ReceiptItem, ...]:
        return receipt_items(self.rows.values(), self.loans.values())
