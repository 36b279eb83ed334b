"""requirements.lock: a fresh machine installs what pyproject.toml pins, and what the tests ran with."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PIN = re.compile(r"(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==(?P<version>[^\s;#]+)")


def canonical(name: str) -> str:
    """A distribution's name as pip compares them (PEP 503): case and separators do not count."""
    return re.sub(r"[-_.]+", "-", name).lower()


def locked() -> dict[str, str]:
    versions: dict[str, str] = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pin = PIN.fullmatch(line.strip())
        assert pin is not None, f"requirements.lock: {line!r} is not an exact pin"
        versions[canonical(pin["name"])] = pin["version"]
    return versions


def direct_pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [
        *project["dependencies"],
        *(r for extra in project["optional-dependencies"].values() for r in extra),
    ]
    pins: dict[str, str] = {}
    for requirement in requirements:
        pin = PIN.fullmatch(requirement)
        assert pin is not None, f"pyproject.toml: {requirement!r} is not pinned exactly"
        pins[canonical(pin["name"])] = pin["version"]
    return pins


def test_every_direct_pin_is_the_locked_version() -> None:
    lock = locked()
    disagreements = {
        name: (version, lock.get(name))
        for name, version in direct_pins().items()
        if lock.get(name) != version
    }
    assert disagreements == {}, "pyproject.toml → requirements.lock differ; run `make lock`"


def test_the_lock_holds_more_than_the_direct_dependencies_and_not_stacks_itself() -> None:
    lock, direct = locked(), direct_pins()
    assert len(lock) > len(direct)
    assert "stacks" not in lock


def test_the_tests_run_with_the_locked_versions() -> None:
    """What CI tested is what the lock installs: `make venv` installs with the lock as constraints."""
    installed = {name: metadata.version(name) for name in locked()}
    assert {name: version for name, version in installed.items() if version != locked()[name]} == {}


@pytest.mark.parametrize(
    ("line", "name", "version"),
    [
        ("psycopg[binary]==3.3.9", "psycopg", "3.3.9"),
        ("types-PyYAML==6.0.12.20261113", "types-pyyaml", "6.0.12.20261113"),
        ("typing_extensions==4.16.0", "typing-extensions", "4.16.0"),
    ],
)
def test_pins_are_read_as_pip_reads_them(line: str, name: str, version: str) -> None:
    pin = PIN.fullmatch(line)
    assert pin is not None
    assert (canonical(pin["name"]), pin["version"]) == (name, version)


@pytest.mark.parametrize("line", ["pydantic>=2", "pydantic", "pydantic==2.*; extra"])
def test_a_loose_requirement_is_not_a_pin(line: str) -> None:
    assert PIN.fullmatch(line) is None
