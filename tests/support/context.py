"""The circulation context for tests, built from settings as the server builds it at start-up."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from server.collection_config.shelf_orders import SHELF_ORDERS_FILE
from server.services.context import CirculationContext, build
from server.settings import REPO_CONFIG_DIR, ServerSettings


def circulation_context(settings: ServerSettings | None = None, **overrides: Any) -> CirculationContext:
    """The context of `settings`, or of the repository's policy and the default settings with `overrides`
    (e.g. `pin_max_failures=3`)."""
    if settings is None:
        settings = ServerSettings(config_dir=REPO_CONFIG_DIR, _env_file=None, **overrides)
    return build(settings)


def own_library_config(root: Path) -> Path:
    """The repository's configuration for a library a test makes of its own, in `root`: the same
    files but for the shelf orders, which name none of its locations (the shipped file orders the seeded
    library's closed stacks, and a stock-take refuses to open on a library without the locations named)."""
    config = root / "own-library-config"
    shutil.copytree(REPO_CONFIG_DIR, config)
    (config / SHELF_ORDERS_FILE).write_text("[orders]\n", encoding="utf-8")
    return config
