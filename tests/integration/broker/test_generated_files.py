"""Files holding secrets are private to their owner from the first byte."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from server.privacy import write_private
from stacks.broker.process import prepare_broker
from stacks.broker.settings import BrokerSettings


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("implementation", ["mosquitto", "amqtt"])
def test_broker_credentials_and_config_are_private(tmp_path: Path, implementation: str) -> None:
    plan = prepare_broker(BrokerSettings(data_dir=tmp_path, broker=implementation))
    secrets = [p for p in plan.directory.iterdir() if p.is_file() and p.suffix != ".log"]
    assert {p.name for p in secrets} >= {"credentials.json"}
    assert {p.name: _mode(p) for p in secrets} == {p.name: 0o600 for p in secrets}


def test_write_private_replaces_whole_files_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "secret"
    write_private(path, "first")
    write_private(path, b"second")
    assert path.read_bytes() == b"second"
    assert _mode(path) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret"]  # no temporary file left behind
