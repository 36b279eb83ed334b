"""Reading device setting files: every loader raises its caller's error, naming file and key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from contract.config_files import ConfigModel
from devices.config import load_file, load_section, validate
from devices.errors import DeviceError
from devices.feig.profiles import load_profiles


class SiteError(DeviceError):
    """Stands for a caller's own error class."""


class Desk(ConfigModel):
    name: str = "front"


def test_problems_raise_the_callers_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text("nmae = 'x'\n", encoding="utf-8")
    with pytest.raises(SiteError, match=f"^{re.escape(str(path))}: nmae: unknown setting$"):
        load_file(path, Desk, SiteError)
    with pytest.raises(SiteError, match="cannot read the file"):
        load_file(tmp_path / "absent.toml", Desk, SiteError)


def test_sections(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text("[desk]\nname = 'back'\n[gate]\n", encoding="utf-8")
    sections = ("desk", "gate", "shelf")
    assert load_section(path, "desk", Desk, SiteError, sections=sections).name == "back"
    assert load_section(path, "shelf", Desk, SiteError, sections=sections, required=False).name == "front"
    with pytest.raises(SiteError, match=r": no \[shelf\] section$"):
        load_section(path, "shelf", Desk, SiteError, sections=sections)
    with pytest.raises(SiteError, match=r": unknown section\(s\): gate \(known: desk\)$"):
        load_section(path, "desk", Desk, SiteError, sections=("desk",))
    path.write_text("desk = 2\n", encoding="utf-8")
    with pytest.raises(SiteError, match=r": desk: must be a table, got 2$"):
        load_section(path, "desk", Desk, SiteError, sections=sections)


def test_a_table_already_read_is_named_by_its_place() -> None:
    with pytest.raises(SiteError) as caught:
        validate(Desk, {"name": 1}, SiteError, where="desk 'front'")
    assert str(caught.value) == "desk 'front': name: must be a string, got 1"


def test_the_project_reader_profiles_load() -> None:
    assert set(load_profiles().profiles) == {"cpr", "mr101", "lr2500", "mr102"}
