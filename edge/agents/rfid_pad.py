"""A kiosk's RFID pad: books lie on a reader's antenna; the kiosk reads their ISO 28560-3 tags through the
FEIG driver and, after each decision, writes their security (AFI/EAS) and verifies it by reading it back.

The reader side is real driver code over a serial line. With `simulated_rfid_pad` that line is a pty to the
virtual FEIG reader, whose field the simulated patrons put their books into: each book keeps its own
virtual tag (data and security state) from visit to visit.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from contract.common import ItemRef
from contract.replies import SecurityAction
from devices.errors import DeviceError
from devices.feig import get_profile
from devices.feig.iso15693 import uid_from_hex
from devices.rfid import SecuritySettings, TagService
from devices.sim.feig_pty import simulated_reader
from devices.sim.field import Field, VirtualTag
from devices.tagdata.settings import TagDataSettings
from edge.agents.manifest import ManifestItem

log = logging.getLogger(__name__)


class RfidPad:
    """Identifies books by their tags and sets their security through a `TagService`.

    `place` and `lift` are the physical side: they put a book's tag into the reader's field and take it out
    (the simulated field here; a patron's hands at a real kiosk).
    """

    def __init__(self, tags: TagService, field: Field, security: SecuritySettings, isil: str) -> None:
        self._tags = tags
        self.field = field
        self._security = security
        self._isil = isil
        self._books: dict[str, VirtualTag] = {}
        self._lock = threading.Lock()
        self.security_failures = 0

    def tag_of(self, item: ManifestItem) -> VirtualTag | None:
        """The book's own virtual tag (data and security state), made when the book is first handled."""
        if item.tag_uid is None:
            return None
        with self._lock:
            tag = self._books.get(item.barcode)
            if tag is None:
                # A book on loan when the kiosk started has an unsecured tag; one on the shelf, a secured one.
                on_loan = item.status == "on_loan"
                afi = self._security.afi_unsecured if on_loan else self._security.afi_secured
                uid = uid_from_hex(item.tag_uid)
                tag = VirtualTag.library_item(uid, item.barcode, isil=self._isil, afi=afi, eas=not on_loan)
                self._books[item.barcode] = tag
            return tag

    def identify(self, item: ManifestItem) -> ItemRef | None:
        tag = self.tag_of(item)
        if tag is None:
            return ItemRef(barcode=item.barcode)  # an untagged book: the kiosk scans its barcode instead
        self.field.add(tag)
        try:
            found = [f for f in self._tags.items_in_field() if f.uid == tag.uid_hex]
        except DeviceError as exc:
            log.warning("pad: the reader did not answer (%s); the book is scanned instead", exc)
            return ItemRef(barcode=item.barcode)
        if not found:
            return None
        item_id = found[0].item_id
        if item_id:
            return ItemRef(barcode=item_id, tag_uid=tag.uid_hex)
        # Unreadable data: the UID still identifies the item.
        return ItemRef(tag_uid=tag.uid_hex)

    def apply_security(self, item: ManifestItem, action: SecurityAction) -> bool:
        tag = self.tag_of(item)
        if tag is None:
            return True
        try:
            apply = self._tags.secure if action == "secure" else self._tags.unsecure
            (result,) = apply([tag.uid_hex])
        except DeviceError as exc:
            result_ok, error = False, str(exc)
        else:
            result_ok, error = result.ok, result.error or ""
        if not result_ok:
            self.security_failures += 1
            log.warning("pad: could not %s %s (%s): staff must set it by hand", action, item.barcode, error)
        return result_ok

    def take_away(self, item: ManifestItem) -> None:
        tag = self.tag_of(item)
        if tag is not None:
            self.field.remove(tag.uid)


@contextmanager
def simulated_rfid_pad(link: Path, *, profile: str | None = None) -> Iterator[RfidPad]:
    """An RFID pad on the virtual FEIG reader, served on a pty at `link`, with this site's tag settings."""
    security = SecuritySettings.from_toml()
    tag_data = TagDataSettings.from_toml()
    field = Field()
    with simulated_reader(field, get_profile(profile), link=link) as (_simulator, reader):
        yield RfidPad(TagService(reader, security, tag_data), field, security, str(tag_data.isil))
