"""The device registry (config/devices.toml) and the MQTT credentials generated for it.

Every device, the server and the benchmark client get their own user name and a random password, kept in
`<data_dir>/broker/credentials.json` (mode 0600). Passwords are generated once and reused.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from server import devices as server_devices
from server.devices import RegisteredDevice
from server.errors import ConfigurationError
from server.privacy import write_private

SERVER_USER = "server"
BENCH_USER = "bench"
"""Used by benchmarks for their raw paho baseline, confined to stacks/bench/#."""


class RegistryError(ValueError):
    """config/devices.toml is missing or invalid."""


def load_devices(path: Path) -> list[RegisteredDevice]:
    """The devices of config/devices.toml (read by the server's own loader), none with a reserved name."""
    try:
        devices = server_devices.load_devices(path)
    except ConfigurationError as exc:
        raise RegistryError(str(exc)) from exc
    if any(d.id in (SERVER_USER, BENCH_USER) for d in devices):
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
