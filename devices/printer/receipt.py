"""A kiosk's receipt as data, and its layout as a printable `Document`. Pure.

    receipt = Receipt(
        library="Thư viện Trường Đại học …", kiosk_id="KIOSK-01", printed_at=now, card_number="SV2100123",
        items=(ReceiptItem("Giáo trình Giải tích 1", "VV000123", Outcome.LENT, due=date(2026, 12, 16)),),
        account_url="https://thuvien.example.edu.vn/tai-khoan", language="vi",
    )
    printer.print_receipt(receipt)

What the paper shows is what anyone who picks up a forgotten receipt could read, so the reader is named
only by a masked card number (`mask_card`), never by name. Titles are shortened to two lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from devices.printer.document import Columns, CutPaper, Document, Feed, QrCode, Rule, Text, shorten, wrap
from devices.printer.escpos import Align
from devices.printer.words import WORDS, Language, ReceiptWords

TITLE_LINES = 2
_SHOWN_START = 2
_SHOWN_END = 3


class Outcome(StrEnum):
    LENT = "lent"
    RENEWED = "renewed"
    RETURNED = "returned"


@dataclass(frozen=True, slots=True)
class ReceiptItem:
    title: str
    barcode: str
    outcome: Outcome
    due: date | None = None  # lent or renewed: the (new) due date
    fine: int = 0  # VND charged for this book now (returned late)


@dataclass(frozen=True, slots=True)
class Receipt:
    library: str
    kiosk_id: str
    printed_at: datetime  # the kiosk's local time, printed as it reads
    items: tuple[ReceiptItem, ...]
    card_number: str | None = None  # None for returns made without signing in
    fines_due: int = 0  # VND the reader still owes after this visit
    account_url: str | None = None  # printed as a QR code
    footer: str = ""
    language: Language = "vi"


def mask_card(card_number: str) -> str:
    """The card number with its middle hidden: SV2100123 → SV****123 (short numbers keep 2 characters)."""
    card = card_number.strip()
    if len(card) <= _SHOWN_START + _SHOWN_END:
        return "*" * max(0, len(card) - 2) + card[-2:]
    hidden = len(card) - _SHOWN_START - _SHOWN_END
    return card[:_SHOWN_START] + "*" * hidden + card[-_SHOWN_END:]


def layout_receipt(receipt: Receipt, columns: int, words: ReceiptWords | None = None) -> Document:
    """The receipt for a printer with `columns` characters per line, in the receipt's language unless
    other `words` are given."""
    w = words or WORDS[receipt.language]
    blocks: list[Text | Columns | Rule | Feed | QrCode | CutPaper] = [
        *(Text(line, Align.CENTER, bold=True) for line in wrap(receipt.library, columns, 2)),
        Text(w.heading, Align.CENTER, bold=True, double=True),
        Feed(1),
        Columns(w.kiosk, receipt.kiosk_id),
        Columns(w.time, w.moment(receipt.printed_at)),
    ]
    if receipt.card_number:
        blocks.append(Columns(w.card, mask_card(receipt.card_number)))
    blocks.append(Rule())
    for item in receipt.items:
        blocks += [Text(line, bold=True) for line in wrap(item.title, columns, TITLE_LINES)]
        blocks.append(Columns(item.barcode, _outcome(item, w)))
        if item.fine:
            blocks.append(Columns(w.fine, w.money(item.fine)))
    blocks += [Rule(), Columns(w.items, str(len(receipt.items)))]
    if receipt.fines_due:
        blocks.append(Columns(w.fines_due, w.money(receipt.fines_due), bold=True))
    if receipt.account_url:
        blocks += [Feed(1), Text(w.account, Align.CENTER), QrCode(receipt.account_url)]
    blocks.append(Feed(1))
    blocks += [Text(line, Align.CENTER) for line in wrap(receipt.footer, columns, 3)]
    blocks += [Text(shorten(w.thanks, columns), Align.CENTER), CutPaper()]
    return tuple(blocks)


def _outcome(item: ReceiptItem, words: ReceiptWords) -> str:
    if item.outcome is Outcome.RETURNED:
        return words.returned
    if item.due is None:
        return ""
    label = words.due if item.outcome is Outcome.LENT else words.renewed
    return f"{label} {words.day(item.due)}"
