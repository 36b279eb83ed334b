"""The modes an ESC/POS printer keeps between commands (alignment, bold, size, code table, barcode and QR
settings), as the simulated printer follows them. ESC @ sets them all back."""

from __future__ import annotations

from dataclasses import dataclass

from devices.printer.escpos import Align
from devices.sim.escpos_parser import Setting


@dataclass(slots=True)
class PrintModes:
    align: Align = Align.LEFT
    bold: bool = False
    width: int = 1
    height: int = 1
    code_page: int = 0
    barcode_height: int = 162
    barcode_module: int = 3
    hri: bool = False
    qr_module: int = 3
    qr_data: bytes = b""

    def apply(self, setting: Setting) -> bool:
        """Follows a mode command; False if `setting` is not one (a feed, say)."""
        name, value = setting.name, setting.value
        if name == "align":
            self.align = Align(value - 48 if value >= 48 else min(value, 2))
        elif name == "bold":
            self.bold = bool(value & 1)
        elif name == "size":
            self.width, self.height = (value >> 4) + 1, (value & 0x0F) + 1
        elif name == "code_page":
            self.code_page = value
        elif name == "barcode_height":
            self.barcode_height = value
        elif name == "barcode_width":
            self.barcode_module = value
        elif name == "hri":
            self.hri = value % 48 != 0
        else:
            return name in ("line_spacing", "print_mode", "underline", "double_strike", "font", "hri_font")
        return True
