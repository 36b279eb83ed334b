"""config/scanners.toml as shipped, and pointing STACKS_SCANNERS_CONFIG at another file."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from devices.barcode.classify import ScanKind, classify, load_rules
from devices.barcode.profiles import CONFIG_ENV, ProfileError, Terminator, load_profile, load_profiles


def test_shipped_profiles_load() -> None:
    profiles = load_profiles()
    assert {"generic-cr", "generic-crlf", "kiosk", "stx-etx", "tab", "no-terminator"} <= set(profiles)
    assert profiles["stx-etx"].prefix == b"\x02"
    assert profiles["stx-etx"].delimiter == b"\x03"
    assert profiles["kiosk"].aim_ids
    assert profiles["no-terminator"].terminator is Terminator.NONE
    assert all(profile.description for profile in profiles.values())


def test_shipped_classification_matches_the_seed_numbering() -> None:
    rules = load_rules()
    assert classify("VV000123", rules).kind is ScanKind.ITEM
    assert classify("NV000045", rules).kind is ScanKind.ITEM
    for card in ("SV2100123", "HV2300045", "CB0001234"):
        assert classify(card, rules).kind is ScanKind.PATRON


def test_environment_names_another_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "scanners.toml"
    path.write_text(
        '[scanners.desk]\nterminator = "LF"\nprefix = "#"\n\n[classification]\nitem_pattern = "3[0-9]{13}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(CONFIG_ENV, str(path))
    assert set(load_profiles()) == {"desk"}
    assert load_profile("desk").prefix == b"#"
    assert classify("31234567890123", load_rules()).kind is ScanKind.ITEM
    assert classify("SV2100123", load_rules()).kind is ScanKind.PATRON  # default kept for what is not set


@pytest.mark.parametrize(
    ("loader", "content", "message"),
    [
        (load_profiles, "[scanners\n", "not valid TOML"),
        (load_profiles, "[classification]\n", "expected \\[scanners.NAME\\] tables"),
        (load_profiles, "[other]\nx = 1\n", "unknown section\\(s\\): other"),
        (load_rules, "[scanners\n", "not valid TOML"),
        (
            load_rules,
            "[classification]\nitem_pattern = 5\n",
            "classification.item_pattern: must be a string, got 5",
        ),
        (load_rules, '[classification]\ncolour = "red"\n', "classification.colour: unknown setting"),
        (load_rules, '[classification]\npatron_pattern = "(SV"\n', "not a valid regular expression"),
    ],
)
def test_broken_files_are_explained(
    tmp_path: Path, loader: Callable[[Path], object], content: str, message: str
) -> None:
    path = tmp_path / "scanners.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ProfileError, match=message):
        loader(path)


def test_unknown_profile_lists_the_known_ones() -> None:
    with pytest.raises(ProfileError, match="generic-cr"):
        load_profile("honeywell-9000")
