"""Fixtures of the edge unit tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from edge.settings import EdgeSettings
from tests.unit.edge.sender_rig import Rig
from tests.unit.edge.stand_in_link import StandInLink, UnreachableLink


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    """A started sender whose link is up."""
    rig = Rig(tmp_path)
    rig.sender.start()
    rig.sender.link_changed(True)
    yield rig
    rig.close()


def _install(monkeypatch: pytest.MonkeyPatch, link: type[StandInLink]) -> list[StandInLink]:
    created: list[StandInLink] = []
    monkeypatch.setattr(link, "created", created, raising=False)
    monkeypatch.setattr("edge.runtime.MqttLink", link)
    return created


@pytest.fixture
def stand_in_links(monkeypatch: pytest.MonkeyPatch) -> list[StandInLink]:
    """Runtimes made in the test get a `StandInLink` instead of MQTT; the list holds every one made."""
    return _install(monkeypatch, StandInLink)


@pytest.fixture
def unreachable_links(monkeypatch: pytest.MonkeyPatch) -> list[StandInLink]:
    """Runtimes made in the test get a link whose broker never answers."""
    return _install(monkeypatch, UnreachableLink)


@pytest.fixture
def edge_settings(tmp_path: Path) -> Callable[..., EdgeSettings]:
    """`edge_settings(heartbeat_s=…)`: an agent's settings with its outbox under the test's directory, no
    drain on stop unless asked, nothing read from the environment."""

    def make(**overrides: Any) -> EdgeSettings:
        values: dict[str, Any] = {"device_id": "kiosk-01", "data_dir": tmp_path, "stop_drain_s": 0}
        return EdgeSettings(_env_file=None, **(values | overrides))

    return make
