"""What the tag service and the gate monitor need of an HF reader, as a Protocol.

`FeigReader` (devices/feig) is the one implementation today; a reader of another make joins by providing
these methods over its own protocol. The values exchanged are ISO 15693 ones (UIDs in FEIG order, 0xE0
first; `InventoryTag`; `TagInfo` with the memory layout already interpreted), and failures raise
`devices.errors.DeviceError` subclasses: `NoTransponderError` when the tag has left the field and
`NotSupportedError` when the reader cannot do what was asked (retrying helps neither).
"""

from __future__ import annotations

from typing import Protocol

from devices.feig.driver import TagInfo
from devices.feig.iso15693 import InventoryTag
from devices.feig.link import ReaderCounters


class TagReader(Protocol):
    @property
    def max_block_bytes(self) -> int:
        """The most tag memory one read or write request may carry."""
        ...

    def inventory(self) -> list[InventoryTag]:
        """Every tag in the field, once each."""
        ...

    def system_information(self, uid: bytes | None) -> TagInfo: ...

    def read_memory(
        self, uid: bytes | None, first_block: int, block_count: int, *, block_size: int = 4
    ) -> bytes:
        """Blocks `first_block`… in tag memory order."""
        ...

    def write_memory(self, uid: bytes | None, first_block: int, data: bytes, *, block_size: int = 4) -> None:
        """Writes `data` (tag memory order, whole blocks) from `first_block` on."""
        ...

    def write_afi(self, uid: bytes | None, afi: int) -> None: ...

    def eas_set(self, uid: bytes | None) -> None: ...

    def eas_reset(self, uid: bytes | None) -> None: ...

    def eas_alarm(self, uid: bytes | None = None) -> bool:
        """True if the tag (or, non-addressed, any tag in the field) has its EAS bit set."""
        ...

    def alarm(self, duration_ms: int = 3000) -> None:
        """Runs the outputs wired to the gate's alarm (light, sounder) for `duration_ms`."""
        ...

    def counters(self) -> ReaderCounters:
        """What the reader has seen on the wire, and its link's losses and reconnects."""
        ...
