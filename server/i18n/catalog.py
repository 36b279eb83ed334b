"""Every people-facing circulation message, in Vietnamese and English.

A message is chosen by reason code, and for the successful codes also by the action (a successful checkout
and a successful return say different things). Placeholders name parameters whose kind (`PARAMETERS`)
decides how they are written in each language.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from contract.replies import ReasonCode


class Action(StrEnum):
    LOGIN = "login"
    LOGOUT = "logout"
    CHECKOUT = "checkout"
    RENEW = "renew"
    CHECKIN = "checkin"


@dataclass(frozen=True, slots=True)
class Template:
    vi: str
    en: str


# name → (kind, Vietnamese unit, English unit); kinds: date, money, count, text.
PARAMETERS: dict[str, tuple[str, str, str]] = {
    "due": ("date", "", ""),
    "expires": ("date", "", ""),
    "deadline": ("date", "", ""),
    "fine": ("money", "", ""),
    "fines_due": ("money", "", ""),
    "fine_limit": ("money", "", ""),
    "attempts_left": ("count", "lần thử", "attempt"),
    "renewals_left": ("count", "lần gia hạn", "renewal"),
    "max_loans": ("count", "tài liệu", "item"),
    "name": ("text", "", ""),
    "pickup": ("text", "", ""),
}

MESSAGES: dict[ReasonCode, Template] = {
    ReasonCode.OK: Template("Thành công.", "Done."),
    ReasonCode.OK_HOLD_WAITING: Template(
        "Trả thành công. Tài liệu này đang có bạn đọc khác đặt trước, vui lòng đặt vào khay giữ chỗ.",
        "Returned. Another reader has reserved this item: please put it in the reservations tray.",
    ),
    ReasonCode.OK_HOLD_READY_FOR_YOU: Template(
        "Mượn thành công tài liệu bạn đã đặt trước. Hạn trả: {due}.",
        "You have borrowed the item you reserved. Due back: {due}.",
    ),
    ReasonCode.UNKNOWN_PATRON: Template(
        "Không tìm thấy thẻ bạn đọc. Vui lòng liên hệ quầy thủ thư.",
        "Library card not recognised. Please ask at the library desk.",
    ),
    ReasonCode.UNKNOWN_ITEM: Template(
        "Không nhận dạng được tài liệu. Vui lòng liên hệ quầy thủ thư.",
        "Item not recognised. Please ask at the library desk.",
    ),
    ReasonCode.PATRON_EXPIRED: Template(
        "Thẻ bạn đọc đã hết hạn ngày {expires}. Vui lòng gia hạn thẻ tại quầy thủ thư.",
        "Your library card expired on {expires}. Please renew it at the library desk.",
    ),
    ReasonCode.PATRON_BLOCKED: Template(
        "Thẻ bạn đọc đang bị khóa. Vui lòng liên hệ quầy thủ thư.",
        "Your library account is blocked. Please ask at the library desk.",
    ),
    ReasonCode.WRONG_PIN: Template(
        "Mã PIN không đúng. Bạn còn {attempts_left}.",
        "Wrong PIN. You have {attempts_left} left.",
    ),
    ReasonCode.PIN_LOCKED: Template(
        "Mã PIN đã bị khóa do nhập sai nhiều lần. Vui lòng liên hệ quầy thủ thư để mở khóa.",
        "Your PIN is locked after too many wrong attempts. Please ask at the library desk to unlock it.",
    ),
    ReasonCode.UNKNOWN_SESSION: Template(
        "Phiên làm việc không hợp lệ. Vui lòng đăng nhập lại.",
        "Session not recognised. Please sign in again.",
    ),
    ReasonCode.SESSION_EXPIRED: Template(
        "Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.",
        "Your session has timed out. Please sign in again.",
    ),
    ReasonCode.MAX_LOANS: Template(
        "Bạn đã mượn đủ số tài liệu tối đa được phép ({max_loans}).",
        "You have reached your loan limit ({max_loans}).",
    ),
    ReasonCode.FINES_OVER_LIMIT: Template(
        "Bạn đang nợ {fines_due} tiền phạt, vượt mức cho phép {fine_limit}. "
        "Vui lòng thanh toán tại quầy thủ thư.",
        "You owe {fines_due} in fines, more than the {fine_limit} allowed. Please pay at the library desk.",
    ),
    ReasonCode.OVERDUE_ITEMS: Template(
        "Bạn đang có tài liệu quá hạn. Vui lòng trả trước khi mượn thêm.",
        "You have overdue items. Please return them before borrowing more.",
    ),
    ReasonCode.NOT_FOR_LOAN: Template(
        "Tài liệu này chỉ được đọc tại chỗ, không cho mượn về.",
        "This item is for use in the library only.",
    ),
    ReasonCode.ITEM_UNAVAILABLE: Template(
        "Tài liệu này hiện không thể cho mượn. Vui lòng liên hệ quầy thủ thư.",
        "This item cannot be borrowed at the moment. Please ask at the library desk.",
    ),
    ReasonCode.ON_HOLD_FOR_OTHER: Template(
        "Tài liệu này đang được giữ cho bạn đọc khác.",
        "This item is being held for another reader.",
    ),
    ReasonCode.ALREADY_ON_LOAN_TO_YOU: Template(
        "Bạn đang mượn tài liệu này rồi.",
        "You already have this item on loan.",
    ),
    ReasonCode.ON_LOAN_TO_OTHER: Template(
        "Tài liệu này đang được ghi mượn cho bạn đọc khác. Vui lòng liên hệ quầy thủ thư.",
        "This item is on loan to another reader. Please ask at the library desk.",
    ),
    ReasonCode.NOT_ON_LOAN: Template(
        "Tài liệu này không được ghi mượn.",
        "This item is not on loan.",
    ),
    ReasonCode.NOT_YOUR_LOAN: Template(
        "Tài liệu này không do bạn mượn.",
        "This item is not on loan to you.",
    ),
    ReasonCode.RENEWALS_EXHAUSTED: Template(
        "Tài liệu đã hết lượt gia hạn. Vui lòng trả đúng hạn.",
        "This item cannot be renewed again. Please return it by its due date.",
    ),
    ReasonCode.RENEW_HOLD_WAITING: Template(
        "Không thể gia hạn: tài liệu đang có bạn đọc khác đặt trước.",
        "Cannot renew: another reader has reserved this item.",
    ),
    ReasonCode.RENEW_TOO_LATE: Template(
        "Tài liệu đã quá hạn quá lâu nên không thể gia hạn. Vui lòng trả tài liệu.",
        "This item is too far overdue to renew. Please return it.",
    ),
    ReasonCode.RENEW_TOO_SOON: Template(
        "Chưa cần gia hạn: tài liệu vẫn còn hạn đến {due}. Bạn có thể gia hạn khi gần đến hạn trả.",
        "No need to renew yet: this item is due back {due}. You can renew it closer to the due date.",
    ),
    ReasonCode.INVALID_REQUEST: Template(
        "Yêu cầu không hợp lệ. Vui lòng thử lại.",
        "The request could not be processed. Please try again.",
    ),
    ReasonCode.REQUEST_EXPIRED: Template(
        "Yêu cầu đến quá muộn nên chưa được thực hiện. Vui lòng thử lại.",
        "The request arrived too late and was not carried out. Please try again.",
    ),
}

# What success means depends on what was asked.
SUCCESS: dict[Action, Template] = {
    Action.LOGIN: Template("Xin chào {name}!", "Welcome, {name}!"),
    Action.LOGOUT: Template("Đã đăng xuất. Hẹn gặp lại!", "Signed out. See you soon!"),
    Action.CHECKOUT: Template("Mượn thành công. Hạn trả: {due}.", "Checked out. Due back: {due}."),
    Action.RENEW: Template(
        "Gia hạn thành công. Hạn trả mới: {due}. Còn {renewals_left}.",
        "Renewed. New due date: {due}. {renewals_left} left.",
    ),
    Action.CHECKIN: Template("Trả thành công. Cảm ơn bạn!", "Returned. Thank you!"),
}

# Sentences added to a message when they apply.
NOTES: dict[str, Template] = {
    "fine_charged": Template("Phí trả muộn: {fine}.", "Late return fee: {fine}."),
    "hold_shelf": Template(
        "Chuyển lên kệ giữ chỗ tại {pickup}, giữ đến hết ngày {deadline}.",
        "Put on the hold shelf at {pickup}; held until the end of {deadline}.",
    ),
}
