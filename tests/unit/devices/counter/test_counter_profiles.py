"""config/counters.toml: the project's profiles load, and a profile that cannot describe a counter is
refused, naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.counter.profiles import Checksum, CounterProfileError, ReportField, load_counter_profiles


def test_the_project_file_loads() -> None:
    profiles = load_counter_profiles()
    radar = profiles.get()
    assert radar.name == "radar"
    assert (radar.checksum, radar.lanes, radar.interval_s) == (Checksum.XOR, 2, 5.0)
    beam = profiles.get("beam")
    assert beam.fields == (ReportField.LANE, ReportField.OUT, ReportField.IN)
    with pytest.raises(CounterProfileError, match="no counter profile 'sonar'"):
        profiles.get("sonar")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('fields = ["lane", "in"]', "out exactly once"),
        ('fields = ["lane", "in", "out", "in"]', "in exactly once"),
        ('fields = ["lane", "in", "out", "seq", "seq"]', "at most once"),
        ('fields = ["lane", "in", "out", "weather"]', "fields"),
        ('checksum = "crc32"', "checksum"),
        ('sentence = "pc nt"', "sentence"),
        ("modulus = 5", "modulus"),
        ("lanes = 0", "lanes"),
        ('parity = "X"', "parity"),
        ("interval = 5", "interval"),
    ],
)
def test_bad_profiles_are_refused(tmp_path: Path, table: str, message: str) -> None:
    path = tmp_path / "counters.toml"
    path.write_text(f"[profiles.odd]\n{table}\n")
    with pytest.raises(CounterProfileError, match=message) as raised:
        load_counter_profiles(path)
    assert str(path) in str(raised.value)


def test_a_file_without_profiles_or_with_an_unknown_default_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "counters.toml"
    path.write_text('default = "radar"\n')
    with pytest.raises(CounterProfileError, match="no counter profiles"):
        load_counter_profiles(path)
    path.write_text('default = "radar"\n[profiles.beam]\n')
    with pytest.raises(CounterProfileError, match="'radar' is not defined"):
        load_counter_profiles(path)
