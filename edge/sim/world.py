"""What the simulated patrons know of the library: which books are on the shelves, which are in someone's
hands, who borrowed what. Shared by every simulated kiosk in a process (the bench runs 20), so two patrons
never pick up the same book. Beliefs are corrected by the server's answers — the server is the truth.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable

from contract.common import ItemRef
from edge.sim.manifest import Manifest, ManifestItem, ManifestPatron


class SimulatedWorld:
    def __init__(self, manifest: Manifest) -> None:
        self.patrons = list(manifest.patrons)
        self._items = {item.barcode: item for item in manifest.items}
        self._by_tag = {item.tag_uid: item for item in manifest.items if item.tag_uid is not None}
        self._all = list(self._items)
        self._on_shelf = [item.barcode for item in manifest.items if item.available]
        self._shelf_index = {barcode: i for i, barcode in enumerate(self._on_shelf)}
        # Picked up by a patron at a kiosk right now → whether it was taken from the open shelf (where it
        # goes back if it is not borrowed; an odd item — on hold, missing… — does not).
        self._in_hand: dict[str, bool] = {}
        self._loans: dict[str, str] = {}  # barcode → card number
        self._busy_patrons: set[str] = set()
        self._lock = threading.Lock()

    # ---- patrons --------------------------------------------------------------------------------------

    def arrive(self, rng: random.Random) -> ManifestPatron | None:
        """A patron not already standing at another kiosk."""
        with self._lock:
            for _ in range(20):
                patron = rng.choice(self.patrons)
                if patron.card_number not in self._busy_patrons:
                    self._busy_patrons.add(patron.card_number)
                    return patron
        return None

    def leave(self, patron: ManifestPatron) -> None:
        with self._lock:
            self._busy_patrons.discard(patron.card_number)

    # ---- items ----------------------------------------------------------------------------------------

    def pick_from_shelf(self, rng: random.Random) -> ManifestItem | None:
        """A book believed to be on the shelf, now in the patron's hands."""
        with self._lock:
            if not self._on_shelf:
                return None
            barcode = self._on_shelf[rng.randrange(len(self._on_shelf))]
            self._take(barcode)
            return self._items[barcode]

    def pick_any(self, rng: random.Random) -> ManifestItem | None:
        """Any book of the collection whatever its status — on hold, missing, not for loan… (a patron brings
        something odd to the kiosk) — except one in another patron's hands or believed on loan."""
        with self._lock:
            for _ in range(20):
                barcode = rng.choice(self._all)
                if self._free(barcode):
                    break
            else:  # mostly taken: look through the whole collection
                free = [b for b in self._all if self._free(b)]
                if not free:
                    return None
                barcode = rng.choice(free)
            self._take(barcode)
            return self._items[barcode]

    def put_back(self, item: ManifestItem) -> None:
        """The patron could not borrow it: back where it was taken from — the open shelf, or (an odd item)
        wherever it lies off the shelf. The server will refuse it again if it must."""
        with self._lock:
            from_shelf = self._in_hand.pop(item.barcode, None)
            if from_shelf and item.barcode not in self._loans:
                self._add_to_shelf(item.barcode)

    def set_aside(self, item: ManifestItem) -> None:
        """Not lendable (on hold for someone, not for loan, missing…): nobody will pick it again."""
        with self._lock:
            self._in_hand.pop(item.barcode, None)
            self._remove_from_shelf(item.barcode)

    def lent(self, barcode: str, card_number: str) -> None:
        with self._lock:
            self._in_hand.pop(barcode, None)
            self._remove_from_shelf(barcode)
            self._loans[barcode] = card_number

    def returned(self, barcode: str) -> None:
        with self._lock:
            self._loans.pop(barcode, None)
            self._in_hand.pop(barcode, None)
            if barcode in self._items:
                self._add_to_shelf(barcode)

    def forget_loan(self, barcode: str) -> None:
        """The server says it is not on loan (to this patron): stop believing it is."""
        with self._lock:
            self._loans.pop(barcode, None)

    def loans_of(self, card_number: str) -> list[ManifestItem]:
        with self._lock:
            return [
                self._items[b] for b, card in self._loans.items() if card == card_number and b in self._items
            ]

    def item(self, barcode: str) -> ManifestItem | None:
        return self._items.get(barcode)

    def find(self, ref: ItemRef) -> ManifestItem | None:
        """The book a kiosk identified, by barcode or (read from its tag alone) by UID."""
        if ref.barcode is not None and ref.barcode in self._items:
            return self._items[ref.barcode]
        return self._by_tag.get(ref.tag_uid) if ref.tag_uid is not None else None

    def learn_loans(self, card_number: str, barcodes: Iterable[str]) -> None:
        """The server listed this patron's loans (at login): believe it."""
        for barcode in barcodes:
            self.lent(barcode, card_number)

    @property
    def on_shelf(self) -> int:
        with self._lock:
            return len(self._on_shelf)

    def _free(self, barcode: str) -> bool:
        return barcode not in self._in_hand and barcode not in self._loans

    def _take(self, barcode: str) -> None:
        self._in_hand[barcode] = barcode in self._shelf_index
        self._remove_from_shelf(barcode)

    def _remove_from_shelf(self, barcode: str) -> None:
        # Swap-remove keeps picking O(1) on a collection of thousands.
        index = self._shelf_index.pop(barcode, None)
        if index is None:
            return
        last = self._on_shelf.pop()
        if last != barcode:
            self._on_shelf[index] = last
            self._shelf_index[last] = index

    def _add_to_shelf(self, barcode: str) -> None:
        if barcode not in self._shelf_index:
            self._shelf_index[barcode] = len(self._on_shelf)
            self._on_shelf.append(barcode)
