"""The few words a receipt prints, in Vietnamese and English, and how it writes dates and money. Pure.

Why a table here rather than the web package's gettext catalogs: the device layer does not depend on
`web`, and a receipt must print the same from a kiosk, a test or `stacks sim printer` without it. The
words are few and are paper wording (short enough for 32 characters on 58 mm rolls), so they are kept
with the layout that fits them. A caller that wants other wording (another language, the kiosk's own
catalog) passes its own `ReceiptWords` to `layout_receipt`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

Language = Literal["vi", "en"]

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class ReceiptWords:
    heading: str
    kiosk: str
    time: str
    card: str
    due: str  # before the due date of a book lent
    renewed: str  # before the new due date of a book renewed
    returned: str
    fine: str
    items: str
    fines_due: str
    account: str  # above the QR code that opens the reader's account
    thanks: str
    language: Language

    def day(self, value: date) -> str:
        if self.language == "vi":
            return f"{value.day:02d}/{value.month:02d}/{value.year}"
        return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"

    def moment(self, value: datetime) -> str:
        return f"{self.day(value)} {value.hour:02d}:{value.minute:02d}"

    def money(self, amount_vnd: int) -> str:
        """15.000 đ in Vietnamese, 15,000 VND in English."""
        grouped = f"{amount_vnd:,}"
        return f"{grouped.replace(',', '.')} đ" if self.language == "vi" else f"{grouped} VND"


WORDS: dict[Language, ReceiptWords] = {
    "vi": ReceiptWords(
        heading="BIÊN NHẬN",
        kiosk="Máy tự phục vụ",
        time="Thời gian",
        card="Thẻ bạn đọc",
        due="Hạn trả",
        renewed="Gia hạn đến",
        returned="Đã trả",
        fine="Tiền phạt",
        items="Số tài liệu",
        fines_due="Phí phạt chưa nộp",
        account="Xem tài khoản của bạn:",
        thanks="Cảm ơn bạn!",
        language="vi",
    ),
    "en": ReceiptWords(
        heading="RECEIPT",
        kiosk="Kiosk",
        time="Time",
        card="Library card",
        due="Due",
        renewed="Renewed to",
        returned="Returned",
        fine="Fine",
        items="Items",
        fines_due="Fines outstanding",
        account="Your account:",
        thanks="Thank you!",
        language="en",
    ),
}
