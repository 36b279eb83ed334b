"""The gate agent on the simulated reader and people counter (real drivers on ptys) with no broker at all:
it sounds for exactly the secured books of ours, counts everyone and every tag, keeps every event in its
outbox, and shrugs off what bad devices send — garbage frames, nonsense from the counter, corrupt tags, a
flood of a thousand tags, an unplugged reader."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from contract.codec import decode_events
from contract.events import EventEnvelope, GateAlarmRaised, GateFootfallCounted
from contract.gate import AlarmOutputs, GateAlarm, GateFootfall
from devices.sim.field import FaultPlan
from devices.sim.gate_tags import Carried
from edge.gate.settings import GateConfig
from edge.host import AgentHost
from edge.outbox import Outbox
from edge.settings import EdgeSettings
from edge.sim.gate_agent import simulated_gate
from edge.sim.gate_stream import Person, expected, scripted_stream
from edge.sim.gate_walkers import DWELL_S
from tests.support.gates import RunningGate, run_gate
from tests.support.ports import free_port
from tests.support.waiting import wait_until

DEVICE = "gate-01"
CONFIG = GateConfig(DEVICE, footfall_period_s=1.0)


@pytest.fixture
def offline_settings(tmp_path: Path) -> EdgeSettings:
    """A gate whose broker is not there: nothing listens on the port."""
    return EdgeSettings(
        _env_file=None,
        device_id=DEVICE,
        device_kind="gate",
        data_dir=tmp_path,
        mqtt_url=f"mqtt://127.0.0.1:{free_port()}",
        mqtt_password=SecretStr("unused"),
        stop_drain_s=0,
    )


def host_for(settings: EdgeSettings) -> AgentHost:
    return AgentHost(settings, connect_wait_s=0, handle_signals=False)


def stored(settings: EdgeSettings) -> list[EventEnvelope]:
    with Outbox(settings.outbox_path, DEVICE) as outbox:
        records = outbox.read_after(0, 10_000)
    events = [event for record in records for event in decode_events(record.body)]
    assert all(isinstance(event, EventEnvelope) for event in events)
    return [event for event in events if isinstance(event, EventEnvelope)]


def alarms(events: list[EventEnvelope]) -> list[GateAlarm]:
    return [e.payload for e in events if isinstance(e, GateAlarmRaised)]


def footfalls(events: list[EventEnvelope]) -> list[GateFootfall]:
    return [e.payload for e in events if isinstance(e, GateFootfallCounted)]


def test_without_a_network_the_gate_sounds_counts_and_keeps_everything(
    offline_settings: EdgeSettings,
) -> None:
    people = scripted_stream(gap_s=0.3)
    with host_for(offline_settings) as host:
        # A real walk through the zone (0.6 s), not a shorter one: a tag that leaves the field before the
        # reader has read its data is rightly counted unreadable, and on a loaded machine a 0.25 s walk
        # sometimes beat the reader's poll, so a foreign tag was counted unreadable.
        gate = simulated_gate(host, CONFIG, people, report_every_s=0.2, dwell_s=DWELL_S)
        finished = host.run(gate)
        outputs = list(gate.parts.reader_sim.reader.state.outputs)
    events = stored(offline_settings)
    want = expected(people)
    raised = alarms(events)
    assert len(raised) == want.alarmed == finished.result.gate.alarm_events
    assert all(
        alarm.outputs is AlarmOutputs.DRIVEN and alarm.tag.owner_isil == "VN-VNULIC" for alarm in raised
    )
    assert len({alarm.item.tag_uid for alarm in raised}) == want.alarmed
    assert 1 <= len(outputs) <= want.alarmed  # alarms found in one poll share one output command
    assert all(output.command == 0x71 for output in outputs)
    periods = footfalls(events)
    assert [p.period_start for p in periods[1:]] == [p.period_end for p in periods[:-1]]
    assert sum(lane.in_delta for p in periods for lane in p.lanes) == sum(want.people_in.values())
    assert sum(lane.out_delta for p in periods for lane in p.lanes) == sum(want.people_out.values())
    tags = {
        name: sum(getattr(p.tags, name) for p in periods) for name in want.as_dict() if "people" not in name
    }
    assert tags == {k: v for k, v in want.as_dict().items() if "people" not in k}
    assert finished.status.outbox_pending == len(events)  # all kept, none lost, waiting for a server


@pytest.fixture
def running_gate(offline_settings: EdgeSettings) -> Iterator[Callable[[], RunningGate]]:
    """`running_gate()`: the gate agent running on its own thread over simulated parts, driven by the test."""
    started: list[RunningGate] = []

    def start() -> RunningGate:
        gate = run_gate(host_for(offline_settings), CONFIG)
        started.append(gate)
        return gate

    yield start
    for gate in started:
        gate.stop()
        gate.host.close()


def test_garbage_from_the_reader_and_nonsense_from_the_counter_change_nothing_that_matters(
    running_gate: Callable[[], RunningGate], offline_settings: EdgeSettings
) -> None:
    gate = running_gate()
    counter = gate.parts.counter_sim
    wait_until(lambda: gate.agent.tally.reports() >= 2)  # the counter's baseline
    gate.parts.field.set_faults(FaultPlan(corrupt=0.1, truncate=0.1, garbage=0.2, silence=0.02, seed=11))
    for send in (counter.send_corrupted, counter.send_truncated, counter.send_nonsense):
        send()
    counter.send_raw(bytes(range(256)) * 4)
    ours = gate.carry(Carried.NOT_BORROWED, Carried.DAMAGED, Carried.BORROWED)
    for person in (Person(0, 1, "out"), Person(0, 2, "in")):
        counter.walk(person.lane, person.direction)
    wait_until(lambda: gate.agent.monitor.counters().decided_passages == 3)
    gate.parts.field.clear()
    reports = gate.agent.tally.reports()
    wait_until(lambda: gate.agent.tally.reports() >= reports + 2)
    gate.stop()
    events = stored(offline_settings)
    (alarm,) = alarms(events)
    assert alarm.item.tag_uid == ours[0].uid_hex
    periods = footfalls(events)
    assert sum(lane.out_delta for p in periods for lane in p.lanes) == 1
    assert sum(lane.in_delta for p in periods for lane in p.lanes) == 1
    assert sum(p.tags.unreadable for p in periods) == 1  # the damaged one: read, and never sounded
    status = gate.host.status().peripherals
    assert status["counter"].counters["bad_checksum"] >= 1
    assert status["counter"].counters["out_of_range"] >= 2
    assert status["counter"].counters["noise_bytes"] > 0
    reader = status["reader"].counters
    assert reader["crc_errors"] + reader["truncated"] + reader["noise_bytes"] + reader["timeouts"] > 0


def test_a_flood_of_a_thousand_tags_does_not_stop_the_gate(
    running_gate: Callable[[], RunningGate], offline_settings: EdgeSettings
) -> None:
    gate = running_gate()
    gate.carry(*[Carried.BORROWED] * 1000)
    wait_until(lambda: gate.agent.monitor.counters().busy_polls >= 1)
    (walker,) = gate.carry(Carried.NOT_BORROWED)
    wait_until(lambda: gate.agent.monitor.counters().alarms == 1)
    gate.parts.field.clear()
    gate.stop()
    (alarm,) = alarms(stored(offline_settings))
    assert alarm.item.tag_uid == walker.uid_hex
    counters = gate.host.status().peripherals["gate"].counters
    assert counters["passages"] == 1001
    assert counters["failed_polls"] == 0


def test_an_unplugged_reader_is_reported_and_comes_back_by_itself(
    running_gate: Callable[[], RunningGate],
) -> None:
    gate = running_gate()
    wait_until(lambda: gate.agent.monitor.counters().polls > 5)
    gate.parts.reader_sim.unplug(for_s=1.5)
    wait_until(lambda: gate.host.status().peripherals["reader"].connected is False)
    wait_until(lambda: gate.host.status().peripherals["reader"].connected is True)
    reader = gate.host.status().peripherals["reader"].counters
    assert (reader["disconnects"], reader["reconnects"]) >= (1, 1)
    assert gate.agent.monitor.counters().failed_polls >= 1
    gate.carry(Carried.NOT_BORROWED)  # and it sounds again
    wait_until(lambda: gate.agent.monitor.counters().alarms == 1)
    gate.stop()
