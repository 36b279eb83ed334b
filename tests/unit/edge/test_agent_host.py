"""The agent host, on a runtime whose MQTT link is a stand-in: what it does around an agent's own work."""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from contract.common import ItemRef
from contract.events import ItemSeen, ItemSighting, SeenContext
from contract.replies import ReplyBase
from contract.status import DeviceState, PeripheralStatus
from devices.feig.link import ReaderCounters
from edge.errors import NotRunningError
from edge.host import AgentHost
from edge.peripherals import Peripherals, peripheral_status
from edge.settings import EdgeSettings
from tests.unit.edge.stand_in_link import StandInLink


@pytest.fixture
def gate(edge_settings: Callable[..., EdgeSettings]) -> EdgeSettings:
    return edge_settings(device_id="gate-01", device_kind="gate", stop_drain_s=0.2)


@dataclass
class CountingReader:
    frames: int = 0

    def counters(self) -> ReaderCounters:
        self.frames += 1
        return ReaderCounters(frames_sent=self.frames, timeouts=2, reconnects=1, connected=True)


class OneShotAgent:
    """Does `work` once (given the stop event) and returns what it returns; records late replies."""

    def __init__(self, work: object = None) -> None:
        self.work = work
        self.late: list[ReplyBase] = []
        self.ran_on: threading.Event | None = None

    def on_late_reply(self, reply: ReplyBase) -> None:
        self.late.append(reply)

    def run(self, stop: threading.Event) -> str:
        self.ran_on = stop
        if callable(self.work):
            self.work(stop)
        return "done"


def test_the_host_runs_the_agent_on_a_started_runtime_and_stops_it(
    gate: EdgeSettings, stand_in_links: list[StandInLink]
) -> None:
    with AgentHost(gate) as host:
        host.attach("reader", CountingReader())
        agent = OneShotAgent()
        finished = host.run(agent)
    assert finished.result == "done"
    assert agent.ran_on is host.stop_event
    assert finished.drained
    assert finished.status.state is DeviceState.ONLINE
    assert finished.status.outbox_pending == 0
    (link,) = stand_in_links
    assert link.states[0] is DeviceState.ONLINE
    assert link.states[-1] is DeviceState.OFFLINE  # stopped cleanly after the agent returned
    with pytest.raises(NotRunningError):
        _ = host.runtime.pending


@pytest.mark.usefixtures("stand_in_links")
def test_what_the_server_has_not_confirmed_is_waited_for_briefly_and_left_in_the_outbox(
    gate: EdgeSettings,
) -> None:
    sighting = ItemSighting(item=ItemRef(barcode="VV000731"), location_code="F2", context=SeenContext.GATE)
    with AgentHost(gate) as host:
        finished = host.run(OneShotAgent(lambda _stop: host.runtime.emit(ItemSeen, sighting)))
    assert not finished.drained  # the stand-in link has no server behind it
    assert finished.status.outbox_pending == 1
    assert finished.status.last_seq == 1


def test_the_birth_and_the_final_status_carry_the_peripherals_counters(
    gate: EdgeSettings, stand_in_links: list[StandInLink]
) -> None:
    with AgentHost(gate) as host:
        host.attach("reader", CountingReader())
        finished = host.run(OneShotAgent())
    birth = stand_in_links[0].statuses[0]
    assert birth.peripherals["reader"].connected is True
    assert birth.peripherals["reader"].counters["timeouts"] == 2
    assert "connected" not in birth.peripherals["reader"].counters
    reader = finished.status.peripherals["reader"]
    assert reader.counters["reconnects"] == 1
    assert reader.counters["frames_sent"] > birth.peripherals["reader"].counters["frames_sent"]  # fresh


@pytest.mark.usefixtures("stand_in_links")
def test_sigterm_asks_the_agent_to_stop_and_the_old_handler_comes_back(gate: EdgeSettings) -> None:
    before = signal.getsignal(signal.SIGTERM)

    def work(stop: threading.Event) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.wait(10), "SIGTERM did not reach the agent"

    with AgentHost(gate) as host:
        assert host.run(OneShotAgent(work)).result == "done"
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_failing_agent_still_stops_the_runtime_and_restores_the_handlers(
    gate: EdgeSettings, stand_in_links: list[StandInLink]
) -> None:
    before = signal.getsignal(signal.SIGINT)

    def work(_stop: threading.Event) -> None:
        raise RuntimeError("agent failed")

    with AgentHost(gate) as host, pytest.raises(RuntimeError, match="agent failed"):
        host.run(OneShotAgent(work))
    assert stand_in_links[0].states[-1] is DeviceState.OFFLINE
    assert signal.getsignal(signal.SIGINT) is before


@pytest.mark.usefixtures("unreachable_links")
def test_an_unreachable_broker_is_warned_about_and_the_agent_runs_anyway(
    gate: EdgeSettings, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.WARNING, logger="edge.host"),
        AgentHost(gate, connect_wait_s=0.3) as host,
    ):
        finished = host.run(OneShotAgent())
    assert finished.result == "done"
    assert finished.status.state is DeviceState.OFFLINE
    assert "gate-01: broker mqtt://127.0.0.1:18830 not reachable yet" in caplog.text


@pytest.mark.usefixtures("unreachable_links")
def test_a_stop_before_the_connection_cuts_the_wait_short_without_a_warning(
    gate: EdgeSettings, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        caplog.at_level(logging.WARNING, logger="edge.host"),
        AgentHost(gate, connect_wait_s=3600) as host,
    ):
        host.stop()
        assert host.run(OneShotAgent()).result == "done"  # an hour's wait would never end this test
    assert "not reachable" not in caplog.text


def test_held_parts_are_open_while_the_host_lives_and_closed_in_reverse(gate: EdgeSettings) -> None:
    events: list[str] = []

    @contextmanager
    def part(name: str) -> Iterator[str]:
        events.append(f"open {name}")
        yield name
        events.append(f"close {name}")

    with AgentHost(gate) as host:
        assert host.hold(part("reader")) == "reader"
        host.hold(part("scanner"))
        assert events == ["open reader", "open scanner"]
    assert events[2:] == ["close scanner", "close reader"]


def test_peripheral_status_from_a_dataclass_or_a_mapping() -> None:
    assert peripheral_status(ReaderCounters(timeouts=3, connected=False)) == PeripheralStatus(
        connected=False, counters={**dict.fromkeys(_reader_fields(), 0), "timeouts": 3}
    )
    assert peripheral_status({"reads": 4, "offline": True}) == PeripheralStatus(
        connected=None, counters={"reads": 4, "offline": 1}
    )
    with pytest.raises(TypeError):
        peripheral_status(42)


def test_a_peripheral_whose_counters_fail_is_left_out(caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        def counters(self) -> object:
            raise OSError("gone")

    peripherals = Peripherals()
    peripherals.attach("broken", Broken())
    peripherals.attach("reader", CountingReader())
    with pytest.raises(ValueError, match="already attached"):
        peripherals.attach("reader", CountingReader())
    with caplog.at_level(logging.ERROR):
        assert set(peripherals.statuses()) == {"reader"}
    assert "peripheral broken: counters unavailable" in caplog.text
    peripherals.detach("reader")
    assert peripherals.statuses() == {}


def _reader_fields() -> list[str]:
    return [name for name in ReaderCounters.__dataclass_fields__ if name != "connected"]
