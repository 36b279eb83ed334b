"""The simulation manifest: what the simulated kiosk and RFID field need to act like real patrons and books.

Patrons listed are those a kiosk would let in (card valid, not blocked); all share the initial PIN the
seed set. Items carry barcode, tag UID, status and the shelf they live on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from server.domain.enums import LocationKind
from server.privacy import write_private
from server.seed.model import Library

MANIFEST_VERSION = 1


def build(library: Library, *, pin: str, seed: int, location_codes: dict[int, str]) -> dict[str, Any]:
    usable = [p for p in library.patrons if p.expires_on >= library.today and p.block is None]
    return {
        "version": MANIFEST_VERSION,
        "seed": seed,
        "today": library.today.isoformat(),
        "counts": {
            "records": len(library.records),
            "items": len(library.items),
            "patrons": len(library.patrons),
            "loans": len(library.loans),
            "holds": len(library.holds),
            "fines": len(library.fines),
        },
        "patrons": [{"card_number": p.card_number, "pin": pin, "category": p.category} for p in usable],
        "items": [
            {
                "barcode": i.barcode,
                "tag_uid": i.tag_uid,
                "status": i.status,
                "item_type": i.item_type,
                "location_code": location_codes.get(i.location_id) if i.location_id is not None else None,
            }
            for i in library.items
        ],
        "shelves": [
            {"code": loc.code, "span_start": loc.span_start, "span_end": loc.span_end}
            for loc in library.locations
            if loc.kind == LocationKind.SHELF
        ],
    }


def write(path: Path, manifest: dict[str, Any]) -> None:
    """Written whole then renamed, so a simulator never reads half a manifest. 0600: it holds the PIN."""
    write_private(path, orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
