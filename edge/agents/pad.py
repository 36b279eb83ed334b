"""Where a patron puts a book at the kiosk: how the kiosk identifies it, and sets its security after a
decision (unsecured when lent, secured when returned, so the gates let it pass or alarm).

`ScannedPad` identifies books as a barcode scanner would (no tag to set); `edge.agents.rfid_pad.RfidPad`
reads the book's RFID tag through a reader and writes its AFI/EAS.
"""

from __future__ import annotations

import random
from typing import Protocol

from contract.common import ItemRef
from contract.replies import SecurityAction
from edge.agents.manifest import ManifestItem


class ItemPad(Protocol):
    def identify(self, item: ManifestItem) -> ItemRef | None:
        """The book is put down; what the kiosk reads of it (None: nothing readable)."""

    def apply_security(self, item: ManifestItem, action: SecurityAction) -> bool:
        """Secure or unsecure the book's tag as the server asked; False if that failed."""

    def take_away(self, item: ManifestItem) -> None:
        """The patron picks the book up again."""


class ScannedPad:
    """Books identified by barcode, or by the tag UID the manifest lists (a simple pad reading UIDs only);
    there is no tag to secure."""

    def __init__(self, rng: random.Random, rfid_rate: float) -> None:
        self._rng = rng
        self._rfid_rate = rfid_rate

    def identify(self, item: ManifestItem) -> ItemRef | None:
        use_tag = item.tag_uid is not None and self._rng.random() < self._rfid_rate
        return ItemRef(barcode=item.barcode, tag_uid=item.tag_uid if use_tag else None)

    def apply_security(self, item: ManifestItem, action: SecurityAction) -> bool:
        return True

    def take_away(self, item: ManifestItem) -> None:
        return None
