"""Receipt printers speaking ESC/POS: commands and text (pure), model profiles (config/printers.toml), the
receipt layout, and the driver behind the `ReceiptPrinter` Protocol. docs/devices.md, "Receipt printer"."""

from devices.printer.document import Barcode, Columns, CutPaper, Document, Feed, QrCode, Rule, Text
from devices.printer.driver import EscPosPrinter, PrinterCounters, PrintResult, ReceiptPrinter
from devices.printer.encoder import encode_document
from devices.printer.errors import (
    PaperOutError,
    PrinterError,
    PrinterNotRespondingError,
    PrinterOfflineError,
    PrinterProfileError,
    PrinterStatusError,
)
from devices.printer.profiles import PrinterProfile, get_printer_profile, load_printer_profiles
from devices.printer.receipt import Outcome, Receipt, ReceiptItem, layout_receipt, mask_card
from devices.printer.status import PrinterStatus, Problem
from devices.printer.words import WORDS, ReceiptWords

__all__ = [
    "WORDS",
    "Barcode",
    "Columns",
    "CutPaper",
    "Document",
    "EscPosPrinter",
    "Feed",
    "Outcome",
    "PaperOutError",
    "PrintResult",
    "PrinterCounters",
    "PrinterError",
    "PrinterNotRespondingError",
    "PrinterOfflineError",
    "PrinterProfile",
    "PrinterProfileError",
    "PrinterStatus",
    "PrinterStatusError",
    "Problem",
    "QrCode",
    "Receipt",
    "ReceiptItem",
    "ReceiptPrinter",
    "ReceiptWords",
    "Rule",
    "Text",
    "encode_document",
    "get_printer_profile",
    "layout_receipt",
    "load_printer_profiles",
    "mask_card",
]
