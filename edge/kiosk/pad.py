"""The kiosk's RFID pad: books lie on a reader's antenna; the kiosk reads their ISO 28560-3 tags through a
`TagService` (any `TagReader` underneath) and, after each decision, writes their security (AFI/EAS) and
verifies it by reading it back.

Putting a book on the pad and taking it away are the patron's business, not the pad's: the pad only
reports what lies on it. (`edge.sim.book_tags` puts simulated books on a simulated reader.)
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable

from contract.common import ItemRef
from contract.replies import SecurityAction
from devices.errors import DeviceError
from devices.rfid import TagService
from devices.rfid.service import FieldItem
from devices.tagdata import Usage
from devices.tagdata.reading import TagStatus
from edge.kiosk.answers import TagProblem

log = logging.getLogger(__name__)


class RfidPad:
    def __init__(self, tags: TagService) -> None:
        self.tags = tags
        self._problems: dict[str, TagProblem] = {}  # the tags of the last read that are not plainly ours
        # The card numbers of our own readers' RFID cards (ISO 28560-3 usage "patron card") at the last
        # read: a card laid on the pad signs its reader in, as a scanned one does; it is never a book.
        self.cards: tuple[str, ...] = ()

    def read(self, each: Callable[[ItemRef], None] | None = None) -> list[ItemRef]:
        """Every tag on the pad: the item id from its data and its UID, or the UID alone when its data
        cannot be read (the server knows items by UID too) or names another library as its owner (its
        item id means nothing here, or worse, another of our books) — each also handed to `each` as soon
        as it is read, its problem already known to `tag_problem`. Raises `DeviceError` when the reader
        does not answer."""
        refs: list[ItemRef] = []
        cards: list[str] = []
        self._problems = {}

        def found(tag: FieldItem) -> None:
            reading = tag.reading
            if reading is not None and reading.usage is Usage.PATRON_CARD:
                if reading.status is TagStatus.OK and tag.item_id:
                    cards.append(tag.item_id)
                return  # another library's card, or one that cannot be read: not ours to sign in
            if reading is not None and reading.status is TagStatus.FOREIGN_OWNER:
                self._problems[tag.uid] = TagProblem.FOREIGN
                ref = ItemRef(tag_uid=tag.uid)
            elif tag.item_id:
                ref = ItemRef(barcode=tag.item_id, tag_uid=tag.uid)
            else:
                self._problems[tag.uid] = TagProblem.UNREADABLE
                ref = ItemRef(tag_uid=tag.uid)
            refs.append(ref)
            if each is not None:
                each(ref)

        self.tags.items_in_field(found)
        self.cards = tuple(cards)
        return refs

    def tag_problem(self, tag_uid: str) -> TagProblem | None:
        """What was wrong with this tag at the last read (None: a book of ours, read whole)."""
        return self._problems.get(tag_uid)

    def apply_security(self, ref: ItemRef, action: SecurityAction) -> bool:
        """Secure or unsecure the tag `ref` names, verified by reading it back. A failure is logged for
        staff (the book's tag must be set by hand) and counted by the tag service."""
        if ref.tag_uid is None:
            raise ValueError(f"{ref.barcode}: no tag UID to set")
        try:
            apply = self.tags.secure if action == "secure" else self.tags.unsecure
            (result,) = apply([ref.tag_uid])
        except DeviceError as exc:
            ok, error = False, str(exc)
        else:
            ok, error = result.ok, result.error or ""
        if not ok:
            log.warning(
                "pad: could not %s %s (%s): staff must set it by hand",
                action,
                ref.barcode or ref.tag_uid,
                error,
            )
        return ok

    def counters(self) -> dict[str, int | bool]:
        """The reader's counters (frames, timeouts, retries, link losses and reconnects) and the tag
        service's (reads, read errors, security set and failed), for the agent's status."""
        reader = dataclasses.asdict(self.tags.reader.counters())
        return reader | dataclasses.asdict(self.tags.counters())
