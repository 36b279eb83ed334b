"""The server's periodic work between ingest batches: each piece when its interval has passed, at once
after a reconnect, and a failure logged, not raised (it must not stop the ingest)."""

from __future__ import annotations

import logging

import pytest

from server.ingest.periodic import Periodic, Publish


def test_due_once_then_after_its_interval_and_at_once_after_a_reconnect() -> None:
    calls: list[Publish | None] = []
    reconnects: list[bool] = []
    work = Periodic("list", 60, calls.append, on_connect=lambda: reconnects.append(True))
    assert work.due(0.0)
    work.run(None)
    assert calls == [None]
    assert not work.due(0.0)
    work.reconnected()
    assert reconnects == [True]
    assert work.due(0.0)


def test_a_failure_is_logged_and_tried_again_at_the_next_turn(caplog: pytest.LogCaptureFixture) -> None:
    def fail(_publish: Publish | None) -> None:
        raise RuntimeError("database away")

    work = Periodic("offline apply", 0, fail)
    with caplog.at_level(logging.ERROR):
        work.run(None)
    assert "offline apply failed" in caplog.text
    assert work.due(float("inf"))
