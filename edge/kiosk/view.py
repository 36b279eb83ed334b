"""What the kiosk's agent shows and counts: the screen's view of a moment, and its counters."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from contract.replies import PatronSummary
from edge.kiosk.catalogue_steps import CatalogueView
from edge.kiosk.offline_kiosk import OfflineReaderView
from edge.kiosk.visit import BookRow, LoanRow, Notice, SignInStep


@dataclass(frozen=True, slots=True)
class KioskView:
    """Everything the screen shows, at one moment."""

    step: SignInStep
    patron: PatronSummary | None  # the signed-in reader (never anyone else)
    notice: Notice | None
    books: tuple[BookRow, ...]
    loans: tuple[LoanRow, ...]  # the signed-in reader's loans when they signed in, with renewals since
    warning_s: int | None  # seconds left before the idle sign-out, once warned
    pad_fault: bool  # the pad's reader did not answer at the last look
    can_print: bool = False  # a printer, and something done in this visit to print
    can_show_receipt: bool = False  # something done in this visit: its receipt can be shown as a QR code
    receipt_qr: str | None = None  # that QR code (an inline SVG), while it is shown
    offline: bool = False  # the library's system cannot be reached: the banner says what still works
    offline_lending: bool = False  # and a card may borrow offline now (the list fresh, lending on)
    card_only: bool = False  # offline, the library lends on the card alone
    offline_reader: OfflineReaderView | None = None  # the reader signed in offline (never a name)
    catalogue: CatalogueView = field(default_factory=CatalogueView)  # "Find a book"


@dataclass
class KioskCounters:
    """The kiosk's own work, for its status next to the pad's (`peripherals.kiosk`)."""

    pad_polls: int = 0
    pad_failures: int = 0
    sign_ins: int = 0
    sign_in_refusals: int = 0
    books_decided: int = 0
    loans_taken_back: int = 0  # lent by the server, but not unsecured (or answered too late): returned
    renewals_asked: int = 0
    receipts: int = 0
    receipts_failed: int = 0
    idle_sign_outs: int = 0
    searches: int = 0
    holds_asked: int = 0


@dataclass
class KioskRunSummary:
    counters: KioskCounters
    unanswered: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self.counters) | {"unanswered": self.unanswered} | self.extra
