"""config/tags.toml as shipped parses, and the loader reports unreadable files clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.tagdata import TagDataSettingsError
from devices.tagdata.settings import CONFIG_ENV, TagDataSettings, config_path

SHIPPED = Path(__file__).resolve().parents[4] / "config" / "tags.toml"


def test_shipped_config_parses() -> None:
    settings = TagDataSettings.from_toml(SHIPPED)
    assert str(settings.isil) == "VN-VNULIC"


def test_environment_names_another_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "tags.toml"
    other.write_text('[data_model]\nisil = "DK-718500"\n', encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV, str(other))
    assert config_path() == other
    assert str(TagDataSettings.from_toml().isil) == "DK-718500"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[security]\nmechanism = 'afi'\n", "no \\[data_model\\] section"),
        ("[data_model\n", "not valid TOML"),
        ("[data_model]\nisil = 'VN-X'\nsize = 34\n", "unknown setting"),
    ],
)
def test_bad_files_are_reported_with_their_path(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "tags.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TagDataSettingsError, match=message) as caught:
        TagDataSettings.from_toml(path)
    assert str(path) in str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TagDataSettingsError, match="cannot read"):
        TagDataSettings.from_toml(tmp_path / "absent.toml")
