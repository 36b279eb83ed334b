"""docs/settings.md lists every setting every process reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from edge.settings import EdgeSettings
from server.settings import SeedSettings, ServerSettings
from stacks.broker.settings import BrokerSettings

DOC = Path(__file__).resolve().parents[3] / "docs" / "settings.md"


@pytest.mark.parametrize("settings", [ServerSettings, EdgeSettings, BrokerSettings, SeedSettings])
def test_every_setting_is_documented(settings: type[BaseSettings]) -> None:
    text = DOC.read_text(encoding="utf-8")
    prefix = str(settings.model_config.get("env_prefix", "")).upper()
    missing = [
        f"{prefix}{name.upper()}" for name in settings.model_fields if f"`{prefix}{name.upper()}`" not in text
    ]
    assert missing == [], f"add to docs/settings.md: {missing}"
