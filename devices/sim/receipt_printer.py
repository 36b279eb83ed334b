"""A virtual ESC/POS receipt printer on a pseudo-terminal: it reads the same bytes a real one does.

    with VirtualReceiptPrinter(get_printer_profile("generic-58"), link=tmp_path / "ttyPRINTER") as printer:
        ...                                   # a driver prints to printer.path
        printer.lines()                       # what came out as text, line by line
        printer.save_png(tmp_path / "receipt.png")

It parses what it is sent with its own reader of the command set (devices.sim.escpos_parser), answers
real-time status (DLE EOT 1-4) at once whatever its state, answers GS r and GS ( H in turn, and keeps what
it printed (devices.sim.paper). It can be made to fail at any moment: `run_out_of_paper()` (or a roll of
`paper_mm` that runs out part-way through a receipt), `open_cover()`, `jam_cutter()`, `silent` (answers
nothing, like a printer switched off behind its USB adapter), `noise` (bytes sent before every answer),
`send_garbage()`, and `unplug()` / `replug()` (the pty closes, as a USB cable pulled).

While it cannot print it drops what it receives (counted in `dropped`) and answers only real-time status:
a real printer may keep the rest in its buffer and print it once paper is loaded.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import TracebackType

from PIL import Image

from devices.printer import escpos
from devices.printer.codepage import decode_text
from devices.printer.driver import EscPosPrinter
from devices.printer.profiles import PrinterProfile
from devices.printer.raster import image_from_raster
from devices.printer.status import PrinterStatus, StatusKind, status_bytes
from devices.sim.escpos_parser import (
    BarcodePrint,
    Command,
    CutCommand,
    EscPosParser,
    LineFeed,
    PaperSensorRequest,
    PrintableText,
    ProcessIdRequest,
    QrFunction,
    RasterImage,
    RealTimeStatus,
    Setting,
    Unknown,
)
from devices.sim.paper import (
    Cut,
    Fed,
    PaperItem,
    PrintedBarcode,
    PrintedImage,
    PrintedLine,
    PrintedQr,
    item_height,
    render_paper,
)
from devices.sim.print_modes import PrintModes
from devices.sim.pty import PtyEndpoint
from devices.transport.serial_port import SerialTransport, line_settings

NEAR_END_MM = 100.0  # the near-end sensor sits about this far before the end of the roll


class VirtualReceiptPrinter:
    def __init__(
        self, profile: PrinterProfile, *, link: Path | str | None = None, paper_mm: float | None = None
    ) -> None:
        self.profile = profile
        self.endpoint = PtyEndpoint(self._receive, link=link, name=f"printer-{profile.name}")
        self._lock = threading.Lock()
        self._parser = EscPosParser()
        self._code_pages = {number: codec for codec, number in profile.code_pages}
        self.paper_left_mm = paper_mm  # None: a roll that never ends
        self.cover_open = False
        self.cutter_error = False
        self.silent = False
        self.noise = b""
        self.paper: list[PaperItem] = []
        self.dropped = 0  # commands received while it could not print
        self.unknown: list[bytes] = []
        self._reset_modes()
        self._replug_timer: threading.Timer | None = None

    @property
    def path(self) -> str:
        return self.endpoint.path

    def start(self) -> VirtualReceiptPrinter:
        self.endpoint.start()
        return self

    def stop(self) -> None:
        with self._lock:
            if self._replug_timer is not None:
                self._replug_timer.cancel()
        self.endpoint.stop()

    def __enter__(self) -> VirtualReceiptPrinter:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ---------------------------------------------------------------- state

    @property
    def status(self) -> PrinterStatus:
        with self._lock:
            return self._status()

    def run_out_of_paper(self) -> None:
        with self._lock:
            self.paper_left_mm = 0.0

    def load_paper(self, mm: float | None = None) -> None:
        with self._lock:
            self.paper_left_mm = mm

    def open_cover(self) -> None:
        self.cover_open = True

    def close_cover(self) -> None:
        self.cover_open = False

    def jam_cutter(self) -> None:
        self.cutter_error = True

    def clear_cutter(self) -> None:
        self.cutter_error = False

    def send_garbage(self, data: bytes) -> None:
        self.endpoint.send(data)

    def unplug(self, for_s: float | None = None) -> None:
        self.endpoint.unplug()
        if for_s is not None:
            with self._lock:
                self._replug_timer = threading.Timer(for_s, self.replug)
                self._replug_timer.daemon = True
                self._replug_timer.start()

    def replug(self) -> None:
        self.endpoint.replug()

    # ---------------------------------------------------------------- what was printed

    def lines(self) -> list[str]:
        """The text lines printed, in order (pictures and codes left out)."""
        with self._lock:
            return [item.text for item in self.paper if isinstance(item, PrintedLine)]

    def receipts(self) -> list[list[PaperItem]]:
        """The paper cut into slips; what follows the last cut is the slip still in the printer."""
        with self._lock:
            slips: list[list[PaperItem]] = [[]]
            for item in self.paper:
                slips[-1].append(item)
                if isinstance(item, Cut):
                    slips.append([])
            return [slip for slip in slips if slip]

    def render(self, items: list[PaperItem] | None = None) -> Image.Image:
        with self._lock:
            shown = list(self.paper if items is None else items)
        return render_paper(shown, self.profile.dots_per_line, self.profile.line_spacing_dots)

    def save_png(self, path: Path, items: list[PaperItem] | None = None) -> None:
        self.render(items).save(path, optimize=True)

    # ---------------------------------------------------------------- the printer

    def _receive(self, chunk: bytes) -> bytes | None:
        with self._lock:
            return b"".join(self._apply(command) for command in self._parser.feed(chunk)) or None

    def _status(self) -> PrinterStatus:
        left = self.paper_left_mm
        paper_out = left is not None and left <= 0
        offline = paper_out or self.cover_open or self.cutter_error
        return PrinterStatus(
            online=not offline,
            cover_open=self.cover_open,
            paper_out=paper_out,
            paper_near_end=left is not None and left < NEAR_END_MM,
            cutter_error=self.cutter_error,
        )

    def _apply(self, command: Command) -> bytes:
        """What the printer answers to `command` (mostly nothing), printing what it says to print."""
        if isinstance(command, RealTimeStatus):
            if self.silent or command.kind not in (1, 2, 3, 4):
                return b""
            return self.noise + bytes((status_bytes(self._status())[StatusKind(command.kind)],))
        if not self._status().ready:
            self.dropped += 1
            return b""
        if isinstance(command, PaperSensorRequest | ProcessIdRequest):
            return b"" if self.silent else self.noise + self._answer_in_turn(command)
        self._print(command)
        return b""

    def _answer_in_turn(self, command: PaperSensorRequest | ProcessIdRequest) -> bytes:
        if isinstance(command, ProcessIdRequest):
            return escpos.process_id_answer(command.process_id)
        status = self._status()
        return bytes(((0x03 if status.paper_near_end else 0) | (0x0C if status.paper_out else 0),))

    def _print(self, command: Command) -> None:
        if isinstance(command, Setting):
            self._setting(command)
        elif isinstance(command, PrintableText):
            self._line += command.data
        elif isinstance(command, LineFeed):
            self._print_line()
        elif isinstance(command, CutCommand):
            self._flush_line()
            self._put(Fed(command.feed_dots))
            self._put(Cut(command.partial))
        elif isinstance(command, QrFunction):
            self._qr(command)
        elif isinstance(command, BarcodePrint):
            self._barcode(command)
        elif isinstance(command, RasterImage):
            image = image_from_raster(command.width_bytes, command.rows, command.data)
            self._put(PrintedImage(image, self.modes.align))
        elif isinstance(command, Unknown):
            self.unknown.append(command.data)

    def _setting(self, command: Setting) -> None:
        if command.name == "init":
            self._reset_modes()
        elif command.name == "feed":
            self._flush_line()
            self._put(Fed(command.value * self.profile.line_spacing_dots))
        else:
            self.modes.apply(command)

    def _reset_modes(self) -> None:
        self._line = bytearray()
        self.modes = PrintModes()

    def _flush_line(self) -> None:
        if self._line:
            self._print_line()

    def _print_line(self) -> None:
        codec = self._code_pages.get(self.modes.code_page, "cp437")
        text = decode_text(bytes(self._line), codec)
        self._line = bytearray()
        self._put(PrintedLine(text, self.modes.align, self.modes.bold, self.modes.width, self.modes.height))

    def _qr(self, command: QrFunction) -> None:
        if command.function == 0x43 and command.parameters:
            self.modes.qr_module = command.parameters[0]
        elif command.function == 0x50:
            self.modes.qr_data = command.parameters[1:]  # after m = 48
        elif command.function == 0x51 and self.modes.qr_data:
            self._put(
                PrintedQr(
                    self.modes.qr_data.decode("utf-8", "replace"), self.modes.qr_module, self.modes.align
                )
            )

    def _barcode(self, command: BarcodePrint) -> None:
        data = command.data
        if command.system == escpos.BARCODE_CODE128 and data[:1] == b"{":
            data = data[2:]  # the code-set selector
        value = data.decode("ascii", "replace")
        self._put(
            PrintedBarcode(
                value, self.modes.barcode_height, self.modes.barcode_module, self.modes.hri, self.modes.align
            )
        )

    def _put(self, item: PaperItem) -> None:
        """Prints `item` if the roll has room for it; else the roll runs out here and nothing more prints."""
        if not self._status().ready:
            self.dropped += 1
            return
        if self.paper_left_mm is not None:
            needed_mm = item_height(item, self.profile.line_spacing_dots) * 25.4 / self.profile.dpi
            if needed_mm > self.paper_left_mm:
                self.paper_left_mm = 0.0
                self.dropped += 1
                return
            self.paper_left_mm -= needed_mm
        self.paper.append(item)


@contextmanager
def simulated_printer(
    profile: PrinterProfile,
    link: Path | str,
    *,
    paper_mm: float | None = None,
    reconnect_wait_s: float = 1.0,
) -> Iterator[tuple[VirtualReceiptPrinter, EscPosPrinter]]:
    """A virtual printer on a pty at `link` and the real driver talking to it over pyserial."""
    with VirtualReceiptPrinter(profile, link=link, paper_mm=paper_mm) as printer:
        # Parity "N": a pty cannot keep parity (see devices.transport.serial_port).
        settings = line_settings(str(link), profile, reconnect_wait_s=reconnect_wait_s, reconnect_max_s=0.5)
        with EscPosPrinter(SerialTransport(replace(settings, parity="N")), profile) as driver:
            yield printer, driver
