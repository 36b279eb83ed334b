"""Reading the seed manifest: the fields a simulation needs, anything else ignored."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from edge.sim.manifest import ManifestError, load_manifest
from edge.sim.world import SimulatedWorld


def write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_manifest_reads_patrons_and_items_and_ignores_the_rest(tmp_path: Path) -> None:
    path = write(
        tmp_path / "seed-manifest.json",
        {
            "generated_at": "2026-03-02T07:00:00Z",
            "patrons": [
                {
                    "card_number": "SV2100001",
                    "pin": 2468,
                    "category": "undergraduate",
                    "full_name": "Lê Văn An",
                },
                {"card_number": "GV0000042", "pin": "013579", "category": "staff", "blocked": True},
            ],
            "items": [
                {
                    "barcode": "VV000001",
                    "tag_uid": "e00401501a2b3c4d",
                    "status": "available",
                    "title": "Giải tích 1",
                },
                {"barcode": "VV000002", "status": "missing", "location_code": "F2-R01-S1"},
                {"barcode": "VV000003"},
            ],
        },
    )
    manifest = load_manifest(path)
    assert [p.pin for p in manifest.patrons] == ["2468", "013579"]
    assert manifest.items[0].tag_uid == "E00401501A2B3C4D"
    assert [i.available for i in manifest.items] == [True, False, True]
    world = SimulatedWorld(manifest)
    assert world.on_shelf == 2
    picked = {world.pick_from_shelf(random.Random(1)), world.pick_from_shelf(random.Random(1))}
    assert {i.barcode for i in picked if i} == {"VV000001", "VV000003"}
    assert world.pick_from_shelf(random.Random(1)) is None


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (None, "not found"),
        ({"patrons": [], "items": [{"barcode": "VV1"}]}, "at least one patron"),
        ({"patrons": [{"card_number": "SV1"}], "items": []}, "pin"),
        ("{broken", "seed-manifest.json"),
    ],
)
def test_unusable_manifests_say_why(tmp_path: Path, document: object, message: str) -> None:
    path = tmp_path / "seed-manifest.json"
    if isinstance(document, str):
        path.write_text(document, encoding="utf-8")
    elif document is not None:
        write(path, document)
    with pytest.raises(ManifestError, match=message):
        load_manifest(path)
