"""Fixtures of the edge unit tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.unit.edge.sender_rig import Rig


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    """A started sender whose link is up."""
    rig = Rig(tmp_path)
    rig.sender.start()
    rig.sender.link_changed(True)
    yield rig
    rig.close()
