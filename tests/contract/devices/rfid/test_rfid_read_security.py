"""Reading a tag's security state: only what the site's mechanism uses is asked of the tag."""

from __future__ import annotations

import pytest

from devices.rfid import Mechanism, SecuritySettings, SecurityState, read_security
from devices.sim.field import Field, VirtualTag, make_uid
from tests.support.readers import ISIL, OpenReader


@pytest.mark.parametrize(
    ("mechanism", "expected", "requests"),
    [
        (Mechanism.AFI, SecurityState(afi=0xC2, eas=None, secured=False), 1),  # Get System Information
        (Mechanism.EAS, SecurityState(afi=None, eas=True, secured=True), 1),  # an addressed EAS Alarm
        (Mechanism.BOTH, SecurityState(afi=0xC2, eas=True, secured=True), 2),  # either secures it
    ],
)
def test_the_mechanism_decides_what_is_read(
    open_reader: OpenReader, mechanism: Mechanism, expected: SecurityState, requests: int
) -> None:
    tag = VirtualTag.library_item(make_uid(1), "VV000123", isil=ISIL, afi=0xC2)
    tag.eas = True
    simulator, reader = open_reader(Field([tag]), "mr101")
    assert read_security(reader, tag.uid, SecuritySettings(mechanism=mechanism)) == expected
    assert simulator.reader.state.requests == requests


def test_system_information_already_read_is_not_asked_for_again(open_reader: OpenReader) -> None:
    tag = VirtualTag.library_item(make_uid(1), "VV000123", isil=ISIL, afi=0x07)
    simulator, reader = open_reader(Field([tag]), "cpr")
    info = reader.system_information(tag.uid)
    state = read_security(reader, tag.uid, SecuritySettings(), info=info)
    assert state == SecurityState(afi=0x07, eas=None, secured=True)
    assert simulator.reader.state.requests == 1
