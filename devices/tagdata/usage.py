"""Type of usage: the low nibble of basic-block byte 0 (what the tagged thing is, whether it circulates)."""

from __future__ import annotations

from enum import IntEnum


class Usage(IntEnum):
    """Values 0..9 as assigned by the data model; 0xA..0xF are unassigned and decode as malformed."""

    ACQUISITION = 0  # new item, not yet processed
    CIRCULATING = 1
    NOT_CIRCULATING = 2  # reference stock
    LOCAL_USE_1 = 3
    LOCAL_USE_2 = 4
    RESERVED = 5  # reserved for future use
    NO_INFORMATION = 6
    DISCARDED = 7  # weeded
    PATRON_CARD = 8
    EQUIPMENT = 9  # library equipment


# Index = nibble value; a tuple lookup keeps `Usage(value)`'s ValueError out of the decoder's hot path.
USAGE_BY_NIBBLE: tuple[Usage | None, ...] = tuple(
    Usage(value) if value in Usage._value2member_map_ else None for value in range(16)
)

USAGE_LABELS: dict[Usage, tuple[str, str]] = {
    Usage.ACQUISITION: ("acquisition, not yet processed", "mới nhập, chưa xử lý"),
    Usage.CIRCULATING: ("for circulation", "cho mượn"),
    Usage.NOT_CIRCULATING: ("not for circulation", "không cho mượn"),
    Usage.LOCAL_USE_1: ("local use (1)", "dùng nội bộ (1)"),
    Usage.LOCAL_USE_2: ("local use (2)", "dùng nội bộ (2)"),
    Usage.RESERVED: ("reserved", "dự phòng"),
    Usage.NO_INFORMATION: ("no information", "không có thông tin"),
    Usage.DISCARDED: ("discarded", "đã thanh lý"),
    Usage.PATRON_CARD: ("patron card", "thẻ bạn đọc"),
    Usage.EQUIPMENT: ("library equipment", "thiết bị thư viện"),
}
"""English and Vietnamese names shown to staff."""
