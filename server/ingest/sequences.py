"""Per-device sequence tracking: finds numbers that went missing and notices when they arrive late.

Sequence numbers are unique per device, and duplicates are removed before this runs, so a number at or below
the high-water mark can only be a gap being filled by a re-send.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SeqAdvance:
    high: int
    gaps: int
    fills: int
    # (last seen, new) pairs where numbers were skipped, for the log.
    jumps: tuple[tuple[int, int], ...] = ()


def advance(high: int, seqs: Iterable[int]) -> SeqAdvance:
    gaps = fills = 0
    jumps: list[tuple[int, int]] = []
    for seq in seqs:
        if seq > high:
            if seq > high + 1:
                gaps += seq - high - 1
                jumps.append((high, seq))
            high = seq
        else:
            fills += 1
    return SeqAdvance(high, gaps, fills, tuple(jumps))
