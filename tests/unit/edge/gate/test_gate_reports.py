"""An alarm in the contract's words: the tag's UID always, its item id as a barcode only when it is one,
text the contract cannot carry left out rather than cut."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from contract.gate import AlarmOutputs, CounterLane, OwnedBy, TagDataStatus, TagUsage
from devices.rfid.gate import DecidedPassage, Outputs
from devices.rfid.gate_rule import Judgement, Ownership
from devices.rfid.gate_rule import OwnedBy as RuleOwnedBy
from devices.rfid.security import Mechanism, SecurityState
from devices.tagdata import Usage
from devices.tagdata.reading import TagReading, TagStatus
from edge.gate.reports import alarm_report, item_ref, tag_content

UID = "E004015000000001"
T0 = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
OURS = TagReading(TagStatus.OK, "", item_id="VV004217", usage=Usage.CIRCULATING, owner_isil="VN-VNULIC")


def to_utc(monotonic: float) -> datetime:
    return T0 + timedelta(seconds=monotonic)


def alarm(reading: TagReading | None, owned_by: RuleOwnedBy = RuleOwnedBy.TAG_DATA) -> DecidedPassage:
    verdict = Judgement(Ownership.OURS, owned_by, secured=True)
    security = SecurityState(afi=0x07, eas=None, secured=True)
    return DecidedPassage(UID, verdict, security, reading, 10.0, 10.0314, Outputs.FAILED)


def test_an_alarm_report() -> None:
    counter = [CounterLane(lane=1, in_total=5, out_total=7)]
    report = alarm_report(alarm(OURS), mechanism=Mechanism.AFI, to_utc=to_utc, counter=counter, lane=2)
    assert (report.item.barcode, report.item.tag_uid) == ("VV004217", UID)
    assert (report.tag.status, report.tag.owner_isil, report.tag.usage) == (
        TagDataStatus.OK,
        "VN-VNULIC",
        TagUsage.CIRCULATING,
    )
    assert (report.owned_by, report.outputs, report.lane, report.counter) == (
        OwnedBy.TAG_DATA,
        AlarmOutputs.FAILED,
        2,
        counter,
    )
    assert report.security.afi == 0x07
    assert report.first_seen_at == T0 + timedelta(seconds=10)
    assert report.detect_ms == 31.4


def test_a_listed_uid_without_data() -> None:
    report = alarm_report(
        alarm(None, RuleOwnedBy.UID_LIST), mechanism=Mechanism.EAS, to_utc=to_utc, counter=[]
    )
    assert (report.item.barcode, report.tag.status, report.owned_by) == (
        None,
        TagDataStatus.NOT_READ,
        OwnedBy.UID_LIST,
    )


@pytest.mark.parametrize(
    ("item_id", "barcode", "kept"),
    [
        ("VV004217", "VV004217", "VV004217"),
        ("9786045", "9786045", "9786045"),
        ("Sách 12", None, "Sách 12"),  # an item id, but not one a barcode can be
        ("x" * 40, None, "x" * 40),
        ("x" * 65, None, None),  # longer than the contract carries: left out, not cut
    ],
)
def test_item_ids(item_id: str, barcode: str | None, kept: str | None) -> None:
    reading = TagReading(TagStatus.OK, "", item_id=item_id)
    assert item_ref(UID, reading).barcode == barcode
    assert tag_content(reading).item_id == kept


def test_only_alarms_are_reported() -> None:
    quiet = DecidedPassage(UID, Judgement(Ownership.OURS, RuleOwnedBy.TAG_DATA, False), None, OURS, 1.0)
    with pytest.raises(ValueError, match="did not sound"):
        alarm_report(quiet, mechanism=Mechanism.AFI, to_utc=to_utc, counter=[])


def test_the_contracts_tag_words_are_the_decoders() -> None:
    """The contract cannot import the decoder, so it repeats its statuses and usages: kept equal here."""
    assert {s.value for s in TagDataStatus} == {s.value for s in TagStatus} | {"not_read"}
    assert {u.value for u in TagUsage} == {u.name.lower() for u in Usage}
