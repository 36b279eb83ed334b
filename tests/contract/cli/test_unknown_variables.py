"""A `STACKS_*` variable no Stacks process reads is warned about at start-up, with the closest real name."""

from __future__ import annotations

import ast
import logging
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stacks.cli import app
from stacks.environment import (
    PACKAGES,
    UnknownVariable,
    known_variables,
    settings_classes,
    settings_variables,
    unknown_variables,
    warn_about_unknown_variables,
)

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("name", "closest"),
    [
        ("STACKS_MQTT_ULR", "STACKS_MQTT_URL"),
        ("STACKS_DATABSE_URL", "STACKS_DATABASE_URL"),
        ("STACKS_LOGLEVEL", "STACKS_LOG_LEVEL"),
        ("STACKS_TAG_CONFIG", "STACKS_TAGS_CONFIG"),
        ("STACKS_SEED_PIN", "STACKS_SEED_INITIAL_PIN"),
        ("STACKS_HEARTBEAT", "STACKS_HEARTBEAT_S"),
        ("STACKS_FRobnicate", None),
    ],
)
def test_a_typo_is_named_with_the_closest_real_setting(name: str, closest: str | None) -> None:
    assert unknown_variables({name: "1", "PATH": "/usr/bin"}, known_variables()) == [
        UnknownVariable(name, closest)
    ]


def test_the_warning_says_what_is_ignored_and_what_was_meant(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="stacks.environment"):
        warn_about_unknown_variables({"STACKS_MQTT_ULR": "mqtt://broker:1883", "STACKS_DATA_DIR": "var"})
    assert caplog.messages == [
        "ignoring STACKS_MQTT_ULR: no Stacks process reads it (did you mean STACKS_MQTT_URL?)"
    ]


def test_every_stacks_command_warns_before_it_runs(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STACKS_TIMEZOME", "Asia/Ho_Chi_Minh")
    with caplog.at_level(logging.WARNING, logger="stacks.environment"):
        result = CliRunner().invoke(app, ["tags", "encode", "--barcode", "VV000123", "--isil", "VN-VNULIC"])
    assert result.exit_code == 0, result.output
    assert caplog.messages == [
        "ignoring STACKS_TIMEZOME: no Stacks process reads it (did you mean STACKS_TIMEZONE?)"
    ]


def test_names_are_matched_without_regard_to_case_as_pydantic_settings_reads_them() -> None:
    assert unknown_variables({"stacks_data_dir": "var"}, known_variables()) == []


def _documented_and_deployed_names() -> set[str]:
    """The variables of the tables of docs/settings.md, and those docker-compose.yml and the image set."""
    tables = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(STACKS_[A-Z0-9_]+)`", tables, re.MULTILINE))
    deployed = "".join(
        (ROOT / name).read_text(encoding="utf-8") for name in ("docker-compose.yml", "Dockerfile")
    )
    return documented | set(re.findall(r"\bSTACKS_[A-Z0-9_]*[A-Z0-9]\b", deployed))


def test_no_real_setting_is_warned_about() -> None:
    names = _documented_and_deployed_names() | known_variables()
    assert len(names) > 40
    assert unknown_variables(dict.fromkeys(names, ""), known_variables()) == []


def test_variables_read_directly_are_known() -> None:
    assert {"STACKS_LOG_LEVEL", "STACKS_CONFIG_DIR", "STACKS_TAGS_CONFIG", "STACKS_SCANNERS_CONFIG"} <= (
        known_variables()
    )


def _settings_class_definitions() -> set[tuple[str, str]]:
    """(module, class) of every class whose bases name BaseSettings, read from the syntax tree."""
    found: set[tuple[str, str]] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef) and any(
                    (isinstance(base, ast.Name) and base.id == "BaseSettings")
                    or (isinstance(base, ast.Attribute) and base.attr == "BaseSettings")
                    for base in node.bases
                ):
                    found.add((module, node.name))
    return found


def test_every_settings_class_is_found_and_all_its_fields_are_known() -> None:
    known = known_variables()
    classes = {(settings.__module__, settings.__name__): settings for settings in settings_classes()}
    assert _settings_class_definitions() <= set(classes)
    assert {"ServerSettings", "EdgeSettings", "BrokerSettings", "SeedSettings"} <= {
        name for _, name in classes
    }
    for settings in classes.values():
        assert settings_variables(settings) <= known
