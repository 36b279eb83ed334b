"""Where the device layer finds the site's configuration files, and how it reads them.

Like every Stacks process, it reads `STACKS_CONFIG_DIR` (the repository's `config/` when unset), so the
server, the agents and the `stacks` commands agree on one configuration whatever their working directory.
A file can also be named on its own by a variable of its own (e.g. `STACKS_TAGS_CONFIG`).

Every device setting file is TOML and is read the same way: `load_section` (or `load_document`) reads the
file and returns a `SettingsTable`, whose typed getters refuse a value of the wrong type, and whose
`refuse_unknown` refuses keys nobody asked for, so a misspelt setting cannot silently fall back to its
default. Each caller passes its own error class (a `DeviceError`), which is what every failure raises.

    table = load_section(path, "security", SecuritySettingsError, what="security settings")
    mechanism = table.choice("mechanism", Mechanism, Mechanism.AFI)
    attempts = table.integer("verify_attempts", 3, minimum=1)
    table.refuse_unknown()
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TypeGuard, TypeVar

from devices.errors import DeviceError

REPO_CONFIG_DIR = Path(__file__).resolve().parents[1] / "config"

_E = TypeVar("_E", bound=StrEnum)


def config_file(name: str, *, override_env: str | None = None) -> Path:
    if override_env and os.environ.get(override_env):
        return Path(os.environ[override_env])
    return Path(os.environ.get("STACKS_CONFIG_DIR") or REPO_CONFIG_DIR) / name


def read_toml(path: Path, error: type[DeviceError], *, what: str) -> dict[str, object]:
    """The parsed file; a missing or unreadable file, or one that is not UTF-8 TOML, raises `error`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"cannot read {what} from {path}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise error(f"cannot read {what} from {path}: not UTF-8 text ({exc})") from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"cannot read {what} from {path}: not valid TOML ({exc})") from exc


def load_document(path: Path, error: type[DeviceError], *, what: str) -> SettingsTable:
    """The whole file as a table (for files whose top level holds settings, e.g. `default = …`)."""
    return SettingsTable(read_toml(path, error, what=what), error, where=str(path))


def load_section(
    path: Path, section: str, error: type[DeviceError], *, what: str, required: bool = True
) -> SettingsTable:
    """The `[section]` table of the file; a missing one is an error if `required`, else empty."""
    document = read_toml(path, error, what=what)
    values = document.get(section)
    if values is None and not required:
        values = {}
    if values is None:
        raise error(f"{path} has no [{section}] section")
    if not isinstance(values, dict):
        raise error(f"{path}: [{section}] must be a table, got {values!r}")
    return SettingsTable(values, error, where=f"{path} [{section}]")


