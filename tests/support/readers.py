"""What the tests that talk to the virtual FEIG reader share: the library's ISIL, and the pair a pty
connection gives (the simulator, and the real driver talking to it). The fixtures are in
tests/contract/conftest.py."""

from __future__ import annotations

from collections.abc import Callable

from devices.feig.driver import FeigReader
from devices.sim.feig_pty import FeigReaderSimulator

ISIL = "VN-VNULIC"

Harness = tuple[FeigReaderSimulator, FeigReader]
# open_reader(field, profile="cpr", **simulated_reader options) -> Harness
OpenReader = Callable[..., Harness]
