"""The device registry (config/devices.toml) and the MQTT credentials generated for it.

Every device, the server and the benchmark client get their own user name and a random password, kept in
`<data_dir>/broker/credentials.json` (mode 0600). Passwords are generated once and reused.
"""

from __future__ import annotations

import json
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contract.common import DEVICE_ID_PATTERN
from contract.status import DeviceKind
from server.privacy import write_private

SERVER_USER = "server"
BENCH_USER = "bench"
"""Used by benchmarks for their raw paho baseline, confined to stacks/bench/#."""


class RegisteredDevice(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=DEVICE_ID_PATTERN)
    kind: DeviceKind
    location: str = ""


class _RegistryFile(BaseModel):
    device: list[RegisteredDevice] = Field(default_factory=list)


class RegistryError(ValueError):
    """config/devices.toml is missing or invalid."""


def load_devices(path: Path) -> list[RegisteredDevice]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        devices = _RegistryFile.model_validate(document).device
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise RegistryError(f"{path}: {exc}") from exc
    ids = [d.id for d in devices]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RegistryError(f"{path}: duplicate device ids {duplicates}")
    if SERVER_USER in ids or BENCH_USER in ids:
        raise RegistryError(f"{path}: '{SERVER_USER}' and '{BENCH_USER}' are reserved user names")
    return devices


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
