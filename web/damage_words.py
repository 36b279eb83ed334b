"""The kinds of damage in words, the same for every screen that names them: the console (an item's page,
the desk, the repair queue, a stock-take's exceptions) and the handheld's own screen.

Keyed by the kinds' wire values (`contract.stocktake.DamageKind`, the server's `DamageKind`: a contract test
holds the two equal), in the order staff meet them; `web` imports neither side, so the values are written
here and a test holds them equal to the kinds.
"""

from __future__ import annotations

from web.catalogs import N_

DAMAGE_KIND_WORDS: dict[str, str] = {
    "torn": N_("Torn"),
    "water": N_("Wet or damp"),
    "insects": N_("Insects"),
    "mould": N_("Mould"),
    "loose_pages": N_("Loose pages"),
    "missing_pages": N_("Missing pages"),
    "binding": N_("Spine or cover broken"),
    "writing": N_("Written or drawn on"),
    "tag_damaged": N_("RFID tag damaged"),
    "label_damaged": N_("Label or barcode damaged"),
    "other": N_("Other"),
}
NO_KIND = N_("Tick at least one kind of damage.")
