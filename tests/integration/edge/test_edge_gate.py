"""The security gate against the real broker and a stand-in server that acknowledges as the server does:
the scripted stream of people yields exactly the expected alarms and footfall, once each, even with the
broker killed with -9 and restarted in the middle; and the retained status says when the reader was
unplugged and that it came back by itself."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contract.events import EventEnvelope, GateAlarmRaised, GateFootfallCounted
from contract.gate import AlarmOutputs, GateAlarm, GateFootfall
from devices.sim.gate_tags import Carried
from edge.gate.settings import GateConfig
from edge.host import AgentHost, Finished
from edge.settings import EdgeSettings
from edge.sim.gate_agent import SimulatedGateSummary, simulated_gate
from edge.sim.gate_stream import Expected, expected, scripted_stream
from edge.sim.gate_walkers import DWELL_S
from tests.integration.edge.factories import SettingsFactory
from tests.integration.edge.server_double import ServerDouble
from tests.support.broker import RunningBroker, command_env
from tests.support.gates import run_gate
from tests.support.status_watcher import StatusWatcher
from tests.support.waiting import wait_until

STACKS = Path(sys.executable).with_name("stacks")  # the installed console script

DEVICE = "gate-01"
CONFIG = GateConfig(DEVICE, footfall_period_s=1.0)


@pytest.fixture
def gate_settings(edge_settings: SettingsFactory) -> EdgeSettings:
    # Long enough a drain on stop that whatever the broker's death delayed is confirmed before the end.
    return edge_settings(DEVICE, device_kind="gate", stop_drain_s=30)


def applied(server: ServerDouble) -> list[EventEnvelope]:
    return sorted(server.applied.values(), key=lambda event: event.seq)


def check_exactly_once(
    server: ServerDouble, finished: Finished[SimulatedGateSummary], want: Expected
) -> None:
    assert finished.drained, "events were still unconfirmed when the gate stopped"
    events = applied(server)
    last_seq = finished.status.last_seq
    assert last_seq is not None
    assert [event.seq for event in events] == list(range(1, last_seq + 1))  # none lost, none twice
    raised: list[GateAlarm] = [e.payload for e in events if isinstance(e, GateAlarmRaised)]
    periods: list[GateFootfall] = [e.payload for e in events if isinstance(e, GateFootfallCounted)]
    assert len(raised) == want.alarmed
    assert len({alarm.item.tag_uid for alarm in raised}) == want.alarmed  # one alarm per book, not per poll
    assert all(alarm.outputs is AlarmOutputs.DRIVEN for alarm in raised)
    assert all(alarm.tag.owner_isil == "VN-VNULIC" and alarm.security.secured for alarm in raised)
    assert [p.period_start for p in periods[1:]] == [p.period_end for p in periods[:-1]]
    people_in = sum(lane.in_delta for p in periods for lane in p.lanes)
    people_out = sum(lane.out_delta for p in periods for lane in p.lanes)
    assert (people_in, people_out) == (sum(want.people_in.values()), sum(want.people_out.values()))
    counted = {
        name: sum(getattr(p.tags, name) for p in periods) for name in want.as_dict() if "people" not in name
    }
    assert counted == {name: n for name, n in want.as_dict().items() if "people" not in name}
    assert finished.result.gate.alarms == want.alarmed


def test_the_scripted_stream_arrives_exactly_as_expected(
    server: ServerDouble, gate_settings: EdgeSettings
) -> None:
    people = scripted_stream(gap_s=0.3)
    with AgentHost(gate_settings, handle_signals=False) as host:
        gate = simulated_gate(host, CONFIG, people, report_every_s=0.2, dwell_s=0.25)
        finished = host.run(gate)
        outputs = len(gate.parts.reader_sim.reader.state.outputs)
    check_exactly_once(server, finished, expected(people))
    assert 1 <= outputs <= expected(people).alarmed  # the simulator heard the output commands


def test_the_broker_killed_with_9_mid_stream_loses_and_doubles_nothing(
    broker: RunningBroker, server: ServerDouble, gate_settings: EdgeSettings
) -> None:
    people = scripted_stream(gap_s=0.5)  # alarms at 1.0 s, then two at 3.5 s
    result: list[Any] = []
    with AgentHost(gate_settings, handle_signals=False) as host:
        # A walk of 0.6 s, as at 1.4 m/s (edge/sim/gate_walkers.py): with 0.3 s, a loaded test machine once
        # let a book through between two of the virtual reader's polls, which is no loss of an event.
        gate = simulated_gate(host, CONFIG, people, report_every_s=0.2, dwell_s=DWELL_S)
        running = threading.Thread(target=lambda: result.append(host.run(gate)), daemon=True)
        running.start()
        runtime = host.runtime
        wait_until(lambda: runtime.counters().get("events_confirmed", 0) >= 1, timeout=15)
        broker.process.kill()
        assert gate.agent.monitor.counters().alarms < expected(people).alarmed
        wait_until(lambda: not runtime.connected, timeout=10)
        # The gate goes on sounding and counting with the broker gone: events pile up in its outbox.
        wait_until(lambda: gate.agent.monitor.counters().alarms == expected(people).alarmed, timeout=15)
        assert not runtime.connected
        broker.process.start()
        assert server.wait_connected(20)
        running.join(timeout=90)
        assert not running.is_alive()
    (finished,) = result
    assert finished.status.counters["disconnects"] >= 1
    check_exactly_once(server, finished, expected(people))


@pytest.fixture
def gate_status(broker: RunningBroker) -> Iterator[StatusWatcher]:
    watcher = StatusWatcher(broker, DEVICE).start()
    yield watcher
    watcher.stop()


def test_an_unplugged_reader_shows_in_the_status_and_recovers_by_itself(
    server: ServerDouble, edge_settings: SettingsFactory, gate_status: StatusWatcher
) -> None:
    settings = edge_settings(DEVICE, device_kind="gate", heartbeat_s=0.2)
    with AgentHost(settings, handle_signals=False) as host:
        gate = run_gate(host, CONFIG)
        try:
            wait_until(lambda: _reader(gate_status) is True, timeout=10)
            gate.parts.reader_sim.unplug(for_s=1.5)
            wait_until(lambda: _reader(gate_status) is False, timeout=10)
            wait_until(lambda: _reader(gate_status) is True, timeout=15)
            (book,) = gate.carry(Carried.NOT_BORROWED)  # and it guards the door again
            wait_until(lambda: gate.agent.monitor.counters().alarms == 1, timeout=10)
        finally:
            gate.stop()
    last = [status for status in gate_status.all() if "reader" in status.peripherals][-1]
    assert last.device_kind == "gate"
    assert {"reader", "counter", "gate"} <= set(last.peripherals)
    assert last.peripherals["reader"].counters["disconnects"] >= 1
    assert last.peripherals["reader"].counters["reconnects"] >= 1
    (alarm,) = [e.payload for e in server.applied.values() if isinstance(e, GateAlarmRaised)]
    assert alarm.item.tag_uid == book.uid_hex


def _reader(watcher: StatusWatcher) -> bool | None:
    """Whether the newest status that reports the reader says it is connected."""
    for status in reversed(watcher.all()):
        reader = status.peripherals.get("reader")
        if reader is not None:
            return reader.connected
    return None


def test_the_gate_command_plays_the_scripted_stream(
    broker: RunningBroker, server: ServerDouble, tmp_path: Path
) -> None:
    done = subprocess.run(
        [str(STACKS), "edge", "gate", "--simulate", "--scripted", "--gap-ms", "300", "--json"],
        cwd=tmp_path,
        env=command_env(broker),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    figures = json.loads(done.stdout.decode().strip().splitlines()[-1])
    want = expected(scripted_stream()).as_dict()
    assert figures["expected"] == want
    assert figures["tags"] == {name: n for name, n in want.items() if "people" not in name}
    assert (figures["people_in"], figures["people_out"], figures["alarms"]) == (
        want["people_in"],
        want["people_out"],
        want["alarmed"],
    )
    assert figures["outbox_pending"] == 0
    kinds = sorted(event.KIND for event in server.applied.values())
    assert kinds.count("gate.alarm") == want["alarmed"]
    assert kinds.count("gate.footfall") == figures["footfall_events"] >= 1
