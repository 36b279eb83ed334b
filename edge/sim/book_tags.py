"""The simulated books' RFID tags, and a kiosk pad on the virtual FEIG reader to put them on.

Each book keeps its own virtual ISO 28560-3 tag (data and security state) from visit to visit; a simulated
patron puts it into the reader's field and takes it away again. The kiosk's side is the production
`RfidPad` — real driver code over a pty to the virtual reader — which only reads what lies on it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from devices.feig import get_profile
from devices.feig.iso15693 import uid_from_hex
from devices.rfid import SecuritySettings, TagService
from devices.sim.air_timing import AirTiming
from devices.sim.feig_pty import FeigReaderSimulator, simulated_reader
from devices.sim.field import Field, VirtualTag
from devices.tagdata.settings import TagDataSettings
from edge.kiosk.pad import RfidPad
from edge.sim.manifest import ManifestItem


class BookTags:
    """The virtual tag of every book handled so far, and the reader's field they are put into."""

    def __init__(self, field: Field, security: SecuritySettings, isil: str) -> None:
        self.field = field
        self._security = security
        self._isil = isil
        self._tags: dict[str, VirtualTag] = {}
        self._lock = threading.Lock()

    def tag_of(self, item: ManifestItem) -> VirtualTag | None:
        """The book's own virtual tag, made when the book is first handled (None: an untagged book)."""
        if item.tag_uid is None:
            return None
        with self._lock:
            tag = self._tags.get(item.barcode)
            if tag is None:
                # A book on loan when the simulation started has an unsecured tag; one on the shelf, a
                # secured one.
                on_loan = item.status == "on_loan"
                afi = self._security.afi_unsecured if on_loan else self._security.afi_secured
                uid = uid_from_hex(item.tag_uid)
                tag = VirtualTag.library_item(uid, item.barcode, isil=self._isil, afi=afi, eas=not on_loan)
                self._tags[item.barcode] = tag
            return tag

    def place(self, item: ManifestItem) -> bool:
        """The patron puts the book on the pad; False for a book without a tag."""
        tag = self.tag_of(item)
        if tag is None:
            return False
        self.field.add(tag)
        return True

    def lift(self, item: ManifestItem) -> None:
        tag = self.tag_of(item)
        if tag is not None:
            self.field.remove(tag.uid)


@dataclass(frozen=True)
class SimulatedRfidPad:
    pad: RfidPad  # the kiosk's side
    books: BookTags  # the patrons' side
    reader: FeigReaderSimulator  # the virtual reader itself (faults, unplugging)


@contextmanager
def simulated_rfid_pad(
    link: Path, *, profile: str | None = None, timing: AirTiming | None = None
) -> Iterator[SimulatedRfidPad]:
    """An RFID pad on the virtual FEIG reader, served on a pty at `link`, with this site's tag settings
    (answering at once, or as slowly as `timing` says a real reader does)."""
    security = SecuritySettings.from_toml()
    tag_data = TagDataSettings.from_toml()
    field = Field()
    with simulated_reader(field, get_profile(profile), link=link, timing=timing) as (simulator, reader):
        pad = RfidPad(TagService(reader, security, tag_data))
        yield SimulatedRfidPad(pad, BookTags(field, security, str(tag_data.isil)), simulator)
