"""A virtual FEIG ISO-Host reader: request frames in, reply bytes out, answering from a `Field`.

`VirtualFeigReader` is the protocol engine (no I/O, no faults): it follows the same reader profile as
the driver, so a simulated CPR has no [0xB1] EAS, pages inventories at the profile's `max_data_sets`
with 0x94 MORE, sends each block in the profile's byte order and encodes MEM-SIZE as configured.
`devices.sim.feig_pty.FeigReaderSimulator` puts it on a pseudo-terminal with fault injection.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from devices.blocks import from_memory_order, to_memory_order
from devices.feig.blocks import MemSizeEncoding, encode_mem_size
from devices.feig.commands import Command
from devices.feig.frames import BROADCAST, Frame, encode_reply
from devices.feig.iso15693 import MODE_MORE, MODE_SEC, TR_TYPE_ISO15693, UID_LENGTH, Eas, Sub
from devices.feig.profiles import ReaderProfile
from devices.feig.status import Iso15693Error, Status
from devices.sim.field import Field, VirtualTag

SIM_SW_REV = 0x0303
SIM_HW_TYPE = 0x44
RX_BUFFER = 0x0800


class _AnswerError(Exception):
    """Raised inside a handler to answer at once with a status (and optional data)."""

    def __init__(self, status: int, data: bytes = b"") -> None:
        super().__init__(status)
        self.status = status
        self.data = data


@dataclass
class OutputEvent:
    command: int
    data: bytes
    at: float = field(default_factory=time.monotonic)  # when the reader got it: gate benchmarks time alarms


@dataclass
class ReaderState:
    rf_on: bool = True
    inventory_queue: list[bytes] = field(default_factory=list)  # UIDs still owed after 0x94 MORE
    outputs: list[OutputEvent] = field(default_factory=list)
    requests: int = 0
    rf_resets: int = 0


class VirtualFeigReader:
    def __init__(
        self,
        field_: Field,
        profile: ReaderProfile,
        *,
        address: int = 0x00,
        mem_size: MemSizeEncoding | None = None,
    ) -> None:
        self.field = field_
        self.profile = profile
        self.address = address
        # A real reader encodes MEM-SIZE one way; "auto" in a profile is the driver's tolerance, so the
        # simulator picks the ISO encoding unless told otherwise.
        chosen = mem_size or profile.mem_size
        self.mem_size = MemSizeEncoding.RAW if chosen is MemSizeEncoding.AUTO else chosen
        self.state = ReaderState()
        self._handlers = self._command_handlers()

    def handle(self, request: Frame) -> bytes | None:
        """The reply bytes for one request frame, or None when the reader stays silent."""
        if request.address not in (self.address, BROADCAST):
            return None  # addressed to another reader on the bus
        self.state.requests += 1
        try:
            status, data = self._dispatch(request)
        except _AnswerError as reply:
            status, data = reply.status, reply.data
        except (IndexError, ValueError):
            status, data = Status.LENGTH_ERROR, b""
        advanced = True if self.profile.advanced_replies else None
        return encode_reply(self.address, request.command, status, data, advanced=advanced)

    # ---------------------------------------------------------------- dispatch

    def _dispatch(self, request: Frame) -> tuple[int, bytes]:
        command, data = request.command, request.data
        handler = self._handlers.get(command)
        if handler is None or (command == Command.CUSTOM and not self.profile.eas):
            return Status.UNKNOWN_COMMAND, b""
        with self.field.lock:
            return handler(command, data)

    def _command_handlers(self) -> dict[int, Callable[[int, bytes], tuple[int, bytes]]]:
        return {
            Command.BAUD_DETECT: lambda _c, _d: (Status.OK, b""),
            Command.CPU_RESET: self._reset,
            Command.RF_RESET: self._reset,
            Command.SOFTWARE_VERSION: lambda _c, _d: (Status.OK, self._version()),
            Command.READER_INFO: lambda _c, _d: (
                Status.OK,
                self._version() + RX_BUFFER.to_bytes(2, "big") * 2,
            ),
            Command.RF_OUTPUT: self._rf_output,
            Command.SET_OUTPUT: self._outputs,
            Command.SET_OUTPUT_V2: self._outputs,
            Command.ISO_HOST: lambda _c, data: self._iso_host(data),
            Command.CUSTOM: lambda _c, data: self._custom(data),
        }

    def _reset(self, _command: int, _data: bytes) -> tuple[int, bytes]:
        self.state.rf_resets += 1
        self.state.inventory_queue.clear()
        return Status.OK, b""

    def _rf_output(self, _command: int, data: bytes) -> tuple[int, bytes]:
        self.state.rf_on = data[0] != 0
        return Status.OK, b""

    def _version(self) -> bytes:
        sw_type = self.profile.sw_types[0] if self.profile.sw_types else 0
        return SIM_SW_REV.to_bytes(2, "big") + bytes((0x00, SIM_HW_TYPE, sw_type)) + b"\x00\x08"

    def _outputs(self, command: int, data: bytes) -> tuple[int, bytes]:
        if command != self.profile.outputs.command:
            return Status.UNKNOWN_COMMAND, b""
        if command == Command.SET_OUTPUT and len(data) != 8:
            return Status.LENGTH_ERROR, b""
        if command == Command.SET_OUTPUT_V2 and (len(data) < 2 or len(data) != 2 + 4 * data[1]):
            return Status.LENGTH_ERROR, b""
        self.state.outputs.append(OutputEvent(command, bytes(data)))
        return Status.OK, b""

    # ---------------------------------------------------------------- [0xB0] ISO 15693

    def _iso_host(self, data: bytes) -> tuple[int, bytes]:
        sub = data[0]
        if sub == Sub.INVENTORY:
            return self._inventory(data[1])
        handlers: dict[int, Callable[[VirtualTag, int, bytes], tuple[int, bytes]]] = {
            Sub.READ_MULTIPLE_BLOCKS: self._read_blocks,
            Sub.WRITE_MULTIPLE_BLOCKS: self._write_blocks,
            Sub.WRITE_AFI: self._write_afi,
            Sub.LOCK_AFI: self._lock_afi,
            Sub.GET_SYSTEM_INFORMATION: self._system_information,
        }
        handler = handlers.get(sub)
        if handler is None:
            return Status.UNKNOWN_COMMAND, b""
        tag, params = self._target(data[1], data[2:])
        return handler(tag, data[1], params)

    def _target(self, mode: int, rest: bytes) -> tuple[VirtualTag, bytes]:
        """The tag a command addresses (rest = bytes after MODE) and the parameters after the UID."""
        if not self.state.rf_on:
            raise _AnswerError(Status.NO_TRANSPONDER)
        addressing = mode & 0b111
        if addressing == 0b001:
            uid = bytes(rest[:UID_LENGTH])
            if len(uid) != UID_LENGTH:
                raise _AnswerError(Status.LENGTH_ERROR)
            tag = self.field.get(uid)
            params = rest[UID_LENGTH:]
        elif addressing == 0b000:
            tags = self.field.tags()
            if len(tags) > 1:
                raise _AnswerError(Status.RF_COMMUNICATION_ERROR)  # several tags answer at once
            tag = tags[0] if tags else None
            params = rest
        else:
            raise _AnswerError(Status.PARAMETER_RANGE)  # selected mode is not simulated
        if tag is None:
            raise _AnswerError(Status.NO_TRANSPONDER)
        if self.field.take_rf_error():
            raise _AnswerError(Status.RF_COMMUNICATION_ERROR)
        return tag, bytes(params)

    def _inventory(self, mode: int) -> tuple[int, bytes]:
        if mode & MODE_MORE:
            queue = self.state.inventory_queue
        else:
            if not self.state.rf_on:
                return Status.NO_TRANSPONDER, b""
            if self.field.take_rf_error():
                return Status.RF_COMMUNICATION_ERROR, b""
            queue = [tag.uid for tag in self.field.inventory()]
        page, rest = queue[: self.profile.max_data_sets], queue[self.profile.max_data_sets :]
        self.state.inventory_queue = rest
        records = bytearray((len(page),))
        for uid in page:
            tag = self.field.get(uid)
            records += bytes((TR_TYPE_ISO15693, tag.dsfid if tag else 0)) + uid
        if not page:
            return Status.NO_TRANSPONDER, b""
        return (Status.MORE_DATA if rest else Status.OK), bytes(records)

    def _block_range(self, tag: VirtualTag, first: int, count: int) -> None:
        if count == 0 or count * tag.block_size > self.profile.max_block_bytes:
            raise _AnswerError(Status.PARAMETER_RANGE)
        if first + count > tag.block_count:
            raise _AnswerError(Status.ISO15693_ERROR, bytes((Iso15693Error.BLOCK_NOT_AVAILABLE,)))

    def _read_blocks(self, tag: VirtualTag, mode: int, params: bytes) -> tuple[int, bytes]:
        first, count = params[0], params[1]
        self._block_range(tag, first, count)
        size = tag.block_size
        memory = bytes(tag.memory[first * size : (first + count) * size])
        wire = from_memory_order(memory, self.profile.block_order, size)
        out = bytearray((count, size))
        for index, block in enumerate(range(first, first + count)):
            security = 1 if (mode & MODE_SEC and block in tag.locked_blocks) else 0
            out += bytes((security,)) + wire[index * size : (index + 1) * size]
        return Status.OK, bytes(out)

    def _write_blocks(self, tag: VirtualTag, _mode: int, params: bytes) -> tuple[int, bytes]:
        first, count, size = params[0], params[1], params[2]
        wire = params[3:]
        if size != tag.block_size or len(wire) != count * size:
            raise _AnswerError(Status.LENGTH_ERROR)
        self._block_range(tag, first, count)
        memory = to_memory_order(wire, self.profile.block_order, size)
        for index in range(count):  # block by block: a locked block stops the write there, as on a tag
            block = first + index
            if block in tag.locked_blocks:
                raise _AnswerError(Status.ISO15693_ERROR, bytes((Iso15693Error.BLOCK_LOCKED, block)))
            tag.memory[block * size : (block + 1) * size] = memory[index * size : (index + 1) * size]
        return Status.OK, b""

    def _write_afi(self, tag: VirtualTag, _mode: int, params: bytes) -> tuple[int, bytes]:
        if tag.afi_locked:
            raise _AnswerError(Status.ISO15693_ERROR, bytes((Iso15693Error.BLOCK_LOCKED,)))
        tag.afi = params[0]
        return Status.OK, b""

    def _lock_afi(self, tag: VirtualTag, _mode: int, _params: bytes) -> tuple[int, bytes]:
        tag.afi_locked = True
        return Status.OK, b""

    def _system_information(self, tag: VirtualTag, _mode: int, _params: bytes) -> tuple[int, bytes]:
        size_field, count_field = encode_mem_size(tag.block_size, tag.block_count, self.mem_size)
        data = bytes((tag.dsfid,)) + tag.uid + bytes((tag.afi, size_field, count_field, tag.ic_ref))
        return Status.OK, data

    # ---------------------------------------------------------------- [0xB1] NXP custom (EAS)

    def _custom(self, data: bytes) -> tuple[int, bytes]:
        manufacturer, code, mode = data[0], data[1], data[2]
        if code not in set(Eas):
            return Status.UNKNOWN_COMMAND, b""
        if code == Eas.ALARM and mode & 0b111 == 0b000:
            if not self.state.rf_on:
                return Status.NO_TRANSPONDER, b""
            armed = any(t.eas and t.manufacturer == manufacturer for t in self.field.tags())
            return (Status.OK if armed else Status.NO_TRANSPONDER), b""
        tag, _params = self._target(mode, data[3:])
        if tag.manufacturer != manufacturer:
            return Status.NO_TRANSPONDER, b""  # a custom command for another IC maker goes unanswered
        if code == Eas.ALARM:
            return (Status.OK if tag.eas else Status.NO_TRANSPONDER), b""
        if code in (Eas.SET, Eas.RESET):
            tag.eas = code == Eas.SET
        return Status.OK, b""
