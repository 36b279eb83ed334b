"""Where the device layer finds the site's configuration files, and how it reads them.

Like every Stacks process, it reads `STACKS_CONFIG_DIR` (the repository's `config/` when unset), so the
server, the agents and the `stacks` commands agree on one configuration whatever their working directory.
A file can also be named on its own by a variable of its own (e.g. `STACKS_TAGS_CONFIG`).

Every device setting file is TOML read into a pydantic model (`contract.config_files`: unknown keys and
values of the wrong type are refused). This module adapts that reader to the device layer: each caller
passes its own error class (a `DeviceError`), which is what every problem raises, naming file and key.

    settings = load_section(path, "security", SecurityTable, SecuritySettingsError, sections=TAGS_SECTIONS)
"""

from __future__ import annotations

import os
from collections.abc import Collection
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import BaseModel, Field

from contract.config_files import ConfigFileError, read_config, validate_config
from devices.errors import DeviceError

REPO_CONFIG_DIR = Path(__file__).resolve().parents[1] / "config"

M = TypeVar("M", bound=BaseModel)

Byte = Annotated[int, Field(ge=0, le=0xFF)]


def config_file(name: str, *, override_env: str | None = None) -> Path:
    if override_env and os.environ.get(override_env):
        return Path(os.environ[override_env])
    return Path(os.environ.get("STACKS_CONFIG_DIR") or REPO_CONFIG_DIR) / name


def load_file(path: Path, model: type[M], error: type[DeviceError]) -> M:
    """The whole file as a `model`."""
    return validate(model, _read(path, error), error, where=str(path))


def load_section(
    path: Path,
    section: str,
    model: type[M],
    error: type[DeviceError],
    *,
    sections: Collection[str],
    required: bool = True,
) -> M:
    """The `[section]` table of a file made of `sections`, as a `model`.

    A missing section is an error if `required`, else the model's defaults. The other sections are left
    to their own readers, but a section the file should not have is refused, as a misspelt one would
    otherwise hide a whole table of settings.
    """
    document = _read(path, error)
    unknown = sorted(set(document) - set(sections))
    if unknown:
        raise error(f"{path}: unknown section(s): {', '.join(unknown)} (known: {', '.join(sections)})")
    if section not in document and required:
        raise error(f"{path}: no [{section}] section")
    return validate(model, document.get(section, {}), error, where=str(path), at=(section,))


def validate(
    model: type[M], values: object, error: type[DeviceError], *, where: str = "", at: tuple[str, ...] = ()
) -> M:
    """`values` (a TOML table already read) as a `model`; `where` names their place in messages."""
    try:
        return validate_config(model, values, where, at)
    except ConfigFileError as exc:
        raise error(str(exc)) from exc


def _read(path: Path, error: type[DeviceError]) -> dict[str, object]:
    try:
        return read_config(path)
    except ConfigFileError as exc:
        raise error(str(exc)) from exc
