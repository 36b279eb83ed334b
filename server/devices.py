"""The library's devices as `config/devices.toml` lists them: who may connect to the broker, and so whom
the server expects to hear from.

`stacks broker` generates each device's credentials and ACL from this list; the server shows a listed
device that has not been heard from yet as "never seen". A server without the file knows a device once
it has heard from it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from contract.common import DEVICE_ID_PATTERN
from contract.config_files import ConfigFileError, ConfigModel, Lax, load_config
from contract.status import DeviceKind
from server.errors import ConfigurationError


class RegisteredDevice(ConfigModel):
    id: str = Field(pattern=DEVICE_ID_PATTERN)
    kind: Annotated[DeviceKind, Lax]
    location: str = ""


class _RegistryFile(ConfigModel):
    device: list[RegisteredDevice] = Field(default_factory=list)

    @model_validator(mode="after")
    def _ids_are_unique(self) -> _RegistryFile:
        ids = [d.id for d in self.device]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate device ids {duplicates}")
        return self


def load_devices(path: Path) -> list[RegisteredDevice]:
    """The devices listed in `path`; ConfigurationError (naming the file and key) when missing or invalid."""
    try:
        return load_config(path, _RegistryFile).device
    except ConfigFileError as exc:
        raise ConfigurationError(str(exc)) from exc


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
