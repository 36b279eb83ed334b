"""A virtual serial barcode scanner on a pseudo-terminal.

It sends what a real scanner set up as a given profile sends: prefix, AIM identifier, data, suffix,
terminator (built by `devices.barcode.framing.encode_scan`). It can misbehave the ways real scanners do:
line noise, a scan arriving in several pieces, and the cable being pulled and plugged back in.

Scripts drive it from tests, the command line or a demo; one step per line, `#` starts a comment:

    scan VV000123            # a Code 128 scan
    scan SV2100123 qr        # with a symbology (used when the profile sends AIM identifiers)
    split VV000124 3         # the same bytes in 3 writes, with a pause between them
    garbage 00ff13 0d        # raw bytes in hex (noise, or anything a scanner should not send)
    pause 0.5
    unplug
    replug
"""

from __future__ import annotations

import shlex
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from devices.barcode.framing import encode_scan
from devices.barcode.profiles import ScannerProfile
from devices.barcode.scanner import ScannerDriver, serial_settings
from devices.barcode.symbology import Symbology
from devices.errors import DeviceError
from devices.sim.pty import PtyEndpoint
from devices.transport.serial_port import SerialTransport

# Pause between the pieces of a split scan: long enough that the driver reads them separately.
SPLIT_PAUSE_S = 0.02


class ScriptError(DeviceError):
    """A scanner script line cannot be understood."""


@dataclass(frozen=True, slots=True)
class Step:
    action: str
    value: str = ""
    symbology: Symbology = Symbology.CODE128
    pieces: int = 1
    data: bytes = b""
    seconds: float = 0.0


class VirtualScanner:
    """The scanner's end of a pty; `path` is what the driver opens."""

    def __init__(self, profile: ScannerProfile, *, link: Path | str | None = None) -> None:
        self.profile = profile
        # A scanner ignores what the host sends it (setup over serial is out of scope here).
        self.endpoint = PtyEndpoint(None, link=link, name="scanner")
        self._stopping = threading.Event()

    @property
    def path(self) -> str:
        return self.endpoint.path

    def start(self) -> VirtualScanner:
        self._stopping.clear()
        self.endpoint.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.endpoint.stop()

    def __enter__(self) -> VirtualScanner:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def frame(self, value: str, symbology: Symbology = Symbology.CODE128) -> bytes:
        return encode_scan(self.profile, value, symbology)

    def scan(self, value: str, symbology: Symbology = Symbology.CODE128) -> None:
        self.endpoint.send(self.frame(value, symbology))

    def scan_split(self, value: str, pieces: int, symbology: Symbology = Symbology.CODE128) -> None:
        """Sends one scan in `pieces` writes with pauses, as a slow UART or a busy USB hub delivers it."""
        data = self.frame(value, symbology)
        pieces = max(1, min(pieces, len(data)))
        size = -(-len(data) // pieces)
        for start in range(0, len(data), size):
            if start:
                self._stopping.wait(SPLIT_PAUSE_S)
            self.endpoint.send(data[start : start + size])

    def garbage(self, data: bytes) -> None:
        self.endpoint.send(data)

    def unplug(self) -> None:
        self.endpoint.unplug()

    def replug(self) -> None:
        self.endpoint.replug()

    def run(self, steps: list[Step]) -> None:
        """Plays a script; returns early if the scanner is stopped."""
        for step in steps:
            if self._stopping.is_set():
                return
            if step.action == "scan":
                self.scan_split(step.value, step.pieces, step.symbology)
            elif step.action == "garbage":
                self.garbage(step.data)
            elif step.action == "pause":
                self._stopping.wait(step.seconds)
            elif step.action == "unplug":
                self.unplug()
            elif step.action == "replug":
                self.replug()


@contextmanager
def simulated_scanner(
    profile: ScannerProfile, link: Path | str
) -> Iterator[tuple[VirtualScanner, ScannerDriver]]:
    """A virtual scanner and a driver reading it through the real pyserial transport, closed after."""
    with VirtualScanner(profile, link=link) as scanner:
        driver = ScannerDriver(SerialTransport(serial_settings(scanner.path, profile)), profile)
        driver.open()
        try:
            yield scanner, driver
        finally:
            driver.close()


def parse_script(text: str) -> list[Step]:
    """Parses a scanner script (see the module docstring); raises ScriptError naming the bad line."""
    steps: list[Step] = []
    for number, line in enumerate(text.splitlines(), start=1):
        words = shlex.split(line, comments=True)
        if not words:
            continue
        try:
            steps.append(_step(words))
        except (ValueError, IndexError) as exc:
            raise ScriptError(f"scanner script line {number} ({line.strip()!r}): {exc}") from exc
    return steps


def _step(words: list[str]) -> Step:
    action, arguments = words[0].lower(), words[1:]
    if action == "scan" and len(arguments) in (1, 2):
        symbology = Symbology(arguments[1].lower()) if len(arguments) == 2 else Symbology.CODE128
        return Step("scan", value=arguments[0], symbology=symbology)
    if action == "split" and len(arguments) == 2:
        pieces = int(arguments[1])
        if pieces < 1:
            raise ValueError("split needs at least 1 piece")
        return Step("scan", value=arguments[0], pieces=pieces)
    if action == "garbage" and arguments:
        return Step("garbage", data=bytes.fromhex("".join(arguments)))
    if action == "pause" and len(arguments) == 1:
        seconds = float(arguments[0])
        if seconds < 0:
            raise ValueError("pause cannot be negative")
        return Step("pause", seconds=seconds)
    if action in ("unplug", "replug") and not arguments:
        return Step(action)
    raise ValueError(
        "expected scan VALUE [SYMBOLOGY], split VALUE N, garbage HEX…, pause SECONDS, unplug or replug"
    )
