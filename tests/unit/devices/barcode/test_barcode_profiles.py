"""Scanner profiles as data: parsing TOML tables and refusing inconsistent settings."""

from __future__ import annotations

import tomllib

import pytest

from devices.barcode.profiles import ProfileError, ScannerProfile, Terminator, profile_from_mapping


def test_table_with_control_characters_and_terminator() -> None:
    table = tomllib.loads(
        'prefix = "\\u0002"\nsuffix = "\\u0003"\nterminator = "none"\naim_ids = true\nbaudrate = 115200\n'
    )
    profile = profile_from_mapping("stx", table)
    assert profile.prefix == b"\x02"
    assert profile.suffix == b"\x03"
    assert profile.terminator is Terminator.NONE
    assert profile.delimiter == b"\x03"  # with no terminator the suffix ends a scan
    assert profile.aim_ids
    assert profile.baudrate == 115200


def test_defaults_are_data_then_cr() -> None:
    profile = profile_from_mapping("plain", {})
    assert (profile.prefix, profile.suffix, profile.terminator, profile.delimiter) == (
        b"",
        b"",
        Terminator.CR,
        b"\r",
    )


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"terminator": "ETX"}, "terminator: must be 'CR', 'LF', 'CRLF', 'TAB' or 'NONE', got 'ETX'"),
        ({"prefix": "Đ"}, "bytes 0-255"),
        ({"colour": "red"}, "colour: unknown setting"),
        ({"max_length": "64"}, "max_length: must be an integer, got '64'"),
        ({"aim_ids": 1}, "aim_ids: must be true or false, got 1"),
        ({"idle_timeout_s": True}, "idle_timeout_s: must be a number, got True"),
        ({"encoding": "klingon"}, "unknown encoding"),
        ({"max_length": 0}, "max_length must be at least 1"),
        ({"parity": "M"}, "parity"),
        ({"suffix": "\r", "terminator": "CR"}, "must not contain the terminator"),
    ],
)
def test_inconsistent_settings_are_refused(table: dict[str, object], message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        profile_from_mapping("bad", table)


def test_profile_must_be_a_table() -> None:
    with pytest.raises(ProfileError, match="must be a table"):
        profile_from_mapping("bad", "CR")


def test_without_terminator_or_suffix_only_a_pause_ends_a_scan() -> None:
    assert ScannerProfile(terminator=Terminator.NONE).delimiter == b""
