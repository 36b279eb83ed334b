"""The gate's alarms as the server judges them, as tables: which item a tag is, the alarm's class, resolving
once, the false-alarm rate — and what a tag's decoded status says of its owner."""

from __future__ import annotations

import pytest

from contract.gate import TagContent, TagDataStatus
from server.domain.gate import (
    AlarmClass,
    AlarmResolution,
    classify,
    false_alarm_rate,
    identify,
    resolution_refusal,
)
from server.domain.stocktake.tags import TagData, TagVerdict
from server.services.gate_alarms import tag_data_of

C = AlarmClass
V = TagVerdict
OWN, FOREIGN, BLANK, UNREADABLE = TagData.OWN, TagData.FOREIGN, TagData.BLANK, TagData.UNREADABLE


@pytest.mark.parametrize(
    ("tag", "listed", "by_barcode", "by_uid", "on_loan", "verdict", "item", "cls"),
    [
        # Our tag naming our item: on the shelf, or on loan with its tag still secured.
        (OWN, False, 7, 7, False, V.OK, 7, C.NOT_BORROWED),
        (OWN, False, 7, 7, True, V.OK, 7, C.BORROWED_ARMED),
        (OWN, False, 7, None, False, V.REGISTER_UID, 7, C.NOT_BORROWED),  # the chip is not registered
        (OWN, False, 7, None, True, V.REGISTER_UID, 7, C.BORROWED_ARMED),
        (OWN, False, None, 7, False, V.REWRITE, 7, C.NOT_BORROWED),  # names no item, the UID is known
        # Our tag naming nothing we have.
        (OWN, False, None, None, False, V.UNKNOWN_NOT_IN_CATALOGUE, None, C.UNKNOWN_OURS),
        (OWN, True, None, None, False, V.UNKNOWN_NOT_IN_CATALOGUE, None, C.UNKNOWN_OURS),
        # The data names one item, the catalogue gives the UID to another: neither can be told.
        (OWN, False, 7, 8, False, V.DISAGREES, None, C.UNKNOWN_OURS),
        (OWN, False, 7, 8, True, V.DISAGREES, None, C.UNKNOWN_OURS),
        # Listed by UID at the gate: the UID decides, whatever the data says.
        (BLANK, True, None, 9, False, V.REWRITE, 9, C.NOT_BORROWED),
        (UNREADABLE, True, None, 9, True, V.REWRITE, 9, C.BORROWED_ARMED),
        (BLANK, True, None, None, False, V.UNKNOWN_BLANK, None, C.UNKNOWN_OURS),
        (UNREADABLE, True, None, None, False, V.UNKNOWN_UNREADABLE, None, C.UNKNOWN_OURS),
        (FOREIGN, True, None, None, False, V.UNKNOWN_FOREIGN, None, C.UNKNOWN_OURS),
        # Nothing says ours: another library's or a shop's tag (a gate never sends these, but one may).
        (FOREIGN, False, None, None, False, V.UNKNOWN_FOREIGN, None, C.FOREIGN),
        (
            FOREIGN,
            False,
            7,
            None,
            False,
            V.UNKNOWN_FOREIGN,
            None,
            C.FOREIGN,
        ),  # its item id is not our barcode
        (BLANK, False, None, None, False, V.UNKNOWN_BLANK, None, C.FOREIGN),
        (UNREADABLE, False, None, None, False, V.UNKNOWN_UNREADABLE, None, C.FOREIGN),
        # A foreign-looking tag whose chip is one of ours: ours after all.
        (FOREIGN, False, None, 9, True, V.REWRITE, 9, C.BORROWED_ARMED),
    ],
)
def test_identify_and_classify(
    *,
    tag: TagData,
    listed: bool,
    by_barcode: int | None,
    by_uid: int | None,
    on_loan: bool,
    verdict: TagVerdict,
    item: int | None,
    cls: AlarmClass,
) -> None:
    identified = identify(tag, listed_by_gate=listed, barcode_item=by_barcode, uid_item=by_uid)
    assert (identified.verdict, identified.item_id) == (verdict, item)
    assert classify(identified, on_loan=on_loan) is cls


def test_every_class_is_reached_by_the_table() -> None:
    seen = {
        classify(identify(t, listed_by_gate=listed, barcode_item=b, uid_item=u), on_loan=loan)
        for t in TagData
        for listed in (False, True)
        for b in (None, 7)
        for u in (None, 7, 8)
        for loan in (False, True)
    }
    assert seen == set(AlarmClass)


# Every status the gate's decoder reports, and what it says of the tag's owner.
OWNER_CASES = [
    (TagDataStatus.OK, "VN-VNULIC", OWN),
    (TagDataStatus.OK, None, FOREIGN),  # our data model, no owner: not positively ours (the gate's rule)
    (TagDataStatus.FOREIGN_OWNER, "DK-710100", FOREIGN),
    (TagDataStatus.UNKNOWN_FORMAT, None, FOREIGN),
    (TagDataStatus.UNSUPPORTED_VERSION, None, FOREIGN),
    (TagDataStatus.BLANK, None, BLANK),
    (TagDataStatus.TOO_SHORT, None, UNREADABLE),
    (TagDataStatus.BAD_CRC, None, UNREADABLE),
    (TagDataStatus.MALFORMED, None, UNREADABLE),
    (TagDataStatus.DECODER_FAULT, None, UNREADABLE),
    (TagDataStatus.NOT_READ, None, UNREADABLE),
]


@pytest.mark.parametrize(("status", "owner", "data"), OWNER_CASES)
def test_what_a_decoded_tag_says_of_its_owner(
    status: TagDataStatus, owner: str | None, data: TagData
) -> None:
    assert tag_data_of(TagContent(status=status, owner_isil=owner)) is data


def test_the_owner_table_covers_every_status() -> None:
    assert {status for status, _owner, _data in OWNER_CASES} == set(TagDataStatus)


def test_an_alarm_is_resolved_once() -> None:
    assert resolution_refusal(None) is None
    for done in AlarmResolution:
        refusal = resolution_refusal(done)
        assert refusal is not None
        assert str(done) in refusal


@pytest.mark.parametrize(
    ("false_alarms", "resolved", "rate"), [(0, 0, None), (0, 4, 0.0), (1, 4, 0.25), (3, 3, 1.0)]
)
def test_false_alarm_rate(false_alarms: int, resolved: int, rate: float | None) -> None:
    assert false_alarm_rate(false_alarms, resolved) == rate


@pytest.mark.parametrize(("false_alarms", "resolved"), [(5, 4), (-1, 4), (0, -1)])
def test_false_alarm_rate_refuses_impossible_counts(false_alarms: int, resolved: int) -> None:
    with pytest.raises(ValueError, match="some of the resolved"):
        false_alarm_rate(false_alarms, resolved)
