"""The device registry (config/devices.toml) and the MQTT credentials generated for it.

Every device, the server and the benchmark client get their own user name and a random password, kept in
`<data_dir>/broker/credentials.json` (mode 0600). Passwords are generated once and reused.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from contract.common import DEVICE_ID_PATTERN
from contract.config_files import ConfigFileError, ConfigModel, Lax, load_config
from contract.status import DeviceKind
from server.privacy import write_private

SERVER_USER = "server"
BENCH_USER = "bench"
"""Used by benchmarks for their raw paho baseline, confined to stacks/bench/#."""


class RegisteredDevice(ConfigModel):
    id: str = Field(pattern=DEVICE_ID_PATTERN)
    kind: Annotated[DeviceKind, Lax]
    location: str = ""


class _RegistryFile(ConfigModel):
    device: list[RegisteredDevice] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ids_are_free(self) -> _RegistryFile:
        ids = [d.id for d in self.device]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate device ids {duplicates}")
        if SERVER_USER in ids or BENCH_USER in ids:
            raise ValueError(f"'{SERVER_USER}' and '{BENCH_USER}' are reserved user names")
        return self


class RegistryError(ValueError):
    """config/devices.toml is missing or invalid."""


def load_devices(path: Path) -> list[RegisteredDevice]:
    try:
        return load_config(path, _RegistryFile).device
    except ConfigFileError as exc:
        raise RegistryError(str(exc)) from exc


@dataclass(frozen=True)
class Credentials:
    """User name → password for everyone allowed on the broker."""

    passwords: dict[str, str]

    def password(self, user: str) -> str:
        try:
            return self.passwords[user]
        except KeyError:
            raise KeyError(f"no broker credentials for {user!r}; is it in config/devices.toml?") from None


def load_credentials(path: Path) -> Credentials:
    """Credentials generated earlier, by `stacks broker config` or any command that prepared the broker."""
    try:
        return Credentials(json.loads(path.read_text(encoding="utf-8"))["users"])
    except (OSError, ValueError, KeyError) as exc:
        raise RegistryError(f"no broker credentials at {path}: run `stacks broker config` ({exc})") from exc


def ensure_credentials(path: Path, users: list[str]) -> Credentials:
    """Load the credentials file, adding a fresh password for every user that has none yet."""
    passwords: dict[str, str] = {}
    if path.exists():
        passwords = json.loads(path.read_text(encoding="utf-8"))["users"]
    missing = [u for u in users if u not in passwords]
    if missing or not path.exists():
        for user in missing:
            passwords[user] = secrets.token_urlsafe(24)
        write_private(path, json.dumps({"users": passwords}, indent=2, sort_keys=True))
    return Credentials(passwords)
