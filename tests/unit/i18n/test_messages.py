from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from contract.replies import ReasonCode
from server.i18n import Action, decision, note
from server.i18n.catalog import MESSAGES, NOTES, PARAMETERS, SUCCESS, Template
from server.i18n.formatting import count, day, money
from server.i18n.render import placeholders

# A value of the right kind for every parameter a template may name.
SAMPLE: dict[str, object] = {
    "due": datetime(2026, 12, 9, 16, 59, 59, tzinfo=UTC),
    "expires": date(2026, 6, 30),
    "deadline": date(2026, 12, 1),
    "fine": 5000,
    "fines_due": 62000,
    "fine_limit": 50000,
    "attempts_left": 3,
    "renewals_left": 1,
    "max_loans": 5,
    "name": "Nguyễn Thị Mai",
    "pickup": "Quầy mượn trả tầng 1",
}
VIETNAMESE_MARKS = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")

ALL_TEMPLATES: list[tuple[str, Template]] = [
    *((f"code:{c}", t) for c, t in MESSAGES.items()),
    *((f"success:{a}", t) for a, t in SUCCESS.items()),
    *((f"note:{n}", t) for n, t in NOTES.items()),
]


def test_every_reason_code_has_both_languages() -> None:
    assert set(MESSAGES) == set(ReasonCode)
    assert set(SUCCESS) == set(Action)
    for code in ReasonCode:
        template = MESSAGES[code]
        assert template.vi.strip(), code
        assert template.en.strip(), code
        assert template.vi != template.en, code


@pytest.mark.parametrize(("key", "template"), ALL_TEMPLATES, ids=[k for k, _ in ALL_TEMPLATES])
def test_templates_agree_and_render(key: str, template: Template) -> None:
    names = placeholders(template.vi)
    assert names == placeholders(template.en), key
    assert names <= PARAMETERS.keys()
    for lang in ("vi", "en"):
        text = getattr(template, lang)
        assert text.endswith((".", "!")), (key, lang)
    # Vietnamese text is written with its diacritics, never as plain ASCII.
    assert VIETNAMESE_MARKS & set(template.vi.lower()), key


@pytest.mark.parametrize("code", list(ReasonCode))
def test_decision_for_every_code(code: ReasonCode) -> None:
    params: dict[str, Any] = {n: SAMPLE[n] for n in placeholders(MESSAGES[code].vi)}
    result = decision(code, **params)
    assert result.code is code
    assert result.ok is (
        code in {ReasonCode.OK, ReasonCode.OK_HOLD_WAITING, ReasonCode.OK_HOLD_READY_FOR_YOU}
    )
    assert "{" not in result.message.vi
    assert "{" not in result.message.en


@pytest.mark.parametrize(
    ("code", "action", "params", "vi", "en"),
    [
        (
            ReasonCode.OK,
            Action.CHECKOUT,
            {"due": datetime(2026, 12, 9, 16, 59, 59, tzinfo=UTC)},
            "Mượn thành công. Hạn trả: 09/12/2026.",
            "Checked out. Due back: 9 Dec 2026.",
        ),
        (
            ReasonCode.OK,
            Action.RENEW,
            {"due": date(2026, 12, 23), "renewals_left": 2},
            "Gia hạn thành công. Hạn trả mới: 23/12/2026. Còn 2 lần gia hạn.",
            "Renewed. New due date: 23 Dec 2026. 2 renewals left.",
        ),
        (
            ReasonCode.WRONG_PIN,
            None,
            {"attempts_left": 1},
            "Mã PIN không đúng. Bạn còn 1 lần thử.",
            "Wrong PIN. You have 1 attempt left.",
        ),
        (
            ReasonCode.FINES_OVER_LIMIT,
            None,
            {"fines_due": 62000, "fine_limit": 50000},
            "Bạn đang nợ 62.000\xa0₫ tiền phạt, vượt mức cho phép 50.000\xa0₫. "
            "Vui lòng thanh toán tại quầy thủ thư.",
            "You owe ₫62,000 in fines, more than the ₫50,000 allowed. Please pay at the library desk.",
        ),
    ],
)
def test_known_messages(
    code: ReasonCode, action: Action | None, params: dict[str, Any], vi: str, en: str
) -> None:
    message = decision(code, action=action, **params).message
    assert (message.vi, message.en) == (vi, en)


def test_notes_are_appended() -> None:
    result = decision(ReasonCode.OK, action=Action.CHECKIN, notes=(note("fine_charged", fine=4000),))
    assert result.message.vi == "Trả thành công. Cảm ơn bạn! Phí trả muộn: 4.000\xa0₫."
    assert result.message.en == "Returned. Thank you! Late return fee: ₫4,000."


def test_missing_and_unknown_parameters_are_errors() -> None:
    with pytest.raises(ValueError, match="needs parameters"):
        decision(ReasonCode.OK, action=Action.CHECKOUT)
    with pytest.raises(TypeError):
        decision(ReasonCode.OK, action=Action.CHECKOUT, due="tomorrow")


@pytest.mark.parametrize(
    ("amount", "vi", "en"),
    [(5000, "5.000\xa0₫", "₫5,000"), (0, "0\xa0₫", "₫0"), (1250000, "1.250.000\xa0₫", "₫1,250,000")],
)
def test_money(amount: int, vi: str, en: str) -> None:
    assert (money(amount, "vi"), money(amount, "en")) == (vi, en)


def test_due_day_is_the_library_day() -> None:
    # 17:30 UTC on the 9th is already the 10th in Hồ Chí Minh City.
    moment = datetime(2026, 12, 9, 17, 30, tzinfo=UTC)
    assert (day(moment, "vi"), day(moment, "en")) == ("10/12/2026", "10 Dec 2026")


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [(1, "en", "1 item"), (2, "en", "2 items"), (2, "vi", "2 tài liệu"), (1000, "en", "1,000 items")],
)
def test_count(value: int, lang: str, text: str) -> None:
    assert count(value, lang, "tài liệu" if lang == "vi" else "item") == text  # type: ignore[arg-type]
