"""How a simulated patron shows the kiosk a book: scans it, or puts it on the RFID pad — then the kiosk's
session does what it does for a real patron (ask the server, set the tag)."""

from __future__ import annotations

import logging
import random
from typing import Protocol

from contract.common import ItemRef
from edge.kiosk.answers import Answered
from edge.kiosk.session import KioskSession, PadError
from edge.sim.book_tags import BookTags
from edge.sim.manifest import ManifestItem

log = logging.getLogger(__name__)


class Hands(Protocol):
    def present(self, session: KioskSession, item: ManifestItem) -> Answered | None:
        """The kiosk's answer about the book (a checkout when signed in, a return when not), or None when
        the kiosk could not identify it."""
        ...


class ScanningHands:
    """Books identified by barcode, or by the tag UID the manifest lists (a scanner reading UIDs too, at
    `rfid_rate`); a kiosk without an RFID pad sets no tags."""

    def __init__(self, rng: random.Random, rfid_rate: float) -> None:
        self._rng = rng
        self._rfid_rate = rfid_rate

    def present(self, session: KioskSession, item: ManifestItem) -> Answered | None:
        use_tag = item.tag_uid is not None and self._rng.random() < self._rfid_rate
        return session.item_identified(
            ItemRef(barcode=item.barcode, tag_uid=item.tag_uid if use_tag else None)
        )


class PadHands:
    """Books put on the kiosk's RFID pad and taken back after the answer; an untagged book, or one the
    pad's reader cannot read, is scanned instead."""

    def __init__(self, books: BookTags) -> None:
        self.books = books

    def present(self, session: KioskSession, item: ManifestItem) -> Answered | None:
        if not self.books.place(item):
            return session.item_identified(ItemRef(barcode=item.barcode))  # untagged: scanned
        try:
            answers = session.place_item()
        except PadError as exc:
            log.warning("%s: %s; %s is scanned instead", session.device_id, exc, item.barcode)
            return session.item_identified(ItemRef(barcode=item.barcode))
        finally:
            self.books.lift(item)
            session.pad_cleared()
        if not answers:
            log.warning("%s: %s could not be read on the pad", session.device_id, item.barcode)
            return None
        return answers[0]
