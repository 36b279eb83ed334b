"""The printed receipt as a picture: saved for docs/screenshots in both languages (under var/ unless
UPDATE_SCREENSHOTS=1, as the browser screenshots), and its QR code read back by a barcode decoder — drawn by
the encoder for a printer without the QR command, or printed by the command where the model has it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from devices.barcode.image import decode_image
from devices.printer import Barcode, CutPaper, Text, get_printer_profile
from devices.printer.escpos import Align
from devices.sim.paper import PrintedBarcode, PrintedImage, PrintedQr
from devices.sim.receipt_printer import simulated_printer
from tests.contract.devices.printer.receipts import RECEIPT_EN, RECEIPT_VI
from tests.support.browser import SCREENSHOTS

RECEIPTS = {"vi": RECEIPT_VI, "en": RECEIPT_EN}
PAPER = {"tm-t88": "80mm", "generic-58": "58mm"}


@pytest.mark.parametrize("profile_name", sorted(PAPER))
@pytest.mark.parametrize("lang", sorted(RECEIPTS))
def test_the_printed_receipt_as_a_picture(profile_name: str, lang: str, tmp_path: Path) -> None:
    profile = get_printer_profile(profile_name)
    with simulated_printer(profile, tmp_path / "ttyPRINTER") as (sim, driver):
        driver.print_receipt(RECEIPTS[lang])
        picture = sim.render()
        kinds = {type(item) for item in sim.paper}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    picture.save(SCREENSHOTS / f"printer-receipt-{PAPER[profile_name]}.{lang}.png", optimize=True)
    assert picture.width == profile.dots_per_line + 32
    assert (PrintedQr in kinds) is profile.qr
    assert (PrintedImage in kinds) is not profile.vietnamese
    png = io.BytesIO()
    picture.save(png, format="PNG")
    scan = decode_image(png.getvalue())
    assert [symbol.value for symbol in scan.symbols] == ["https://thuvien.example.edu.vn/tai-khoan"]


def test_a_barcode_comes_out_readable(tmp_path: Path) -> None:
    profile = get_printer_profile("generic-80")
    document = (Text("Phiếu giữ sách", Align.CENTER, bold=True), Barcode("VV000123"), CutPaper())
    with simulated_printer(profile, tmp_path / "ttyPRINTER") as (sim, driver):
        driver.print_document(document)
        [barcode] = [item for item in sim.paper if isinstance(item, PrintedBarcode)]
        picture = sim.render()
    assert (barcode.data, barcode.hri, barcode.align) == ("VV000123", True, Align.CENTER)
    png = io.BytesIO()
    picture.save(png, format="PNG")
    assert [symbol.value for symbol in decode_image(png.getvalue()).symbols] == ["VV000123"]
