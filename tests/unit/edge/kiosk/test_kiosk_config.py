"""config/kiosks.toml: each kiosk's pad, pace, idle timeout and screen; and the screen's change feed."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from edge.kiosk.feed import KEPT, Part, ScreenFeed
from edge.kiosk.settings import (
    KioskConfig,
    KioskConfigError,
    config_path,
    load_kiosk_config,
    load_library_day,
)


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


def test_offline_lending_is_configured_per_kiosk_and_bad_values_name_their_line(tmp_path: Path) -> None:
    shipped = load_kiosk_config("kiosk-01", config_path()).offline
    assert shipped.lending
    assert (shipped.max_items, shipped.loan_days, shipped.pin_max_failures) == (3, 14, 5)
    path = tmp_path / "kiosks.toml"
    path.write_text(
        '[kiosks.kiosk-01]\noffline_lending = true\noffline_categories = ["student"]\n'
        "offline_card_only = true\n",
        encoding="utf-8",
    )
    rules = load_kiosk_config("kiosk-01", path).offline
    assert (rules.lending, rules.categories, rules.card_only) == (True, frozenset({"student"}), True)
    assert not load_kiosk_config("kiosk-09", path, missing_ok=True).offline.lending  # off by default
    path.write_text("[kiosks.kiosk-01]\npad_poll_ms = 250\noffline_max_items = 0\n", encoding="utf-8")
    with pytest.raises(KioskConfigError, match=r"line 3: kiosks\.kiosk-01\.offline_max_items"):
        load_kiosk_config("kiosk-01", path)


def test_the_library_day_comes_from_the_policies_file(tmp_path: Path) -> None:
    day = load_library_day()
    assert day.closing == time(21, 0)
    assert 6 in day.closed_weekdays  # Sunday
    path = tmp_path / "policies.toml"
    path.write_text('[library]\nclosing_time = "25:00"\n', encoding="utf-8")
    with pytest.raises(KioskConfigError, match="line 2"):
        load_library_day(path)
