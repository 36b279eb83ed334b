"""A simulated tagging station's pad: the real FEIG driver on a virtual reader over a pty, with a librarian
who keeps a blank tag on it — once a tag has been written, it is taken away (the book goes to the trolley)
and, `swap_s` later, the next book's blank tag is put down. `stacks edge station --simulate` uses it:

    with simulated_station_pad(directory) as pad:
        agent = compose_station(host, pad.reader, config)
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from devices.feig.driver import FeigReader
from devices.feig.profiles import get_profile
from devices.sim.air_timing import REALISTIC
from devices.sim.feig_pty import FeigReaderSimulator, simulated_reader
from devices.sim.field import Field, VirtualTag, make_uid

FIRST_SERIAL = 0x5A0000  # the blank tags' serial numbers, from here on


@dataclass
class SimulatedStationPad:
    field: Field
    simulator: FeigReaderSimulator
    reader: FeigReader  # the real driver, connected to the virtual reader
    written: int = 0  # tags written and taken away


class _Librarian:
    """Puts a fresh blank tag on the pad whenever the one there has been written."""

    def __init__(self, pad: SimulatedStationPad, swap_s: float) -> None:
        self.pad = pad
        self.swap_s = swap_s
        self.serials = itertools.count(FIRST_SERIAL)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._work, name="station-librarian", daemon=True)

    def _work(self) -> None:
        field = self.pad.field
        field.add(VirtualTag.blank(make_uid(next(self.serials))))
        while not self.stop.wait(0.2):
            tags = field.tags()
            if tags and any(tags[0].memory):  # written: the book goes, the next one comes
                if self.stop.wait(self.swap_s):
                    return
                field.clear()
                field.add(VirtualTag.blank(make_uid(next(self.serials))))
                self.pad.written += 1


@contextmanager
def simulated_station_pad(
    directory: Path, *, profile: str = "cpr", swap_s: float = 1.5
) -> Iterator[SimulatedStationPad]:
    """The pad at `directory/pad`, answering as slowly as a real reader, a blank tag always on it."""
    directory.mkdir(parents=True, exist_ok=True)
    field = Field()
    with simulated_reader(field, get_profile(profile), link=directory / "pad", timing=REALISTIC) as (
        sim,
        reader,
    ):
        pad = SimulatedStationPad(field, sim, reader)
        librarian = _Librarian(pad, swap_s)
        librarian.thread.start()
        try:
            yield pad
        finally:
            librarian.stop.set()
            librarian.thread.join(2)
