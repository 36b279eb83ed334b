"""The result of decoding tag memory: always a value, never an exception.

Fields are filled whenever the CRC verified (the bytes are as some system wrote them), so a malformed or
foreign tag still shows what it holds; after a CRC failure only the version nibble is reported, because
nothing else can be trusted. A tag that does not decode is still identified by its UID, which the reader
reports separately.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from devices.blocks import BlockOrder
from devices.tagdata.extensions import ExtensionBlock, LibraryExtension, find_library_extension
from devices.tagdata.options import NibbleOrder
from devices.tagdata.usage import Usage


class TagStatus(StrEnum):
    OK = "ok"
    """Decoded; owned by this library (or no owner to compare against)."""
    FOREIGN_OWNER = "foreign_owner"
    """Decoded; the owner ISIL is another library's (interlibrary loan, or a stray item)."""
    BLANK = "blank"
    """No data: all 0x00 or all 0xFF, or a factory-blank 3M tag (0x55). Ready to be programmed."""
    TOO_SHORT = "too_short"
    """Fewer bytes than the 32-byte truncated basic block: read more blocks."""
    BAD_CRC = "bad_crc"
    """Looks like the data model (version nibble fits) but the CRC fails in every block order tried."""
    UNSUPPORTED_VERSION = "unsupported_version"
    """The CRC verifies but the version nibble is not one we read."""
    UNKNOWN_FORMAT = "unknown_format"
    """Neither CRC nor version fit: another data model (3M, Dutch, ISO 28560-2…) or noise."""
    MALFORMED = "malformed"
    """The CRC verifies but a field breaks the model (unassigned usage, bad item id, missing long id…)."""
    DECODER_FAULT = "decoder_fault"
    """The decoder itself failed on this input (a defect to report); the tag is known by its UID only."""

    @property
    def decoded(self) -> bool:
        return self in (TagStatus.OK, TagStatus.FOREIGN_OWNER)


STATUS_LABELS: dict[TagStatus, tuple[str, str]] = {
    TagStatus.OK: ("decoded", "đọc được"),
    TagStatus.FOREIGN_OWNER: ("another library's item", "tài liệu của thư viện khác"),
    TagStatus.BLANK: ("blank tag", "thẻ trắng"),
    TagStatus.TOO_SHORT: ("too few bytes read", "đọc thiếu dữ liệu"),
    TagStatus.BAD_CRC: ("damaged data (CRC)", "dữ liệu hỏng (CRC)"),
    TagStatus.UNSUPPORTED_VERSION: (
        "unsupported data model version",
        "phiên bản mô hình dữ liệu không hỗ trợ",
    ),
    TagStatus.UNKNOWN_FORMAT: ("not ISO 28560-3 data", "không phải dữ liệu ISO 28560-3"),
    TagStatus.MALFORMED: ("malformed data", "dữ liệu sai cấu trúc"),
    TagStatus.DECODER_FAULT: ("decoder fault", "lỗi bộ giải mã"),
}
"""English and Vietnamese names shown to staff."""


@dataclass(frozen=True, slots=True)
class TagReading:
    status: TagStatus
    reason: str
    item_id: str | None = None
    usage: Usage | None = None
    parts_in_item: int | None = None
    part_number: int | None = None
    owner_country: str | None = None
    owner_library: str | None = None
    owner_isil: str | None = None
    version: int | None = None
    crc: int | None = None
    """The CRC stored on the tag."""
    computed_crc: int | None = None
    """Set when the CRC fails: what it should have been (in the first block order tried)."""
    basic_block_size: int | None = None
    """34, or 32 for the truncated form."""
    block_order: BlockOrder | None = None
    nibble_order: NibbleOrder | None = None
    extensions: tuple[ExtensionBlock, ...] = ()
    extension_error: str | None = None
    """Why the extension chain stopped early (the basic block is unaffected; earlier blocks are kept)."""
    warnings: tuple[str, ...] = ()
    """Oddities that do not change the status (part numbering, missing owner, data outside the CRC)."""

    @property
    def decoded(self) -> bool:
        return self.status.decoded

    @property
    def library_extension(self) -> LibraryExtension | None:
        return find_library_extension(self.extensions)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready fields (enums as their names/values, extension data as hex)."""
        return {
            "status": self.status.value,
            "reason": self.reason,
            "item_id": self.item_id,
            "usage": self.usage.name.lower() if self.usage is not None else None,
            "usage_code": int(self.usage) if self.usage is not None else None,
            "parts_in_item": self.parts_in_item,
            "part_number": self.part_number,
            "owner_country": self.owner_country,
            "owner_library": self.owner_library,
            "owner_isil": self.owner_isil,
            "version": self.version,
            "crc": f"0x{self.crc:04X}" if self.crc is not None else None,
            "computed_crc": f"0x{self.computed_crc:04X}" if self.computed_crc is not None else None,
            "basic_block_size": self.basic_block_size,
            "block_order": self.block_order.value if self.block_order else None,
            "nibble_order": self.nibble_order.value if self.nibble_order else None,
            "extensions": [block.to_dict() for block in self.extensions],
            "extension_error": self.extension_error,
            "warnings": list(self.warnings),
        }
