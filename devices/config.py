"""Where the device layer finds the site's configuration files.

Like every Stacks process, it reads `STACKS_CONFIG_DIR` (the repository's `config/` when unset), so the
server, the agents and the `stacks` commands agree on one configuration whatever their working directory.
A file can also be named on its own by a variable of its own (e.g. `STACKS_TAGS_CONFIG`).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_CONFIG_DIR = Path(__file__).resolve().parents[1] / "config"


def config_file(name: str, *, override_env: str | None = None) -> Path:
    if override_env and os.environ.get(override_env):
        return Path(os.environ[override_env])
    return Path(os.environ.get("STACKS_CONFIG_DIR") or REPO_CONFIG_DIR) / name
