"""The simulator's protocol engine, request frame in, reply bytes out (no pty, no threads)."""

from __future__ import annotations

from devices.feig import get_profile, iso15693
from devices.feig.blocks import MemSizeEncoding
from devices.feig.commands import Request
from devices.feig.frames import BROADCAST, Frame
from devices.feig.parser import parse_stream
from devices.feig.status import Status
from devices.sim.feig_reader import VirtualFeigReader
from devices.sim.field import Fault, FaultPlan, Field, VirtualTag, make_items, make_uid
from tests.support.readers import ISIL


def _ask(reader: VirtualFeigReader, request: Request, address: int = BROADCAST) -> Frame | None:
    raw = reader.handle(Frame(address, request.command, request.data))
    if raw is None:
        return None
    [reply] = parse_stream(raw)
    assert isinstance(reply, Frame)
    return reply


def _status(reader: VirtualFeigReader, request: Request, address: int = BROADCAST) -> int | None:
    reply = _ask(reader, request, address)
    assert reply is not None
    return reply.status


def test_pages_follow_the_profile_and_more_drains_the_queue() -> None:
    reader = VirtualFeigReader(Field(make_items(10, isil=ISIL)), get_profile("cpr"))
    statuses = []
    count = 0
    reply = _ask(reader, iso15693.inventory())
    while reply is not None:
        statuses.append(reply.status)
        count += reply.data[0]
        if reply.status != Status.MORE_DATA:
            break
        reply = _ask(reader, iso15693.inventory(more=True))
    assert statuses == [Status.MORE_DATA, Status.MORE_DATA, Status.OK]
    assert count == 10


def test_unknown_commands_bad_lengths_and_other_addresses() -> None:
    reader = VirtualFeigReader(Field(make_items(1, isil=ISIL)), get_profile("cpr"), address=0x02)
    assert _status(reader, Request(0x99)) == Status.UNKNOWN_COMMAND
    assert _status(reader, Request(0x6A)) == Status.LENGTH_ERROR
    assert _status(reader, Request(0xB0, b"\x23\x01\xe0")) == Status.LENGTH_ERROR
    assert _ask(reader, Request(0x65), address=0x07) is None  # another reader's address
    reply = _ask(reader, Request(0x65), address=0x02)
    assert reply is not None
    assert reply.address == 0x02


def test_a_cpr_does_not_know_eas_and_an_iscan_does() -> None:
    field = Field(make_items(1, isil=ISIL))
    eas = iso15693.eas(iso15693.Eas.SET, make_uid(1))
    assert _status(VirtualFeigReader(field, get_profile("cpr")), eas) == Status.UNKNOWN_COMMAND
    assert _status(VirtualFeigReader(field, get_profile("mr101")), eas) == Status.OK
    assert field.tags()[0].eas


def test_non_addressed_commands_need_exactly_one_tag() -> None:
    field = Field(make_items(2, isil=ISIL))
    reader = VirtualFeigReader(field, get_profile("cpr"))
    assert _status(reader, iso15693.get_system_information(None)) == Status.RF_COMMUNICATION_ERROR
    field.remove(make_uid(2))
    reply = _ask(reader, iso15693.get_system_information(None))
    assert reply is not None
    assert reply.status == Status.OK
    assert iso15693.parse_system_information(reply.data).uid == make_uid(1)


def test_blocks_beyond_memory_and_oversized_requests() -> None:
    field = Field([VirtualTag.blank(make_uid(1), block_count=8)])
    reader = VirtualFeigReader(field, get_profile("cpr"))
    beyond = _ask(reader, iso15693.read_multiple_blocks(make_uid(1), 6, 4))
    assert beyond is not None
    assert (beyond.status, beyond.data) == (Status.ISO15693_ERROR, b"\x10")
    too_many = _ask(reader, iso15693.read_multiple_blocks(make_uid(1), 0, 33))
    assert too_many is not None
    assert too_many.status == Status.PARAMETER_RANGE


def test_faults_are_reproducible_with_a_seed() -> None:
    def draws(seed: int) -> list[Fault | None]:
        field = Field(faults=FaultPlan(corrupt=0.3, truncate=0.3, silence=0.1, seed=seed))
        return [field.take_reply_fault() for _ in range(50)]

    assert draws(7) == draws(7)
    assert draws(7) != draws(8)
    assert {Fault.CORRUPT, Fault.TRUNCATE} <= set(draws(7))


def test_queued_faults_wait_their_turn() -> None:
    field = Field()
    field.inject(Fault.TRUNCATE, after=2)
    field.inject(Fault.RF_ERROR)
    assert [field.take_reply_fault() for _ in range(4)] == [None, None, Fault.TRUNCATE, None]
    assert field.take_rf_error()
    assert not field.take_rf_error()


def test_mem_size_follows_the_chosen_encoding() -> None:
    field = Field(make_items(1, isil=ISIL))
    for encoding, expected in (("raw", (3, 27)), ("actual", (4, 28))):
        reader = VirtualFeigReader(field, get_profile("cpr"), mem_size=MemSizeEncoding(encoding))
        reply = _ask(reader, iso15693.get_system_information(make_uid(1)))
        assert reply is not None
        info = iso15693.parse_system_information(reply.data)
        assert (info.block_size_field, info.block_count_field) == expected


def _listed(reader: VirtualFeigReader) -> int:
    reply = _ask(reader, iso15693.inventory())
    assert reply is not None
    return reply.data[0] if reply.status == Status.OK else 0


def test_a_tag_carried_out_leaves_only_after_an_inventory_listed_it() -> None:
    field = Field()
    reader = VirtualFeigReader(field, get_profile("cpr"))
    [passing, lingering] = make_items(2, isil=ISIL)
    field.add(passing)
    field.leave(passing.uid)  # walked through between two polls
    assert field.get(passing.uid) is not None
    assert _listed(reader) == 1  # the late poll still finds it
    assert field.get(passing.uid) is not None  # and the reader may still read its blocks
    assert _listed(reader) == 0  # gone once the next inventory begins
    field.add(lingering)
    assert _listed(reader) == 1
    assert _listed(reader) == 1
    field.leave(lingering.uid)  # listed long ago: leaves at once
    assert field.get(lingering.uid) is None
    field.add(passing)
    field.remove(passing.uid)  # taken away on purpose, as before: gone at once
    assert _listed(reader) == 0
