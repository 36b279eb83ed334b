"""Reading one collection-care file into its model, with the contract's errors in the server's terms."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from contract.config_files import ConfigFileError, load_config, parse_config, validate_config
from server.errors import ConfigurationError

M = TypeVar("M", bound=BaseModel)


def read_file(path: Path, model: type[M]) -> M:
    try:
        return load_config(path, model)
    except ConfigFileError as exc:
        raise ConfigurationError(str(exc)) from exc


def read_text(text: str, source: str, model: type[M]) -> M:
    try:
        return validate_config(model, parse_config(text, source), source, text=text)
    except ConfigFileError as exc:
        raise ConfigurationError(str(exc)) from exc
