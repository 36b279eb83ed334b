"""Reader profiles from their TOML tables: every key typed, nothing unknown, nothing silently defaulted."""

from __future__ import annotations

import pytest

from devices.blocks import BlockOrder
from devices.feig.blocks import MemSizeEncoding
from devices.feig.outputs import Channel, Output
from devices.feig.profiles import ProfileError, profile_from_dict


def test_a_full_table_gives_every_value() -> None:
    profile = profile_from_dict(
        "gate",
        {
            "description": "a gate",
            "sw_types": [43],
            "eas": True,
            "eas_manufacturer": 0x04,
            "max_data_sets": 24,
            "block_order": "memory",
            "mem_size": "actual",
            "advanced_requests": True,
            "advanced_replies": True,
            "max_block_bytes": 64,
            "psst_ms": 7.5,
            "reply_timeout_ms": 500,
            "antenna_mask": 0x03,
            "outputs": {
                "command": 0x71,
                "channels": {"red_led": {"shift": 2}, "relay": {"timer": "out"}},
            },
            "signals": {"alarm": ["red_led", "relay"]},
        },
    )
    assert (profile.sw_types, profile.eas, profile.max_data_sets) == ((43,), True, 24)
    assert (profile.block_order, profile.mem_size) == (BlockOrder.MEMORY, MemSizeEncoding.ACTUAL)
    assert (profile.psst_s, profile.reply_timeout_s, profile.antenna_mask) == (0.0075, 0.5, 0x03)
    assert profile.outputs.command == 0x71
    assert profile.outputs.channels == {Output.RED_LED: Channel(shift=2), Output.RELAY: Channel(timer="out")}
    assert profile.signals == {"alarm": (Output.RED_LED, Output.RELAY)}


def test_an_empty_table_takes_the_documented_defaults() -> None:
    profile = profile_from_dict("plain", {})
    assert (profile.block_order, profile.eas, profile.reply_timeout_s) == (BlockOrder.REVERSED, False, 0.3)
    assert profile.outputs.command is None


@pytest.mark.parametrize(
    ("table", "message"),
    [
        # Each of these used to load silently: reversed order, EAS on, a 0.3 s timeout.
        ({"blocks_order": "memory"}, "blocks_order: unknown setting"),
        ({"eas": "false"}, "eas: must be true or false, got 'false'"),
        ({"reply_timeout": 50}, "reply_timeout: unknown setting"),
        ({"block_order": "sideways"}, "block_order: must be 'memory' or 'reversed', got 'sideways'"),
        ({"mem_size": 4}, "mem_size: must be 'raw', 'actual' or 'auto', got 4"),
        ({"max_data_sets": 0}, "max_data_sets: must be at least 1, got 0"),
        ({"max_data_sets": 4.0}, "max_data_sets: must be an integer, got 4.0"),
        ({"psst_ms": "5"}, "psst_ms: must be a number, got '5'"),
        ({"reply_timeout_ms": 0}, "reply_timeout_ms: must be at least 1, got 0"),
        ({"sw_types": [80, "81"]}, r"sw_types\[1\]: must be an integer, got '81'"),
        ({"eas_manufacturer": 0x104}, "eas_manufacturer: must be at most 255, got 260"),
        ({"outputs": {"command": 0x73}}, "outputs.command: must be 0x71, 0x72 or 0"),
        (
            {"outputs": {"channels": {"horn": {"shift": 4}}}},
            "outputs.channels.horn: must be 'green_led', .* got 'horn'",
        ),
        (
            {"outputs": {"channels": {"buzzer": {"shift": "4"}}}},
            "outputs.channels.buzzer.shift: must be an integer",
        ),
        ({"outputs": {"channels": {"relay": {"timer": "os_time"}}}}, "outputs.channels.relay.timer"),
        (
            {"outputs": {"channels": {"relay": {"colour": 1}}}},
            "outputs.channels.relay.colour: unknown setting",
        ),
        ({"outputs": {"on_state": True}}, "outputs.on_state: must be an integer, got True"),
        ({"signals": {"ok": "green_led"}}, "signals.ok: must be a list, got 'green_led'"),
        ({"signals": {"ok": ["green"]}}, r"signals.ok\[0\]: must be 'green_led', .* got 'green'"),
    ],
)
def test_unknown_keys_and_wrong_types_are_refused(table: dict[str, object], message: str) -> None:
    with pytest.raises(ProfileError, match=message) as caught:
        profile_from_dict("x", table)
    assert str(caught.value).startswith("reader profile 'x': ")
