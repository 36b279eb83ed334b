"""The gate's alarm rule as a table: ours and secured sounds, everything else is only counted."""

from __future__ import annotations

import pytest

from devices.rfid.gate_rule import AlarmPolicy, OwnedBy, Ownership, judge
from devices.rfid.security import Mechanism, SecuritySettings, SecurityState
from devices.tagdata import Usage, encode_tag
from devices.tagdata.reading import TagReading, TagStatus
from devices.tagdata.settings import TagDataSettings

UID = "E004015000000001"
LISTED = "E004015000000099"
POLICY = AlarmPolicy(SecuritySettings(), our_uids=frozenset({LISTED}))
OURS = TagDataSettings.from_mapping({"isil": "VN-VNULIC"})

SECURED = SecurityState(afi=0x07, eas=None, secured=True)
ON_LOAN = SecurityState(afi=0xC2, eas=None, secured=False)


def reading(status: TagStatus, owner: str | None = "VN-VNULIC") -> TagReading:
    return TagReading(status, "table", item_id="VV000001", owner_isil=owner)


def decoded(isil: str) -> TagReading:
    """What the decoder makes of a tag another system wrote for `isil`."""
    return OURS.decode(encode_tag("VV000001", isil=isil, usage=Usage.CIRCULATING))


Case = tuple[str, TagReading | None, SecurityState | None, str, Ownership | None, OwnedBy | None, bool, bool]

CASES: list[Case] = [
    # (reading, security, uid) → (ownership, owned by, alarm, decided)
    ("our tag, secured", reading(TagStatus.OK), SECURED, UID, Ownership.OURS, OwnedBy.TAG_DATA, True, True),
    ("our tag, on loan", reading(TagStatus.OK), ON_LOAN, UID, Ownership.OURS, OwnedBy.TAG_DATA, False, True),
    (
        "our tag, state unknown",
        reading(TagStatus.OK),
        None,
        UID,
        Ownership.OURS,
        OwnedBy.TAG_DATA,
        False,
        False,
    ),
    ("decoded ours", decoded("VN-VNULIC"), SECURED, UID, Ownership.OURS, OwnedBy.TAG_DATA, True, True),
    ("decoded other library", decoded("DK-710100"), SECURED, UID, Ownership.FOREIGN, None, False, True),
    (
        "another owner",
        reading(TagStatus.FOREIGN_OWNER, "DK-710100"),
        SECURED,
        UID,
        Ownership.FOREIGN,
        None,
        False,
        True,
    ),
    (
        "no owner on the tag",
        reading(TagStatus.OK, owner=None),
        SECURED,
        UID,
        Ownership.FOREIGN,
        None,
        False,
        True,
    ),
    (
        "a shop's tag",
        reading(TagStatus.UNKNOWN_FORMAT, None),
        SECURED,
        UID,
        Ownership.FOREIGN,
        None,
        False,
        True,
    ),
    (
        "newer data model",
        reading(TagStatus.UNSUPPORTED_VERSION, None),
        SECURED,
        UID,
        Ownership.FOREIGN,
        None,
        False,
        True,
    ),
    ("blank tag", reading(TagStatus.BLANK, None), SECURED, UID, Ownership.BLANK, None, False, True),
    ("damaged data", reading(TagStatus.BAD_CRC, None), SECURED, UID, Ownership.UNREADABLE, None, False, True),
    ("malformed data", reading(TagStatus.MALFORMED), SECURED, UID, Ownership.UNREADABLE, None, False, True),
    (
        "decoder fault",
        reading(TagStatus.DECODER_FAULT, None),
        SECURED,
        UID,
        Ownership.UNREADABLE,
        None,
        False,
        True,
    ),
    ("too short", reading(TagStatus.TOO_SHORT, None), SECURED, UID, Ownership.UNREADABLE, None, False, True),
    ("not read yet, secured", None, SECURED, UID, None, None, False, False),
    ("not read yet, on loan", None, ON_LOAN, UID, None, None, False, False),
    ("listed UID, no data", None, SECURED, LISTED, Ownership.OURS, OwnedBy.UID_LIST, True, True),
    (
        "listed UID, blank",
        reading(TagStatus.BLANK, None),
        SECURED,
        LISTED,
        Ownership.OURS,
        OwnedBy.UID_LIST,
        True,
        True,
    ),
    ("listed UID, on loan", None, ON_LOAN, LISTED, Ownership.OURS, OwnedBy.UID_LIST, False, True),
    ("listed UID, state unknown", None, None, LISTED, Ownership.OURS, OwnedBy.UID_LIST, False, False),
    (
        "listed UID wins",
        reading(TagStatus.FOREIGN_OWNER, "DK-710100"),
        SECURED,
        LISTED,
        Ownership.OURS,
        OwnedBy.UID_LIST,
        True,
        True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_the_rule(case: Case) -> None:
    _name, reading_, security, uid, owner, owned_by, alarm, decided = case
    verdict = judge(uid, security, reading_, POLICY)
    assert (verdict.ownership, verdict.owned_by, verdict.alarm, verdict.decided) == (
        owner,
        owned_by,
        alarm,
        decided,
    )


@pytest.mark.parametrize(
    ("mechanism", "afi", "eas", "alarm"),
    [
        (Mechanism.AFI, 0x07, None, True),
        (Mechanism.AFI, 0xC2, None, False),
        (Mechanism.AFI, 0x00, None, False),  # an AFI nobody set is not "secured"
        (Mechanism.EAS, None, True, True),
        (Mechanism.EAS, None, False, False),
        (Mechanism.BOTH, 0xC2, True, True),  # half-finished change: either mechanism sounds
        (Mechanism.BOTH, 0x07, False, True),
        (Mechanism.BOTH, 0xC2, False, False),
    ],
)
def test_secured_follows_the_sites_mechanism(
    mechanism: Mechanism, afi: int | None, eas: bool | None, alarm: bool
) -> None:
    settings = SecuritySettings(mechanism=mechanism)
    state = SecurityState(afi, eas, settings.is_secured(afi, eas))
    verdict = judge(UID, state, reading(TagStatus.OK), AlarmPolicy(settings))
    assert verdict.alarm is alarm
