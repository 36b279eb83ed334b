"""config/kiosks.toml: each kiosk's pad, pace, idle timeout and screen; and the screen's change feed."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge.kiosk.feed import KEPT, Part, ScreenFeed
from edge.kiosk.settings import KioskConfig, KioskConfigError, config_path, load_kiosk_config


def test_the_shipped_file_configures_both_kiosks() -> None:
    config = load_kiosk_config("kiosk-01", config_path())
    assert (config.pad_profile, config.pad_poll_s, config.screen_port) == ("cpr", 0.25, 8770)
    assert config.idle_warning_s < config.idle_timeout_s
    assert load_kiosk_config("kiosk-02", config_path()).pad_port


def test_a_missing_table_is_an_error_unless_defaults_will_do(tmp_path: Path) -> None:
    path = tmp_path / "kiosks.toml"
    path.write_text('[kiosks.kiosk-01]\npad_port = "/dev/ttyS1"\n', encoding="utf-8")
    with pytest.raises(KioskConfigError, match="kiosk-09"):
        load_kiosk_config("kiosk-09", path)
    assert load_kiosk_config("kiosk-09", path, missing_ok=True) == KioskConfig("kiosk-09")
    assert load_kiosk_config("kiosk-09", tmp_path / "none.toml", missing_ok=True) == KioskConfig("kiosk-09")


@pytest.mark.parametrize(
    "table",
    ["idle_timeout_s = 30\nidle_warning_s = 30", "pad_poll_ms = 5", "screen_port = 70000", "scanner = 1"],
)
def test_bad_values_are_refused(tmp_path: Path, table: str) -> None:
    path = tmp_path / "kiosks.toml"
    path.write_text(f"[kiosks.kiosk-01]\n{table}\n", encoding="utf-8")
    with pytest.raises(KioskConfigError):
        load_kiosk_config("kiosk-01", path)


def test_the_feed_tells_each_changed_part_once_and_everything_to_a_stream_far_behind() -> None:
    feed = ScreenFeed()
    feed.changed(Part.BOOKS)
    feed.changed(Part.SIGN_IN, Part.BOOKS)
    assert feed.after(0) == ([Part.BOOKS, Part.SIGN_IN], 3)
    assert feed.after(2) == ([Part.BOOKS], 3)
    assert feed.after(3, timeout=0.01) == ([], 3)
    for _ in range(KEPT + 5):
        feed.changed(Part.WARNING)
    parts, last = feed.after(0)
    assert set(parts) == set(Part)
    assert last == KEPT + 8
