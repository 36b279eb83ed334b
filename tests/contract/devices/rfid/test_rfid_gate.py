"""Gate mode against the simulated reader on a pty: each passage judged once, only our secured items
sound the gate, the outputs go out at once, and nothing — RF errors, damaged frames, an unplugged reader, a
flood of tags, corrupt tag data — stops the loop."""

from __future__ import annotations

import threading
import time

from devices.rfid import AlarmPolicy, GateMonitor, GateScan, Mechanism, Ownership, SecuritySettings
from devices.rfid.gate import Outputs
from devices.sim.field import Fault, FaultPlan, Field, VirtualTag, make_items, make_uid
from devices.sim.gate_tags import Carried, book_tag
from devices.tagdata.settings import TagDataSettings
from tests.support.readers import ISIL, OpenReader

TAG_DATA = TagDataSettings.from_mapping({"isil": ISIL})
AFI = SecuritySettings(gate_alarm_ms=3000, gate_repeat_s=5.5)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def tags(security: SecuritySettings, *carried: Carried, first: int = 1) -> list[VirtualTag]:
    made = [book_tag(kind, first + n, isil=ISIL, security=security) for n, kind in enumerate(carried)]
    return [tag for tag in made if tag is not None]


def classes(scan: GateScan) -> dict[str, Ownership | None]:
    return {p.uid: p.judgement.ownership for p in scan.decided}


def test_only_our_secured_items_sound_and_the_outputs_go_out_at_once(open_reader: OpenReader) -> None:
    carried = [Carried.NOT_BORROWED, Carried.BORROWED, Carried.FOREIGN, Carried.BLANK, Carried.DAMAGED]
    field = Field(tags(AFI, *carried))
    simulator, reader = open_reader(field, "lr2500")
    gate = GateMonitor(reader, AlarmPolicy(AFI), TAG_DATA, clock=FakeClock())
    scan = gate.poll()
    uid = {kind: make_uid(n + 1).hex().upper() for n, kind in enumerate(carried)}
    assert [a.uid for a in scan.alarms] == [uid[Carried.NOT_BORROWED]]
    assert scan.alarms[0].outputs is Outputs.DRIVEN
    assert scan.alarms[0].reading is not None
    assert scan.alarms[0].reading.item_id == "VV000001"
    assert classes(scan) == {
        uid[Carried.NOT_BORROWED]: Ownership.OURS,
        uid[Carried.BORROWED]: Ownership.OURS,
        uid[Carried.FOREIGN]: Ownership.FOREIGN,
        uid[Carried.BLANK]: Ownership.BLANK,
        uid[Carried.DAMAGED]: Ownership.UNREADABLE,
    }
    (output,) = simulator.reader.state.outputs
    assert output.command == 0x71  # the profile's alarm signal: one request
    assert (scan.pending, scan.unread) == (0, 0)


def test_the_alarm_is_sounded_before_anything_is_read_for_counting(open_reader: OpenReader) -> None:
    field = Field(tags(AFI, Carried.BORROWED, Carried.BORROWED, Carried.NOT_BORROWED))
    simulator, reader = open_reader(field, "lr2500")
    requests_before_alarm: list[int] = []
    original = reader.alarm

    def alarm(duration_ms: int = 3000) -> None:
        requests_before_alarm.append(simulator.reader.state.requests)
        original(duration_ms)

    reader.alarm = alarm  # type: ignore[method-assign]
    GateMonitor(reader, AlarmPolicy(AFI), TAG_DATA, clock=FakeClock()).poll()
    # The inventory, the security state of each of the three (Get System Information), then the secured
    # tag's basic block; the loaned books' blocks are read after the alarm.
    assert requests_before_alarm == [1 + 3 + 1]
    assert simulator.reader.state.requests == 1 + 3 + 1 + 1 + 2


def test_one_alarm_per_passage_and_again_after_the_repeat_window(open_reader: OpenReader) -> None:
    book = tags(AFI, Carried.NOT_BORROWED)[0]
    field = Field([book])
    simulator, reader = open_reader(field, "lr2500")
    clock = FakeClock()
    gate = GateMonitor(reader, AlarmPolicy(AFI), TAG_DATA, clock=clock)
    assert len(gate.poll().alarms) == 1
    before = reader.counters().frames_sent
    for clock.now in (0.5, 1.0, 4.0):  # still there, or flickering: the same passage
        assert gate.poll().alarms == ()
    field.remove(book.uid)
    clock.now = 9.0
    assert gate.poll().alarms == ()
    assert reader.counters().frames_sent - before == 4  # inventories only: the tag is not read again
    field.add(book)
    clock.now = 9.6  # gone 5.6 s since it was last listed: a new passage
    assert len(gate.poll().alarms) == 1
    assert len(simulator.reader.state.outputs) == 2
    assert gate.counters().passages == 2


