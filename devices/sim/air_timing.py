"""How long a real HF reader takes to answer, for a simulator that should not answer at memory speed.

A pty moves bytes as fast as memory does and the virtual reader answers at once, so a benchmark through
them measures the software alone. A reader on a kiosk's pad is slower: every request and reply crosses a
serial line, and every tag command crosses the air interface (ISO 15693 at its high data rate,
26.48 kbit/s back from the tag), where an inventory is dominated by anticollision and a write by the tag's
EEPROM programming. FEIG's manuals put a reply at "inventory + read time × n × 1.1 + 10 ms, at least
20 ms"; the defaults below follow that and the standard's bit rates. The simulator sleeps `delay_s` before
each reply, so a stack of books on a simulated pad takes about as long as on a real one.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.feig.commands import Command
from devices.feig.frames import Frame
from devices.feig.iso15693 import MODE_MORE, Sub

_REQUEST_HEADER = 2 + 8 + 3  # sub-command and mode, an addressed tag's UID, first block, count, size


@dataclass(frozen=True)
class AirTiming:
    baudrate: int = 38_400  # FEIG's default; the wire carries ten bits a byte (start, 8 data, stop)
    inventory_s: float = 0.020  # a 16-slot round with nobody answering, at least
    per_tag_s: float = 0.006  # each tag answering in its slot, collisions resolved in further rounds
    read_base_s: float = 0.006  # a read request and the tag's answer before its data
    per_byte_s: float = 0.0003  # each byte the tag sends back (8 bits at 26.48 kbit/s, with framing)
    write_s: float = 0.012  # one block (or the AFI) programmed and confirmed
    local_s: float = 0.001  # a command the reader answers itself (no tag involved)

    def wire_s(self, request: bytes, reply: bytes) -> float:
        return (len(request) + len(reply)) * 10 / self.baudrate

    def air_s(self, request: Frame, reply: bytes, tags_in_field: int) -> float:
        """The reader's own time for `request`, with `tags_in_field` tags in front of its antenna."""
        if request.command != Command.ISO_HOST or not request.data:
            return self.local_s
        sub, mode = request.data[0], request.data[1] if len(request.data) > 1 else 0
        if sub == Sub.INVENTORY:
            if mode & MODE_MORE:  # the rest of an inventory, paged from the reader's memory
                return self.local_s
            return self.inventory_s + self.per_tag_s * tags_in_field
        if sub == Sub.WRITE_MULTIPLE_BLOCKS:
            blocks = max(1, (len(request.data) - _REQUEST_HEADER) // 4)
            return self.write_s * blocks
        if sub in (Sub.WRITE_AFI, Sub.LOCK_AFI):
            return self.write_s
        return self.read_base_s + self.per_byte_s * len(reply)


REALISTIC = AirTiming()
