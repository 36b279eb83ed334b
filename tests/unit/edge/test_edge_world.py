"""The simulated world the kiosks share: no book in two patrons' hands, odd items kept off the open shelf."""

from __future__ import annotations

import random

from contract.common import ItemRef
from edge.sim.manifest import Manifest, ManifestItem, ManifestPatron
from edge.sim.world import SimulatedWorld


def world(**statuses: str) -> SimulatedWorld:
    return SimulatedWorld(
        Manifest(
            patrons=[ManifestPatron(card_number="SV2100001", pin="1234")],
            items=[ManifestItem(barcode=barcode, status=status) for barcode, status in statuses.items()],
        )
    )


def test_two_patrons_never_pick_up_the_same_book() -> None:
    shared = world(VV1="available", VV2="on_hold_shelf", VV3="missing", VV4="available")
    rng = random.Random(3)
    picked = [shared.pick_any(rng) if n % 2 else shared.pick_from_shelf(rng) for n in range(4)]
    assert sorted(i.barcode for i in picked if i is not None) == ["VV1", "VV2", "VV3", "VV4"]
    assert shared.pick_any(rng) is None
    assert shared.pick_from_shelf(rng) is None


def test_an_odd_item_put_back_stays_off_the_open_shelf() -> None:
    shared = world(VV1="on_hold_shelf")
    item = shared.pick_any(random.Random(1))
    assert item is not None
    shared.put_back(item)
    assert shared.on_shelf == 0
    assert shared.pick_any(random.Random(1)) == item  # put down, so another patron may bring it


def test_a_shelf_book_goes_back_to_the_shelf_whoever_picked_it() -> None:
    shared = world(VV1="available")
    item = shared.pick_any(random.Random(1))
    assert item is not None
    assert shared.on_shelf == 0  # in the patron's hands meanwhile
    shared.put_back(item)
    assert shared.on_shelf == 1


def test_a_book_lent_or_set_aside_is_not_put_back_later() -> None:
    shared = world(VV1="available", VV2="available")
    rng = random.Random(2)
    lent, refused = shared.pick_from_shelf(rng), shared.pick_from_shelf(rng)
    assert lent is not None
    assert refused is not None
    shared.lent(lent.barcode, "SV2100001")
    shared.set_aside(refused)
    # late answers after a timeout: the kiosk already put the books back
    shared.put_back(lent)
    shared.put_back(refused)
    assert shared.on_shelf == 0
    assert shared.pick_any(rng) == refused  # an odd item now, still within reach; the lent one is not


def test_a_book_is_found_by_barcode_or_by_its_tag_alone() -> None:
    shared = SimulatedWorld(
        Manifest(
            patrons=[ManifestPatron(card_number="SV2100001", pin="1234")],
            items=[ManifestItem(barcode="VV1", tag_uid="E004015000000001"), ManifestItem(barcode="VV2")],
        )
    )
    assert shared.find(ItemRef(barcode="VV2")) == shared.item("VV2")
    assert shared.find(ItemRef(tag_uid="E004015000000001")) == shared.item("VV1")
    assert shared.find(ItemRef(barcode="VV9")) is None
