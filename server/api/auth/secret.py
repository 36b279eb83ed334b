"""The secret that signs staff access tokens: `STACKS_SECRET_KEY`, or one generated once under `data_dir`.

A generated key is written with mode 0600 to `data_dir/secret_key` and reused by every later start, so
tokens survive a restart. Two processes starting together agree on one key: the file is created with a
hard link, which fails if another process created it first, and then the winner's key is read.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from functools import lru_cache
from pathlib import Path

from server.errors import ConfigurationError
from server.settings import ServerSettings

SECRET_FILE_NAME = "secret_key"  # noqa: S105  (a file name, not a secret)
MIN_SECRET_LENGTH = 32


def token_secret(settings: ServerSettings) -> str:
    if settings.secret_key is not None:
        value = settings.secret_key.get_secret_value()
        if len(value) < MIN_SECRET_LENGTH:
            raise ConfigurationError(f"STACKS_SECRET_KEY must have at least {MIN_SECRET_LENGTH} characters")
        return value
    return _secret_in(settings.data_dir.resolve())


@lru_cache(maxsize=8)
def _secret_in(data_dir: Path) -> str:
    return load_or_create_secret_file(data_dir / SECRET_FILE_NAME)


def load_or_create_secret_file(path: Path) -> str:
    if not path.exists():
        _create_secret_file(path)
    value = path.read_text(encoding="ascii").strip()
    if len(value) < MIN_SECRET_LENGTH:
        raise ConfigurationError(f"{path} holds no usable secret; delete it to have a new one generated")
    return value


def _create_secret_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp creates the file with mode 0600, so the secret is never readable by others, not even briefly.
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        # If another process won the race, its key is the one everyone uses.
        with contextlib.suppress(FileExistsError):
            os.link(temp_name, path)
    finally:
        os.unlink(temp_name)
