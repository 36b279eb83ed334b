"""The [security] section of config/tags.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.rfid import Mechanism, SecuritySettings, SecuritySettingsError

PROJECT_TAGS_TOML = Path(__file__).parents[4] / "config" / "tags.toml"


def test_the_project_file_loads() -> None:
    settings = SecuritySettings.from_toml(PROJECT_TAGS_TOML)
    assert settings.mechanism in set(Mechanism)
    assert settings.afi_secured != settings.afi_unsecured


def test_values_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "tags.toml"
    path.write_text('[data_model]\nisil = "VN-X"\n[security]\nmechanism = "both"\nafi_secured = 0xD7\n')
    settings = SecuritySettings.from_toml(path)
    assert (settings.mechanism, settings.afi_secured, settings.afi_unsecured) == (Mechanism.BOTH, 0xD7, 0xC2)
    assert settings.gate_repeat_s == 5.5


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ('mechanism = "magnet"', "mechanism"),
        ("afi_secured = 300", "security.afi_secured: must be at most 255, got 300"),
        ("afi_secured = 0xC2", "differ"),
        ("verify_attempts = 0", "verify_attempts"),
        ("afi_secure = 7", "unknown"),
        ('gate_alarm_ms = "loud"', "gate_alarm_ms"),
    ],
)
def test_bad_settings_are_refused(tmp_path: Path, section: str, message: str) -> None:
    path = tmp_path / "tags.toml"
    path.write_text(f"[security]\n{section}\n")
    with pytest.raises(SecuritySettingsError, match=message):
        SecuritySettings.from_toml(path)


def test_missing_section_or_file(tmp_path: Path) -> None:
    path = tmp_path / "tags.toml"
    path.write_text('[data_model]\nisil = "VN-X"\n')
    with pytest.raises(SecuritySettingsError, match="no \\[security\\]"):
        SecuritySettings.from_toml(path)
    with pytest.raises(SecuritySettingsError):
        SecuritySettings.from_toml(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    ("mechanism", "afi", "eas", "secured"),
    [
        (Mechanism.AFI, 0x07, None, True),
        (Mechanism.AFI, 0xC2, True, False),
        (Mechanism.EAS, 0x07, False, False),
        (Mechanism.EAS, 0xC2, True, True),
        (Mechanism.BOTH, 0xC2, True, True),
        (Mechanism.BOTH, 0x07, False, True),
        (Mechanism.BOTH, 0xC2, False, False),
    ],
)
def test_is_secured(mechanism: Mechanism, afi: int, eas: bool | None, secured: bool) -> None:
    assert SecuritySettings(mechanism=mechanism).is_secured(afi, eas) is secured
