"""Reading device setting files: every loader reports a bad file the same way, naming file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.barcode.classify import load_rules
from devices.barcode.profiles import ProfileError as ScannerProfileError
from devices.config import load_section, read_toml
from devices.errors import DeviceError
from devices.feig.profiles import ProfileError, load_profiles

pytestmark = pytest.mark.contract


class SiteError(DeviceError):
    """Stands for a caller's own error class."""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[site\n", "not valid TOML"),
        (b"name = '\xff'\n", "not UTF-8 text"),
    ],
)
def test_unreadable_files_raise_the_callers_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "site.toml"
    path.write_bytes(content)
    with pytest.raises(SiteError, match=f"cannot read site settings from {path}: {message}"):
        read_toml(path, SiteError, what="site settings")


def test_a_missing_file_raises_the_callers_error(tmp_path: Path) -> None:
    with pytest.raises(SiteError, match="cannot read site settings"):
        read_toml(tmp_path / "absent.toml", SiteError, what="site settings")


def test_sections(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text("other = 1\nsite = 2\n[desk]\nname = 'front'\n", encoding="utf-8")
    assert load_section(path, "desk", SiteError, what="x").text("name", "") == "front"
    assert list(load_section(path, "gate", SiteError, what="x", required=False)) == []
    with pytest.raises(SiteError, match=r"has no \[gate\] section"):
        load_section(path, "gate", SiteError, what="x")
    with pytest.raises(SiteError, match=r"\[site\] must be a table"):
        load_section(path, "site", SiteError, what="x")


def test_a_reader_profile_file_names_the_profile_and_key(tmp_path: Path) -> None:
    path = tmp_path / "readers.toml"
    path.write_text('[profiles.cpr]\neas = "false"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"readers\.toml: profiles\.cpr\.eas must be true or false"):
        load_profiles(path)
    path.write_text('[profiles.cpr]\nblocks_order = "memory"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"unknown setting\(s\): profiles\.cpr\.blocks_order"):
        load_profiles(path)
    path.write_text('defualt = "cpr"\n[profiles.cpr]\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"unknown setting\(s\): defualt"):
        load_profiles(path)


def test_the_project_reader_profiles_load() -> None:
    assert set(load_profiles().profiles) == {"cpr", "mr101", "lr2500", "mr102"}


def test_classification_rules_are_typed(tmp_path: Path) -> None:
    path = tmp_path / "scanners.toml"
    path.write_text("[classification]\nfold_case = 1\n", encoding="utf-8")
    with pytest.raises(ScannerProfileError, match=r"\[classification\]: fold_case must be true or false"):
        load_rules(path)
