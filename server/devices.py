"""The library's devices as `config/devices.toml` lists them: who may connect to the broker, and so whom
the server expects to hear from.

`stacks broker` generates each device's credentials and ACL from this list; the server shows a listed
device that has not been heard from yet as "never seen". A server without the file knows a device once
it has heard from it.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from contract.common import DEVICE_ID_PATTERN
from contract.status import DeviceKind
from server.errors import ConfigurationError


class RegisteredDevice(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=DEVICE_ID_PATTERN)
    kind: DeviceKind
    location: str = ""


class _RegistryFile(BaseModel):
    device: list[RegisteredDevice] = Field(default_factory=list)


def load_devices(path: Path) -> list[RegisteredDevice]:
    """The devices listed in `path`; ConfigurationError when it is missing or invalid."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        devices = _RegistryFile.model_validate(document).device
    except (OSError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise ConfigurationError(f"{path}: {exc}") from exc
    ids = [d.id for d in devices]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ConfigurationError(f"{path}: duplicate device ids {duplicates}")
    return devices


def registered_devices(path: Path) -> tuple[RegisteredDevice, ...]:
    """The devices listed in `path` as it is now (read again only when the file changes); none when there
    is no such file."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return ()
    return _cached(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _cached(path: Path, _mtime_ns: int, _size: int) -> tuple[RegisteredDevice, ...]:
    return tuple(load_devices(path))
