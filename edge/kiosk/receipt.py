"""The kiosk's receipt: what the visit did, as the printer's `Receipt` (pure), printed or shown on the
screen as a QR code, and what the screen says once it was printed or could not be.

The paper names the reader only by a masked card number (`devices.printer.mask_card`): a receipt left on
the kiosk tells nobody who borrowed what.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import segno

from devices.errors import DeviceError
from devices.printer import Outcome as Printed
from devices.printer import PaperOutError, Receipt, ReceiptItem
from devices.printer.document import as_text
from devices.printer.receipt import layout_receipt
from edge.kiosk.offline_words import RECEIPT_OFFLINE
from edge.kiosk.visit import BookRow, LoanRow, Notice, Outcome
from web.catalogs import N_, translate
from web.formatting import DEFAULT_TIMEZONE, in_zone
from web.locales import Language

QR_COLUMNS = 32  # a phone's screen, not 80 mm paper
RETURNED = frozenset({Outcome.TO_HOLD_TRAY, Outcome.TO_RETURN_BIN})
PRINTED = N_("Your receipt is printed. Please take it.")
PAPER_OUT = N_("The receipt printer is out of paper")
NOT_PRINTED = N_("The receipt could not be printed")
QR_TITLE = N_("Your receipt as a QR code")
ASK_DESK = N_("Your books are recorded all the same. Please tell the library desk.")


def receipt_items(books: Iterable[BookRow], loans: Iterable[LoanRow]) -> tuple[ReceiptItem, ...]:
    """The books lent and returned in this visit, and the loans renewed: what a receipt lists."""
    items = []
    for row in books:
        title, barcode = row.title or row.barcode or row.key, row.barcode or row.key
        if row.outcome is Outcome.LENT and row.due_at is not None:
            items.append(ReceiptItem(title, barcode, Printed.LENT, due=_day(row.due_at)))
        elif row.outcome in RETURNED:
            items.append(ReceiptItem(title, barcode, Printed.RETURNED, fine=row.fine))
    for loan in loans:
        if loan.renewed:
            items.append(ReceiptItem(loan.title, loan.barcode, Printed.RENEWED, due=_day(loan.due_at)))
    return tuple(items)


def receipt(
    items: tuple[ReceiptItem, ...],
    *,
    library: str,
    kiosk_id: str,
    now: datetime,
    card_number: str | None,
    fines_due: int,
    language: Language,
    offline: bool = False,
) -> Receipt:
    return Receipt(
        library=library,
        kiosk_id=kiosk_id.upper(),
        printed_at=in_zone(now, DEFAULT_TIMEZONE),
        items=items,
        card_number=card_number,
        fines_due=fines_due,
        language=language,
        footer=translate(language, RECEIPT_OFFLINE) if offline else "",
    )


def receipt_qr(paper: Receipt) -> segno.QRCode:
    """The receipt as a QR code, for a reader who would rather keep it on their phone, or at a kiosk
    without a printer: its text as the paper would read, which a phone's camera shows as it is. Low error
    correction: a screen is not a crumpled slip, and it keeps the code small enough to scan from a hand's
    length."""
    return segno.make(as_text(layout_receipt(paper, QR_COLUMNS), QR_COLUMNS), error="l", micro=False)


def receipt_qr_svg(paper: Receipt, *, title: str) -> str:
    """`receipt_qr` as an inline SVG for the screen, named by `title` for screen readers."""
    return receipt_qr(paper).svg_inline(scale=4, border=4, title=title, svgclass="receipt-qr", omitsize=True)


def printing_failed(error: DeviceError) -> Notice:
    """What the reader is told when the printer failed (out of paper, offline, unplugged — its port gone):
    the books are recorded all the same."""
    title = PAPER_OUT if isinstance(error, PaperOutError) else NOT_PRINTED
    return Notice(title, "warning", next_step=ASK_DESK)


def _day(moment: datetime) -> date:
    return in_zone(moment, DEFAULT_TIMEZONE).date()
