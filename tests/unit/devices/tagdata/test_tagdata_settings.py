"""The `[data_model]` settings: defaults, every key, and refusal of bad values."""

from __future__ import annotations

import pytest

from devices.tagdata import BlockOrder, PartBytes, TagDataSettingsError, TagStatus
from devices.tagdata.settings import TagDataSettings, WriteBlockOrder
from tests.unit.devices.tagdata.tag_dumps import DEICHMAN_TAG


def test_defaults_need_only_the_isil() -> None:
    settings = TagDataSettings.from_mapping({"isil": "VN-VNULIC"})
    assert str(settings.isil) == "VN-VNULIC"
    assert settings.options.block_orders == (BlockOrder.MEMORY, BlockOrder.REVERSED)
    assert settings.options.accept_swapped_nibbles
    assert settings.write_block_order is WriteBlockOrder.AS_FOUND


def test_every_key_is_read() -> None:
    settings = TagDataSettings.from_mapping(
        {
            "isil": "DK-718500",
            "block_orders": ["reversed"],
            "block_size": 8,
            "write_block_order": "reversed",
            "accept_swapped_nibbles": False,
            "supported_versions": [1, 2],
            "part_bytes": "number_first",
            "extension_offset": 35,
            "long_item_ids": False,
        }
    )
    options = settings.options
    assert options.block_orders == (BlockOrder.REVERSED,)
    assert options.block_size == 8
    assert not options.accept_swapped_nibbles
    assert options.supported_versions == frozenset({1, 2})
    assert options.part_bytes is PartBytes.NUMBER_FIRST
    assert options.extension_offset == 35
    assert not options.long_item_ids
    assert settings.write_block_order is WriteBlockOrder.REVERSED


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "isil: is required"),
        ({"isil": ""}, "prefix, a hyphen"),
        ({"isil": "ZDB-1"}, "two-letter"),
        ({"isil": "VN-X", "block_order": ["memory"]}, "unknown setting"),
        ({"isil": "VN-X", "block_orders": []}, "at least one"),
        ({"isil": "VN-X", "block_orders": ["memory", "memory"]}, "twice"),
        (
            {"isil": "VN-X", "block_orders": ["sideways"]},
            r"block_orders\[0\]: must be 'memory' or 'reversed'",
        ),
        ({"isil": "VN-X", "block_orders": "memory"}, "block_orders: must be a list"),
        ({"isil": "VN-X", "block_size": 0}, "block_size"),
        ({"isil": "VN-X", "block_size": True}, "integer"),
        ({"isil": "VN-X", "accept_swapped_nibbles": "yes"}, "true or false"),
        ({"isil": "VN-X", "supported_versions": [16]}, "nibble"),
        ({"isil": "VN-X", "supported_versions": ["1"]}, r"supported_versions\[0\]: must be an integer"),
        ({"isil": "VN-X", "part_bytes": "parts"}, "part_bytes: must be 'count_first' or 'number_first'"),
        ({"isil": "VN-X", "extension_offset": 33}, "extension_offset"),
        ({"isil": "VN-X", "write_block_order": "found"}, "write_block_order: must be 'memory', 'reversed'"),
        ({"isil": 7}, "must be a string"),
    ],
)
def test_bad_values_are_refused(values: dict[str, object], message: str) -> None:
    with pytest.raises(TagDataSettingsError, match=message):
        TagDataSettings.from_mapping(values)


def test_decode_uses_the_library_isil() -> None:
    assert TagDataSettings.from_mapping({"isil": "NO-02030000"}).decode(DEICHMAN_TAG).status is TagStatus.OK
    assert TagDataSettings.from_mapping({"isil": "VN-VNULIC"}).decode(DEICHMAN_TAG).status is (
        TagStatus.FOREIGN_OWNER
    )


@pytest.mark.parametrize(
    ("setting", "found", "expected"),
    [
        (WriteBlockOrder.AS_FOUND, BlockOrder.REVERSED, BlockOrder.REVERSED),
        (WriteBlockOrder.AS_FOUND, None, BlockOrder.MEMORY),
        (WriteBlockOrder.MEMORY, BlockOrder.REVERSED, BlockOrder.MEMORY),
        (WriteBlockOrder.REVERSED, None, BlockOrder.REVERSED),
    ],
)
def test_write_block_order(setting: WriteBlockOrder, found: BlockOrder | None, expected: BlockOrder) -> None:
    assert setting.resolve(found) is expected
