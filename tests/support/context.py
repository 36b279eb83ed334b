"""The circulation context for tests, built from settings as the server builds it at start-up."""

from __future__ import annotations

from typing import Any

from server.services.context import CirculationContext, build
from server.settings import REPO_CONFIG_DIR, ServerSettings


def circulation_context(settings: ServerSettings | None = None, **overrides: Any) -> CirculationContext:
    """The context of `settings`, or of the repository's policy and the default settings with `overrides`
    (e.g. `pin_max_failures=3`)."""
    if settings is None:
        settings = ServerSettings(config_dir=REPO_CONFIG_DIR, _env_file=None, **overrides)
    return build(settings)