def test_eas_gate_asks_the_whole_field_first(open_reader: OpenReader) -> None:
    eas = SecuritySettings(mechanism=Mechanism.EAS, gate_alarm_ms=0)
    field = Field(make_items(20, isil=ISIL))  # EAS bit clear on all of them
    _, reader = open_reader(field, "mr101")
    gate = GateMonitor(reader, AlarmPolicy(eas), TAG_DATA, clock=FakeClock())
    first = gate.poll()
    assert first.alarms == ()
    assert {p.judgement.ownership for p in first.decided} == {Ownership.OURS}
    assert gate.counters().tag_reads == 20  # tag data only: one EAS Alarm settled every security state
    armed = VirtualTag.library_item(make_uid(99), "VV000099", isil=ISIL, eas=True)
    field.add(armed)
    (alarm,) = gate.poll().alarms
    assert (alarm.uid, alarm.outputs) == (armed.uid_hex, Outputs.OFF)


def test_a_listed_uid_sounds_whatever_its_data_says(open_reader: OpenReader) -> None:
    legacy = VirtualTag.blank(make_uid(7), afi=0x07)
    legacy.memory[:4] = b"\x04\x11\x22\x33"  # another vendor's format
    _, reader = open_reader(Field([legacy]), "lr2500")
    policy = AlarmPolicy(AFI, our_uids=frozenset({legacy.uid_hex}))
    (alarm,) = GateMonitor(reader, policy, TAG_DATA, clock=FakeClock()).poll().alarms
    assert alarm.judgement.owned_by is not None
    assert alarm.judgement.owned_by.value == "uid_list"
    assert alarm.reading is not None  # read after the alarm, for the report
    assert alarm.reading.status.value == "unknown_format"


def test_a_tag_that_cannot_be_read_waits_and_is_counted_unread_when_gone(open_reader: OpenReader) -> None:
    book = tags(AFI, Carried.NOT_BORROWED)[0]
    field = Field([book])
    _, reader = open_reader(field, "lr2500", reply_timeout_s=0.05)
    clock = FakeClock()
    gate = GateMonitor(reader, AlarmPolicy(AFI), TAG_DATA, clock=clock)
    field.inject(Fault.RF_ERROR, after=1)  # the inventory passes; then every read of the tag fails:
    field.inject(Fault.RF_ERROR, Fault.RF_ERROR)  # its security state, its data, its security again
    first = gate.poll()
    assert (first.alarms, first.pending) == ((), 1)
    field.remove(book.uid)
    clock.now = 6.0
    gone = gate.poll()
    assert (gone.unread, gate.counters().unread_passages, gate.counters().tag_read_errors) == (1, 1, 3)


def test_a_flood_of_tags_does_not_stall_the_gate(open_reader: OpenReader) -> None:
    flood = make_items(1000, isil=ISIL, first_serial=10_000, afi=AFI.afi_unsecured)
    field = Field(flood)
    _, reader = open_reader(field, "lr2500")
    gate = GateMonitor(reader, AlarmPolicy(AFI), TAG_DATA, read_budget_s=0.2)
    started = time.monotonic()
    scan = gate.poll()
    assert scan.seen == 1000
    assert scan.pending > 0
    assert gate.counters().busy_polls == 1
    # A secured book of ours walking through the trolley of loans is read first, and sounds the gate.
    walker = tags(AFI, Carried.NOT_BORROWED)[0]
    field.add(walker)
    (alarm,) = gate.poll().alarms
    assert alarm.uid == walker.uid_hex
    assert time.monotonic() - started < 30  # two polls, each one inventory plus its read budget
    field.clear()
    gate.forget()
    assert gate.counters().unread_passages > 0


def test_gate_survives_rf_errors_damage_and_unplugging(open_reader: OpenReader) -> None:
    field = Field(tags(AFI, *[Carried.NOT_BORROWED] * 3, *[Carried.BORROWED] * 10))
    simulator, reader = open_reader(field, "lr2500", reply_timeout_s=0.05, reconnect_wait_s=0.1)
    field.set_faults(FaultPlan(rf_error=0.2, corrupt=0.1, truncate=0.05, garbage=0.1, seed=2024))
    gate = GateMonitor(reader, AlarmPolicy(AFI), TAG_DATA, clock=FakeClock())
    scans = [gate.poll() for _ in range(15)]
    simulator.unplug()
    offline = gate.poll()
    simulator.replug()
    field.set_faults(FaultPlan())
    after = [gate.poll() for _ in range(10)]
    assert offline.error is not None
    assert "offline" in offline.error
    secured = sorted(tag.uid_hex for tag in field.tags() if tag.afi == AFI.afi_secured)
    alarmed = [alarm.uid for scan in [*scans, *after] for alarm in scan.alarms]
    assert sorted(alarmed) == secured  # each secured book once, whatever the damage; never a loaned one
    assert after[-1].error is None
    counters = gate.counters()
    every = [*scans, offline, *after]
    assert (counters.polls, counters.failed_polls) == (len(every), sum(1 for scan in every if scan.error))


def test_run_loop_hands_every_scan_over_until_stopped(open_reader: OpenReader) -> None:
    _, reader = open_reader(Field(tags(AFI, Carried.BORROWED)), "lr2500")
    gate = GateMonitor(reader, AlarmPolicy(AFI), TAG_DATA)
    stop = threading.Event()
    scans: list[GateScan] = []

    def collect(scan: GateScan) -> None:
        scans.append(scan)
        if len(scans) == 3:
            stop.set()

    gate.run(collect, stop)
    assert [scan.seen for scan in scans] == [1, 1, 1]
    assert gate.counters().polls == 3
