"""The tag service against the simulated reader on a pty: items in the field, secure/unsecure, programming."""

from __future__ import annotations

import pytest

from devices.errors import TagDataError
from devices.rfid import Mechanism, SecuritySettings, TagService
from devices.sim.field import Fault, Field, VirtualTag, make_uid
from devices.tagdata import TagStatus, Usage
from devices.tagdata.settings import TagDataSettings
from tests.support.readers import ISIL, Harness

TAG_DATA = TagDataSettings.from_mapping({"isil": ISIL})
AFI = SecuritySettings()


def test_items_in_field_are_decoded_with_their_security_state(cpr: Harness, field: Field) -> None:
    _, reader = cpr
    field.add(VirtualTag.library_item(make_uid(500), "DE-ILL-0001", isil="DE-705", afi=0xC2))
    field.add(VirtualTag.blank(make_uid(501)))
    items = {item.uid: item for item in TagService(reader, AFI, TAG_DATA).items_in_field()}
    assert len(items) == 12
    ours = items[make_uid(1).hex().upper()]
    assert (ours.item_id, ours.afi, ours.secured, ours.error) == ("300000000001", 0x07, True, None)
    assert ours.reading is not None
    assert ours.reading.usage is Usage.CIRCULATING
    foreign = items[make_uid(500).hex().upper()]
    assert foreign.reading is not None
    assert foreign.reading.status is TagStatus.FOREIGN_OWNER
    assert foreign.secured is False
    blank = items[make_uid(501).hex().upper()]
    assert blank.reading is not None
    assert blank.reading.status is TagStatus.BLANK
    assert blank.item_id is None


def test_a_tag_staying_on_the_pad_is_not_read_again(cpr: Harness, field: Field) -> None:
    _, reader = cpr
    service = TagService(reader, AFI, TAG_DATA)
    service.items_in_field()
    before = reader.counters().frames_sent
    assert len(service.items_in_field()) == 10
    assert reader.counters().frames_sent - before == 3  # the inventory's three pages, nothing else
    lifted = field.tags()[0]
    field.remove(lifted.uid)
    assert lifted.uid_hex not in {item.uid for item in service.items_in_field()}
    field.add(lifted)
    before = reader.counters().frames_sent
    service.items_in_field()
    assert reader.counters().frames_sent - before == 3 + 2  # read again: system information + blocks


def test_a_tag_that_cannot_be_read_is_reported_then_read_next_time(cpr: Harness, field: Field) -> None:
    _, reader = cpr
    service = TagService(reader, AFI, TAG_DATA)
    field.inject(Fault.RF_ERROR, after=1)  # the inventory passes; the first tag read fails
    items = service.items_in_field()
    failed = [item for item in items if item.error]
    assert len(failed) == 1
    assert failed[0].secured is None
    assert "RfError" in (failed[0].error or "")
    assert all(item.error is None for item in service.items_in_field())
    counters = service.counters()
    assert (counters.inventories, counters.tag_read_errors, counters.tags_read) == (2, 1, 10)


def test_unsecure_and_secure_with_afi_are_verified(cpr: Harness, field: Field) -> None:
    _, reader = cpr
    service = TagService(reader, AFI, TAG_DATA)
    service.items_in_field()
    uids = [tag.uid_hex for tag in field.tags()[:3]]
    results = service.unsecure(uids)
    assert [(r.ok, r.afi, r.attempts) for r in results] == [(True, 0xC2, 1)] * 3
    assert all(field.get(bytes.fromhex(uid)).afi == 0xC2 for uid in uids)  # type: ignore[union-attr]
    states = {item.uid: item.secured for item in service.items_in_field()}
    assert [states[uid] for uid in uids] == [False] * 3
    assert all(r.ok and r.afi == 0x07 for r in service.secure(uids))


