"""docker-compose.yml stays valid and wired (no Docker engine here: the file is checked, not run).

Every Stacks service runs a real `stacks` command with the options it passes; every STACKS_* variable is a
setting some process reads; the broker, database, migration, server and an edge agent are all there, in start
order: the database is migrated once, before the server and the seed, by `stacks server migrate`.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from stacks.cli import app
from stacks.environment import known_variables

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    return document


def _stacks_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in compose["services"].items() if s.get("image") == "stacks:latest"}


def test_every_part_is_there(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {"mosquitto", "postgres", "migrate", "server", "broker-config", "kiosk-01"} <= services.keys()
    assert services["migrate"]["command"] == ["server", "migrate"]
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("server", "seed"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert (
        services["mosquitto"]["depends_on"]["broker-config"]["condition"] == "service_completed_successfully"
    )
    for name, volume in (
        ("mosquitto", "stacks-data"),
        ("server", "stacks-data"),
        ("postgres", "postgres-data"),
    ):
        assert any(v.startswith(volume + ":") for v in services[name]["volumes"])


def test_every_command_exists_with_its_options(compose: dict[str, Any]) -> None:
    runner = CliRunner()
    for name, service in _stacks_services(compose).items():
        words = (
            service["command"] if isinstance(service["command"], list) else shlex.split(service["command"])
        )
        # The command path: the words before the first option (`server migrate`, `edge kiosk`, `seed`).
        first_option = next((i for i, w in enumerate(words) if w.startswith("--")), len(words))
        subcommand = words[:first_option]
        result = runner.invoke(app, [*subcommand, "--help"])
        assert result.exit_code == 0, (name, result.output)
        for option in (w for w in words if w.startswith("--")):
            assert option in result.output, (
                f"{name}: {option} is not an option of stacks {' '.join(subcommand)}"
            )


def test_every_setting_named_is_read_by_some_process(compose: dict[str, Any]) -> None:
    known = known_variables()
    for name, service in _stacks_services(compose).items():
        for variable in service.get("environment", {}):
            assert variable in known, f"{name}: {variable} is not a setting"
