"""A `Document` as one printer model's ESC/POS bytes.

Text goes out as text in the first of the model's code tables that can write it (Vietnamese in WPC1258 on
a printer that has it); a line no table can write is drawn with DejaVu Sans and sent as a raster image, so
a reader never gets a receipt with holes in the title. QR codes use the model's QR command, or are drawn
when it has none. Everything starts from ESC @, so whatever a previous job left set does not leak in.
"""

from __future__ import annotations

from devices.printer import escpos
from devices.printer.codepage import encode_text, printed_text
from devices.printer.document import (
    Barcode,
    Block,
    Columns,
    CutPaper,
    Document,
    Feed,
    QrCode,
    Rule,
    Text,
    shorten,
)
from devices.printer.escpos import Align
from devices.printer.profiles import Cutter, PrinterProfile
from devices.printer.raster import draw_text, qr_image, raster_bytes

TEAR_OFF_FEED_LINES = 4  # without a cutter, fed so that the last line clears the tear bar


class _Encoder:
    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self.code_page: int | None = None
        self.out = bytearray(escpos.INIT)

    def block(self, block: Block) -> None:
        if isinstance(block, Text):
            self.text(block)
        elif isinstance(block, Columns):
            self.columns(block)
        elif isinstance(block, Rule):
            self.line(block.char[:1] * self.profile.chars_per_line or "-", Align.LEFT)
        elif isinstance(block, Feed):
            self.out += escpos.feed_lines(block.lines)
        elif isinstance(block, QrCode):
            self.qr(block)
        elif isinstance(block, Barcode):
            self.out += escpos.align(block.align)
            self.out += escpos.barcode_code128(block.data) + escpos.LF
        elif isinstance(block, CutPaper):
            self.cut()

    def text(self, block: Text) -> None:
        columns = self.profile.chars_per_line // (2 if block.double else 1)
        self.line(fit_text(block.text, columns), block.align, bold=block.bold, double=block.double)

    def columns(self, block: Columns) -> None:
        width = self.profile.chars_per_line
        right = printed_text(block.right)[:width]
        left = fit_text(block.left, max(0, width - len(right) - 1))
        spaces = " " * (width - len(printed_text(left)) - len(right))
        encoded = self._encode(left + spaces + right)
        if encoded is not None:
            self._styled(encoded, Align.LEFT, bold=block.bold, double=False)
            return
        image = draw_text(
            block.left,
            self.profile.dots_per_line,
            size_px=self.profile.raster_font_px,
            bold=block.bold,
            right=right,
        )
        self.out += escpos.align(Align.LEFT) + raster_bytes(image, self.profile.raster_band_rows)

    def line(self, text: str, align: Align, *, bold: bool = False, double: bool = False) -> None:
        encoded = self._encode(text)
        if encoded is not None:
            self._styled(encoded, align, bold=bold, double=double)
            return
        size_px = self.profile.raster_font_px * (2 if double else 1)
        image = draw_text(text, self.profile.dots_per_line, size_px=size_px, bold=bold)
        self.out += escpos.align(align) + raster_bytes(image, self.profile.raster_band_rows)

    def qr(self, block: QrCode) -> None:
        self.out += escpos.align(block.align)
        if self.profile.qr:
            self.out += escpos.qr_code(block.data.encode("utf-8"), self.profile.qr_module_dots)
        else:
            self.out += raster_bytes(
                qr_image(block.data, self.profile.qr_module_dots), self.profile.raster_band_rows
            )
        self.out += escpos.LF

    def cut(self) -> None:
        self.out += escpos.align(Align.LEFT)
        if self.profile.cutter is Cutter.NONE:
            self.out += escpos.feed_lines(TEAR_OFF_FEED_LINES)
            return
        mode = escpos.Cut.FULL if self.profile.cutter is Cutter.FULL else escpos.Cut.PARTIAL
        self.out += escpos.cut(mode, self.profile.cut_feed_dots)

    def _encode(self, text: str) -> bytes | None:
        """`text` in the first code table that writes it, selecting that table if it is not current."""
        for codec, number in self.profile.code_pages:
            encoded = encode_text(text, codec)
            if encoded is not None:
                if number != self.code_page:
                    self.out += escpos.code_page(number)
                    self.code_page = number
                return encoded
        return None

    def _styled(self, encoded: bytes, align: Align, *, bold: bool, double: bool) -> None:
        self.out += escpos.align(align)
        if bold:
            self.out += escpos.emphasis(True)
        if double:
            self.out += escpos.size(2, 2)
        self.out += encoded + escpos.LF
        if double:
            self.out += escpos.size(1, 1)
        if bold:
            self.out += escpos.emphasis(False)


def fit_text(text: str, columns: int) -> str:
    """`text` shortened to `columns` printer columns as it will be printed: an ellipsis ("…") is written
    as "..." (code tables rarely have it), which must not push the line past the paper's edge."""
    fitted = shorten(text, columns)
    if len(printed_text(fitted)) <= columns:
        return fitted
    return shorten(printed_text(text), columns, ellipsis="...")


def encode_document(document: Document, profile: PrinterProfile) -> bytes:
    """The bytes that print `document` on a printer of `profile`, from ESC @ to the cut."""
    encoder = _Encoder(profile)
    for block in document:
        encoder.block(block)
    return bytes(encoder.out)