def test_a_failed_verification_is_retried_then_reported(cpr: Harness, field: Field) -> None:
    _, reader = cpr
    service = TagService(reader, AFI, TAG_DATA)
    tag = field.tags()[0]
    field.inject(Fault.RF_ERROR, after=1)  # the write passes; reading it back fails once
    [result] = service.unsecure([tag.uid])
    assert (result.ok, result.attempts) == (True, 2)
    tag.afi_locked = True
    [result] = service.secure([tag.uid])
    assert (result.ok, result.attempts) == (False, 3)
    assert "TagWriteError" in (result.error or "")
    field.remove(tag.uid)
    [result] = service.secure([tag.uid])
    assert (result.ok, result.attempts) == (False, 1)  # the tag left: retrying cannot help
    assert (service.counters().security_set, service.counters().security_failures) == (1, 2)


def test_eas_mechanism_sets_and_verifies_the_eas_bit(mr101: Harness, field: Field) -> None:
    _, reader = mr101
    service = TagService(reader, SecuritySettings(mechanism=Mechanism.EAS), TAG_DATA)
    tag = field.tags()[0]
    [result] = service.secure([tag.uid])
    assert (result.ok, result.eas, result.afi) == (True, True, None)
    assert tag.eas
    assert tag.afi == 0x07  # untouched
    [item] = [i for i in service.items_in_field() if i.uid == tag.uid_hex]
    assert (item.eas, item.secured) == (True, True)
    [result] = service.unsecure([tag.uid])
    assert (result.ok, tag.eas) == (True, False)


def test_both_mechanisms_change_afi_and_eas(mr101: Harness, field: Field) -> None:
    _, reader = mr101
    service = TagService(reader, SecuritySettings(mechanism=Mechanism.BOTH), TAG_DATA)
    tag = field.tags()[1]
    [result] = service.unsecure([tag.uid])
    assert (result.ok, result.afi, result.eas) == (True, 0xC2, False)
    [result] = service.secure([tag.uid])
    assert (result.ok, tag.afi, tag.eas) == (True, 0x07, True)


def test_eas_on_a_reader_without_it_fails_per_tag_without_retrying(cpr: Harness, field: Field) -> None:
    _, reader = cpr
    service = TagService(reader, SecuritySettings(mechanism=Mechanism.EAS), TAG_DATA)
    [result] = service.secure([field.tags()[0].uid])
    assert (result.ok, result.attempts) == (False, 1)
    assert "NotSupportedError" in (result.error or "")


def test_programming_a_blank_tag(cpr: Harness, field: Field) -> None:
    _, reader = cpr
    blank = VirtualTag.blank(make_uid(900))
    field.add(blank)
    service = TagService(reader, AFI, TAG_DATA)
    reading = service.program(blank.uid_hex, "8935235099999")
    assert (reading.status, reading.item_id, reading.owner_isil) == (TagStatus.OK, "8935235099999", ISIL)
    [item] = [i for i in service.items_in_field() if i.uid == blank.uid_hex]
    assert item.item_id == "8935235099999"


def test_a_32_byte_tag_gets_the_truncated_basic_block(cpr: Harness, field: Field) -> None:
    _, reader = cpr
    small = VirtualTag(uid=make_uid(901), memory=bytearray(32))
    field.add(small)
    reading = TagService(reader, AFI, TAG_DATA).program(small.uid_hex, "VV000123")
    assert (reading.status, reading.item_id, reading.basic_block_size) == (TagStatus.OK, "VV000123", 32)


def test_a_tag_too_small_for_any_basic_block_is_refused(cpr: Harness, field: Field) -> None:
    _, reader = cpr
    tiny = VirtualTag(uid=make_uid(902), memory=bytearray(16))
    field.add(tiny)
    with pytest.raises(TagDataError):
        TagService(reader, AFI, TAG_DATA).program(tiny.uid_hex, "VV000124")
    assert bytes(tiny.memory) == bytes(16)  # nothing half-written
