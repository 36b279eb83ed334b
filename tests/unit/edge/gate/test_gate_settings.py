"""config/gates.toml and the list of our UIDs: the project's file loads, a gate without a table is named,
and a bad UID line is refused with its number."""

from __future__ import annotations

from pathlib import Path

import pytest

from edge.gate.settings import GateConfigError, load_gate_config, read_our_uids


def test_the_project_file_has_gate_01() -> None:
    config = load_gate_config("gate-01")
    assert (config.reader_profile, config.counter_profile, config.footfall_period_s) == (
        "lr2500",
        "radar",
        60.0,
    )
    assert config.reader_port.startswith("/dev/serial/by-id/")


def test_a_gate_without_a_table(tmp_path: Path) -> None:
    path = tmp_path / "gates.toml"
    path.write_text("[gates.gate-01]\n")
    with pytest.raises(GateConfigError, match=r"no \[gates.gate-09\] table \(gates: gate-01\)"):
        load_gate_config("gate-09", path)
    assert load_gate_config("gate-09", path, missing_ok=True).reader_port == ""
    assert load_gate_config("gate-09", tmp_path / "absent.toml", missing_ok=True).device_id == "gate-09"


def test_values_and_relative_paths(tmp_path: Path) -> None:
    path = tmp_path / "gates.toml"
    path.write_text(
        '[gates.gate-02]\nreader_port = "socket://10.0.0.7:4001"\nreversed_lanes = [2]\nreader_lane = 1\n'
        'read_budget_ms = 100\nour_uids_file = "uids.txt"\n'
    )
    config = load_gate_config("gate-02", path)
    assert config.reversed_lanes == frozenset({2})
    assert (config.reader_lane, config.read_budget_s) == (1, 0.1)
    assert config.our_uids_file == tmp_path / "uids.txt"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("footfall_period_s = 0", "footfall_period_s"),
        ("reversed_lanes = [0]", "reversed_lanes"),
        ("reader_port = 7", "reader_port"),
        ("colour = 'red'", "unknown setting"),
    ],
)
def test_bad_tables_are_refused(tmp_path: Path, table: str, message: str) -> None:
    path = tmp_path / "gates.toml"
    path.write_text(f"[gates.gate-01]\n{table}\n")
    with pytest.raises(GateConfigError, match=message):
        load_gate_config("gate-01", path)


def test_the_uid_list(tmp_path: Path) -> None:
    path = tmp_path / "uids.txt"
    path.write_text("# our legacy tags\ne004015000000001\n\nE004015000000002  # shelf 3\n")
    assert read_our_uids(path) == frozenset({"E004015000000001", "E004015000000002"})
    path.write_text("E004015000000001\nE00401500000000\n")
    with pytest.raises(GateConfigError, match="line 2"):
        read_our_uids(path)
    with pytest.raises(GateConfigError, match="cannot read"):
        read_our_uids(tmp_path / "absent.txt")
