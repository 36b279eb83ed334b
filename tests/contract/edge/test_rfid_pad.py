"""The kiosk's RFID pad against the virtual FEIG reader on a real pty: books are identified from their
ISO 28560-3 tags (or by UID when the data is unreadable), and their security follows the server's answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from contract.common import ItemRef
from contract.events import CheckinRequested, CheckoutRequested
from devices.feig.iso15693 import uid_from_hex
from devices.rfid import SecuritySettings
from edge.agents.kiosk_sim import KioskBehaviour, KioskSimulator
from edge.agents.manifest import Manifest, ManifestItem
from edge.agents.rfid_pad import RfidPad, simulated_rfid_pad
from edge.agents.world import SimulatedWorld
from tests.unit.edge.circulation_double import DirectRequester
from tests.unit.edge.test_edge_kiosk_sim import library

pytestmark = pytest.mark.contract

SECURITY = SecuritySettings.from_toml()
BOOK = ManifestItem(barcode="VV000007", tag_uid="E004015000000007")


@pytest.fixture
def pad(tmp_path: Path) -> Iterator[RfidPad]:
    with simulated_rfid_pad(tmp_path / "reader") as rfid:
        yield rfid


def _afi(pad: RfidPad, item: ManifestItem) -> int:
    tag = pad.tag_of(item)
    assert tag is not None
    return tag.afi


def test_a_book_is_identified_from_its_tag_and_lifted_again(pad: RfidPad) -> None:
    assert pad.identify(BOOK) == ItemRef(barcode="VV000007", tag_uid="E004015000000007")
    pad.take_away(BOOK)
    assert pad.field.get(uid_from_hex("E004015000000007")) is None


def test_a_tag_with_unreadable_data_is_identified_by_its_uid(pad: RfidPad) -> None:
    tag = pad.tag_of(BOOK)
    assert tag is not None
    tag.memory[5] ^= 0xFF  # the stored data no longer matches its CRC
    assert pad.identify(BOOK) == ItemRef(tag_uid="E004015000000007")


def test_unsecure_and_secure_change_the_tag(pad: RfidPad) -> None:
    assert _afi(pad, BOOK) == SECURITY.afi_secured
    pad.identify(BOOK)
    assert pad.apply_security(BOOK, "unsecure")
    assert _afi(pad, BOOK) == SECURITY.afi_unsecured
    assert pad.apply_security(BOOK, "secure")
    assert _afi(pad, BOOK) == SECURITY.afi_secured
    assert pad.security_failures == 0


def test_a_book_already_on_loan_starts_unsecured(pad: RfidPad) -> None:
    lent = ManifestItem(barcode="VV000008", tag_uid="E004015000000008", status="on_loan")
    assert _afi(pad, lent) == SECURITY.afi_unsecured


def test_the_kiosk_unsecures_what_it_lends_and_secures_what_comes_back(pad: RfidPad) -> None:
    manifest, desk = library(patrons=1, items=4)
    requester = DirectRequester(desk)
    world = SimulatedWorld(Manifest(patrons=manifest.patrons, items=manifest.items))
    behaviour = KioskBehaviour(think_s=0, return_rate=0, renew_rate=0, odd_item_rate=0, wrong_pin_rate=0)
    kiosk = KioskSimulator(requester, world, behaviour, seed=1, pad=pad)
    kiosk.run_session()
    lent = [e.payload.item for e in requester.sent if isinstance(e, CheckoutRequested)]
    assert lent, "the patron borrowed nothing"
    assert all(ref.tag_uid is not None for ref in lent)  # read from the tag, not the manifest
    by_barcode = {i.barcode: i for i in manifest.items}
    assert {_afi(pad, by_barcode[ref.barcode or ""]) for ref in lent} == {SECURITY.afi_unsecured}

    returning = KioskSimulator(requester, world, KioskBehaviour(think_s=0, return_rate=1), seed=2, pad=pad)
    returning.run_session()
    returned = [e.payload.item for e in requester.sent if isinstance(e, CheckinRequested)]
    assert returned
    assert {_afi(pad, by_barcode[ref.barcode or ""]) for ref in returned} == {SECURITY.afi_secured}
