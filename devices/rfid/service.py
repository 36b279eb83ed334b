"""The tag service: what is on the pad, and securing or releasing items, above the FEIG driver.

    service = TagService(reader, SecuritySettings.from_toml(), TagDataSettings.from_toml())  # any TagReader
    for item in service.items_in_field():
        print(item.uid, item.item_id, item.secured)
    results = service.unsecure([item.uid for item in items])   # check-out: verified by re-reading

A tag's data and security state are read once when it enters the field and kept while it stays (an
inventory that no longer lists it forgets it), so a kiosk polling its pad costs one inventory per cycle.
Changes this service makes (secure, unsecure, program) update what it keeps. Per-tag failures (RF
errors, a tag lifted mid-read) are reported on that tag, never raised for the whole field. `counters()`
says how often each of these went wrong, for the agent's status.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, replace

from devices.blocks import from_memory_order
from devices.errors import DeviceError
from devices.feig.driver import TagInfo
from devices.feig.iso15693 import uid_from_hex, uid_hex
from devices.feig.status import NoTransponderError, NotSupportedError
from devices.rfid.memory import one_request_block_count, read_item_data
from devices.rfid.reader import TagReader
from devices.rfid.security import SecuritySettings, read_security
from devices.tagdata import TagEncodeError, TagReading, Usage, encode_tag
from devices.tagdata.layout import BASIC_BLOCK_SIZE, TRUNCATED_BLOCK_SIZE
from devices.tagdata.settings import TagDataSettings


class TagVerifyError(DeviceError):
    """A tag was written but reading it back did not show what was written."""


@dataclass(frozen=True, slots=True)
class FieldItem:
    """One tag in the field. `reading` is None when its memory could not be read (see `error`)."""

    uid: str
    dsfid: int
    afi: int | None
    eas: bool | None  # None: not read (the site does not use EAS)
    secured: bool | None  # None: unknown (security state could not be read)
    reading: TagReading | None
    error: str | None = None

    @property
    def item_id(self) -> str | None:
        return self.reading.item_id if self.reading is not None and self.reading.decoded else None


@dataclass(frozen=True, slots=True)
class SecurityResult:
    uid: str
    ok: bool
    attempts: int
    afi: int | None = None
    eas: bool | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class TagServiceCounters:
    """What the service has done since it was created (a snapshot)."""

    inventories: int = 0
    inventory_failures: int = 0  # the reader did not answer an inventory
    tags_read: int = 0  # tags whose data and security state were read on entering the field
    tag_read_errors: int = 0  # tags that could not be read (reported on the tag, read again next time)
    security_set: int = 0  # secure/unsecure verified by reading back
    security_failures: int = 0  # secure/unsecure that could not be done or verified


def _uid(uid: str | bytes) -> bytes:
    return uid if isinstance(uid, bytes) else uid_from_hex(uid)


class TagService:
    def __init__(self, reader: TagReader, security: SecuritySettings, tag_data: TagDataSettings) -> None:
        self.reader = reader
        self.security = security
        self.tag_data = tag_data
        self._known: dict[bytes, FieldItem] = {}
        self._layouts: dict[bytes, TagInfo] = {}
        self._counts = dict.fromkeys((f.name for f in fields(TagServiceCounters)), 0)

    def counters(self) -> TagServiceCounters:
        return TagServiceCounters(**self._counts)

    # ---------------------------------------------------------------- what is in the field

    def items_in_field(self, each: Callable[[FieldItem], None] | None = None) -> list[FieldItem]:
        """Every tag in the field with its decoded data and security state, each also handed to `each`
        as soon as it is read (a kiosk asks the server about a book while the pad reads the next one).
        Raises only if the inventory itself fails (reader offline); a tag that cannot be read is
        reported with `error`."""
        self._counts["inventories"] += 1
        try:
            tags = self.reader.inventory()
        except DeviceError:
            self._counts["inventory_failures"] += 1
            raise
        present = {tag.uid for tag in tags}
        for uid in list(self._known):
            if uid not in present:
                del self._known[uid]
                self._layouts.pop(uid, None)
        items: list[FieldItem] = []
        for tag in tags:
            item = self._known.get(tag.uid)
            if item is None or item.error is not None:
                item = self._read(tag.uid, tag.dsfid)
                if item.error is None:
                    self._known[tag.uid] = item
            items.append(item)
            if each is not None:
                each(item)
        return items

    def _read(self, uid: bytes, dsfid: int) -> FieldItem:
        try:
            info = self.reader.system_information(uid)
            self._layouts[uid] = info
            _, reading = read_item_data(self.reader, uid, info, self.tag_data.decode)
            state = read_security(self.reader, uid, self.security, info=info)
        except DeviceError as exc:
            self._counts["tag_read_errors"] += 1
            return FieldItem(
                uid_hex(uid), dsfid, None, None, None, None, error=f"{type(exc).__name__}: {exc}"
            )
        self._counts["tags_read"] += 1
        return FieldItem(uid_hex(uid), info.dsfid, info.afi, state.eas, state.secured, reading)

    def _blocks_to_read(self, info: TagInfo) -> int:
        return one_request_block_count(info, self.reader.max_block_bytes)

    # ---------------------------------------------------------------- secure / unsecure

    def secure(self, uids: Iterable[str | bytes]) -> list[SecurityResult]:
        """Marks items as in the library (the gates alarm on them), verifying each by re-reading."""
        return [self._counted(self._set_security(_uid(uid), secured=True)) for uid in uids]

    def unsecure(self, uids: Iterable[str | bytes]) -> list[SecurityResult]:
        """Marks items as on loan (the gates let them pass), verifying each by re-reading."""
        return [self._counted(self._set_security(_uid(uid), secured=False)) for uid in uids]

    def _counted(self, result: SecurityResult) -> SecurityResult:
        self._counts["security_set" if result.ok else "security_failures"] += 1
        return result

    def _set_security(self, uid: bytes, *, secured: bool) -> SecurityResult:
        mechanism = self.security.mechanism
        target_afi = self.security.afi_secured if secured else self.security.afi_unsecured
        error = "not attempted"
        for attempt in range(1, self.security.verify_attempts + 1):
            try:
                if mechanism.uses_afi:
                    self.reader.write_afi(uid, target_afi)
                if mechanism.uses_eas:
                    (self.reader.eas_set if secured else self.reader.eas_reset)(uid)
                state = read_security(self.reader, uid, self.security)
            except (NotSupportedError, NoTransponderError) as exc:  # retrying cannot help
                return SecurityResult(uid_hex(uid), False, attempt, error=f"{type(exc).__name__}: {exc}")
            except DeviceError as exc:
                error = f"{type(exc).__name__}: {exc}"
                continue
            afi, eas = state.afi, state.eas
            if (afi is None or afi == target_afi) and (eas is None or eas == secured):
                self._remember_security(uid, afi, eas)
                return SecurityResult(uid_hex(uid), True, attempt, afi, eas)
            error = f"read back AFI {afi!r} / EAS {eas!r}, expected AFI 0x{target_afi:02X} / EAS {secured}"
        return SecurityResult(uid_hex(uid), False, self.security.verify_attempts, error=error)

    def _remember_security(self, uid: bytes, afi: int | None, eas: bool | None) -> None:
        item = self._known.get(uid)
        if item is not None:
            afi = afi if afi is not None else item.afi
            eas = eas if eas is not None else item.eas
            self._known[uid] = replace(item, afi=afi, eas=eas, secured=self.security.is_secured(afi, eas))

    # ---------------------------------------------------------------- programming

    def program(
        self,
        uid: str | bytes,
        item_id: str,
        *,
        usage: Usage = Usage.CIRCULATING,
        parts_in_item: int = 1,
        part_number: int = 1,
    ) -> TagReading:
        """Writes ISO 28560-3 data for `item_id` to the tag and returns what reading it back decodes to."""
        raw_uid = _uid(uid)
        info = self._layouts.get(raw_uid) or self.reader.system_information(raw_uid)
        # A tag with less user memory than the full basic block (34 bytes, padded to whole blocks) gets the
        # truncated 32-byte form that ISO 28560-3 defines for it.
        full = BASIC_BLOCK_SIZE + (-BASIC_BLOCK_SIZE % info.block_size)
        data = encode_tag(
            item_id,
            isil=str(self.tag_data.isil),
            usage=usage,
            parts_in_item=parts_in_item,
            part_number=part_number,
            size=BASIC_BLOCK_SIZE if info.memory_size >= full else TRUNCATED_BLOCK_SIZE,
            options=self.tag_data.options,
        )
        data += bytes(-len(data) % info.block_size)
        if len(data) > info.memory_size:
            raise TagEncodeError(
                f"tag {uid_hex(raw_uid)} holds {info.memory_size} bytes; the data needs {len(data)}"
            )
        known = self._known.get(raw_uid)
        found = known.reading.block_order if known is not None and known.reading is not None else None
        order = self.tag_data.write_block_order.resolve(found)
        self.reader.write_memory(
            raw_uid, 0, from_memory_order(data, order, info.block_size), block_size=info.block_size
        )
        memory = self.reader.read_memory(raw_uid, 0, self._blocks_to_read(info), block_size=info.block_size)
        reading = self.tag_data.decode(memory)
        self._known.pop(raw_uid, None)  # re-read in full on the next look at the field
        if reading.item_id != item_id:
            raise TagVerifyError(f"tag {uid_hex(raw_uid)} reads back {reading.item_id!r} ({reading.status})")
        return reading
