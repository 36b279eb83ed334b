"""The FEIG driver against the simulated reader over real pseudo-terminals (no mocks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.blocks import BlockOrder, from_memory_order
from devices.errors import DeviceError, DeviceTimeoutError, TransportError
from devices.feig import FeigReader, get_profile
from devices.feig.outputs import Output
from devices.feig.status import NoTransponderError, NotSupportedError, RfError, TagWriteError
from devices.sim.feig_pty import FeigReaderSimulator
from devices.sim.field import Fault, FaultPlan, Field, VirtualTag, make_items, make_uid
from devices.tagdata import TagStatus, decode_tag, encode_tag
from devices.transport import RecordingTransport, SerialSettings, SerialTransport
from tests.support.readers import ISIL, Harness, OpenReader


@pytest.fixture
def field() -> Field:
    """Thirty tags: enough for several inventory pages on every profile."""
    return Field(make_items(30, isil=ISIL))


def test_reader_identifies_itself(cpr: Harness) -> None:
    _, reader = cpr
    version = reader.software_version()
    assert version.model == "ID CPR.M02"
    assert reader.reader_info().rx_buffer == 0x0800


def test_inventory_of_thirty_tags_follows_more_pages(cpr: Harness, field: Field) -> None:
    simulator, reader = cpr
    tags = reader.inventory()
    assert sorted(t.uid for t in tags) == sorted(t.uid for t in field.tags())
    counters = reader.counters()
    assert counters.frames_sent == counters.frames_received == 8  # 4 data sets per page on a CPR
    assert simulator.reader.state.inventory_queue == []


def test_inventory_with_sixty_tags_in_advanced_frames(field: Field, open_reader: OpenReader) -> None:
    field.add(*make_items(30, isil=ISIL, first_serial=1000))
    _, reader = open_reader(field, "mr102")
    tags = reader.inventory()
    assert len(tags) == 60
    assert reader.counters().frames_received == 2  # 32 data sets per page, > 255 bytes each


def test_empty_field_and_tags_coming_and_going(cpr: Harness, field: Field) -> None:
    _, reader = cpr
    field.clear()
    assert reader.inventory() == []
    newcomer = VirtualTag.library_item(make_uid(77), "3000000077", isil=ISIL)
    field.add(newcomer)
    assert [t.uid for t in reader.inventory()] == [newcomer.uid]
    field.remove(newcomer.uid)
    assert reader.inventory() == []
    with pytest.raises(NoTransponderError):
        reader.system_information(newcomer.uid)


def test_system_information_and_reading_tag_data(cpr: Harness, field: Field) -> None:
    _, reader = cpr
    tag = field.tags()[3]
    info = reader.system_information(tag.uid)
    assert (info.uid, info.afi, info.block_size, info.block_count) == (tag.uid, 0x07, 4, 28)
    memory = reader.read_memory(tag.uid, 0, 28, block_size=info.block_size)  # split into 32-block requests
    assert memory == bytes(tag.memory)
    reading = decode_tag(memory[:36])
    assert reading.status is TagStatus.OK
    assert reading.item_id == "300000000004"


def test_writing_tag_data_uses_the_profiles_block_order(field: Field, tmp_path: Path) -> None:
    profile = get_profile("cpr")
    tag = field.tags()[0]
    data = encode_tag("8935235012345", isil=ISIL) + b"\x00\x00"  # 36 bytes = 9 blocks
    with FeigReaderSimulator(field, profile, link=tmp_path / "tty") as simulator:
        recording = RecordingTransport(SerialTransport(SerialSettings(simulator.path, parity="N")))
        with FeigReader(recording, profile) as reader:
            reader.write_memory(tag.uid, 0, data)
            assert decode_tag(reader.read_memory(tag.uid, 0, 9)).item_id == "8935235012345"
    assert bytes(tag.memory[:36]) == data  # memory order on the tag
    request = recording.events[0].data
    assert request[-2 - 36 : -2] == from_memory_order(data, BlockOrder.REVERSED, 4)  # each block reversed
    assert request[-2 - 36 : -2 - 32] == data[3::-1]


def test_writing_part_of_a_block_is_refused_before_anything_is_sent(cpr: Harness, field: Field) -> None:
    _, reader = cpr
    with pytest.raises(ValueError, match="whole blocks"):
        reader.write_memory(field.tags()[0].uid, 0, b"\x11\x02\x02")
    assert reader.counters().frames_sent == 0


def test_write_to_a_locked_block_names_the_block(cpr: Harness, field: Field) -> None:
    _, reader = cpr
    tag = field.tags()[0]
    tag.locked_blocks.add(2)
    with pytest.raises(TagWriteError) as caught:
        reader.write_memory(tag.uid, 0, bytes(16))
    assert caught.value.block == 2


def test_write_afi_and_read_it_back(cpr: Harness, field: Field) -> None:
    _, reader = cpr
    tag = field.tags()[5]
    reader.write_afi(tag.uid, 0xC2)
    assert tag.afi == 0xC2
    assert reader.system_information(tag.uid).afi == 0xC2
    tag.afi_locked = True
    with pytest.raises(TagWriteError):
        reader.write_afi(tag.uid, 0x07)


def test_eas_on_an_iscan_reader(mr101: Harness, field: Field) -> None:
    _, reader = mr101
    tag = field.tags()[0]
    assert not reader.eas_alarm(tag.uid)
    assert not reader.eas_alarm()
    reader.eas_set(tag.uid)
    assert tag.eas
    assert reader.eas_alarm(tag.uid)
    assert reader.eas_alarm()  # non-addressed: any armed tag in the field answers
    reader.eas_reset(tag.uid)
    assert not reader.eas_alarm(tag.uid)


def test_eas_on_a_cpr_is_refused_before_any_byte_is_sent(cpr: Harness) -> None:
    _, reader = cpr
    with pytest.raises(NotSupportedError):
        reader.eas_set(make_uid(1))
    assert reader.counters().frames_sent == 0


def test_outputs_reach_the_reader_as_the_profile_maps_them(cpr: Harness) -> None:
    simulator, reader = cpr
    reader.beep(200)
    reader.alarm(3000)
    reader.led(Output.GREEN_LED, None)
    reader.outputs_off()
    events = [(e.command, e.data.hex()) for e in simulator.reader.state.outputs]
    assert events == [
        (0x71, "0010000000020000"),
        (0x71, "00140000001e001e"),
        (0x71, "00010000ffff0000"),
        (0x71, "002a000000000001"),
    ]
    with pytest.raises(NotSupportedError):
        reader.led(Output.BLUE_LED, 100)


def test_newer_reader_outputs_use_0x72(field: Field, open_reader: OpenReader) -> None:
    simulator, reader = open_reader(field, "mr102")
    reader.signal("ok", 500)
    [event] = simulator.reader.state.outputs
    assert (event.command, event.data.hex()) == (0x72, "01020101000504010005")


def test_rf_off_silences_the_field_and_rf_reset_is_accepted(cpr: Harness) -> None:
    simulator, reader = cpr
    reader.rf_off()
    assert reader.inventory() == []
    reader.rf_on()
    assert len(reader.inventory()) == 30
    reader.rf_reset()
    assert simulator.reader.state.rf_resets == 1


@pytest.mark.parametrize(
    ("fault", "counter"),
    [
        (Fault.CORRUPT, "crc_errors"),
        (Fault.TRUNCATE, "truncated"),
        (Fault.SILENCE, "timeouts"),
    ],
)
def test_damaged_replies_are_retried(cpr: Harness, field: Field, fault: Fault, counter: str) -> None:
    _, reader = cpr
    tag = field.tags()[0]
    field.inject(fault)
    assert reader.system_information(tag.uid).uid == tag.uid
    counters = reader.counters()
    assert getattr(counters, counter) == 1
    assert counters.retries == 1


def test_noise_before_a_reply_is_skipped(cpr: Harness, field: Field) -> None:
    _, reader = cpr
    field.inject(Fault.GARBAGE)
    assert reader.system_information(field.tags()[0].uid).afi == 0x07
    assert reader.counters().retries == 0


def test_a_late_reply_is_not_taken_for_the_next_one(cpr: Harness, field: Field) -> None:
    _, reader = cpr
    field.set_faults(FaultPlan(slow_s=0.3))
    first, second = field.tags()[0], field.tags()[1]
    field.inject(Fault.SLOW)
    assert reader.system_information(first.uid).uid == first.uid  # timed out once, then answered
    assert reader.system_information(second.uid).uid == second.uid
    assert reader.counters().timeouts >= 1


def test_the_reply_to_a_request_given_up_on_is_dropped(field: Field, open_reader: OpenReader) -> None:
    """The first request is given up on (no retries) and answered half a timeout after that: the reply
    arrives while the next request waits, so without waiting for it first the next request would take it
    for its own and report the wrong tag."""
    _, reader = open_reader(field, "cpr", reply_timeout_s=0.2, retries=0)
    field.set_faults(FaultPlan(slow_s=0.3))
    first, second = field.tags()[0], field.tags()[1]
    field.inject(Fault.SLOW)
    with pytest.raises(DeviceTimeoutError):
        reader.system_information(first.uid)
    assert reader.system_information(second.uid).uid == second.uid
    assert reader.counters().unexpected_frames == 1  # the late reply, dropped


def test_a_lost_more_page_restarts_the_inventory(cpr: Harness, field: Field) -> None:
    _, reader = cpr
    field.inject(Fault.CORRUPT, after=2)  # the third page is damaged
    assert len(reader.inventory()) == 30
    counters = reader.counters()
    assert counters.crc_errors == 1
    assert counters.frames_sent == 3 + 8  # two good pages, the damaged one, then a whole new inventory


def test_a_silent_reader_gets_one_request_per_inventory_attempt(
    field: Field, open_reader: OpenReader
) -> None:
    field.set_faults(FaultPlan(silence=1.0))
    simulator, reader = open_reader(field, "cpr", retries=2, reply_timeout_s=0.05)
    with pytest.raises(DeviceTimeoutError):
        reader.inventory()
    counters = reader.counters()
    # The restarted inventory is the only retry: 1 + 2 requests, not 3 restarts of 3 link attempts each.
    assert simulator.reader.state.requests == 3
    assert (counters.frames_sent, counters.timeouts, counters.retries) == (3, 3, 2)


def test_rf_errors_are_typed_and_counted(cpr: Harness, field: Field) -> None:
    _, reader = cpr
    field.inject(Fault.RF_ERROR)
    with pytest.raises(RfError):
        reader.system_information(field.tags()[0].uid)
    field.inject(Fault.RF_ERROR)
    assert len(reader.inventory()) == 30  # an inventory is retried after an RF error
    field.inject(Fault.RF_ERROR, Fault.RF_ERROR, Fault.RF_ERROR)
    with pytest.raises(RfError):
        reader.inventory()
    assert reader.counters().rf_errors == 5


def test_a_reader_at_another_address_stays_silent(field: Field, tmp_path: Path) -> None:
    with FeigReaderSimulator(field, get_profile("cpr"), address=0x03, link=tmp_path / "tty") as simulator:
        settings = SerialSettings(simulator.path, parity="N")
        wrong = FeigReader(SerialTransport(settings), address=0x05, reply_timeout_s=0.05)
        right = FeigReader(SerialTransport(settings), address=0x03)
        with wrong, pytest.raises(DeviceTimeoutError):
            wrong.software_version()
        with right:
            assert right.software_version().sw_type == 80


def test_unplug_and_reconnect(cpr: Harness) -> None:
    simulator, reader = cpr
    assert reader.software_version()
    simulator.unplug()
    with pytest.raises(TransportError):
        reader.software_version()  # the link stays down for longer than the driver waits
    simulator.replug()
    assert reader.software_version().sw_type == 80
    counters = reader.counters()
    assert counters.disconnects >= 1
    assert counters.reconnects == 1
    assert counters.connected


def test_a_short_unplug_is_ridden_out_by_retries(cpr: Harness) -> None:
    simulator, reader = cpr
    simulator.unplug(for_s=0.2)
    assert len(reader.inventory()) == 30
    assert reader.counters().reconnects == 1


def test_seeded_fault_storm_never_breaks_the_driver(cpr: Harness, field: Field) -> None:
    _, reader = cpr
    field.set_faults(
        FaultPlan(rf_error=0.05, corrupt=0.05, truncate=0.05, silence=0.02, garbage=0.05, seed=15693)
    )
    expected = sorted(t.uid for t in field.tags())
    complete = 0
    for _ in range(25):
        try:
            tags = reader.inventory()
        except DeviceError:
            continue  # typed, counted; the caller's loop goes on
        assert sorted(t.uid for t in tags) == expected
        complete += 1
    assert complete >= 15
    counters = reader.counters()
    assert counters.crc_errors + counters.truncated + counters.timeouts > 0
