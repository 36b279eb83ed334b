"""Work the server does every few seconds beside the ingest: run by the ingest's worker thread between
batches (never alongside one), each piece when its interval has passed.

A piece that fails is logged and tried again at its next turn: it must not stop the ingest.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

Publish = Callable[[str, bytes], None]
"""Sends one retained message (topic, payload) to the broker."""


@dataclass
class Periodic:
    """`work` gets the broker to publish to, or None while the server is not connected to it."""

    name: str
    every_s: float
    work: Callable[[Publish | None], None]
    # Called when the server (re)connects to the broker: retained messages may have to be sent again.
    on_connect: Callable[[], None] = lambda: None
    _next_at: float = field(default=0.0, repr=False)

    def due(self, now: float) -> bool:
        return now >= self._next_at

    def run(self, publish: Publish | None) -> None:
        self._next_at = time.monotonic() + self.every_s
        try:
            self.work(publish)
        except Exception:
            log.exception("%s failed; trying again in %.0f s", self.name, self.every_s)

    def reconnected(self) -> None:
        """Due at once, after its own preparation (called on the network thread)."""
        self.on_connect()
        self._next_at = 0.0
