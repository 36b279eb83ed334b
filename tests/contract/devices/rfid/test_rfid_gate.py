"""Gate mode against the simulated reader on a pty: only secured tags, fast, and never dying on RF errors."""

from __future__ import annotations

import threading

from devices.rfid import GateCounters, GateMonitor, GateScan, Mechanism, SecuritySettings
from devices.sim.field import FaultPlan, Field, make_items
from tests.support.readers import ISIL, OpenReader


def _field(secured: int, on_loan: int) -> Field:
    return Field(
        make_items(secured, isil=ISIL, afi=0x07) + make_items(on_loan, isil=ISIL, first_serial=100, afi=0xC2)
    )


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_afi_gate_reports_only_secured_tags_and_alarms_once(open_reader: OpenReader) -> None:
    field = _field(secured=5, on_loan=25)
    clock = FakeClock()
    simulator, reader = open_reader(field, "lr2500")
    gate = GateMonitor(reader, SecuritySettings(gate_recheck_s=1.0, gate_alarm_ms=3000), clock=clock)
    scan = gate.poll()
    expected = sorted(tag.uid_hex for tag in field.tags() if tag.afi == 0x07)
    assert scan.seen == 30
    assert sorted(scan.secured) == expected
    assert sorted(scan.new_alarms) == expected
    assert [e.command for e in simulator.reader.state.outputs] == [0x71]  # one alarm for the group
    before = reader.counters().frames_sent
    clock.now = 0.5
    again = gate.poll()
    assert sorted(again.secured) == expected
    assert again.new_alarms == ()
    assert reader.counters().frames_sent - before == 2  # 30 tags at 24 per page; states trusted
    clock.now = 3.5
    assert sorted(gate.poll().new_alarms) == expected  # still there after the alarm period: alarm again


def test_eas_gate_asks_the_whole_field_first(open_reader: OpenReader) -> None:
    field = _field(secured=0, on_loan=20)
    _, reader = open_reader(field, "mr101")
    gate = GateMonitor(reader, SecuritySettings(mechanism=Mechanism.EAS, gate_alarm_ms=0))
    assert gate.poll().secured == ()
    before = reader.counters().frames_sent
    assert gate.poll().secured == ()
    assert reader.counters().frames_sent - before == 3 + 1  # inventory pages + one EAS Alarm
    armed = field.tags()[7]
    armed.eas = True
    assert gate.poll().secured == (armed.uid_hex,)


def test_gate_survives_rf_errors_damage_and_unplugging(open_reader: OpenReader) -> None:
    field = _field(secured=3, on_loan=10)
    simulator, reader = open_reader(field, "lr2500", reply_timeout_s=0.05, reconnect_wait_s=0.1)
    field.set_faults(FaultPlan(rf_error=0.2, corrupt=0.1, truncate=0.05, garbage=0.1, seed=2024))
    gate = GateMonitor(reader, SecuritySettings(gate_recheck_s=0.0, gate_alarm_ms=0))
    scans = [gate.poll() for _ in range(15)]
    simulator.unplug()
    offline = gate.poll()
    simulator.replug()
    field.set_faults(FaultPlan())
    back = gate.poll()
    after = [back]
    for _ in range(10):  # the transport reconnects with backoff
        if back.error is None and not back.unknown:
            break
        back = gate.poll()
        after.append(back)
    assert offline.error is not None
    assert "offline" in offline.error
    secured = sorted(tag.uid_hex for tag in field.tags() if tag.afi == 0x07)
    for scan in scans:
        assert set(scan.secured) <= set(secured)  # never a false alarm, whatever the damage
    assert any(scan.unknown or scan.error for scan in scans)
    assert sorted(back.secured) == secured
    counters = gate.counters()
    every = [*scans, offline, *after]
    assert (counters.polls, counters.failed_polls) == (len(every), sum(1 for scan in every if scan.error))


def test_run_loop_hands_every_scan_over_until_stopped(open_reader: OpenReader) -> None:
    field = _field(secured=1, on_loan=1)
    _, reader = open_reader(field, "lr2500")
    gate = GateMonitor(reader, SecuritySettings(gate_alarm_ms=0))
    stop = threading.Event()
    scans: list[GateScan] = []

    def collect(scan: GateScan) -> None:
        scans.append(scan)
        if len(scans) == 3:
            stop.set()

    gate.run(collect, stop)
    assert len(scans) == 3
    assert all(len(scan.secured) == 1 for scan in scans)
    assert gate.counters() == GateCounters(polls=3, failed_polls=0, alarm_failures=0)
