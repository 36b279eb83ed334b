"""`stacks edge handheld --simulate`: the seed manifest's first shelves swept with every fault placed, the
reads sent in the order the books stand and confirmed, the handheld's parts in its status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from contract.events import StocktakeJoined, StocktakeReads
from contract.stocktake import ShelfMethod
from edge.sim.handheld_world import faulty_world
from edge.sim.manifest import ManifestItem
from tests.integration.edge.server_double import ServerDouble
from tests.support.broker import RunningBroker, command_env
from tests.support.status_watcher import StatusWatcher

STACKS = Path(sys.executable).with_name("stacks")  # the installed console script


def _manifest(path: Path) -> list[ManifestItem]:
    items = [
        ManifestItem(
            barcode=f"VV{n:06d}", tag_uid=f"E0040100{n:08X}" if n % 9 else None, location_code=f"S{n // 8}"
        )
        for n in range(24)
    ]
    items.append(
        ManifestItem(barcode="VV000099", tag_uid="E004010000000099", location_code="S0", status="on_loan")
    )
    patron = {"card_number": "SV2100123", "pin": "2468"}
    document = {"patrons": [patron], "items": [item.model_dump() for item in items]}
    path.write_text(json.dumps(document), encoding="utf-8")
    return items


def test_the_handheld_command_sweeps_the_seeded_shelves(
    broker: RunningBroker, server: ServerDouble, tmp_path: Path
) -> None:
    items = _manifest(tmp_path / "manifest.json")
    watcher = StatusWatcher(broker, "handheld-01").start()
    try:
        done = subprocess.run(
            [
                str(STACKS),
                "edge",
                "handheld",
                "--simulate",
                "--session",
                "3",
                "--manifest",
                "manifest.json",
                "--screen-port",
                "0",
                "--json",
            ],
            cwd=tmp_path,
            env=command_env(broker),
            capture_output=True,
            timeout=120,
            check=False,
        )
    finally:
        watcher.stop()
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    figures = json.loads(done.stdout.decode().strip().splitlines()[-1])
    world = faulty_world(items, shelves=3)
    assert figures["faults"] == world.faults.as_dict()
    assert (figures["shelves_swept"], figures["books_swept"], figures["outbox_pending"]) == (
        3,
        world.books,
        0,
    )
    events = sorted(server.applied.values(), key=lambda e: e.seq)
    joins = [e.payload for e in events if isinstance(e, StocktakeJoined)]
    assert [(j.shelf_code, j.method) for j in joins] == [
        (None, None),
        *((shelf.code, ShelfMethod.LABEL) for shelf in world.shelves),
    ]
    read = [
        (batch.shelf_code, r.barcode or r.uid)
        for batch in (e.payload for e in events if isinstance(e, StocktakeReads))
        for r in batch.reads
    ]
    assert read == [(shelf.code, book.barcode or book.uid) for shelf in world.shelves for book in shelf.books]
    # The birth (the run is shorter than a heartbeat) already reports every part.
    last = [status for status in watcher.all() if "handheld" in status.peripherals][-1]
    assert last.device_kind == "handheld"
    assert {"reader", "wand", "scanner", "handheld"} <= set(last.peripherals)
    assert "first_sightings" in last.peripherals["handheld"].counters
