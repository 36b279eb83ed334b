"""Types and timings shared by the edge integration tests and their fixtures (conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from edge.runtime import EdgeRuntime
from edge.settings import EdgeSettings

# Short timings so that re-sends and heartbeats happen within a test's few seconds.
FAST: dict[str, Any] = {"resend_after_s": 0.5, "resend_max_s": 2.0, "heartbeat_s": 0.3, "stop_drain_s": 0.5}

SettingsFactory = Callable[..., EdgeSettings]
RuntimeFactory = Callable[..., EdgeRuntime]
