"""config/handhelds.toml: the repository's file loads, a handheld without a table is refused unless
simulated, and a bad key is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge.handheld.settings import HandheldConfig, HandheldConfigError, load_handheld_config

REPO_FILE = Path(__file__).resolve().parents[3] / "config" / "handhelds.toml"


def test_the_repository_file_names_the_wand_and_the_scanner() -> None:
    config = load_handheld_config("handheld-01", REPO_FILE)
    assert (config.reader_profile, config.scanner_profile, config.shelf_label_prefix) == (
        "mr101",
        "generic-cr",
        "LOC-",
    )
    assert config.flush_s == 1.0


def test_a_handheld_without_a_table(tmp_path: Path) -> None:
    with pytest.raises(
        HandheldConfigError, match=r"no \[handhelds.handheld-09\] table \(handhelds: handheld-01\)"
    ):
        load_handheld_config("handheld-09", REPO_FILE)
    assert load_handheld_config("handheld-09", REPO_FILE, missing_ok=True) == HandheldConfig("handheld-09")
    assert load_handheld_config("handheld-09", tmp_path / "absent.toml", missing_ok=True) == HandheldConfig(
        "handheld-09"
    )


def test_a_bad_value_is_named(tmp_path: Path) -> None:
    path = tmp_path / "handhelds.toml"
    path.write_text("[handhelds.handheld-01]\nflush_ms = 1\n", encoding="utf-8")
    with pytest.raises(HandheldConfigError, match="flush_ms"):
        load_handheld_config("handheld-01", path)
