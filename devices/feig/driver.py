"""The FEIG ISO-Host reader driver: what a library needs from an HF reader, over any byte transport.

    reader = FeigReader(SerialTransport(SerialSettings("/dev/ttyUSB0")), get_profile("cpr"))
    with reader:
        for tag in reader.inventory():
            info = reader.system_information(tag.uid)
            memory = reader.read_memory(tag.uid, 0, 9, block_size=info.block_size)

Everything the reader model changes (page size, block byte order, MEM-SIZE, EAS support, outputs) comes
from its `ReaderProfile`. Errors are typed (`devices.feig.status`), all deriving from `DeviceError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType

from devices.blocks import from_memory_order, to_memory_order
from devices.errors import DeviceError, DeviceTimeoutError, FrameError, TransportError
from devices.feig import commands, iso15693
from devices.feig.blocks import memory_layout
from devices.feig.commands import Request, SoftwareVersion
from devices.feig.frames import BROADCAST, Frame
from devices.feig.iso15693 import Eas, InventoryPage, InventoryTag, SystemInformation
from devices.feig.link import FeigLink, ReaderCounters
from devices.feig.outputs import Output, OutputAction, build_output_requests
from devices.feig.profiles import ReaderProfile, get_profile
from devices.feig.status import NotSupportedError, RfError, Status, error_for
from devices.transport.base import ByteTransport
from devices.transport.serial_port import LinkOfflineError


@dataclass(frozen=True, slots=True)
class TagInfo:
    """Get System Information, with the memory layout already interpreted for this reader."""

    uid: bytes
    dsfid: int
    afi: int
    block_size: int
    block_count: int
    ic_ref: int

    @property
    def memory_size(self) -> int:
        return self.block_size * self.block_count


class FeigReader:
    def __init__(
        self,
        transport: ByteTransport,
        profile: ReaderProfile | None = None,
        *,
        address: int = BROADCAST,
        retries: int = 2,
        reply_timeout_s: float | None = None,
    ) -> None:
        self.profile = profile or get_profile()
        self.transport = transport
        self.link = FeigLink(
            transport,
            address=address,
            advanced_requests=self.profile.advanced_requests,
            reply_timeout_s=reply_timeout_s if reply_timeout_s is not None else self.profile.reply_timeout_s,
            psst_s=self.profile.psst_s,
            retries=retries,
        )

    # ---------------------------------------------------------------- lifecycle

    def open(self) -> None:
        self.transport.open()

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> FeigReader:
        self.open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def counters(self) -> ReaderCounters:
        return self.link.counters()

    @property
    def max_block_bytes(self) -> int:
        """The most tag memory one read or write request carries on this reader model."""
        return self.profile.max_block_bytes

    # ---------------------------------------------------------------- reader control

    def software_version(self) -> SoftwareVersion:
        return commands.parse_software_version(self._ok(commands.software_version()).data)

    def reader_info(self) -> SoftwareVersion:
        return commands.parse_reader_info(self._ok(commands.reader_info(0x00)).data)

    def rf_reset(self) -> None:
        self._ok(commands.rf_reset())

    def rf_on(self, antennas: int | None = None) -> None:
        self._ok(commands.rf_output(self.profile.antenna_mask if antennas is None else antennas))

    def rf_off(self) -> None:
        self._ok(commands.rf_output(0x00))

    # ---------------------------------------------------------------- ISO 15693

    def inventory(self) -> list[InventoryTag]:
        """Every ISO 15693 tag in the field, once each, following 0x94 MORE pages.

        A page lost half-way (timeout, damaged reply, link just lost) restarts the whole inventory,
        since re-asking for "more" after a lost reply could silently skip a page. An RF error
        (anticollision could not finish) is retried the same way: tags moving through a gate cause it
        routinely. The restart is the only retry: each page is sent once, so a silent reader costs
        1 + `retries` timeouts, not that many times the link's own retries (a gate loop or a kiosk pad
        must not stall for seconds).
        """
        last_error: DeviceError | None = None
        for attempt in range(1 + self.link.retries):
            if attempt:
                self.link.count_retry()
            try:
                return self._inventory_once()
            except LinkOfflineError:
                raise  # the transport already waited for the link: another attempt would wait again
            except (DeviceTimeoutError, FrameError, RfError, TransportError) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    def _inventory_once(self) -> list[InventoryTag]:
        seen: dict[bytes, InventoryTag] = {}
        page = self._inventory_page(more=False)
        while True:
            for tag in page.tags:
                seen.setdefault(tag.uid, tag)
            if not page.more:
                return list(seen.values())
            page = self._inventory_page(more=True)

    def _inventory_page(self, *, more: bool) -> InventoryPage:
        reply = self.link.exchange(iso15693.inventory(more=more), retries=0)
        status = reply.status
        if status == Status.NO_TRANSPONDER:
            return InventoryPage(())
        if status in (Status.OK, Status.MORE_DATA):
            return iso15693.parse_inventory(reply.data, more=status == Status.MORE_DATA)
        partial = (Status.RF_COMMUNICATION_ERROR, Status.DATA_BUFFER_OVERFLOW, Status.RF_WARNING)
        if status in partial and reply.data:  # these statuses may still carry the tags that were found
            self.link.count_rf_error()
            return iso15693.parse_inventory(reply.data, more=False)
        raise self._error(reply)

    def system_information(self, uid: bytes | None) -> TagInfo:
        raw: SystemInformation = iso15693.parse_system_information(
            self._ok(iso15693.get_system_information(uid)).data
        )
        block_size, block_count = memory_layout(raw, self.profile.mem_size)
        return TagInfo(raw.uid, raw.dsfid, raw.afi, block_size, block_count, raw.ic_ref)

    def read_memory(
        self, uid: bytes | None, first_block: int, block_count: int, *, block_size: int = 4
    ) -> bytes:
        """Blocks `first_block`… in tag memory order, split into requests the reader accepts."""
        per_request = max(1, self.max_block_bytes // block_size)
        parts: list[bytes] = []
        block = first_block
        end = first_block + block_count
        while block < end:
            count = min(per_request, end - block)
            read = iso15693.parse_read_multiple_blocks(
                self._ok(iso15693.read_multiple_blocks(uid, block, count)).data
            )
            if read.block_size != block_size or len(read.blocks) != count:
                got = f"{len(read.blocks)} of {read.block_size}"
                raise FrameError(f"asked for {count} blocks of {block_size} bytes, got {got}")
            parts.append(to_memory_order(b"".join(read.blocks), self.profile.block_order, block_size))
            block += count
        return b"".join(parts)

    def write_memory(self, uid: bytes | None, first_block: int, data: bytes, *, block_size: int = 4) -> None:
        """Writes `data` (tag memory order, whole blocks) from `first_block` on."""
        if block_size <= 0 or len(data) % block_size:
            raise ValueError(f"{len(data)} bytes are not whole blocks of {block_size}")
        wire = from_memory_order(data, self.profile.block_order, block_size)
        step = max(1, self.max_block_bytes // block_size) * block_size
        for offset in range(0, len(wire), step):
            chunk = wire[offset : offset + step]
            self._ok(
                iso15693.write_multiple_blocks(uid, first_block + offset // block_size, block_size, chunk)
            )

    def write_afi(self, uid: bytes | None, afi: int) -> None:
        self._ok(iso15693.write_afi(uid, afi))

    # ---------------------------------------------------------------- EAS ([0xB1], i-scan readers)

    def eas_set(self, uid: bytes | None) -> None:
        self._ok(self._eas(Eas.SET, uid))

    def eas_reset(self, uid: bytes | None) -> None:
        self._ok(self._eas(Eas.RESET, uid))

    def eas_alarm(self, uid: bytes | None = None) -> bool:
        """True if the tag (or, non-addressed, any tag in the field) has its EAS bit set."""
        reply = self.link.exchange(self._eas(Eas.ALARM, uid))
        if reply.status == Status.OK:
            return True
        if reply.status == Status.NO_TRANSPONDER:  # tags with EAS clear stay silent
            return False
        raise self._error(reply)

    def _eas(self, code: Eas, uid: bytes | None) -> Request:
        if not self.profile.eas:
            raise NotSupportedError(f"reader profile {self.profile.name!r} has no EAS commands [0xB1]")
        return iso15693.eas(code, uid, manufacturer=self.profile.eas_manufacturer)

    # ---------------------------------------------------------------- outputs

    def set_outputs(self, actions: list[OutputAction]) -> None:
        for request in build_output_requests(self.profile.outputs, actions):
            self._ok(request)

    def signal(self, intent: str, duration_ms: int | None) -> None:
        """Switches the outputs the profile maps to `intent` ("beep", "ok", "error", "alarm")."""
        outputs = self.profile.signals.get(intent)
        if outputs is None:
            raise NotSupportedError(f"reader profile {self.profile.name!r} has no {intent!r} signal")
        self.set_outputs([OutputAction(output, duration_ms) for output in outputs])

    def beep(self, duration_ms: int = 100) -> None:
        self.signal("beep", duration_ms)

    def alarm(self, duration_ms: int = 3000) -> None:
        self.signal("alarm", duration_ms)

    def led(self, output: Output, duration_ms: int | None) -> None:
        self.set_outputs([OutputAction(output, duration_ms)])

    def outputs_off(self) -> None:
        self.set_outputs([OutputAction(output, 0) for output in self.profile.outputs.channels])

    # ---------------------------------------------------------------- internals

    def _ok(self, request: Request) -> Frame:
        reply = self.link.exchange(request)
        if reply.status != Status.OK:
            raise self._error(reply)
        return reply

    def _error(self, reply: Frame) -> DeviceError:
        error = error_for(reply.command, reply.status if reply.status is not None else 0, reply.data)
        if isinstance(error, RfError):
            self.link.count_rf_error()
        return error
