"""The simulated handheld's scripted world: every fault placed once, on the first shelf, and nowhere else."""

from __future__ import annotations

from edge.sim.handheld_world import HandheldWorld, TagKind, faulty_world
from edge.sim.manifest import ManifestItem


def _items() -> list[ManifestItem]:
    items = [
        ManifestItem(barcode=f"VV{n:06d}", tag_uid=f"E0040100{n:08X}", location_code=f"S{n // 10}")
        for n in range(30)
    ]
    items.append(
        ManifestItem(barcode="VV000099", tag_uid="E004010000000099", location_code="S0", status="on_loan")
    )
    items.append(ManifestItem(barcode="VV000098", location_code="S9"))  # a shelf of one book: not swept
    return items


def test_each_fault_is_placed_once_on_the_first_shelf() -> None:
    world = faulty_world(_items(), shelves=3)
    first, second, third = world.shelves
    assert [s.code for s in world.shelves] == ["S0", "S1", "S2"]
    faults = world.faults
    on_first = [b.barcode or b.uid for b in first.books]
    assert faults.missing == ["VV000005"]
    assert "VV000005" not in on_first
    assert on_first[-1] == faults.out_of_order[0] == "VV000000"
    assert faults.misplaced == ["VV000019"]
    assert "VV000019" in on_first
    assert "VV000019" not in [b.barcode for b in second.books]
    assert faults.on_loan_on_shelf == ["VV000099"]
    kinds = {b.barcode or b.uid: b.tag for b in first.books}
    assert kinds[faults.foreign[0]] is TagKind.FOREIGN
    assert kinds[faults.blank[0]] is TagKind.BLANK
    assert kinds[faults.disarmed[0]] is TagKind.DISARMED
    assert all(b.tag is TagKind.OWN for b in (*second.books, *third.books))


def test_the_world_goes_to_another_process_as_it_is() -> None:
    world = faulty_world(_items(), shelves=2)
    assert HandheldWorld.from_json(world.to_json()) == world