class SettingsTable:
    """Typed access to one TOML table, remembering which keys were asked for.

    Errors name the key with its path from this table (`outputs.channels.relay.timer`) after `where`
    (the file and section, or e.g. "reader profile 'cpr'").
    """

    def __init__(
        self,
        values: Mapping[str, object],
        error: type[DeviceError],
        *,
        where: str = "",
        key_prefix: str = "",
    ) -> None:
        self._values = values
        self._error = error
        self._where = where
        self._prefix = key_prefix
        self._used: set[str] = set()
        self._children: list[SettingsTable] = []

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._values))

    def __contains__(self, key: str) -> bool:
        return key in self._values

    def fail(self, message: str) -> DeviceError:
        """The caller's error, naming where the problem is (for checks the getters do not make)."""
        return self._error(f"{self._where}: {message}" if self._where else message)

    def invalid(self, key: str, problem: str) -> DeviceError:
        """The caller's error for a value of the right type that is still wrong ("must be bytes 0-255")."""
        return self.fail(f"{self._name(key)} {problem}")

    # ---------------------------------------------------------------- scalars

    def text(self, key: str, default: str) -> str:
        value = self._get(key, default)
        if not isinstance(value, str):
            raise self._wrong(key, "a string", value)
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise self._wrong(key, "true or false", value)
        return value

    def integer(
        self, key: str, default: int, *, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        value = self._get(key, default)
        if not _is_integer(value):
            raise self._wrong(key, "an integer", value)
        self._check_range(key, value, minimum, maximum)
        return value

    def optional_integer(
        self, key: str, *, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        if key not in self._values:
            self._used.add(key)
            return None
        return self.integer(key, 0, minimum=minimum, maximum=maximum)

    def byte(self, key: str, default: int) -> int:
        value = self._get(key, default)
        if not (_is_integer(value) and 0 <= value <= 0xFF):
            raise self._wrong(key, "an integer that fits in one byte (0..255)", value)
        return value

    def number(self, key: str, default: float, *, minimum: float | None = None) -> float:
        value = self._get(key, default)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise self._wrong(key, "a number", value)
        self._check_range(key, value, minimum, None)
        return float(value)

    def choice(self, key: str, enum: type[_E], default: _E, *, ignore_case: bool = False) -> _E:
        return self._member(key, enum, self.text(key, default.value), ignore_case=ignore_case)

    # ---------------------------------------------------------------- lists

    def texts(self, key: str, default: Sequence[str]) -> list[str]:
        value = self._get(key, list(default))
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self._wrong(key, "a list of strings", value)
        return value

    def integers(self, key: str, default: Sequence[int]) -> list[int]:
        value = self._get(key, list(default))
        if not isinstance(value, list) or not all(_is_integer(item) for item in value):
            raise self._wrong(key, "a list of integers", value)
        return value

    def choices(self, key: str, enum: type[_E], default: Sequence[_E]) -> list[_E]:
        return [self._member(key, enum, item) for item in self.texts(key, [m.value for m in default])]

    # ---------------------------------------------------------------- tables

    def table(self, key: str) -> SettingsTable:
        """A nested table (empty when absent); its keys are checked by this table's `refuse_unknown`."""
        value = self._get(key, {})
        if not isinstance(value, dict):
            raise self._wrong(key, "a table", value)
        child = SettingsTable(value, self._error, where=self._where, key_prefix=f"{self._name(key)}.")
        self._children.append(child)
        return child

    def tables(self, key: str) -> dict[str, SettingsTable]:
        """A table of named tables (`[profiles.NAME]`), each checked like `table`."""
        outer = self.table(key)
        return {name: outer.table(name) for name in outer}

    def refuse_unknown(self) -> None:
        """Raises if this table, or a nested table taken from it, holds a key nobody asked for."""
        unknown = [self._name(key) for key in self._values if key not in self._used]
        if unknown:
            raise self.fail(f"unknown setting(s): {', '.join(sorted(unknown))}")
        for child in self._children:
            child.refuse_unknown()

    # ---------------------------------------------------------------- internals

    def _get(self, key: str, default: object) -> object:
        self._used.add(key)
        return self._values.get(key, default)

    def _name(self, key: str) -> str:
        return f"{self._prefix}{key}"

    def _wrong(self, key: str, expected: str, value: object) -> DeviceError:
        return self.fail(f"{self._name(key)} must be {expected}, got {value!r}")

    def _check_range(self, key: str, value: float, minimum: float | None, maximum: float | None) -> None:
        if minimum is not None and value < minimum:
            raise self.fail(f"{self._name(key)} must be at least {minimum}, got {value!r}")
        if maximum is not None and value > maximum:
            raise self.fail(f"{self._name(key)} must be at most {maximum}, got {value!r}")

    def _member(self, key: str, enum: type[_E], value: str, *, ignore_case: bool = False) -> _E:
        for member in enum:
            if member.value == value or (ignore_case and member.value.casefold() == value.casefold()):
                return member
        allowed = ", ".join(repr(member.value) for member in enum)
        raise self.fail(f"{self._name(key)}: {value!r} is not one of {allowed}")


def _is_integer(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
