"""Fixtures of the edge unit tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.edge.sender_rig import Rig
from tests.unit.edge.stand_in_link import StandInLink


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    """A started sender whose link is up."""
    rig = Rig(tmp_path)
    rig.sender.start()
    rig.sender.link_changed(True)
    yield rig
    rig.close()


@pytest.fixture
def stand_in_links(monkeypatch: pytest.MonkeyPatch) -> list[StandInLink]:
    """Runtimes made in the test get a `StandInLink` instead of MQTT; the list holds every one made."""
    created: list[StandInLink] = []
    monkeypatch.setattr(StandInLink, "created", created, raising=False)
    monkeypatch.setattr("edge.runtime.MqttLink", StandInLink)
    return created
